//! Referrals as stored: a client sent to a partner service, each step it went through,
//! and the in-app notifications those steps send. Reasons are sealed with the client's
//! key, so erasing the client shreds them.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::client::ClientCode;
use pulih_domain::ids::{ClientId, NotificationId, OrgId, ReferralId, ServiceId, UserId};
use pulih_domain::region::RegionCode;

use crate::StoreResult;

/// A referral, with the names read alongside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    /// Id.
    pub id: ReferralId,
    /// The client referred.
    pub client_id: ClientId,
    /// The client's code (read with the referral).
    pub client_code: ClientCode,
    /// The client's region when referred: whose coordinators see it.
    pub region: RegionCode,
    /// The service referred to.
    pub service_id: ServiceId,
    /// The service's name (read with the referral).
    pub service_name: String,
    /// The service type key, copied when sent.
    pub service_type: String,
    /// The organisation offering the service, copied when sent.
    pub partner_org: OrgId,
    /// Its name (read with the referral).
    pub partner_name: String,
    /// Who sent it.
    pub sender: UserId,
    /// The sender's organisation.
    pub sender_org: OrgId,
    /// The state key.
    pub status: String,
    /// The day it was sent, in the client's time zone.
    pub sent_on: NaiveDate,
    /// The last day to answer.
    pub answer_due: NaiveDate,
    /// The sender's reason, sealed with the client's key; none once erased.
    pub reason: Option<Vec<u8>>,
    /// When it was escalated to a coordinator for want of an answer.
    pub escalated_at: Option<DateTime<Utc>>,
    /// Version, raised by every step.
    pub version: i64,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One step of a referral: sending, or a move to a new state.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralStep {
    /// The referral.
    pub referral_id: ReferralId,
    /// The state it reached.
    pub status: String,
    /// The move key; none for sending.
    pub step: Option<String>,
    /// Who took it.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// A reason (declining, cancelling), sealed with the client's key.
    pub reason: Option<Vec<u8>>,
}

/// An in-app notification. Its detail names codes and states, never substances or
/// diagnoses.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Id.
    pub id: NotificationId,
    /// To whom.
    pub user_id: UserId,
    /// What happened, e.g. `referral.accepted`, `referral.overdue`, `digest`.
    pub kind: String,
    /// What it is about (a referral id, a day); one notification per user, kind and
    /// subject, so repeating the work that sends it sends nothing more.
    pub subject: String,
    /// Plain JSON details for the message.
    pub detail: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the user marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

/// Which referrals to list.
#[derive(Debug, Clone, Default)]
pub struct ReferralQuery {
    /// Sent to this organisation.
    pub partner_org: Option<OrgId>,
    /// Sent by this user.
    pub sender: Option<UserId>,
    /// About this client.
    pub client: Option<ClientId>,
    /// For clients at or below this region.
    pub within: Option<RegionCode>,
    /// Only in these states (all when empty).
    pub statuses: Vec<String>,
    /// Only sent on or after this day.
    pub sent_from: Option<NaiveDate>,
    /// Only sent on or before this day.
    pub sent_to: Option<NaiveDate>,
    /// Only those escalated to a coordinator.
    pub escalated_only: bool,
    /// At most this many.
    pub limit: i64,
}

/// A referral's first step and when it was accepted: enough for outcome figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralOutcome {
    /// The state key now.
    pub status: String,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// When the partner accepted it, if it did.
    pub accepted_at: Option<DateTime<Utc>>,
}

/// Storage of referrals and notifications.
#[async_trait]
pub trait ReferralStore: Send + Sync {
    /// One referral by id.
    async fn referral(&self, id: ReferralId) -> StoreResult<Option<Referral>>;
    /// Referrals matching the query, newest first.
    async fn referrals(&self, query: &ReferralQuery) -> StoreResult<Vec<Referral>>;
    /// The steps of every referral of a client, by referral, oldest first.
    async fn referral_steps(&self, client: ClientId) -> StoreResult<Vec<ReferralStep>>;
    /// Referrals still waiting for an answer after their last day (`answer_due` before
    /// `today`) and not escalated yet, oldest first, at most `limit`.
    async fn overdue_referrals(&self, today: NaiveDate, limit: i64) -> StoreResult<Vec<Referral>>;
    /// Outcomes of referrals for clients at or below `region` sent between two days.
    async fn referral_outcomes(
        &self,
        region: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReferralOutcome>>;
    /// A user's notifications, newest first, at most `limit`.
    async fn notifications(&self, user: UserId, limit: i64) -> StoreResult<Vec<Notification>>;
    /// How many of a user's notifications are unread.
    async fn unread_notifications(&self, user: UserId) -> StoreResult<i64>;
}

/// Writes of referrals and notifications inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait ReferralTx: Send {
    /// Stores a new referral with its first step. An unknown client or service is a
    /// `MissingReference`.
    async fn insert_referral(
        &mut self,
        referral: &Referral,
        step: &ReferralStep,
    ) -> StoreResult<()>;
    /// Moves a referral to `step.status` if it is still at `expected_version`, storing
    /// the step; returns the new record. Stale is a `Conflict`.
    async fn move_referral(
        &mut self,
        expected_version: i64,
        step: &ReferralStep,
    ) -> StoreResult<Referral>;
    /// Marks a referral escalated at `at`, only if it still waits for an answer and
    /// nobody escalated it: `false` when another process did (or it was answered).
    async fn escalate_referral(&mut self, id: ReferralId, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Stores notifications, skipping any whose user, kind and subject exist; returns
    /// how many were new. Each new one is queued as a delivery on every channel of
    /// `outbound` (the channels configured) that its user chose, with the generic text
    /// of its kind in the user's language.
    async fn notify(
        &mut self,
        notify: &[Notification],
        outbound: &[pulih_domain::outbound::Channel],
    ) -> StoreResult<u64>;
    /// Marks every unread notification of a user read at `at`; returns how many.
    async fn mark_notifications_read(
        &mut self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
}
