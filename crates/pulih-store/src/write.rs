//! The unit of work: the one way anything is written.
//!
//! A use-case hands the store a closure over a [`Tx`], the narrow operations of one
//! transaction, and [`Store::write`](crate::Store) runs it inside the write's envelope:
//!
//! 1. with an idempotency [`Claim`], the key is claimed first, inside the transaction. A
//!    key already answered replays the stored [`Answer`] without running the closure; a
//!    concurrent duplicate waits for the first to commit and then replays it; the same key
//!    with another request is [`StoreError::KeyReused`](crate::StoreError::KeyReused);
//! 2. the closure runs: the checks the write depends on read through the same `Tx`, so
//!    they see what the write commits on, and its operations note the change-feed entries
//!    of what they wrote;
//! 3. the envelope appends, in the same transaction, the audit events the closure gave
//!    ([`Tx::audit`]), the change-feed entries, and the claim's answer.
//!
//! All of it commits, or none of it. The stored answer is the closure's value serialised:
//! an [`Answer`] holds ids, versions and codes, never personal or clinical data, so a
//! replay tells the caller what was written and the use-case re-reads the rest under the
//! caller's rights of the moment.

use std::any::Any;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use pulih_domain::ids;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{StoreResult, Tx};

/// An idempotency key claimed by a write: the request's user, its key, the keyed
/// fingerprint of the request, and how long the answer is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Whose key it is: keys are per user.
    pub user: ids::UserId,
    /// The `Idempotency-Key` sent.
    pub key: String,
    /// A keyed hash of the request (method, path, body), so a key reused for another
    /// request is refused and the stored value cannot be reversed into the body.
    pub fingerprint: String,
    /// When the claim is first made.
    pub at: DateTime<Utc>,
    /// When the stored answer may be removed.
    pub expires_at: DateTime<Utc>,
}

/// What a write returns and what its idempotency record keeps: ids, versions, codes and
/// counts, never names, NIKs, phones, notes or anything sealed.
///
/// Implement it only for such types; the stored answer of a replayed request is this
/// value, and it outlives the request by months.
pub trait Answer: Serialize + DeserializeOwned + Send + 'static {}

impl Answer for () {}
impl Answer for i64 {}
impl Answer for u64 {}
impl Answer for bool {}
impl Answer for DateTime<Utc> {}
impl Answer for chrono::NaiveDate {}
impl<T: Answer> Answer for Option<T> {}
impl<T: Answer> Answer for Vec<T> {}
impl<A: Answer, B: Answer> Answer for (A, B) {}
impl<A: Answer, B: Answer, C: Answer> Answer for (A, B, C) {}

macro_rules! answer_ids {
    ($($id:ty),* $(,)?) => { $(impl Answer for $id {})* };
}
answer_ids!(
    ids::UserId,
    ids::OrgId,
    ids::SessionId,
    ids::ClientId,
    ids::FactId,
    ids::GrantId,
    ids::AssessmentId,
    ids::UnitId,
    ids::TrainingId,
    ids::ActivityId,
    ids::SchoolId,
    ids::ServiceId,
    ids::ReferralId,
    ids::HandoffId,
    ids::ImportId,
    ids::PeerCountId,
    ids::PeerSessionId,
    ids::MeetingId,
    ids::ActionItemId,
    ids::MouId,
    ids::RegulationId,
    ids::DecreeId,
    ids::SupervisionVisitId,
    pulih_domain::client::ClientCode,
);

/// What a write gave: its value, and whether it is the stored answer of an earlier
/// request with the same idempotency key rather than a write made now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written<T> {
    /// The closure's value, or the stored answer.
    pub value: T,
    /// Whether nothing was written now because the key was answered before.
    pub replayed: bool,
}

/// A write's closure with its value's type erased, as the store runs it.
pub type Work = Box<
    dyn for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, StoreResult<Box<dyn Any + Send>>> + Send,
>;

/// What a store's [`run`](crate::Store::run) gives back.
pub enum Outcome {
    /// The closure ran and committed; its value.
    Fresh(Box<dyn Any + Send>),
    /// The key was answered before; the stored answer.
    Replayed(String),
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Fresh(_) => f.write_str("Fresh"),
            Self::Replayed(answer) => f.debug_tuple("Replayed").field(answer).finish(),
        }
    }
}

impl dyn crate::Store + '_ {
    /// Runs `work` as one unit of work (see the [module](self) docs), claiming `claim`
    /// first when given.
    pub async fn write<T, F>(&self, claim: Option<Claim>, work: F) -> StoreResult<Written<T>>
    where
        T: Answer,
        F: for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, StoreResult<T>> + Send + 'static,
    {
        let erased: Work = Box::new(move |tx: &mut dyn Tx| {
            Box::pin(async move {
                let value = work(tx).await?;
                let answer = serde_json::to_string(&value).map_err(crate::backend)?;
                tx.answer(answer);
                Ok(Box::new(value) as Box<dyn Any + Send>)
            })
        });
        match self.run(claim, erased).await? {
            Outcome::Fresh(value) => value
                .downcast::<T>()
                .map(|value| Written {
                    value: *value,
                    replayed: false,
                })
                .map_err(|_| crate::backend(std::io::Error::other("write answered another type"))),
            Outcome::Replayed(answer) => serde_json::from_str(&answer)
                .map(|value| Written {
                    value,
                    replayed: true,
                })
                // The same key and request run the same use-case, so the stored answer
                // has this type, unless a new version changed the use-case's answer.
                .map_err(crate::backend),
        }
    }

    /// Appends one audit event on its own (a read of a client record, a failed login), in
    /// a write of its own.
    pub async fn append_audit(&self, event: &pulih_domain::audit::AuditEvent) -> StoreResult<()> {
        let event = event.clone();
        self.write(None, move |tx| {
            Box::pin(async move {
                tx.audit(event);
                Ok(())
            })
        })
        .await
        .map(|_| ())
    }
}
