//! The storage trait behind which SQLite and PostgreSQL sit, with the records it moves.
//!
//! Every write method takes the [`AuditEvent`] of the use-case and stores the record, the
//! audit entry and the change-feed entry in one transaction: all of it or none of it.

mod aftercare;
mod boundaries;
mod clients;
mod directory;
mod linkage;
mod peers;
mod programme;
mod records;
mod referrals;
mod units;

#[cfg(feature = "conformance")]
pub mod conformance;

use async_trait::async_trait;
use pulih_domain::audit::{AuditEntry, AuditEvent};
use pulih_domain::ids::{OrgId, SessionId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::region_import::{ImportPlan, ImportSummary, StoredRegion};
use std::collections::HashMap;

pub use aftercare::*;
pub use boundaries::*;
pub use clients::*;
pub use directory::*;
pub use linkage::*;
pub use peers::*;
pub use programme::*;
pub use records::*;
pub use referrals::*;
pub use units::*;

/// What can go wrong in storage, as far as callers need to tell cases apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record changed since the version the update was based on.
    #[error("the record was changed by someone else (stale version)")]
    Conflict,
    /// A unique value is already taken; names the value, e.g. `username`.
    #[error("duplicate value for {0}")]
    Duplicate(&'static str),
    /// A referenced record does not exist; names it, e.g. `organisation`.
    #[error("referenced {0} does not exist")]
    MissingReference(&'static str),
    /// The record to change does not exist.
    #[error("record not found")]
    NotFound,
    /// The database failed; the detail is for logs only.
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A `LIKE … escape '\'` pattern matching names that contain `query`, lower-cased,
/// with `%`, `_` and `\` taken literally. Both backends search with it.
pub fn contains_pattern(query: &str) -> String {
    let mut out = String::from("%");
    for c in query.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything Pulih stores, implemented once per backend with the backend's own SQL.
#[async_trait]
pub trait Store:
    ClientStore
    + AftercareStore
    + ProgrammeStore
    + UnitStore
    + PeerStore
    + BoundaryStore
    + DirectoryStore
    + ReferralStore
    + LinkageStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is, for logs and benchmarks: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    // ----- regions -----

    /// How many live regions are stored, per level from province to village.
    async fn region_counts(&self) -> StoreResult<[i64; 4]>;
    /// Every stored code with its name and state, for planning an import.
    async fn stored_regions(&self) -> StoreResult<HashMap<RegionCode, StoredRegion>>;
    /// Writes an import plan, its history rows and the audit entry in one transaction.
    async fn apply_region_import(
        &self,
        plan: &ImportPlan,
        source: &str,
        event: &AuditEvent,
    ) -> StoreResult<ImportSummary>;
    /// One region by code, retired ones included.
    async fn region(&self, code: &RegionCode) -> StoreResult<Option<Region>>;
    /// Live children of a node, or the provinces for none, ordered by code.
    async fn region_children(&self, parent: Option<&RegionCode>) -> StoreResult<Vec<Region>>;
    /// The live villages below a node, by code (for maps and programme overviews).
    async fn villages_below(&self, node: &RegionCode) -> StoreResult<Vec<Region>>;
    /// Live regions of one level (or any) whose name contains `query`, case-insensitive.
    async fn search_regions(
        &self,
        query: &str,
        level: Option<pulih_domain::region::RegionLevel>,
        limit: i64,
    ) -> StoreResult<Vec<RegionHit>>;
    /// The history of changes to one code, oldest first.
    async fn region_history(&self, code: &RegionCode) -> StoreResult<Vec<RegionChange>>;

    // ----- organisations -----

    /// Stores a new organisation.
    async fn create_org(&self, org: &Organisation, event: &AuditEvent) -> StoreResult<()>;
    /// One organisation by id.
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>>;
    /// Organisations placed inside `scope`, by name.
    async fn list_orgs(&self, scope: &Scope) -> StoreResult<Vec<Organisation>>;

    // ----- users -----

    /// Stores a new user.
    async fn create_user(&self, user: &User, event: &AuditEvent) -> StoreResult<()>;
    /// One user by id.
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// One user by (lower-case) username.
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    /// Users whose scope lies inside `scope`, by username.
    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>>;
    /// Changes a user if it is still at `update.expected_version`; returns the new record.
    async fn update_user(&self, update: &UserUpdate, event: &AuditEvent) -> StoreResult<User>;
    /// How many users exist at all (to know whether to bootstrap an administrator).
    async fn user_count(&self) -> StoreResult<i64>;

    // ----- sessions and API tokens -----

    /// Stores a session; `token_hash` is the SHA-256 of the secret handed to the client.
    async fn create_session(
        &self,
        session: &Session,
        token_hash: &str,
        event: &AuditEvent,
    ) -> StoreResult<()>;
    /// The live (unexpired, unrevoked) session for a token hash, with its user.
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Option<(Session, User)>>;
    /// Revokes one session.
    async fn revoke_session(&self, id: SessionId, event: &AuditEvent) -> StoreResult<()>;

    // ----- audit and change feed -----

    /// Appends an audit entry on its own (reads, failed logins).
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Entries in sequence order after `after_seq`, at most `limit`, for verification.
    async fn audit_range(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// Newest entries first whose region lies inside `scope`, before `before_seq` if given.
    async fn audit_page(
        &self,
        scope: &Scope,
        before_seq: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// Change-feed entries after `after_seq` whose region lies inside `scope`.
    async fn changes_after(
        &self,
        scope: &Scope,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Change>>;

    // ----- idempotency -----

    /// The stored response to an earlier request with this key from this user.
    async fn idempotent_response(
        &self,
        user: UserId,
        key: &str,
    ) -> StoreResult<Option<StoredResponse>>;
    /// Remembers the response to a request; a second save of the same key keeps the first.
    async fn save_idempotent_response(
        &self,
        user: UserId,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()>;
}
