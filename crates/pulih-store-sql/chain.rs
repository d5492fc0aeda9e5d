//! The audit chain and the change feed.
//!
//! A write appends its audit events and change-feed entries to `audit_pending` and
//! `changes_pending`, in its own transaction and without any lock shared by all writers.
//! The chainer ([`chain`]) moves committed pending rows on, in the order it finds them:
//! each audit entry gets the next `seq` and the hash of its fields linked to the previous
//! hash, each change the next feed `seq`, and `chain_head` the new length and last hash,
//! all in one transaction. One chainer runs at a time (it locks `chain_head`).
//!
//! When the chainer runs is the backends' one difference here ([`crate::dialect`]): the
//! SQLite writer runs it at the end of every batch, inside the batch's transaction;
//! PostgreSQL runs it after commits, in a transaction of its own. Either way a feed seq is
//! given only to a committed row and only by the one chainer, so the feed's order is the
//! order rows become visible: a reader following `seq > cursor` never skips a row that
//! commits late (which writers numbering their own rows from a sequence allow).
//!
//! Links are keyed ([`pulih_domain::audit::Links`]): the key is set once after the store
//! opens ([`KeySlot`]), from the server's keys, and until then a write that has audit
//! entries to chain fails rather than chaining them without it.
//!
//! What is still detected: an altered, removed or reordered chained entry breaks the hash
//! of every later link; a tail cut from `audit_log` leaves a chain shorter than
//! `chain_head` says (and than the signed checkpoints kept outside the database). Until
//! the chainer moves a pending row (on PostgreSQL, milliseconds after its commit) it has
//! no place in the chain; holding that window short is why the chainer runs after every
//! commit rather than on a timer.

use std::sync::{Arc, OnceLock};

use pulih_domain::audit::{AuditEntry, AuditEvent, ChainHead, ChainKey, Links};
use pulih_domain::region::Scope;
use pulih_store::{Change, StoreError, StoreResult};
use sqlx::QueryBuilder;

use super::errors::map_err;
use super::reach::push_scope;
use super::rows::{self, get};
use crate::db::{Conn, Db, Pool};
use crate::dialect;

/// A change-feed entry a write appends: which record, at which version, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChangeEntry {
    /// Kind of record, e.g. `client_fact`.
    pub entity: &'static str,
    /// Its id.
    pub entity_id: String,
    /// Its version after the write.
    pub version: i64,
    /// Where it lies (`ID` for national).
    pub region: String,
}

/// The chain's key, set once when the server's keys are open; shared by the store and
/// the task that chains.
pub(crate) type KeySlot = Arc<OnceLock<ChainKey>>;

/// Sets the chain's key; setting another key later is refused.
pub(crate) fn set_key(slot: &KeySlot, key: ChainKey) -> StoreResult<()> {
    let set = slot.get_or_init(|| key.clone());
    if *set == key {
        Ok(())
    } else {
        Err(StoreError::Refused("conflict.chain_key"))
    }
}

/// Most pending rows one round of the chainer moves (and rows per insert statement).
const ROUND: i64 = 1_000;

/// Appends a write's audit events and change entries to the pending tables.
pub(crate) async fn pend(
    conn: &mut Conn,
    events: &[AuditEvent],
    changes: &[ChangeEntry],
    at: chrono::DateTime<chrono::Utc>,
) -> StoreResult<()> {
    if !events.is_empty() {
        let mut q = QueryBuilder::<Db>::new(
            "insert into audit_pending (at, actor, action, record_type, record_id, region, ip, detail) ",
        );
        q.push_values(events, |mut b, e| {
            b.push_bind(e.at)
                .push_bind(e.actor.clone())
                .push_bind(e.action.clone())
                .push_bind(e.record_type.clone())
                .push_bind(e.record_id.clone())
                .push_bind(e.region.clone())
                .push_bind(e.ip.clone())
                .push_bind(e.detail.clone());
        });
        q.build().execute(&mut *conn).await.map_err(map_err)?;
    }
    if !changes.is_empty() {
        let mut q = QueryBuilder::<Db>::new(
            "insert into changes_pending (entity, entity_id, version, region, at) ",
        );
        q.push_values(changes, |mut b, c| {
            b.push_bind(c.entity)
                .push_bind(c.entity_id.clone())
                .push_bind(c.version)
                .push_bind(c.region.clone())
                .push_bind(at);
        });
        q.build().execute(&mut *conn).await.map_err(map_err)?;
    }
    Ok(())
}

