//! Audit chain, change feed and idempotency records in SQLite.

use chrono::{DateTime, Utc};
use pulih_domain::audit::{AuditEntry, AuditEvent, GENESIS};
use pulih_domain::ids::UserId;
use pulih_domain::region::Scope;
use pulih_store::{Change, StoreResult, StoredResponse};
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::{map_err, rows, scope_filter};

/// Appends `event` to the chain inside the caller's transaction. The single writer
/// connection serialises appends, so reading the last hash here is race-free.
pub(crate) async fn append(conn: &mut SqliteConnection, event: &AuditEvent) -> StoreResult<()> {
    let last = sqlx::query("select seq, hash from audit_log order by seq desc limit 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?;
    let (prev_seq, prev_hash) = match last {
        Some(r) => (
            r.try_get("seq").map_err(map_err)?,
            r.try_get("hash").map_err(map_err)?,
        ),
        None => (0, GENESIS.to_owned()),
    };
    let seq = prev_seq + 1;
    let hash = event.chain_hash(seq, &prev_hash);
    sqlx::query(
        "insert into audit_log (seq, at, actor, action, record_type, record_id, region, ip, detail, prev_hash, hash) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .bind(seq)
    .bind(event.at)
    .bind(&event.actor)
    .bind(&event.action)
    .bind(&event.record_type)
    .bind(&event.record_id)
    .bind(&event.region)
    .bind(&event.ip)
    .bind(&event.detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Appends a change-feed entry inside the caller's transaction.
pub(crate) async fn change(
    conn: &mut SqliteConnection,
    entity: &str,
    id: &str,
    version: i64,
    region: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "insert into changes (entity, entity_id, version, region, at) values (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(entity)
    .bind(id)
    .bind(version)
    .bind(region)
    .bind(at)
    .execute(conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

pub(crate) async fn range(
    pool: &SqlitePool,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query("select * from audit_log where seq > ?1 order by seq limit ?2")
        .bind(after_seq)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    rows.iter().map(rows::audit_entry).collect()
}

pub(crate) async fn page(
    pool: &SqlitePool,
    scope: &Scope,
    before_seq: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let (filter, param) = scope_filter("region", scope);
    let rows = sqlx::query(&format!(
        "select * from audit_log where {filter} and (?2 is null or seq < ?2) order by seq desc limit ?3"
    ))
    .bind(param)
    .bind(before_seq)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter().map(rows::audit_entry).collect()
}

pub(crate) async fn changes_after(
    pool: &SqlitePool,
    scope: &Scope,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<Change>> {
    let (filter, param) = scope_filter("region", scope);
    let rows = sqlx::query(&format!(
        "select * from changes where {filter} and seq > ?2 order by seq limit ?3"
    ))
    .bind(param)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                seq: r.try_get("seq").map_err(map_err)?,
                entity: r.try_get("entity").map_err(map_err)?,
                entity_id: r.try_get("entity_id").map_err(map_err)?,
                version: r.try_get("version").map_err(map_err)?,
                region: r.try_get("region").map_err(map_err)?,
            })
        })
        .collect()
}

pub(crate) async fn idempotent_response(
    pool: &SqlitePool,
    user: UserId,
    key: &str,
) -> StoreResult<Option<StoredResponse>> {
    let row = sqlx::query(
        "select status, body, fingerprint from idempotency where user_id = ?1 and key = ?2",
    )
    .bind(user.as_uuid())
    .bind(key)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?;
    row.map(|r| {
        Ok(StoredResponse {
            status: r.try_get::<i64, _>("status").map_err(map_err)? as u16,
            body: r.try_get("body").map_err(map_err)?,
            fingerprint: r.try_get("fingerprint").map_err(map_err)?,
        })
    })
    .transpose()
}

pub(crate) async fn save_idempotent_response(
    conn: &mut SqliteConnection,
    user: UserId,
    key: &str,
    response: &StoredResponse,
) -> StoreResult<()> {
    sqlx::query(
        "insert into idempotency (user_id, key, status, body, fingerprint, created_at) values (?1, ?2, ?3, ?4, ?5, ?6) \
         on conflict (user_id, key) do nothing",
    )
    .bind(user.as_uuid())
    .bind(key)
    .bind(i64::from(response.status))
    .bind(&response.body)
    .bind(&response.fingerprint)
    .bind(Utc::now())
    .execute(conn)
    .await
    .map_err(map_err)?;
    Ok(())
}
