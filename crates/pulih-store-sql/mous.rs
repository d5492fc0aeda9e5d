//! MoUs with their parties (in `coordination_parties`) and the referrals done under them.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::coordination::mou::{MouScope, MouStatus};
use pulih_domain::ids::{MouId, ReferralId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{CoordinationReach, Mou, StoreError, StoreResult};
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::coordination::{insert_parties, parties_of, push_reach};
use super::errors::{backend, map_err};
use super::rows::get;
use crate::db::{Conn, Db, DbRow, Pool};

fn scopes_text(scopes: &[MouScope]) -> String {
    scopes.iter().map(|s| s.key()).collect::<Vec<_>>().join(",")
}

fn mou(
    row: &DbRow,
    parties: &mut std::collections::HashMap<Uuid, Vec<pulih_domain::coordination::Party>>,
    links: &mut std::collections::HashMap<Uuid, Vec<ReferralId>>,
) -> StoreResult<Mou> {
    let id: Uuid = get(row, "id")?;
    let scopes: String = get(row, "scopes")?;
    let term: Option<i64> = get(row, "term_months")?;
    Ok(Mou {
        id: MouId::from_uuid(id),
        region: RegionCode::parse(get(row, "region")?).map_err(backend)?,
        title: get(row, "title")?,
        document_no: get(row, "document_no")?,
        parties: parties.remove(&id).unwrap_or_default(),
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(MouScope::parse)
            .collect::<Result<_, _>>()
            .map_err(backend)?,
        status: MouStatus::parse(get(row, "status")?).map_err(backend)?,
        signed_on: get(row, "signed_on")?,
        term_months: term.map(u32::try_from).transpose().map_err(backend)?,
        ends_on: get(row, "ends_on")?,
        referrals: links.remove(&id).unwrap_or_default(),
        version: get(row, "version")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

async fn from_rows(pool: &Pool, rows: Vec<DbRow>) -> StoreResult<Vec<Mou>> {
    let ids: Vec<Uuid> = rows
        .iter()
        .map(|r| get(r, "id"))
        .collect::<StoreResult<_>>()?;
    let mut parties = parties_of(pool, &ids).await?;
    let mut links: std::collections::HashMap<Uuid, Vec<ReferralId>> = Default::default();
    if !ids.is_empty() {
        let mut q = QueryBuilder::<Db>::new(
            "select mou_id, referral_id from mou_referrals where mou_id in (",
        );
        let mut list = q.separated(", ");
        for id in &ids {
            list.push_bind(*id);
        }
        q.push(") order by linked_at, referral_id");
        for row in q.build().fetch_all(pool).await.map_err(map_err)? {
            links
                .entry(get(&row, "mou_id")?)
                .or_default()
                .push(ReferralId::from_uuid(get(&row, "referral_id")?));
        }
    }
    rows.iter()
        .map(|r| mou(r, &mut parties, &mut links))
        .collect()
}

pub(crate) async fn by_id(pool: &Pool, id: MouId) -> StoreResult<Option<Mou>> {
    let rows = sqlx::query("select * from mous where id = $1")
        .bind(id.as_uuid())
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    Ok(from_rows(pool, rows).await?.pop())
}

/// The MoUs `reach` holds; with `ending`, only signed ones ending in that span.
pub(crate) async fn list(
    pool: &Pool,
    reach: &CoordinationReach,
    ending: Option<(NaiveDate, NaiveDate)>,
    limit: i64,
) -> StoreResult<Vec<Mou>> {
    let mut q = QueryBuilder::<Db>::new("select m.* from mous m where ");
    push_reach(&mut q, "m.region", reach, |q, org| {
        q.push(
            "exists (select 1 from coordination_parties p where p.record_id = m.id and p.org_id = ",
        )
        .push_bind(org)
        .push(")");
    });
    match ending {
        Some((from, to)) => {
            q.push(" and m.status = 'signed' and m.ends_on >= ")
                .push_bind(from)
                .push(" and m.ends_on <= ")
                .push_bind(to)
                .push(" order by m.ends_on, m.id");
        }
        None => {
            q.push(" order by m.recorded_at desc, m.id desc");
        }
    }
    q.push(" limit ").push_bind(limit);
    let rows = q.build().fetch_all(pool).await.map_err(map_err)?;
    from_rows(pool, rows).await
}

pub(crate) async fn insert(conn: &mut Conn, m: &Mou) -> StoreResult<()> {
    sqlx::query(
        "insert into mous (id, region, title, document_no, scopes, status, signed_on, \
         term_months, ends_on, version, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(m.id.as_uuid())
    .bind(m.region.as_str())
    .bind(&m.title)
    .bind(&m.document_no)
    .bind(scopes_text(&m.scopes))
    .bind(m.status.key())
    .bind(m.signed_on)
    .bind(m.term_months.map(i64::from))
    .bind(m.ends_on)
    .bind(m.version)
    .bind(m.recorded_by.as_uuid())
    .bind(m.recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    insert_parties(conn, m.id.as_uuid(), &m.parties).await
}

pub(crate) async fn update(conn: &mut Conn, m: &Mou, version: i64) -> StoreResult<i64> {
    let done = sqlx::query(
        "update mous set status = $1, signed_on = $2, term_months = $3, ends_on = $4, \
         version = version + 1 where id = $5 and version = $6",
    )
    .bind(m.status.key())
    .bind(m.signed_on)
    .bind(m.term_months.map(i64::from))
    .bind(m.ends_on)
    .bind(m.id.as_uuid())
    .bind(version)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(version + 1)
}

pub(crate) async fn link(
    conn: &mut Conn,
    mou: MouId,
    referral: ReferralId,
    by: UserId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "insert into mou_referrals (mou_id, referral_id, linked_by, linked_at) \
         values ($1, $2, $3, $4) on conflict (mou_id, referral_id) do nothing",
    )
    .bind(mou.as_uuid())
    .bind(referral.as_uuid())
    .bind(by.as_uuid())
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Duplicate("referral"));
    }
    Ok(())
}
