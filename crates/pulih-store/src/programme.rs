//! Village-programme records as stored: assessments of places (IKN, IKOTAN), kept as an
//! append-only history, and the programme's configurable settings.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{AssessmentId, UserId};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::RegionCode;

use crate::StoreResult;

/// The outcome of the newest assessment of a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestOutcome {
    /// The place.
    pub region: RegionCode,
    /// Its newest outcome, e.g. an IKN category.
    pub outcome: String,
}

/// One assessment of a place. Never overwritten; only its approval is added later.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Id.
    pub id: AssessmentId,
    /// IKN or IKOTAN.
    pub kind: AssessmentKind,
    /// The village (IKN) or regency (IKOTAN) assessed.
    pub region: RegionCode,
    /// The date assessed (IKN) or the first day of the year scored (IKOTAN).
    pub period: NaiveDate,
    /// The answers as JSON (indicators with evidence, or the five scores).
    pub answers: String,
    /// The outcome's key: the IKN category or the IKOTAN band.
    pub outcome: String,
    /// The IKOTAN index in thousandths.
    pub score: Option<i64>,
    /// The rules the outcome was computed with, as JSON, so history stays explainable.
    pub rules: String,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Who approved it and when.
    pub approval: Option<(UserId, DateTime<Utc>)>,
}

/// One step in a village's Desa/Kelurahan Bersinar history: nominated as candidate,
/// designated by decree, evaluated, or revoked with a reason. Numbered per village, so two
/// concurrent steps from the same state cannot both be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct BersinarStep {
    /// The village.
    pub village: RegionCode,
    /// 1 for the first step of the village, then one more each step.
    pub seq: i64,
    /// `nominate`, `designate`, `evaluate` or `revoke`.
    pub step: String,
    /// The status after the step.
    pub status: String,
    /// The decree's number, date and issuer, for designations.
    pub decree: Option<(String, NaiveDate, String)>,
    /// Why it was revoked.
    pub reason: Option<String>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A regency's target of Bersinar villages for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The year.
    pub year: i32,
    /// How many villages.
    pub count: i64,
    /// Version, raised by every change.
    pub version: i64,
}

/// A setting with the version it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// JSON value.
    pub value: String,
    /// Version, raised by every change.
    pub version: i64,
}

/// Storage of the village programme.
#[async_trait]
pub trait ProgrammeStore: Send + Sync {
    /// One assessment by id.
    async fn assessment(&self, id: AssessmentId) -> StoreResult<Option<Assessment>>;
    /// Every assessment of a kind for one place, newest period first.
    async fn assessments(
        &self,
        kind: AssessmentKind,
        region: &RegionCode,
    ) -> StoreResult<Vec<Assessment>>;
    /// The outcome of the newest assessment of a kind of every place below `node`, by
    /// place.
    async fn latest_outcomes(
        &self,
        kind: AssessmentKind,
        node: &RegionCode,
    ) -> StoreResult<Vec<LatestOutcome>>;
    /// The Bersinar history of a village, oldest first.
    async fn bersinar_steps(&self, village: &RegionCode) -> StoreResult<Vec<BersinarStep>>;
    /// The latest step of every village below `region`, by village code.
    async fn bersinar_latest(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>>;
    /// The latest step with a decree of every village below `region` that has one, by
    /// village code: what reading each village's history would find, in one query.
    async fn bersinar_latest_decrees(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>>;
    /// A regency's targets, by year.
    async fn targets(&self, regency: &RegionCode) -> StoreResult<Vec<Target>>;
    /// A setting by key.
    async fn setting(&self, key: &str) -> StoreResult<Option<Setting>>;
}

/// Writes of the village programme inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait ProgrammeTx: Send {
    /// Appends an assessment.
    async fn insert_assessment(&mut self, assessment: &Assessment) -> StoreResult<()>;
    /// Records the approval of an assessment and returns it; approved already is a
    /// `Conflict`.
    async fn approve_assessment(
        &mut self,
        id: AssessmentId,
        approver: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Assessment>;
    /// Appends a Bersinar step; a step with a number already taken is a `Conflict`.
    async fn insert_bersinar_step(&mut self, step: &BersinarStep) -> StoreResult<()>;
    /// Sets a regency's target for a year: if still at `expected_version`, or whatever
    /// it was when none is given (an upsert); returns the new version. A stale version is
    /// a `Conflict`.
    async fn set_target(
        &mut self,
        regency: &RegionCode,
        year: i32,
        count: i64,
        expected_version: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Stores a setting if it is still at `expected_version` (none: must not exist yet);
    /// returns the new version. A stale version is a `Conflict`.
    async fn put_setting(
        &mut self,
        key: &str,
        value: &str,
        expected_version: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
}
