//! Coordination records as stored: rakor with the organisations present and their action
//! items, and MoUs with their parties and the referrals done under them. Each names
//! organisations ([`Party`]); a list for a user holds the records placed in its scope and
//! those naming its organisation, in one query.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::coordination::Party;
use pulih_domain::coordination::mou::{MouScope, MouStatus};
use pulih_domain::coordination::rakor::ItemStatus;
use pulih_domain::ids::{ActionItemId, MeetingId, MouId, OrgId, ReferralId, UserId};
use pulih_domain::region::{RegionCode, Scope};

use crate::StoreResult;

/// A coordination meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Id.
    pub id: MeetingId,
    /// Where it sits in the region tree: the convener's area, at any level.
    pub region: RegionCode,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Where.
    pub place: String,
    /// The convening organisation.
    pub convener: OrgId,
    /// The organisations present, in the order given.
    pub present: Vec<Party>,
    /// What was discussed.
    pub topics: Vec<String>,
    /// What was decided.
    pub decisions: Vec<String>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// An action item agreed at a rakor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// Id.
    pub id: ActionItemId,
    /// The rakor.
    pub meeting: MeetingId,
    /// The rakor's region, copied for scope and feeds.
    pub region: RegionCode,
    /// What is to be done.
    pub description: String,
    /// The organisation that owns it.
    pub owner: OrgId,
    /// When it is due.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub status: ItemStatus,
    /// Version, raised by every change.
    pub version: i64,
    /// Who changed it last (or recorded it).
    pub updated_by: UserId,
    /// When.
    pub updated_at: DateTime<Utc>,
}

/// An open action item past its due date, with its rakor's convener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueItem {
    /// The item.
    pub item: ActionItem,
    /// The rakor's convener.
    pub convener: OrgId,
    /// The rakor's date.
    pub held_on: NaiveDate,
}

/// An MoU or joint commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mou {
    /// Id.
    pub id: MouId,
    /// Where it sits in the region tree: the recording coordinator's area.
    pub region: RegionCode,
    /// Its title.
    pub title: String,
    /// The document number.
    pub document_no: String,
    /// The parties, in the order given.
    pub parties: Vec<Party>,
    /// What the parties commit to.
    pub scopes: Vec<MouScope>,
    /// The stored status (expiry follows from `ends_on`).
    pub status: MouStatus,
    /// The signing date.
    pub signed_on: Option<NaiveDate>,
    /// The term in months.
    pub term_months: Option<u32>,
    /// The last day in force.
    pub ends_on: Option<NaiveDate>,
    /// Referrals done under it, oldest link first.
    pub referrals: Vec<ReferralId>,
    /// Version, raised by every change.
    pub version: i64,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// Whose records a list holds: those placed in `scope` (none: no scope), and those
/// naming `org`.
#[derive(Debug, Clone)]
pub struct CoordinationReach {
    /// Records placed here are listed.
    pub scope: Option<Scope>,
    /// Records naming this organisation are listed.
    pub org: OrgId,
}

/// Storage of coordination records.
#[async_trait]
pub trait CoordinationStore: Send + Sync {
    /// One rakor by id.
    async fn meeting(&self, id: MeetingId) -> StoreResult<Option<Meeting>>;
    /// The rakor `reach` holds, newest first, at most `limit`.
    async fn meetings(&self, reach: &CoordinationReach, limit: i64) -> StoreResult<Vec<Meeting>>;
    /// A rakor's action items, soonest due first.
    async fn action_items(&self, meeting: MeetingId) -> StoreResult<Vec<ActionItem>>;
    /// One action item by id.
    async fn action_item(&self, id: ActionItemId) -> StoreResult<Option<ActionItem>>;
    /// Open items due before `today` owned by `org` or agreed at a rakor it convened,
    /// soonest due first.
    async fn overdue_items(&self, org: OrgId, today: NaiveDate) -> StoreResult<Vec<OverdueItem>>;
    /// One MoU by id.
    async fn mou(&self, id: MouId) -> StoreResult<Option<Mou>>;
    /// The MoUs `reach` holds, newest first, at most `limit`.
    async fn mous(&self, reach: &CoordinationReach, limit: i64) -> StoreResult<Vec<Mou>>;
    /// Signed MoUs `reach` holds ending from `from` to `to` (both included), soonest first.
    async fn mous_ending(
        &self,
        reach: &CoordinationReach,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<Mou>>;
}

/// Writes of coordination records inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait CoordinationTx: Send {
    /// Adds a rakor with the organisations present; an unknown organisation is
    /// `MissingReference("organisation")`.
    async fn insert_meeting(&mut self, meeting: &Meeting) -> StoreResult<()>;
    /// Adds an action item.
    async fn insert_action_item(&mut self, item: &ActionItem) -> StoreResult<()>;
    /// Sets an item's status if it is still at `version`; returns the new version. A
    /// stale version is a `Conflict`.
    async fn set_item_status(
        &mut self,
        id: ActionItemId,
        status: ItemStatus,
        version: i64,
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Adds an MoU with its parties.
    async fn insert_mou(&mut self, mou: &Mou) -> StoreResult<()>;
    /// Replaces an MoU's status, signing date, term and end if it is still at
    /// `version`; returns the new version. A stale version is a `Conflict`.
    async fn update_mou(&mut self, mou: &Mou, version: i64) -> StoreResult<i64>;
    /// Links a referral to an MoU; linked already is a `Duplicate("referral")`.
    async fn link_mou_referral(
        &mut self,
        mou: &Mou,
        referral: ReferralId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
}
