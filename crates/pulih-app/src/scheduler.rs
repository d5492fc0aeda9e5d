//! Work that falls due with time, driven by rows in the database: referrals left
//! unanswered past their last day escalate to the coordinators over the client's region,
//! each user with something on their worklist gets a daily digest, and the audit chain
//! gets a signed checkpoint every few minutes ([`crate::checkpoints`]). Every run may be
//! repeated and may race another server process: a referral escalates once (the store
//! marks it in the same transaction as the notifications, only if nobody did), and a
//! digest is one per user and day. Each run also sends the outbox's due deliveries
//! ([`crate::outbound`]): the digest and every other notification go out by e-mail or
//! SMS/WhatsApp to the users who chose those channels, retried with backoff.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{Duration, NaiveDate, Timelike};
use pulih_domain::account::Role;
use pulih_domain::ids::{NotificationId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{Notification, User};
use serde_json::json;

use crate::{App, AppResult, Origin, Record};

/// The hour (WIB) from which the day's digests go out.
const DIGEST_HOUR: u32 = 6;

/// Most overdue referrals escalated in one run.
const BATCH: i64 = 500;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueWork {
    /// Referrals escalated.
    pub escalated: u64,
    /// Digests delivered.
    pub digests: u64,
    /// Idempotency answers removed after their time.
    pub answers_swept: u64,
    /// What the outbox's worker did (e-mail, SMS/WhatsApp).
    pub deliveries: crate::DeliveryRun,
}

/// A day's summary of a worklist: how many items in each section, never who or what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// The user's local day.
    pub day: NaiveDate,
    /// Items per worklist section key.
    pub counts: std::collections::BTreeMap<&'static str, usize>,
}

/// Delivers digests; the in-app one also queues them on the user's other channels.
#[async_trait]
pub trait DigestSender: Send + Sync {
    /// Delivers one digest; false when this user already had it that day.
    async fn deliver(&self, to: &User, digest: &Digest) -> AppResult<bool>;
}

/// Digests as in-app notifications, one per user and day.
pub struct InAppDigests(App);

#[async_trait]
impl DigestSender for InAppDigests {
    async fn deliver(&self, to: &User, digest: &Digest) -> AppResult<bool> {
        let note = Notification {
            id: NotificationId::new(),
            user_id: to.id,
            kind: "digest".into(),
            subject: digest.day.to_string(),
            detail: json!({ "day": digest.day, "counts": digest.counts }).to_string(),
            created_at: self.0.now(),
            read_at: None,
        };
        let outbound = self.0.outbound_channels();
        let added = self
            .0
            .write(None, &Origin::local(), move |tx| {
                Box::pin(async move { tx.notify(&[note], &outbound).await })
            })
            .await?;
        Ok(added > 0)
    }
}

impl App {
    /// The in-app digest sender.
    pub fn in_app_digests(&self) -> InAppDigests {
        InAppDigests(self.clone())
    }

    /// Escalates referrals left unanswered past their last day in the client's local
    /// time to the coordinators over the client's region; returns how many this run
    /// escalated (another process may have taken some).
    #[tracing::instrument(skip_all)]
    pub async fn escalate_overdue(&self) -> AppResult<u64> {
        // WIT reaches a new day first: nothing can be overdue before that.
        let earliest = (self.now() + Duration::hours(9)).date_naive();
        let mut coordinators: HashMap<RegionCode, Vec<UserId>> = HashMap::new();
        let mut today: HashMap<RegionCode, NaiveDate> = HashMap::new();
        let mut escalated = 0;
        for r in self.store.overdue_referrals(earliest, BATCH).await? {
            if !today.contains_key(&r.region) {
                today.insert(r.region.clone(), self.today_in(&r.region).await?);
            }
            if today[&r.region] <= r.answer_due {
                continue;
            }
            if !coordinators.contains_key(&r.region) {
                let place = Scope::Region(r.region.clone());
                let found = self.nearest_over(Role::Coordinator, &place).await?;
                coordinators.insert(r.region.clone(), found);
            }
            let at = self.now();
            let told: Vec<Notification> = coordinators[&r.region]
                .iter()
                .map(|c| super::referrals::notice(*c, "referral.overdue", &r, at))
                .collect();
            let record = Record {
                kind: "referral",
                id: Some(r.id.to_string()),
                region: r.region.as_str(),
            };
            let detail = json!({ "answer_due": r.answer_due, "coordinators": told.len() });
            let event = self.event(None, "referral.escalate", record, &Origin::local(), detail);
            let id = r.id;
            let outbound = self.outbound_channels();
            // escalated once: the update takes the referral only while nobody has
            let taken = self
                .write(None, &Origin::local(), move |tx| {
                    Box::pin(async move {
                        if !tx.escalate_referral(id, at).await? {
                            return Ok(false);
                        }
                        tx.notify(&told, &outbound).await?;
                        tx.audit(event);
                        Ok(true)
                    })
                })
                .await?;
            if taken {
                escalated += 1;
            }
        }
        Ok(escalated)
    }

