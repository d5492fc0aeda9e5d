//! Hand-offs and re-arrest linkage in SQLite, behind [`LinkageStore`].

use async_trait::async_trait;
use pulih_domain::audit::AuditEvent;
use pulih_domain::handoff::{HandoffKind, REARREST_MONTHS};
use pulih_domain::ids::{HandoffId, OrgId};
use pulih_domain::region::RegionCode;
use pulih_store::{
    Handoff, HandoffEntry, LinkageCounts, LinkageQuery, LinkageStore, StoreResult, kind_counts,
};
use sqlx::{Row, SqliteConnection};

use crate::{SqliteStore, audit, backend, below, map_err};

async fn add_handoffs(
    conn: &mut SqliteConnection,
    handoffs: &[Handoff],
    event: &AuditEvent,
) -> StoreResult<()> {
    audit::append(conn, event).await?;
    for h in handoffs {
        sqlx::query(
            "insert into handoffs (id, kind, occurred_on, region, org_id, recorded_by, recorded_at, nik_hash) \
             values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(h.id.as_uuid())
        .bind(h.kind.key())
        .bind(h.occurred_on)
        .bind(h.region.as_str())
        .bind(h.org.as_uuid())
        .bind(h.recorded_by.as_uuid())
        .bind(h.recorded_at)
        .bind(&h.nik_hash)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
        audit::change(
            conn,
            "handoff",
            &h.id.to_string(),
            1,
            h.region.as_str(),
            event.at,
        )
        .await?;
    }
    Ok(())
}

/// A date twelve months after `column`; a day the later month lacks (29 February) becomes
/// its last day, as PostgreSQL's `+ interval '12 months'` does.
fn months_after(column: &str) -> String {
    format!(
        "min(date({column}, '+{REARREST_MONTHS} months'), \
         date({column}, 'start of month', '+{} months', '-1 day'))",
        REARREST_MONTHS + 1
    )
}

#[async_trait]
impl LinkageStore for SqliteStore {
    async fn add_handoffs(&self, handoffs: &[Handoff], event: &AuditEvent) -> StoreResult<()> {
        let (handoffs, event) = (handoffs.to_vec(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { add_handoffs(c, &handoffs, &event).await }))
            .await
    }

    async fn org_handoffs(&self, org: OrgId, limit: i64) -> StoreResult<Vec<HandoffEntry>> {
        let rows = sqlx::query(
            "select id, kind, occurred_on, region, recorded_at from handoffs \
             where org_id = ?1 order by id desc limit ?2",
        )
        .bind(org.as_uuid())
        .bind(limit)
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind").map_err(map_err)?;
                let region: String = row.try_get("region").map_err(map_err)?;
                Ok(HandoffEntry {
                    id: HandoffId::from_uuid(row.try_get("id").map_err(map_err)?),
                    kind: HandoffKind::parse(&kind).map_err(backend)?,
                    occurred_on: row.try_get("occurred_on").map_err(map_err)?,
                    region: RegionCode::parse(&region).map_err(backend)?,
                    recorded_at: row.try_get("recorded_at").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn linkage_counts(&self, q: &LinkageQuery) -> StoreResult<LinkageCounts> {
        let place = format!(
            "(h.region = ?1 or {}) and h.occurred_on >= ?2 and h.occurred_on <= ?3",
            below("h.region", "?1")
        );
        // a past client: not erased, with an episode opened before the hand-off's date
        let rows = sqlx::query(&format!(
            "select h.kind, count(*) as recorded, \
             sum(case when exists (select 1 from clients c join client_facts f on f.client_id = c.id \
                 where c.nik_hash = h.nik_hash and c.erased_at is null \
                 and f.kind = 'episode' and f.occurred_on < h.occurred_on) then 1 else 0 end) as matched \
             from handoffs h where {place} group by h.kind"
        ))
        .bind(q.region.as_str())
        .bind(q.from)
        .bind(q.to)
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        let found = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("kind").map_err(map_err)?,
                    r.try_get("recorded").map_err(map_err)?,
                    r.try_get("matched").map_err(map_err)?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let rearrested: i64 = sqlx::query_scalar(&format!(
            "select count(distinct c.id) from handoffs h \
             join clients c on c.nik_hash = h.nik_hash and c.erased_at is null \
             join client_facts a on a.client_id = c.id and a.kind = 'aftercare_end' \
             where h.kind = 'arrest' and {place} \
             and h.occurred_on > a.occurred_on and h.occurred_on <= {}",
            months_after("a.occurred_on")
        ))
        .bind(q.region.as_str())
        .bind(q.from)
        .bind(q.to)
        .fetch_one(&self.reader)
        .await
        .map_err(map_err)?;
        Ok(LinkageCounts {
            kinds: kind_counts(&found),
            rearrested_after_aftercare: rearrested,
        })
    }
}
