//! Pulih storage on PostgreSQL.
//!
//! A pool of connections serves reads and writes alike; every write runs in one
//! transaction with its audit entry and change-feed entry. Concurrent writers are ordered
//! by one advisory lock while they extend the audit chain (see `audit::append`).

mod accounts;
mod aftercare;
mod audit;
mod boundaries;
mod client_store;
mod clients;
mod directory;
mod grants;
mod keys;
mod linkage;
mod peers;
mod programme;
mod reach;
mod reach_facts;
mod referrals;
mod regions;
mod rows;
#[cfg(feature = "testing")]
pub mod testing;
mod units;

use std::str::FromStr;
use std::time::Duration;

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
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// The PostgreSQL backend.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host/db`) and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(PgConnectOptions::from_str(url).map_err(backend)?).await
    }

    /// Connects with options built in code and applies pending migrations.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(backend)?;
        Ok(Self { pool })
    }

    /// Closes every connection of the pool, waiting for those in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Wraps a database failure for logs.
fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(e))
}

/// Maps constraint violations to the cases callers handle; everything else is a backend error.
fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            match db.constraint() {
                Some("users_username_key") => return StoreError::Duplicate("username"),
                Some("clients_nik_hash_key") => return StoreError::Duplicate("nik"),
                Some("bersinar_steps_pkey") => return StoreError::Conflict,
                Some("units_village_key") => return StoreError::Duplicate("village"),
                Some("unit_members_pkey") => return StoreError::Duplicate("member"),
                Some("idempotency_pkey") => return StoreError::Duplicate("idempotency_key"),
                Some("schools_npsn") => return StoreError::Duplicate("npsn"),
                Some("client_facts_retention") => return StoreError::Duplicate("retention_check"),
                _ => {}
            }
        }
        if db.is_foreign_key_violation() {
            return StoreError::MissingReference("organisation");
        }
    }
    backend(e)
}

/// SQL condition on parameter `$1` that keeps rows whose `column` lies inside `scope`,
/// and the value to bind. National scope matches everything (the parameter is then null
/// and unused); a region matches itself and its descendants.
fn scope_filter(column: &str, scope: &Scope) -> (String, Option<String>) {
    match scope {
        Scope::National => ("$1::text is null".to_owned(), None),
        Scope::Region(code) => (
            format!("({column} = $1 or {column} like $1 || '.%')"),
            Some(code.to_string()),
        ),
    }
}

/// SQL condition that keeps rows whose `column` holds a code below the code in `param`
/// (e.g. `$1`): the same rows as `column like $1 || '.%'`, but as a range the index on
/// `column` serves in every plan, including the generic plan of a prepared statement, where
/// a `like` pattern built from a parameter turns into a full scan. Codes are digits and
/// dots, `/` is the character after `.`, and the columns compare in byte order
/// (`collate "C"`).
pub(crate) fn below(column: &str, param: &str) -> String {
    format!("({column} >= {param} || '.' and {column} < {param} || '/')")
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn region_counts(&self) -> StoreResult<[i64; 4]> {
        regions::counts(&self.pool).await
    }
    async fn stored_regions(
        &self,
    ) -> StoreResult<std::collections::HashMap<RegionCode, StoredRegion>> {
        regions::stored(&self.pool).await
    }
    async fn apply_region_import(
        &self,
        plan: &ImportPlan,
        source: &str,
        event: &AuditEvent,
    ) -> StoreResult<ImportSummary> {
        regions::apply_import(&self.pool, plan, source, event).await
    }
    async fn region(&self, code: &RegionCode) -> StoreResult<Option<Region>> {
        regions::one(&self.pool, code).await
    }
    async fn region_children(&self, parent: Option<&RegionCode>) -> StoreResult<Vec<Region>> {
        regions::children(&self.pool, parent).await
    }
    async fn villages_below(&self, node: &RegionCode) -> StoreResult<Vec<Region>> {
        regions::villages_below(&self.pool, node).await
    }
    async fn search_regions(
        &self,
        query: &str,
        level: Option<RegionLevel>,
        limit: i64,
    ) -> StoreResult<Vec<RegionHit>> {
        regions::search(&self.pool, query, level, limit).await
    }
    async fn region_history(&self, code: &RegionCode) -> StoreResult<Vec<RegionChange>> {
        regions::history_of(&self.pool, code).await
    }
    async fn create_org(&self, org: &Organisation, event: &AuditEvent) -> StoreResult<()> {
        accounts::create_org(&self.pool, org, event).await
    }
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        accounts::org(&self.pool, id).await
    }
    async fn list_orgs(&self, scope: &Scope) -> StoreResult<Vec<Organisation>> {
        accounts::list_orgs(&self.pool, scope).await
    }
    async fn create_user(&self, user: &User, event: &AuditEvent) -> StoreResult<()> {
        accounts::create_user(&self.pool, user, event).await
    }
    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        accounts::user_where(
            &self.pool,
            "select * from users where id = $1",
            id.as_uuid(),
        )
        .await
    }
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        accounts::user_where(
            &self.pool,
            "select * from users where username = $1",
            username.to_owned(),
        )
        .await
    }
    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        accounts::list_users(&self.pool, scope).await
    }
    async fn update_user(&self, update: &UserUpdate, event: &AuditEvent) -> StoreResult<User> {
        accounts::update_user(&self.pool, update, event).await
    }
    async fn user_count(&self) -> StoreResult<i64> {
        accounts::user_count(&self.pool).await
    }
    async fn create_session(
        &self,
        session: &Session,
        token_hash: &str,
        event: &AuditEvent,
    ) -> StoreResult<()> {
        accounts::create_session(&self.pool, session, token_hash, event).await
    }
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>> {
        accounts::session_by_token_hash(&self.pool, token_hash, now).await
    }
    async fn revoke_session(&self, id: SessionId, event: &AuditEvent) -> StoreResult<()> {
        accounts::revoke_session(&self.pool, id, event).await
    }
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        audit::append(&mut tx, event).await?;
        tx.commit().await.map_err(map_err)
    }
    async fn audit_range(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        audit::range(&self.pool, after_seq, limit).await
    }
    async fn audit_page(
        &self,
        scope: &Scope,
        before_seq: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        audit::page(&self.pool, scope, before_seq, limit).await
    }
    async fn changes_after(
        &self,
        scope: &Scope,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Change>> {
        audit::changes_after(&self.pool, scope, after_seq, limit).await
    }
    async fn idempotent_response(
        &self,
        user: UserId,
        key: &str,
    ) -> StoreResult<Option<StoredResponse>> {
        audit::idempotent_response(&self.pool, user, key).await
    }
    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()> {
        audit::save_idempotent_response(&self.pool, user, key, response).await
    }
}
