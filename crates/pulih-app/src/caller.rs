//! Who asks a use-case for something, and how: the actor, the address the request came
//! from, and the request's idempotency key, which the request's first write claims.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use pulih_domain::authz::Actor;
use pulih_store::Claim;

/// How long the answer to an idempotent request is kept by default: longer than a phone
/// may stay offline (published in the README).
pub const DEFAULT_IDEMPOTENCY_DAYS: i64 = 180;

/// The `Idempotency-Key` of one request with the keyed fingerprint of the request, shared
/// between the web edge (which learns whether the answer was replayed) and the write that
/// claims it.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: String,
    fingerprint: String,
    state: Arc<Mutex<KeyState>>,
}

#[derive(Debug, Default)]
struct KeyState {
    claimed: bool,
    replayed: bool,
}

impl IdempotencyKey {
    /// A key sent with a request whose keyed fingerprint is `fingerprint`.
    pub fn new(key: String, fingerprint: String) -> Self {
        Self {
            key,
            fingerprint,
            state: Arc::default(),
        }
    }

    /// Whether the request's write was the stored answer of an earlier request.
    pub fn replayed(&self) -> bool {
        self.state.lock().is_ok_and(|s| s.replayed)
    }

    /// The claim of the request's first write; none for every later write of the same
    /// request (a use-case that writes twice keys only its first write).
    fn claim(&self, caller: &Actor, at: DateTime<Utc>, keep_days: i64) -> Option<Claim> {
        let mut state = self.state.lock().ok()?;
        if std::mem::replace(&mut state.claimed, true) {
            return None;
        }
        Some(Claim {
            user: caller.user_id,
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            at,
            expires_at: at + Duration::days(keep_days),
        })
    }

    fn mark_replayed(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.replayed = true;
        }
    }
}

/// Who is asking: the actor, the client's address, and the request's idempotency key.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user acting.
    pub actor: Actor,
    ip: Option<String>,
    key: Option<IdempotencyKey>,
}

impl Caller {
    /// A caller from a request.
    pub fn new(actor: Actor, ip: Option<String>, key: Option<IdempotencyKey>) -> Self {
        Self { actor, ip, key }
    }

    /// A caller without a request: a command or a test.
    pub fn local(actor: Actor) -> Self {
        Self::new(actor, None, None)
    }

    /// The address the request came from, for the audit log.
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }

    /// The claim of this request's first write (see [`IdempotencyKey`]).
    pub(crate) fn claim(&self, at: DateTime<Utc>, keep_days: i64) -> Option<Claim> {
        self.key.as_ref()?.claim(&self.actor, at, keep_days)
    }

    /// Notes that the request was answered from an earlier one.
    pub(crate) fn replayed(&self) {
        if let Some(key) = &self.key {
            key.mark_replayed();
        }
    }
}