/// Moves every pending row into the chain and the feed, in rounds of [`ROUND`], inside
/// the caller's transaction; returns how many rows moved.
/// The same run adds the pending tallies to the rollups ([`super::rollups::fold`]).
pub(crate) async fn chain(conn: &mut Conn, key: &KeySlot) -> StoreResult<u64> {
    let mut moved = 0;
    loop {
        let round = chain_round(conn, key.get()).await?;
        moved += round;
        if round < ROUND as u64 {
            super::rollups::fold(conn).await?;
            return Ok(moved);
        }
    }
}

async fn chain_round(conn: &mut Conn, key: Option<&ChainKey>) -> StoreResult<u64> {
    let head = sqlx::query(&format!(
        "select seq, hash, keyed_from from chain_head where one = 1{}",
        dialect::for_update("chain_head")
    ))
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?;
    let (mut seq, mut hash): (i64, String) = (get(&head, "seq")?, get(&head, "hash")?);
    let pending = sqlx::query("select * from audit_pending order by id limit $1")
        .bind(ROUND)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_err)?;
    let mut entries = Vec::with_capacity(pending.len());
    let mut ids = Vec::with_capacity(pending.len());
    if !pending.is_empty() {
        let key = key.ok_or_else(|| {
            crate::sql::errors::backend(std::io::Error::other(
                "audit entries wait for the chain key, which is not set yet",
            ))
        })?;
        let links = Links {
            keyed_from: get(&head, "keyed_from")?,
            key,
        };
        for row in &pending {
            ids.push(get::<i64>(row, "id")?);
            let event = AuditEvent {
                at: get(row, "at")?,
                actor: get(row, "actor")?,
                action: get(row, "action")?,
                record_type: get(row, "record_type")?,
                record_id: get(row, "record_id")?,
                region: get(row, "region")?,
                ip: get(row, "ip")?,
                detail: get(row, "detail")?,
            };
            seq += 1;
            let next = links.hash(&event, seq, &hash);
            entries.push(AuditEntry {
                seq,
                event,
                prev_hash: std::mem::replace(&mut hash, next.clone()),
                hash: next,
            });
        }
    }
    if !entries.is_empty() {
        let mut q = QueryBuilder::<Db>::new(
            "insert into audit_log (seq, at, actor, action, record_type, record_id, region, ip, detail, prev_hash, hash) ",
        );
        q.push_values(&entries, |mut b, e| {
            b.push_bind(e.seq)
                .push_bind(e.event.at)
                .push_bind(e.event.actor.clone())
                .push_bind(e.event.action.clone())
                .push_bind(e.event.record_type.clone())
                .push_bind(e.event.record_id.clone())
                .push_bind(e.event.region.clone())
                .push_bind(e.event.ip.clone())
                .push_bind(e.event.detail.clone())
                .push_bind(e.prev_hash.clone())
                .push_bind(e.hash.clone());
        });
        q.build().execute(&mut *conn).await.map_err(map_err)?;
        delete_pending(conn, "audit_pending", &ids).await?;
        sqlx::query("update chain_head set seq = $1, hash = $2 where one = 1")
            .bind(seq)
            .bind(&hash)
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
    }
    let changes = move_changes(conn).await?;
    Ok(entries.len().max(changes) as u64)
}

