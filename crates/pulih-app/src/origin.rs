//! Where a request came from: the address, and the idempotency key its first write
//! claims.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, Utc};
use pulih_domain::authz::Actor;
use pulih_store::Claim;

/// How long the answer to an idempotent request is kept by default: longer than a phone
/// may stay offline (published in the README).
pub const DEFAULT_IDEMPOTENCY_DAYS: i64 = 180;

/// The `Idempotency-Key` of one request with the keyed fingerprint of the request, which
/// the request's first write claims.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: String,
    fingerprint: String,
    claimed: Arc<AtomicBool>,
}

impl IdempotencyKey {
    /// A key (as stored) sent with a request whose keyed fingerprint is `fingerprint`.
    pub fn new(key: String, fingerprint: String) -> Self {
        Self {
            key,
            fingerprint,
            claimed: Arc::default(),
        }
    }

    /// The key as stored (see `App::idempotency_key`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The request's keyed fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The claim of the request's first write; none for every later write of the same
    /// request (a use-case that writes twice keys only its first write).
    fn claim(&self, caller: &Actor, at: DateTime<Utc>, keep_days: i64) -> Option<Claim> {
        if self.claimed.swap(true, Ordering::SeqCst) {
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
}

/// Where a request came from: the client's address, for the audit log, and its
/// idempotency key, which the request's first write claims.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    ip: Option<String>,
    key: Option<IdempotencyKey>,
}

impl Origin {
    /// A request from `ip`, with the idempotency key it sent.
    pub fn new(ip: Option<String>, key: Option<IdempotencyKey>) -> Self {
        Self { ip, key }
    }

    /// No request: a command run on the server, or the scheduler.
    pub fn local() -> Self {
        Self::default()
    }

    /// The address the request came from, for the audit log.
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }

    /// The claim of this request's first write by `actor` (see [`IdempotencyKey`]).
    pub(crate) fn claim(&self, actor: &Actor, at: DateTime<Utc>, keep_days: i64) -> Option<Claim> {
        self.key.as_ref()?.claim(actor, at, keep_days)
    }
}
