//! Enforcement hand-offs as stored, and the re-arrest linkage counted from them. A
//! hand-off keeps the keyed hash of the person's NIK, never the NIK; it is matched to
//! clients only inside [`LinkageStore::linkage_counts`], which returns counts alone.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::handoff::HandoffKind;
use pulih_domain::ids::{HandoffId, OrgId, UserId};
use pulih_domain::region::{RegionCode, Scope};

use crate::StoreResult;

/// One hand-off to store.
#[derive(Clone, PartialEq)]
pub struct Handoff {
    /// Id.
    pub id: HandoffId,
    /// Arrest, TAT assessment or Lapas release.
    pub kind: HandoffKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// The regency or city.
    pub region: RegionCode,
    /// The recording liaison's organisation.
    pub org: OrgId,
    /// The liaison.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Keyed hash of the NIK, the same as a client's.
    pub nik_hash: String,
}

/// A hand-off as its organisation lists it: never the hash, never whether it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct HandoffEntry {
    /// Id.
    pub id: HandoffId,
    /// Kind.
    pub kind: HandoffKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// The regency or city.
    pub region: RegionCode,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// Which hand-offs to count: those recorded at `place` or below it, dated `from` to `to`
/// (both included).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkageQuery {
    /// The region, or the nation.
    pub place: Scope,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// Counts of one kind of hand-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindCounts {
    /// The kind.
    pub kind: HandoffKind,
    /// Hand-offs recorded.
    pub recorded: i64,
    /// Of them, those whose person was a client with an episode opened before the
    /// hand-off's date (erased clients never match).
    pub matched: i64,
}

/// What the match gives out: counts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkageCounts {
    /// Per kind, every kind listed (zero when none).
    pub kinds: Vec<KindCounts>,
    /// Distinct clients arrested in the period within twelve months after the day their
    /// aftercare ended.
    pub rearrested_after_aftercare: i64,
}

/// Storage of hand-offs and their linkage.
#[async_trait]
pub trait LinkageStore: Send + Sync {
    /// An organisation's hand-offs, newest first, at most `limit`.
    async fn org_handoffs(&self, org: OrgId, limit: i64) -> StoreResult<Vec<HandoffEntry>>;
    /// The linkage counts.
    async fn linkage_counts(&self, query: &LinkageQuery) -> StoreResult<LinkageCounts>;
}

/// Writes of hand-offs inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait LinkageTx: Send {
    /// Stores hand-offs, each with a change-feed entry.
    async fn insert_handoffs(&mut self, handoffs: &[Handoff]) -> StoreResult<()>;
}

/// Every kind's counts, from the rows a backend found (kind key, recorded, matched).
pub fn kind_counts(rows: &[(String, i64, i64)]) -> Vec<KindCounts> {
    HandoffKind::ALL
        .iter()
        .map(|&kind| {
            let found = rows.iter().find(|(k, _, _)| k == kind.key());
            KindCounts {
                kind,
                recorded: found.map_or(0, |r| r.1),
                matched: found.map_or(0, |r| r.2),
            }
        })
        .collect()
}

pulih_domain::redacted_debug!(Handoff);