    /// Delivers today's digest to every active user whose worklist has anything on it.
    #[tracing::instrument(skip_all)]
    pub async fn send_digests(&self, sender: &dyn DigestSender) -> AppResult<u64> {
        let mut delivered = 0;
        for user in self.store.list_users(&Scope::National).await? {
            if user.disabled {
                continue;
            }
            let actor = pulih_domain::authz::Actor {
                user_id: user.id,
                org_id: user.org_id,
                role: user.role,
                scope: user.scope.clone(),
                disabled: user.disabled,
            };
            let list = self.worklist(&actor).await?;
            let counts = list.counts();
            let Some(day) = list.today else { continue };
            if counts.is_empty() {
                continue;
            }
            if sender.deliver(&user, &Digest { day, counts }).await? {
                delivered += 1;
            }
        }
        Ok(delivered)
    }

    /// Runs the due work every `every` for ever: escalations on each run, digests once a
    /// day from 06:00 WIB. Failures are logged (without personal data) and retried on
    /// the next run.
    pub async fn run_scheduler(self, every: std::time::Duration) {
        let digests = self.in_app_digests();
        let mut last_digest: Option<NaiveDate> = None;
        let mut last_checkpoint: Option<chrono::DateTime<chrono::Utc>> = None;
        loop {
            let checkpoint_due = last_checkpoint.is_none_or(|at| {
                self.now() - at >= Duration::minutes(self.config.audit_checkpoint_minutes)
            });
            if checkpoint_due {
                match self.checkpoint_audit().await {
                    Ok(_) => last_checkpoint = Some(self.now()),
                    Err(e) => tracing::error!(error = %e, "signing an audit checkpoint failed"),
                }
            }
            let wib = self.now() + Duration::hours(7);
            let due_digest = wib.hour() >= DIGEST_HOUR && last_digest != Some(wib.date_naive());
            let sender: Option<&dyn DigestSender> = due_digest.then_some(&digests as _);
            match self.run_due_work(sender).await {
                Ok(done) => {
                    if due_digest {
                        last_digest = Some(wib.date_naive());
                    }
                    if done != DueWork::default() {
                        tracing::info!(
                            escalated = done.escalated,
                            digests = done.digests,
                            sent = done.deliveries.sent,
                            retrying = done.deliveries.retrying,
                            given_up = done.deliveries.failed,
                            "due work done"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "due work failed; retrying next run"),
            }
            tokio::time::sleep(every).await;
        }
    }

    /// One run of the due work: escalations always, digests when `digests` is set.
    #[tracing::instrument(skip_all)]
    pub async fn run_due_work(&self, digests: Option<&dyn DigestSender>) -> AppResult<DueWork> {
        let escalated = self.escalate_overdue().await?;
        let digests = match digests {
            Some(sender) => self.send_digests(sender).await?,
            None => 0,
        };
        let answers_swept = self.store.sweep_idempotency(self.now()).await?;
        let deliveries = self.deliver_due().await?;
        Ok(DueWork {
            escalated,
            digests,
            answers_swept,
            deliveries,
        })
    }
}
