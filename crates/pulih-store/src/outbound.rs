//! The outbox as stored: the channels each user chose besides the app (addresses sealed
//! by the application) and one delivery per notification and channel, queued by
//! [`ReferralTx::notify`](crate::ReferralTx::notify) in the notification's transaction
//! and worked off by the application's worker.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::{NotificationId, UserId};
use pulih_domain::outbound::{Channel, DeliveryState, Lang};
use pulih_domain::region::Scope;

use crate::StoreResult;

/// A channel a user chose, with the address sealed for storage.
#[derive(Clone, PartialEq, Eq)]
pub struct ChannelChoice {
    /// Whose.
    pub user_id: UserId,
    /// Which channel.
    pub channel: Channel,
    /// The address, sealed by the application for this user and channel.
    pub address: Vec<u8>,
    /// The language of the messages.
    pub lang: Lang,
    /// When it was chosen or last changed.
    pub updated_at: DateTime<Utc>,
}

/// One message of the outbox.
#[derive(Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The notification it tells of.
    pub notification_id: NotificationId,
    /// The channel it goes out on.
    pub channel: Channel,
    /// To whom.
    pub user_id: UserId,
    /// The address, sealed as in [`ChannelChoice`].
    pub address: Vec<u8>,
    /// The e-mail subject.
    pub subject: String,
    /// The generic text.
    pub body: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: i64,
    /// When a pending delivery is next due.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The kind of the last failure, e.g. `connect` or `status_503`.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

pulih_domain::redacted_debug!(ChannelChoice, Delivery);

/// How many deliveries of a channel stand in a state, for administrators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryCount {
    /// The channel.
    pub channel: Channel,
    /// The state.
    pub state: DeliveryState,
    /// How many.
    pub count: i64,
    /// The kind of the latest failure among them, if any failed an attempt.
    pub last_error: Option<String>,
    /// When the latest of them last changed.
    pub last_at: DateTime<Utc>,
}

/// The end of one attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempted {
    /// Sent, pending again (with `next_attempt_at`) or failed for good.
    pub state: DeliveryState,
    /// Attempts made, this one included.
    pub attempts: i64,
    /// When to try again, for a pending delivery.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The kind of failure, if it failed.
    pub error: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Reads of the outbox.
#[async_trait]
pub trait OutboundStore: Send + Sync {
    /// The channels a user chose.
    async fn user_channels(&self, user: UserId) -> StoreResult<Vec<ChannelChoice>>;
    /// Pending deliveries due at `now`, oldest due first, at most `limit`.
    async fn due_deliveries(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<Delivery>>;
    /// Deliveries to users whose scope lies inside `scope`, counted per channel and state.
    async fn delivery_counts(&self, scope: &Scope) -> StoreResult<Vec<DeliveryCount>>;
}

/// Writes of the outbox inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait OutboundTx: Send {
    /// Chooses a channel for a user, replacing the address and language given before.
    async fn set_channel(&mut self, choice: &ChannelChoice) -> StoreResult<()>;
    /// Drops a channel of a user; answers whether it was chosen. Deliveries still
    /// pending on it are given up (failed, `withdrawn`).
    async fn remove_channel(
        &mut self,
        user: UserId,
        channel: Channel,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Takes a due delivery for one attempt: moves its next attempt to `until` if it is
    /// still pending after `attempts` attempts and due at `now`; answers whether this
    /// caller took it (another worker may have).
    async fn claim_delivery(
        &mut self,
        delivery: (NotificationId, Channel),
        attempts: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records the end of an attempt of a pending delivery.
    async fn delivery_attempted(
        &mut self,
        delivery: (NotificationId, Channel),
        attempted: &Attempted,
    ) -> StoreResult<()>;
}
