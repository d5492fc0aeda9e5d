//! Teman Sebaya records as stored: schools of a village, counts of their peer educators
//! kept as an append-only history (the newest as of date is the current one), and the
//! sessions they hold. Counts only: no row can hold a student's name.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{PeerCountId, PeerSessionId, SchoolId, UserId};
use pulih_domain::programme::peers::{Counts, GradeBand, SchoolLevel};
use pulih_domain::region::RegionCode;

use crate::StoreResult;

/// A school of a village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    /// Id.
    pub id: SchoolId,
    /// The village it stands in.
    pub village: RegionCode,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: SchoolLevel,
    /// Its NPSN, eight digits, unique across the country.
    pub npsn: Option<String>,
    /// Who added it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// How many peer educators a school had as of a date. Never changed: a later count
/// supersedes it, and it stays in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCount {
    /// Id.
    pub id: PeerCountId,
    /// The school.
    pub school: SchoolId,
    /// The school's village, copied for scope and feeds.
    pub village: RegionCode,
    /// The date counted.
    pub as_of: NaiveDate,
    /// The peer educators by sex and grade band.
    pub educators: Counts,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A session held by a school's peer educators, with its audience counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerSession {
    /// Id.
    pub id: PeerSessionId,
    /// The school.
    pub school: SchoolId,
    /// The school's village, copied for scope and feeds.
    pub village: RegionCode,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// What it was about.
    pub topic: String,
    /// Who attended, by sex and perhaps grade band.
    pub audience: Counts,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// Sums of counts over many schools or sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CountSums {
    /// Everyone.
    pub total: i64,
    /// Boys.
    pub male: i64,
    /// Girls.
    pub female: i64,
    /// Per grade band, over the counts broken down by grade.
    pub by_grade_band: BTreeMap<GradeBand, i64>,
    /// Those in counts not broken down by grade.
    pub grade_band_unknown: i64,
}

/// The programme below a node of the region tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerSummary {
    /// Schools registered.
    pub schools: i64,
    /// Schools whose current count has at least one peer educator.
    pub schools_with_educators: i64,
    /// Current peer educators: the newest count of every school, summed.
    pub educators: CountSums,
    /// Sessions held in the period asked for.
    pub sessions: i64,
    /// Their audience, summed.
    pub audience: CountSums,
}

/// Storage of the Teman Sebaya programme.
#[async_trait]
pub trait PeerStore: Send + Sync {
    /// One school by id.
    async fn school(&self, id: SchoolId) -> StoreResult<Option<School>>;
    /// The schools of a village, by name.
    async fn schools(&self, village: &RegionCode) -> StoreResult<Vec<School>>;
    /// A school's counts, the current one first (newest as of date, then newest recorded).
    async fn peer_counts(&self, school: SchoolId) -> StoreResult<Vec<PeerCount>>;
    /// The current count of every school at or below `node` that has one, by school id.
    async fn current_peer_counts(&self, node: &RegionCode) -> StoreResult<Vec<PeerCount>>;
    /// A school's sessions, newest first.
    async fn peer_sessions(&self, school: SchoolId) -> StoreResult<Vec<PeerSession>>;
    /// The sessions at or below `node` held from `from` to `to` (both included), newest
    /// first.
    async fn peer_sessions_in(
        &self,
        node: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<PeerSession>>;
    /// Schools, current peer educators, and sessions held from `from` to `to`, summed
    /// over everything at or below `node`.
    async fn peer_summary(
        &self,
        node: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<PeerSummary>;
}

/// Writes of the Teman Sebaya programme inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait PeerTx: Send {
    /// Adds a school; an NPSN already registered is `Duplicate("npsn")`.
    async fn insert_school(&mut self, school: &School) -> StoreResult<()>;
    /// Appends a count of a school's peer educators.
    async fn insert_peer_count(&mut self, count: &PeerCount) -> StoreResult<()>;
    /// Appends a session.
    async fn insert_peer_session(&mut self, session: &PeerSession) -> StoreResult<()>;
}
