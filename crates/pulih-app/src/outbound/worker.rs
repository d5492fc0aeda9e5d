//! The outbox's worker and what administrators see of it. Each due delivery is first
//! claimed for a while ([`LEASE_SECS`]) in a write of its own, so two worker processes
//! never send it both, and a worker that dies mid-send leaves it due again after the
//! lease; then it is sent, and the attempt recorded: sent, pending again after the
//! backoff, or failed for good after the last attempt. Logs name the channel and the
//! error kind, never the address.

use chrono::Duration;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::outbound::{Channel, DeliveryState, next_attempt_in};
use pulih_store::{Attempted, Delivery};
use serde::Serialize;

use super::SendError;
use crate::{App, AppResult, Origin};

/// Most deliveries sent in one run.
const BATCH: i64 = 200;

/// How long a claimed delivery is left to its worker before another may take it.
const LEASE_SECS: i64 = 600;

/// What a run of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryRun {
    /// Deliveries sent.
    pub sent: u64,
    /// Attempts that failed and will be retried.
    pub retrying: u64,
    /// Deliveries given up.
    pub failed: u64,
}

/// The deliveries of one channel in one state, for administrators.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryCountView {
    /// The channel.
    pub channel: Channel,
    /// The state.
    pub state: DeliveryState,
    /// How many.
    pub count: i64,
    /// The kind of the latest failure among them, e.g. `connect` or `status_503`.
    pub last_error: Option<String>,
    /// When the latest of them last changed.
    pub last_at: chrono::DateTime<chrono::Utc>,
}

impl App {
    /// Sends the deliveries that are due; see the module.
    #[tracing::instrument(skip_all)]
    pub async fn deliver_due(&self) -> AppResult<DeliveryRun> {
        let mut run = DeliveryRun::default();
        let now = self.now();
        for d in self.store.due_deliveries(now, BATCH).await? {
            let key = (d.notification_id, d.channel);
            let (attempts, until) = (d.attempts, now + Duration::seconds(LEASE_SECS));
            let taken = self
                .write(None, &Origin::local(), move |tx| {
                    Box::pin(async move { tx.claim_delivery(key, attempts, now, until).await })
                })
                .await?;
            if !taken {
                continue;
            }
            let result = self.send_one(&d).await;
            let attempts = d.attempts + 1;
            let at = self.now();
            let attempted = match &result {
                Ok(()) => Attempted {
                    state: DeliveryState::Sent,
                    attempts,
                    next_attempt_at: None,
                    error: None,
                    at,
                },
                Err(SendError(kind)) => {
                    let next = next_attempt_in(attempts).map(|wait| at + wait);
                    tracing::warn!(
                        channel = d.channel.key(),
                        attempts,
                        error = kind.as_str(),
                        given_up = next.is_none(),
                        "a delivery failed"
                    );
                    Attempted {
                        state: if next.is_some() {
                            DeliveryState::Pending
                        } else {
                            DeliveryState::Failed
                        },
                        attempts,
                        next_attempt_at: next,
                        error: Some(kind.clone()),
                        at,
                    }
                }
            };
            match attempted.state {
                DeliveryState::Sent => run.sent += 1,
                DeliveryState::Pending => run.retrying += 1,
                DeliveryState::Failed => run.failed += 1,
            }
            self.write(None, &Origin::local(), move |tx| {
                Box::pin(async move { tx.delivery_attempted(key, &attempted).await })
            })
            .await?;
        }
        Ok(run)
    }

    async fn send_one(&self, d: &Delivery) -> Result<(), SendError> {
        let sender = self
            .senders
            .of(d.channel)
            .ok_or_else(|| SendError("unconfigured".into()))?;
        let to = self
            .keys
            .open_contact(d.user_id, d.channel, &d.address)
            .map_err(|_| SendError("address".into()))?;
        sender.send(&to, &d.subject, &d.body).await
    }

    /// The deliveries to users in the actor's scope, counted per channel and state with
    /// the last error kind: administrators only. Attempts are given up after
    /// [`pulih_domain::outbound::MAX_ATTEMPTS`].
    #[tracing::instrument(skip_all)]
    pub async fn delivery_status(&self, actor: &Actor) -> AppResult<Vec<DeliveryCountView>> {
        authorize(actor, Action::ViewDeliveries, &actor.scope)?;
        let counts = self.store.delivery_counts(&actor.scope).await?;
        Ok(counts
            .into_iter()
            .map(|c| DeliveryCountView {
                channel: c.channel,
                state: c.state,
                count: c.count,
                last_error: c.last_error,
                last_at: c.last_at,
            })
            .collect())
    }
}
