//! The storage trait behind which SQLite and PostgreSQL sit, with the records it moves.
//!
//! Reads are methods of [`Store`] and its per-resource traits. Every write is one unit of
//! work ([`write`]): a closure over a [`Tx`] that the store runs in one transaction with
//! the write's envelope (idempotency claim, audit events, change-feed entries): all of it
//! or none of it.

mod accounts;
mod aftercare;
mod boundaries;
mod bulk;
mod clients;
mod contents;
mod coordination;
mod directory;
mod linkage;
mod office;
mod outbound;
mod peers;
mod programme;
mod records;
mod referrals;
mod regions;
mod regulations;
mod rollups;
mod supervision;
mod tx;
mod units;
mod work;
mod write;

#[cfg(feature = "conformance")]
pub mod conformance;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::audit::{AuditEntry, ChainHead, ChainKey};
use pulih_domain::ids::{OrgId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::region_import::{RegionUse, StoredRegion};
use std::collections::HashMap;

pub use accounts::*;
pub use aftercare::*;
pub use boundaries::*;
pub use bulk::*;
pub use clients::*;
pub use contents::*;
pub use coordination::*;
pub use directory::*;
pub use linkage::*;
pub use office::*;
pub use outbound::*;
pub use peers::*;
pub use programme::*;
pub use records::*;
pub use referrals::*;
pub use regions::*;
pub use regulations::*;
pub use rollups::*;
pub use supervision::*;
pub use tx::Tx;
pub use units::*;
pub use work::*;
pub use write::{Answer, Claim, Outcome, Work, Written};

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
    /// A check the write depends on refused it; the key says why, e.g.
    /// `conflict.consent_required`.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The idempotency key was used before for another request.
    #[error("the idempotency key was used for another request")]
    KeyReused,
    /// A lock was waited for too long (a request with the same idempotency key still
    /// running, say); the caller may retry.
    #[error("busy: a lock was not granted in time")]
    Busy,
    /// The database cannot take writes now (its disk is full, it is read-only, its
    /// storage failed, or it cannot be reached); nothing was written and the caller may
    /// retry later. The detail is for logs only.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database failed; the detail is for logs only.
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Wraps a failure for logs.
pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(e))
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

/// Everything Pulih stores: the reads of every resource, and [`run`](Store::run), the one
/// entry point of writes (use it through `write` on `dyn Store`).
#[async_trait]
pub trait Store:
    ClientStore
    + AftercareStore
    + ProgrammeStore
    + UnitStore
    + SupervisionStore
    + OfficeActivityStore
    + PeerStore
    + CoordinationStore
    + RegulationStore
    + BoundaryStore
    + DirectoryStore
    + ReferralStore
    + LinkageStore
    + RollupStore
    + BulkStore
    + WorkStore
    + OutboundStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is, for logs and benchmarks: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Runs one write as a unit of work, claiming `claim` first when given; see
    /// [`write`](crate::write). Callers use the typed `write` on `dyn Store`.
    async fn run(&self, claim: Option<Claim>, work: Work) -> StoreResult<Outcome>;

    // ----- regions -----

    /// How many live regions are stored, per level from province to village.
    async fn region_counts(&self) -> StoreResult<[i64; 4]>;
    /// Every stored code with its name and state, for planning an import.
    async fn stored_regions(&self) -> StoreResult<HashMap<RegionCode, StoredRegion>>;
    /// Where live records and scopes are placed (users, organisations, clients, units…),
    /// each code with a count per kind, for naming the codes an import would retire.
    async fn region_uses(&self) -> StoreResult<Vec<RegionUse>>;
    /// One region by code, retired ones included.
    async fn region(&self, code: &RegionCode) -> StoreResult<Option<Region>>;
    /// Live children of a node, or the provinces for none, ordered by code.
    async fn region_children(&self, parent: Option<&RegionCode>) -> StoreResult<Vec<Region>>;
    /// The live villages below a node, by code (for maps and programme overviews).
    async fn villages_below(&self, node: &RegionCode) -> StoreResult<Vec<Region>>;
    /// Regions by code, retired ones included, in one read; codes the tree lacks are
    /// left out. For naming the places a page shows.
    async fn regions_by_codes(&self, codes: &[RegionCode]) -> StoreResult<Vec<Region>>;
    /// Live regions of one level (or any) inside `within` whose name contains `query`,
    /// case-insensitive.
    async fn search_regions(
        &self,
        query: &str,
        level: Option<pulih_domain::region::RegionLevel>,
        within: &Scope,
        limit: i64,
    ) -> StoreResult<Vec<RegionHit>>;
    /// The history of changes to one code, oldest first.
    async fn region_history(&self, code: &RegionCode) -> StoreResult<Vec<RegionChange>>;

    // ----- organisations and users -----

    /// One organisation by id.
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>>;
    /// Organisations placed inside `scope`, by name.
    async fn list_orgs(&self, scope: &Scope) -> StoreResult<Vec<Organisation>>;
    /// One user by id.
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// One user by (lower-case) username.
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    /// The user whose open link has this token hash and has not expired at `now`.
    async fn user_by_link(&self, token_hash: &str, now: DateTime<Utc>)
    -> StoreResult<Option<User>>;
    /// Users whose scope lies inside `scope`, by username.
    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>>;
    /// How many users exist at all (to know whether to bootstrap an administrator).
    async fn user_count(&self) -> StoreResult<i64>;
    /// The live (unexpired, unrevoked) session for a token hash, with its user.
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Session, User)>>;

    // ----- audit, change feed, idempotency -----

    /// Chained entries in sequence order after `after_seq`, at most `limit`, for
    /// verification (every committed write's entries are chained first).
    async fn audit_range(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// The chain's length, last hash and first keyed entry as recorded with it: a chain
    /// read shorter than this was cut.
    async fn audit_head(&self) -> StoreResult<ChainHead>;
    /// Sets the key of the audit chain's links, once, before the first audited write
    /// (until then such a write fails rather than chaining without it); another key
    /// later is refused.
    fn set_chain_key(&self, key: ChainKey) -> StoreResult<()>;
    /// Newest entries first whose region lies inside `scope`, before `before_seq` if given.
    async fn audit_page(
        &self,
        scope: &Scope,
        before_seq: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>>;
    /// Every chained entry about the records `record_ids` of kind `record_type`, oldest
    /// first: the access log of one client (its entries and its grants').
    async fn audit_about(
        &self,
        record_type: &str,
        record_ids: &[String],
    ) -> StoreResult<Vec<AuditEntry>>;
    /// Change-feed entries after `after_seq` whose region lies inside `scope`, in feed
    /// order: a reader that follows them from 0 sees every committed write.
    async fn changes_after(
        &self,
        scope: &Scope,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<Change>>;
    /// The fingerprint and answer stored for `user`'s idempotency `key`, if a write
    /// claimed it and committed.
    async fn idempotent_answer(
        &self,
        user: UserId,
        key: &str,
    ) -> StoreResult<Option<(String, String)>>;
    /// Removes the idempotency answers kept past their time; returns how many.
    async fn sweep_idempotency(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}
