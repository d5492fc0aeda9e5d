//! The writes of organisations, users and sessions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::{OrgId, SessionId, UserId};
use pulih_domain::region::Scope;

use crate::{OpenLink, Organisation, Session, StoreResult, User, UserUpdate};

/// A change to who a user is and where it works (its name shown to colleagues, its
/// organisation, its region scope), applied only if the record is still at
/// `expected_version`; a field left `None` stays as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct UserPlacement {
    /// The user to change.
    pub id: UserId,
    /// The version the change was based on.
    pub expected_version: i64,
    /// New name shown to colleagues.
    pub display_name: Option<String>,
    /// New organisation.
    pub org_id: Option<OrgId>,
    /// New region scope.
    pub scope: Option<Scope>,
}

/// Writes of organisations, users and sessions inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait AccountTx: Send {
    /// Stores a new organisation.
    async fn insert_org(&mut self, org: &Organisation) -> StoreResult<()>;
    /// Stores a new user; a username taken is `Duplicate("username")`.
    async fn insert_user(&mut self, user: &User) -> StoreResult<()>;
    /// Changes a user if it is still at `update.expected_version` (`Conflict` if not,
    /// `NotFound` if there is none), revoking sessions as asked; returns the new record.
    async fn update_user(&mut self, update: &UserUpdate, at: DateTime<Utc>) -> StoreResult<User>;
    /// Changes a user's name, organisation or scope if it is still at
    /// `change.expected_version` (`Conflict` if not, `NotFound` if there is none); returns
    /// the new record. A scope changed notes the change in the old scope's feed too.
    async fn place_user(&mut self, change: &UserPlacement) -> StoreResult<User>;
    /// Whether any client (not erased) assigned to `user` lies outside `scope`: read in
    /// the write, so that a move checked here cannot leave a client behind.
    async fn assigned_outside(&mut self, user: UserId, scope: &Scope) -> StoreResult<bool>;
    /// Stores a session; `token_hash` is the SHA-256 of the secret handed to the client.
    async fn insert_session(&mut self, session: &Session, token_hash: &str) -> StoreResult<()>;
    /// Revokes one session (a session revoked already stays as it was).
    async fn revoke_session(&mut self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records that a session was used at `at`.
    async fn touch_session(&mut self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()>;
    /// Opens a user's one-time link under the SHA-256 of its token, replacing any open
    /// one, or closes it (`None`); raises the user's version. `NotFound` if there is none.
    async fn set_link(&mut self, user: UserId, link: Option<(&str, OpenLink)>) -> StoreResult<()>;
    /// Uses up the open link with this token hash if it has not expired at `now`,
    /// raising the user's version: answers the user, or none for any other token.
    async fn take_link(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<User>>;

    /// Starts (or starts again) a user's two-factor enrolment with a sealed secret;
    /// `Conflict` if the user has two-factor login already, `NotFound` if there is none.
    async fn begin_totp(&mut self, user: UserId, sealed_secret: &[u8]) -> StoreResult<()>;
    /// Turns two-factor login on after a confirmed code of `step`, replacing the
    /// recovery codes with `recovery_hashes`; raises the user's version. `Conflict` if
    /// it is on already or no enrolment was begun.
    async fn enable_totp(
        &mut self,
        user: UserId,
        step: i64,
        recovery_hashes: &[String],
    ) -> StoreResult<()>;
    /// Removes a user's two-factor secret and recovery codes (raising its version when
    /// there was one); answers whether two-factor login was on.
    async fn clear_totp(&mut self, user: UserId) -> StoreResult<bool>;
    /// Takes a code of `step` for a user with two-factor login on: answers false, and
    /// changes nothing, when a code of this step or a later one was taken already.
    async fn take_totp_step(&mut self, user: UserId, step: i64) -> StoreResult<bool>;
    /// Uses up one unused recovery code by its hash; answers whether there was one.
    async fn take_recovery_code(
        &mut self,
        user: UserId,
        code_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
