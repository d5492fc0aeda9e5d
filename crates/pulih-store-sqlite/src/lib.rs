//! Pulih storage on an embedded SQLite file.
//!
//! Writes go through one connection (SQLite allows one writer), reads through a small pool;
//! the file runs in WAL mode with `synchronous = FULL`, so an acknowledged write is on disk.

mod accounts;
mod audit;
mod regions;
mod rows;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use pulih_domain::region::Scope;
use pulih_store::StoreError;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The SQLite backend.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
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
            .connect_with(options.read_only(true))
            .await
            .map_err(backend)?;
        Ok(Self { writer, reader })
    }

    /// Closes every connection, checkpointing the WAL into the main file.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
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
            if msg.contains("idempotency") {
                return StoreError::Duplicate("idempotency_key");
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

#[async_trait]
impl pulih_store::Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn region_counts(&self) -> pulih_store::StoreResult<[i64; 4]> {
        regions::counts(&self.reader).await
    }
    async fn stored_regions(
        &self,
    ) -> pulih_store::StoreResult<
        std::collections::HashMap<
            pulih_domain::region::RegionCode,
            pulih_domain::region_import::StoredRegion,
        >,
    > {
        regions::stored(&self.reader).await
    }
    async fn apply_region_import(
        &self,
        plan: &pulih_domain::region_import::ImportPlan,
        source: &str,
        event: &pulih_domain::audit::AuditEvent,
    ) -> pulih_store::StoreResult<pulih_domain::region_import::ImportSummary> {
        regions::apply_import(&self.writer, plan, source, event).await
    }
    async fn region(
        &self,
        code: &pulih_domain::region::RegionCode,
    ) -> pulih_store::StoreResult<Option<pulih_store::Region>> {
        regions::one(&self.reader, code).await
    }
    async fn region_children(
        &self,
        parent: Option<&pulih_domain::region::RegionCode>,
    ) -> pulih_store::StoreResult<Vec<pulih_store::Region>> {
        regions::children(&self.reader, parent).await
    }
    async fn search_regions(
        &self,
        query: &str,
        level: Option<pulih_domain::region::RegionLevel>,
        limit: i64,
    ) -> pulih_store::StoreResult<Vec<pulih_store::RegionHit>> {
        regions::search(&self.reader, query, level, limit).await
    }
    async fn region_history(
        &self,
        code: &pulih_domain::region::RegionCode,
    ) -> pulih_store::StoreResult<Vec<pulih_store::RegionChange>> {
        regions::history_of(&self.reader, code).await
    }
    async fn create_org(
        &self,
        org: &pulih_store::Organisation,
        event: &pulih_domain::audit::AuditEvent,
    ) -> pulih_store::StoreResult<()> {
        accounts::create_org(&self.writer, org, event).await
    }
    async fn org(
        &self,
        id: pulih_domain::ids::OrgId,
    ) -> pulih_store::StoreResult<Option<pulih_store::Organisation>> {
        accounts::org(&self.reader, id).await
    }
    async fn list_orgs(
        &self,
        scope: &Scope,
    ) -> pulih_store::StoreResult<Vec<pulih_store::Organisation>> {
        accounts::list_orgs(&self.reader, scope).await
    }
    async fn create_user(
        &self,
        user: &pulih_store::User,
        event: &pulih_domain::audit::AuditEvent,
    ) -> pulih_store::StoreResult<()> {
        accounts::create_user(&self.writer, user, event).await
    }
    async fn user(
        &self,
        id: pulih_domain::ids::UserId,
    ) -> pulih_store::StoreResult<Option<pulih_store::User>> {
        accounts::user_where(
            &self.reader,
            "select * from users where id = ?1",
            id.as_uuid(),
        )
        .await
    }
    async fn user_by_username(
        &self,
        username: &str,
    ) -> pulih_store::StoreResult<Option<pulih_store::User>> {
        accounts::user_where(
            &self.reader,
            "select * from users where username = ?1",
            username.to_owned(),
        )
        .await
    }
    async fn list_users(&self, scope: &Scope) -> pulih_store::StoreResult<Vec<pulih_store::User>> {
        accounts::list_users(&self.reader, scope).await
    }
    async fn update_user(
        &self,
        update: &pulih_store::UserUpdate,
        event: &pulih_domain::audit::AuditEvent,
    ) -> pulih_store::StoreResult<pulih_store::User> {
        accounts::update_user(&self.writer, update, event).await
    }
    async fn user_count(&self) -> pulih_store::StoreResult<i64> {
        accounts::user_count(&self.reader).await
    }
    async fn create_session(
        &self,
        session: &pulih_store::Session,
        token_hash: &str,
        event: &pulih_domain::audit::AuditEvent,
    ) -> pulih_store::StoreResult<()> {
        accounts::create_session(&self.writer, session, token_hash, event).await
    }
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> pulih_store::StoreResult<Option<(pulih_store::Session, pulih_store::User)>> {
        accounts::session_by_token_hash(&self.reader, token_hash, now).await
    }
    async fn revoke_session(
        &self,
        id: pulih_domain::ids::SessionId,
        event: &pulih_domain::audit::AuditEvent,
    ) -> pulih_store::StoreResult<()> {
        accounts::revoke_session(&self.writer, id, event).await
    }
    async fn append_audit(
        &self,
        event: &pulih_domain::audit::AuditEvent,
    ) -> pulih_store::StoreResult<()> {
        let mut tx = self.writer.begin().await.map_err(map_err)?;
        audit::append(&mut tx, event).await?;
        tx.commit().await.map_err(map_err)
    }
    async fn audit_range(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> pulih_store::StoreResult<Vec<pulih_domain::audit::AuditEntry>> {
        audit::range(&self.reader, after_seq, limit).await
    }
    async fn audit_page(
        &self,
        scope: &Scope,
        before_seq: Option<i64>,
        limit: i64,
    ) -> pulih_store::StoreResult<Vec<pulih_domain::audit::AuditEntry>> {
        audit::page(&self.reader, scope, before_seq, limit).await
    }
    async fn changes_after(
        &self,
        scope: &Scope,
        after_seq: i64,
        limit: i64,
    ) -> pulih_store::StoreResult<Vec<pulih_store::Change>> {
        audit::changes_after(&self.reader, scope, after_seq, limit).await
    }
    async fn idempotent_response(
        &self,
        user: pulih_domain::ids::UserId,
        key: &str,
    ) -> pulih_store::StoreResult<Option<pulih_store::StoredResponse>> {
        audit::idempotent_response(&self.reader, user, key).await
    }
    async fn save_idempotent_response(
        &self,
        user: pulih_domain::ids::UserId,
        key: &str,
        response: &pulih_store::StoredResponse,
    ) -> pulih_store::StoreResult<()> {
        audit::save_idempotent_response(&self.writer, user, key, response).await
    }
}