/// Moves up to [`ROUND`] pending changes into the feed, oldest first: the feed's seq is
/// given by the insert, in that order.
async fn move_changes(conn: &mut Conn) -> StoreResult<usize> {
    let pending = sqlx::query(
        "select id, entity, entity_id, version, region, at from changes_pending order by id limit $1",
    )
    .bind(ROUND)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_err)?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut ids = Vec::with_capacity(pending.len());
    let mut q =
        QueryBuilder::<Db>::new("insert into changes (entity, entity_id, version, region, at) ");
    let mut values = Vec::with_capacity(pending.len());
    for row in &pending {
        ids.push(get::<i64>(row, "id")?);
        values.push((
            get::<String>(row, "entity")?,
            get::<String>(row, "entity_id")?,
            get::<i64>(row, "version")?,
            get::<String>(row, "region")?,
            get::<chrono::DateTime<chrono::Utc>>(row, "at")?,
        ));
    }
    q.push_values(values, |mut b, (entity, id, version, region, at)| {
        b.push_bind(entity)
            .push_bind(id)
            .push_bind(version)
            .push_bind(region)
            .push_bind(at);
    });
    q.build().execute(&mut *conn).await.map_err(map_err)?;
    delete_pending(conn, "changes_pending", &ids).await?;
    Ok(pending.len())
}

/// Deletes the pending rows moved, by id: on PostgreSQL a row with a lower id may commit
/// after the round read the table, and must stay for the next round.
async fn delete_pending(conn: &mut Conn, table: &str, ids: &[i64]) -> StoreResult<()> {
    let mut q = QueryBuilder::<Db>::new(format!("delete from {table} where id in ("));
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
    q.build().execute(conn).await.map_err(map_err)?;
    Ok(())
}

/// The chain's length, last hash and first keyed entry, as the chainer left them.
pub(crate) async fn head(pool: &Pool) -> StoreResult<ChainHead> {
    let row = sqlx::query("select seq, hash, keyed_from from chain_head where one = 1")
        .fetch_one(pool)
        .await
        .map_err(map_err)?;
    Ok(ChainHead {
        seq: get(&row, "seq")?,
        hash: get(&row, "hash")?,
        keyed_from: get(&row, "keyed_from")?,
    })
}

/// Chained entries in sequence order after `after_seq`, at most `limit`.
pub(crate) async fn range(pool: &Pool, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let found = sqlx::query("select * from audit_log where seq > $1 order by seq limit $2")
        .bind(after_seq)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    found.iter().map(rows::audit_entry).collect()
}

/// Chained entries inside `scope`, newest first, before `before_seq` if given.
pub(crate) async fn page(
    pool: &Pool,
    scope: &Scope,
    before_seq: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let mut q = QueryBuilder::<Db>::new("select * from audit_log where ");
    push_scope(&mut q, "region", scope);
    if let Some(before) = before_seq {
        q.push(" and seq < ").push_bind(before);
    }
    q.push(" order by seq desc limit ").push_bind(limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::audit_entry).collect()
}

/// Chained entries about the records `ids` of kind `record_type`, oldest first.
pub(crate) async fn about(
    pool: &Pool,
    record_type: &str,
    ids: &[String],
) -> StoreResult<Vec<AuditEntry>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new("select * from audit_log where record_type = ");
    q.push_bind(record_type).push(" and record_id in (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(id.clone());
    }
    q.push(") order by seq");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::audit_entry).collect()
}

/// Feed entries inside `scope` after `after_seq`, at most `limit`, in feed order.
pub(crate) async fn changes_after(
    pool: &Pool,
    scope: &Scope,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<Change>> {
    let mut q = QueryBuilder::<Db>::new("select * from changes where ");
    push_scope(&mut q, "region", scope);
    q.push(" and seq > ")
        .push_bind(after_seq)
        .push(" order by seq limit ")
        .push_bind(limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|r| {
            Ok(Change {
                seq: get(r, "seq")?,
                entity: get(r, "entity")?,
                entity_id: get(r, "entity_id")?,
                version: get(r, "version")?,
                region: get(r, "region")?,
            })
        })
        .collect()
}
