//! Pulih storage on an embedded SQLite file.
//!
//! Writes go through one writer task that group-commits them on one connection (SQLite
//! allows one writer), reads through a small pool; the file runs in WAL mode with
//! `synchronous = FULL`, so an acknowledged write is on disk.

mod accounts;
mod aftercare;
mod audit;
mod boundaries;
mod client_store;
mod clients;
mod directory;
mod linkage;
mod peers;
mod programme;
mod reach;
mod reach_facts;
mod referrals;
mod regions;
mod rows;
mod units;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::audit::{AuditEntry, AuditEvent};
use pulih_domain::ids::{OrgId, SessionId, UserId};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_domain::region_import::{ImportPlan, ImportSummary, StoredRegion};
use pulih_store::{
    Change, Organisation, Region, RegionChange, RegionHit, Session, Store, StoreError, StoreResult,
    StoredResponse, User, UserUpdate,
};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The SQLite backend.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: writer::Writer,
    write_pool: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(backend)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // erased clients' pages are overwritten, not left in free space
            .pragma("secure_delete", "on")
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(backend)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            // a ping checks only that the connection's worker thread still runs, at the
            // price of one more hand-off to it for every query: a page of 14 reads paid 28
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(backend)?;
        Ok(Self {
            writer: writer::Writer::start(writer.clone()),
            write_pool: writer,
            reader,
        })
    }

    /// Closes every connection, checkpointing the WAL into the main file.
    pub async fn close(&self) {
        self.reader.close().await;
        self.write_pool.close().await;
    }
}

/// Wraps a database failure for logs.
fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(e))
}

/// Maps constraint violations to the cases callers handle; everything else is a backend error.
fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let msg = db.message();
        if db.is_unique_violation() {
            if msg.contains("username") {
                return StoreError::Duplicate("username");
            }
            if msg.contains("bersinar_steps") {
                return StoreError::Conflict;
            }
            if msg.contains("units.village") {
                return StoreError::Duplicate("village");
            }
            if msg.contains("unit_members.user_id") {
                return StoreError::Duplicate("member");
            }
            if msg.contains("nik_hash") {
                return StoreError::Duplicate("nik");
            }
            if msg.contains("idempotency") {
                return StoreError::Duplicate("idempotency_key");
            }
            if msg.contains("client_facts.refers_to") {
                return StoreError::Duplicate("retention_check");
            }
            if msg.contains("schools.npsn") {
                return StoreError::Duplicate("npsn");
            }
        }
        if db.is_foreign_key_violation() {
            return StoreError::MissingReference("organisation");
        }
    }
    backend(e)
}

/// SQL condition and parameter that keep rows whose `column` lies inside `scope`.
/// National scope matches everything; a region matches itself and its descendants.
fn scope_filter(column: &str, scope: &Scope) -> (String, Option<String>) {
    match scope {
        Scope::National => ("1 = 1".to_owned(), None),
        Scope::Region(code) => (
            format!("({column} = ?1 or {column} like ?1 || '.%')"),
            Some(code.to_string()),
        ),
    }
}

