//! Activities of a BNNK or BNNP office as stored (`pulih_domain::programme::office_activity`):
//! an awareness session or an outreach run by the office itself at a place of its area,
//! with its audience groups and facilitators counted. Corrected and voided like a unit's
//! activities: a voided one stays stored but no read or count sees it.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{ActivityId, OrgId, UserId};
use pulih_domain::region::RegionCode;

use crate::StoreResult;

/// An activity of a BNN office.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeActivityRow {
    /// Id.
    pub id: ActivityId,
    /// The office (a BNNK or BNNP organisation).
    pub office: OrgId,
    /// Where it happened: a village, a district, or the office's regency or province.
    pub place: RegionCode,
    /// `awareness` or `outreach`.
    pub kind: String,
    /// The day it took place.
    pub held_on: NaiveDate,
    /// The details as JSON (`ActivityDetail`).
    pub detail: String,
    /// The audience groups and facilitators as JSON (`OfficeCounts`).
    pub counts: String,
    /// How many people it reached.
    pub people: i64,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// Reads of office activities.
#[async_trait]
pub trait OfficeActivityStore: Send + Sync {
    /// A live (not voided) office activity.
    async fn office_activity(&self, id: ActivityId) -> StoreResult<Option<OfficeActivityRow>>;
    /// The live office activities held at `region` or below it, newest recorded first,
    /// those recorded before `before` (an id) when given, at most `limit`.
    async fn office_activities(
        &self,
        region: &RegionCode,
        before: Option<ActivityId>,
        limit: i64,
    ) -> StoreResult<Vec<OfficeActivityRow>>;
    /// Live office activities in id order after `after`, for recounting the figures.
    async fn office_activities_after(
        &self,
        after: Option<ActivityId>,
        limit: i64,
    ) -> StoreResult<Vec<OfficeActivityRow>>;
}

/// Writes of office activities inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait OfficeActivityTx: Send {
    /// Appends an office activity.
    async fn insert_office_activity(&mut self, activity: &OfficeActivityRow) -> StoreResult<()>;
    /// Locks a live office activity for a correction or a void and returns it as stored;
    /// `NotFound` if there is none.
    async fn lock_office_activity(&mut self, id: ActivityId) -> StoreResult<OfficeActivityRow>;
    /// Replaces a live office activity's day, details, counts and people with
    /// `activity`'s.
    async fn correct_office_activity(&mut self, activity: &OfficeActivityRow) -> StoreResult<()>;
    /// Voids a live office activity at `at`.
    async fn void_office_activity(&mut self, id: ActivityId, at: DateTime<Utc>) -> StoreResult<()>;
}
