//! The writes of organisations, users and sessions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::SessionId;

use crate::{Organisation, Session, StoreResult, User, UserUpdate};

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
    /// Stores a session; `token_hash` is the SHA-256 of the secret handed to the client.
    async fn insert_session(&mut self, session: &Session, token_hash: &str) -> StoreResult<()>;
    /// Revokes one session (a session revoked already stays as it was).
    async fn revoke_session(&mut self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()>;
}
