//! Police liaisons' hand-offs and the re-arrest linkage: hand-offs are joined to clients
//! on the NIK's keyed hash only here, and only counts leave.

use async_trait::async_trait;
use pulih_domain::handoff::{HandoffKind, REARREST_MONTHS};
use pulih_domain::ids::{HandoffId, OrgId};
use pulih_domain::region::RegionCode;
use pulih_store::{
    Handoff, HandoffEntry, LinkageCounts, LinkageQuery, LinkageTx, StoreResult, kind_counts,
};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::push_scope;
use super::rows::get;
use crate::db::{Db, Pool};
use crate::dialect;

/// Rows per insert statement (8 parameters each).
const CHUNK: usize = 500;

pub(crate) async fn org_handoffs(
    pool: &Pool,
    org: OrgId,
    limit: i64,
) -> StoreResult<Vec<HandoffEntry>> {
    let found = sqlx::query(
        "select id, kind, occurred_on, region, recorded_at from handoffs \
         where org_id = $1 order by id desc limit $2",
    )
    .bind(org.as_uuid())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            Ok(HandoffEntry {
                id: HandoffId::from_uuid(get(row, "id")?),
                kind: HandoffKind::parse(get(row, "kind")?).map_err(backend)?,
                occurred_on: get(row, "occurred_on")?,
                region: RegionCode::parse(get(row, "region")?).map_err(backend)?,
                recorded_at: get(row, "recorded_at")?,
            })
        })
        .collect()
}

/// Appends `h` in the query's region and period.
fn push_place(q: &mut QueryBuilder<'_, Db>, query: &LinkageQuery) {
    push_scope(q, "h.region", &query.place);
    q.push(" and h.occurred_on >= ")
        .push_bind(query.from)
        .push(" and h.occurred_on <= ")
        .push_bind(query.to);
}

pub(crate) async fn linkage_counts(
    pool: &Pool,
    query: &LinkageQuery,
) -> StoreResult<LinkageCounts> {
    // a past client: not erased, with an episode opened before the hand-off's date
    let mut q = QueryBuilder::<Db>::new(
        "select h.kind, count(*) as recorded, count(*) filter (where exists (select 1 \
         from clients c join client_facts f on f.client_id = c.id \
         where c.nik_hash = h.nik_hash and c.erased_at is null \
         and f.kind = 'episode' and f.occurred_on < h.occurred_on)) as matched \
         from handoffs h where ",
    );
    push_place(&mut q, query);
    q.push(" group by h.kind");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    let found = found
        .iter()
        .map(|r| Ok((get(r, "kind")?, get(r, "recorded")?, get(r, "matched")?)))
        .collect::<StoreResult<Vec<_>>>()?;
    let mut q = QueryBuilder::<Db>::new(format!(
        "select count(distinct c.id) as n from handoffs h \
         join clients c on c.nik_hash = h.nik_hash and c.erased_at is null \
         join client_facts a on a.client_id = c.id and a.kind = 'aftercare_end' \
         where h.kind = 'arrest' and h.occurred_on > a.occurred_on and h.occurred_on <= {} and ",
        dialect::months_after("a.occurred_on", REARREST_MONTHS)
    ));
    push_place(&mut q, query);
    let rearrested = q.build().fetch_one(pool).await.map_err(map_err)?;
    Ok(LinkageCounts {
        kinds: kind_counts(&found),
        rearrested_after_aftercare: get(&rearrested, "n")?,
    })
}

#[async_trait]
impl LinkageTx for SqlTx<'_> {
    async fn insert_handoffs(&mut self, handoffs: &[Handoff]) -> StoreResult<()> {
        for chunk in handoffs.chunks(CHUNK) {
            let mut q = QueryBuilder::<Db>::new(
                "insert into handoffs (id, kind, occurred_on, region, org_id, recorded_by, \
                 recorded_at, nik_hash) ",
            );
            q.push_values(chunk, |mut b, h| {
                b.push_bind(h.id.as_uuid())
                    .push_bind(h.kind.key())
                    .push_bind(h.occurred_on)
                    .push_bind(h.region.as_str())
                    .push_bind(h.org.as_uuid())
                    .push_bind(h.recorded_by.as_uuid())
                    .push_bind(h.recorded_at)
                    .push_bind(h.nik_hash.as_str());
            });
            q.build().execute(&mut *self.conn).await.map_err(map_err)?;
        }
        for h in handoffs {
            self.changed("handoff", h.id, 1, h.region.as_str());
        }
        Ok(())
    }
}