/// SQL condition that keeps rows whose `column` holds a code below the code in `param`
/// (e.g. `?1`): the same rows as `column like ?1 || '.%'`, but as a range the index on
/// `column` serves; SQLite never uses an index for a `like` pattern built from a parameter,
/// so the `like` form scans the whole table. Codes are digits and dots, `/` is the
/// character after `.`, and text compares in byte order.
pub(crate) fn below(column: &str, param: &str) -> String {
    format!("({column} >= {param} || '.' and {column} < {param} || '/')")
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn region_counts(&self) -> StoreResult<[i64; 4]> {
        regions::counts(&self.reader).await
    }
    async fn stored_regions(&self) -> StoreResult<HashMap<RegionCode, StoredRegion>> {
        regions::stored(&self.reader).await
    }
    async fn apply_region_import(
        &self,
        plan: &ImportPlan,
        source: &str,
        event: &AuditEvent,
    ) -> StoreResult<ImportSummary> {
        let (plan, source, event) = (plan.clone(), source.to_owned(), event.clone());
        self.writer
            .write(move |c| {
                Box::pin(async move { regions::apply_import(c, &plan, &source, &event).await })
            })
            .await
    }
    async fn region(&self, code: &RegionCode) -> StoreResult<Option<Region>> {
        regions::one(&self.reader, code).await
    }
    async fn region_children(&self, parent: Option<&RegionCode>) -> StoreResult<Vec<Region>> {
        regions::children(&self.reader, parent).await
    }
    async fn villages_below(&self, node: &RegionCode) -> StoreResult<Vec<Region>> {
        regions::villages_below(&self.reader, node).await
    }
    async fn search_regions(
        &self,
        query: &str,
        level: Option<RegionLevel>,
        limit: i64,
    ) -> StoreResult<Vec<RegionHit>> {
        regions::search(&self.reader, query, level, limit).await
    }
    async fn region_history(&self, code: &RegionCode) -> StoreResult<Vec<RegionChange>> {
        regions::history_of(&self.reader, code).await
    }
    async fn create_org(&self, org: &Organisation, event: &AuditEvent) -> StoreResult<()> {
        let (org, event) = (org.clone(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { accounts::create_org(c, &org, &event).await }))
            .await
    }
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        accounts::org(&self.reader, id).await
    }
    async fn list_orgs(&self, scope: &Scope) -> StoreResult<Vec<Organisation>> {
        accounts::list_orgs(&self.reader, scope).await
    }
    async fn create_user(&self, user: &User, event: &AuditEvent) -> StoreResult<()> {
        let (user, event) = (user.clone(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { accounts::create_user(c, &user, &event).await }))
            .await
    }
    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        accounts::user_where(
            &self.reader,
            "select * from users where id = ?1",
            id.as_uuid(),
        )
        .await
    }
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let sql = "select * from users where username = ?1";
        accounts::user_where(&self.reader, sql, username.to_owned()).await
    }
    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        accounts::list_users(&self.reader, scope).await
    }
    async fn update_user(&self, update: &UserUpdate, event: &AuditEvent) -> StoreResult<User> {
        let (update, event) = (update.clone(), event.clone());
        self.writer
            .write(move |c| {
                Box::pin(async move { accounts::update_user(c, &update, &event).await })
            })
            .await
    }
    async fn user_count(&self) -> StoreResult<i64> {
        accounts::user_count(&self.reader).await
    }
    async fn create_session(
        &self,
        session: &Session,
        token_hash: &str,
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let (session, hash, event) = (session.clone(), token_hash.to_owned(), event.clone());
        self.writer
            .write(move |c| {
                Box::pin(async move { accounts::create_session(c, &session, &hash, &event).await })
            })
            .await
    }
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>> {
        accounts::session_by_token_hash(&self.reader, token_hash, now).await
    }
    async fn revoke_session(&self, id: SessionId, event: &AuditEvent) -> StoreResult<()> {
        let event = event.clone();
        self.writer
            .write(move |c| Box::pin(async move { accounts::revoke_session(c, id, &event).await }))
            .await
    }
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        let event = event.clone();
        self.writer
            .write(move |c| Box::pin(async move { audit::append(c, &event).await }))
            .await
    }
    async fn audit_range(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        audit::range(&self.reader, after_seq, limit).await
    }
    async fn audit_page(
        &self,
        scope: &Scope,
        before_seq: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        audit::page(&self.reader, scope, before_seq, limit).await
    }
    async fn changes_after(
        &self,
        scope: &Scope,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Change>> {
        audit::changes_after(&self.reader, scope, after_seq, limit).await
    }
    async fn idempotent_response(
        &self,
        user: UserId,
        key: &str,
    ) -> StoreResult<Option<StoredResponse>> {
        audit::idempotent_response(&self.reader, user, key).await
    }
    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()> {
        let (key, response) = (key.to_owned(), response.clone());
        self.writer
            .write(move |c| {
                Box::pin(
                    async move { audit::save_idempotent_response(c, user, &key, &response).await },
                )
            })
            .await
    }
}
