//! The write envelope: the one place a write's idempotency claim, audit events,
//! change-feed entries, rollup tallies and answer are recorded, in the write's own transaction.
//!
//! [`run`] is called by each backend inside a transaction it owns (a savepoint of the
//! SQLite writer's batch; a pooled PostgreSQL transaction) and commits nothing itself.

use chrono::Utc;
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::rollup::Tally;
use pulih_store::{Claim, Outcome, StoreError, StoreResult, Tx, Work};

use super::chain::{self, ChangeEntry};
use super::errors::map_err;
use super::rows::get;
use crate::db::{Conn, Pool};

/// A write's transaction: the connection plus what the envelope will append.
pub(crate) struct SqlTx<'c> {
    /// The transaction's connection.
    pub(crate) conn: &'c mut Conn,
    events: Vec<AuditEvent>,
    changes: Vec<ChangeEntry>,
    tallies: Vec<Tally>,
    answer: String,
    client: Option<ClientId>,
}

impl<'c> SqlTx<'c> {
    fn new(conn: &'c mut Conn) -> Self {
        Self {
            conn,
            events: Vec::new(),
            changes: Vec::new(),
            tallies: Vec::new(),
            answer: String::new(),
            client: None,
        }
    }

    /// Notes a change-feed entry for a record this write created or changed.
    pub(crate) fn changed(
        &mut self,
        entity: &'static str,
        id: impl ToString,
        version: i64,
        region: impl ToString,
    ) {
        self.changes.push(ChangeEntry {
            entity,
            entity_id: id.to_string(),
            version,
            region: region.to_string(),
        });
    }

    /// Notes that the write is about `client`: erasing the client removes its answer.
    pub(crate) fn about(&mut self, client: ClientId) {
        self.client.get_or_insert(client);
    }
}

impl Tx for SqlTx<'_> {
    fn audit(&mut self, event: AuditEvent) {
        self.events.push(event);
    }

    fn tally(&mut self, tally: Tally) {
        self.tallies.push(tally);
    }

    fn answer(&mut self, answer: String) {
        self.answer = answer;
    }
}

/// Runs one write inside the caller's transaction: claims `claim`'s key (or replays its
/// answer), runs `work`, and appends what it gave. An error leaves the caller to roll the
/// transaction back, the claim with it, so a retry runs again.
pub(crate) async fn run(
    conn: &mut Conn,
    claim: Option<&Claim>,
    work: Work,
) -> StoreResult<Outcome> {
    if let Some(claim) = claim
        && let Some(answer) = claim_key(conn, claim).await?
    {
        return Ok(Outcome::Replayed(answer));
    }
    let mut tx = SqlTx::new(conn);
    let value = work(&mut tx).await?;
    let SqlTx {
        events,
        changes,
        tallies,
        answer,
        client,
        ..
    } = tx;
    let at = events.first().map_or_else(Utc::now, |e| e.at);
    chain::pend(conn, &events, &changes, at).await?;
    super::rollups::pend(conn, &tallies).await?;
    if let Some(claim) = claim {
        sqlx::query(
            "update idempotency set answer = $3, client_id = $4 where user_id = $1 and key = $2",
        )
        .bind(claim.user.as_uuid())
        .bind(&claim.key)
        .bind(answer)
        .bind(client.map(|c| c.as_uuid()))
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    Ok(Outcome::Fresh(value))
}

/// Claims the key with an insert. When the key exists, the answer stored for it, or
/// `KeyReused` when it was stored for another request.
///
/// On PostgreSQL the insert of a key that a running transaction has inserted waits for
/// that transaction: if it commits, this insert does nothing and the select that follows
/// (a new statement, so a new snapshot) reads its answer; if it rolls back, this one
/// claims the key. A wait longer than the connection's `lock_timeout` is `Busy`. SQLite
/// has one writer, so a duplicate always finds the first committed (or, in the same
/// batch, released from its savepoint) with its answer.
async fn claim_key(conn: &mut Conn, claim: &Claim) -> StoreResult<Option<String>> {
    let claimed = sqlx::query(
        "insert into idempotency (user_id, key, fingerprint, answer, created_at, expires_at) \
         values ($1, $2, $3, '', $4, $5) on conflict (user_id, key) do nothing returning key",
    )
    .bind(claim.user.as_uuid())
    .bind(&claim.key)
    .bind(&claim.fingerprint)
    .bind(claim.at)
    .bind(claim.expires_at)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_err)?;
    if claimed.is_some() {
        return Ok(None);
    }
    let earlier =
        sqlx::query("select fingerprint, answer from idempotency where user_id = $1 and key = $2")
            .bind(claim.user.as_uuid())
            .bind(&claim.key)
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_err)?
            // removed between the two statements (expired and swept): ask for a retry
            .ok_or(StoreError::Busy)?;
    if get::<String>(&earlier, "fingerprint")? != claim.fingerprint {
        return Err(StoreError::KeyReused);
    }
    Ok(Some(get(&earlier, "answer")?))
}

/// The fingerprint and answer stored for a user's key, if committed.
pub(crate) async fn answer(
    pool: &Pool,
    user: UserId,
    key: &str,
) -> StoreResult<Option<(String, String)>> {
    sqlx::query("select fingerprint, answer from idempotency where user_id = $1 and key = $2")
        .bind(user.as_uuid())
        .bind(key)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .map(|row| Ok((get(&row, "fingerprint")?, get(&row, "answer")?)))
        .transpose()
}

/// Removes the stored answers whose time is up; returns how many.
pub(crate) async fn sweep_idempotency(
    conn: &mut Conn,
    now: chrono::DateTime<Utc>,
) -> StoreResult<u64> {
    sqlx::query("delete from idempotency where expires_at < $1")
        .bind(now)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
        .map_err(map_err)
}
