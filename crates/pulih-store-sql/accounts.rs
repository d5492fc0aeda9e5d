//! Organisations, users and sessions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::{OrgId, SessionId, UserId};
use pulih_domain::region::Scope;
use pulih_store::{
    AccountTx, OpenLink, Organisation, Session, StoreError, StoreResult, User, UserUpdate,
};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::map_err;
use super::reach::push_scope;
use super::rows::{self, get};
use crate::db::{Db, Pool};

pub(crate) async fn org(pool: &Pool, id: OrgId) -> StoreResult<Option<Organisation>> {
    sqlx::query("select * from organisations where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::org)
        .transpose()
}

pub(crate) async fn list_orgs(pool: &Pool, scope: &Scope) -> StoreResult<Vec<Organisation>> {
    let mut q = QueryBuilder::<Db>::new("select * from organisations where ");
    push_scope(&mut q, "place", scope);
    q.push(" order by name, id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::org).collect()
}

/// Which column identifies the user asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum UserBy<'a> {
    /// Its id.
    Id(UserId),
    /// Its (lower-case) username.
    Username(&'a str),
    /// The hash of its open link's token, unexpired at the time given.
    Link(&'a str, DateTime<Utc>),
}

pub(crate) async fn user(pool: &Pool, by: UserBy<'_>) -> StoreResult<Option<User>> {
    let mut q = QueryBuilder::<Db>::new("select * from users where ");
    match by {
        UserBy::Id(id) => q.push("id = ").push_bind(id.as_uuid()),
        UserBy::Username(name) => q.push("username = ").push_bind(name.to_owned()),
        UserBy::Link(hash, now) => q
            .push("link_hash = ")
            .push_bind(hash.to_owned())
            .push(" and link_expires_at > ")
            .push_bind(now),
    };
    q.build()
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::user)
        .transpose()
}

pub(crate) async fn list_users(pool: &Pool, scope: &Scope) -> StoreResult<Vec<User>> {
    let mut q = QueryBuilder::<Db>::new("select * from users where ");
    push_scope(&mut q, "scope", scope);
    q.push(" order by username");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::user).collect()
}

pub(crate) async fn user_count(pool: &Pool) -> StoreResult<i64> {
    let row = sqlx::query("select count(*) as n from users")
        .fetch_one(pool)
        .await
        .map_err(map_err)?;
    get(&row, "n")
}

pub(crate) async fn session_by_token_hash(
    pool: &Pool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<(Session, User)>> {
    let row = sqlx::query(
        "select s.id as s_id, s.user_id as s_user_id, s.kind as s_kind, s.csrf_token as s_csrf_token, \
                s.created_at as s_created_at, s.expires_at as s_expires_at, \
                coalesce(s.last_seen_at, s.created_at) as s_last_seen_at, u.* \
         from sessions s join users u on u.id = s.user_id \
         where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?;
    row.map(|r| Ok((rows::session(&r)?, rows::user(&r)?)))
        .transpose()
}

#[async_trait]
impl AccountTx for SqlTx<'_> {
    async fn insert_org(&mut self, org: &Organisation) -> StoreResult<()> {
        sqlx::query(
            "insert into organisations (id, name, org_type, place, version, created_at) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org.id.as_uuid())
        .bind(&org.name)
        .bind(org.org_type.as_str())
        .bind(org.place.as_str())
        .bind(org.version)
        .bind(org.created_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("organisation", org.id, org.version, org.place.as_str());
        Ok(())
    }

    async fn insert_user(&mut self, user: &User) -> StoreResult<()> {
        sqlx::query(
            "insert into users (id, username, display_name, role, org_id, scope, password_hash, \
             disabled, must_change_password, version, created_at, totp_secret, totp_enabled, \
             totp_last_step) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(user.id.as_uuid())
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(user.org_id.as_uuid())
        .bind(user.scope.as_str())
        .bind(&user.password_hash)
        .bind(user.disabled)
        .bind(user.must_change_password)
        .bind(user.version)
        .bind(user.created_at)
        .bind(user.totp.as_ref().map(|t| t.secret.as_slice()))
        .bind(user.totp.as_ref().is_some_and(|t| t.enabled))
        .bind(user.totp.as_ref().and_then(|t| t.last_step))
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("user", user.id, user.version, user.scope.as_str());
        Ok(())
    }

    async fn update_user(&mut self, update: &UserUpdate, at: DateTime<Utc>) -> StoreResult<User> {
        let (hash, must_change) = match &update.password {
            Some((hash, must)) => (Some(hash.as_str()), Some(*must)),
            None => (None, None),
        };
        // The version check and the bump are one statement: a concurrent update of the
        // same row waits for the row lock, then sees the new version and matches nothing.
        let row = sqlx::query(
            "update users set disabled = coalesce($3, disabled), \
             password_hash = coalesce($4, password_hash), \
             must_change_password = coalesce($5, must_change_password), version = version + 1 \
             where id = $1 and version = $2 returning *",
        )
        .bind(update.id.as_uuid())
        .bind(update.expected_version)
        .bind(update.disabled)
        .bind(hash)
        .bind(must_change)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?;
        let Some(row) = row else {
            return Err(stale_or_missing(self, "users", update.id.as_uuid()).await);
        };
        let user = rows::user(&row)?;
        if let Some(except) = update.revoke_sessions {
            let mut q = QueryBuilder::<Db>::new("update sessions set revoked_at = ");
            q.push_bind(at)
                .push(" where user_id = ")
                .push_bind(update.id.as_uuid())
                .push(" and revoked_at is null");
            if let Some(except) = except {
                q.push(" and id <> ").push_bind(except.as_uuid());
            }
            q.build().execute(&mut *self.conn).await.map_err(map_err)?;
        }
        self.changed("user", user.id, user.version, user.scope.as_str());
        Ok(user)
    }

    async fn insert_session(&mut self, s: &Session, token_hash: &str) -> StoreResult<()> {
        sqlx::query(
            "insert into sessions (id, token_hash, user_id, kind, csrf_token, created_at, \
             expires_at, last_seen_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(s.id.as_uuid())
        .bind(token_hash)
        .bind(s.user_id.as_uuid())
        .bind(s.kind.as_str())
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.last_seen_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn touch_session(&mut self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("update sessions set last_seen_at = $2 where id = $1")
            .bind(id.as_uuid())
            .bind(at)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn begin_totp(&mut self, user: UserId, sealed_secret: &[u8]) -> StoreResult<()> {
        super::totp::begin(self, user, sealed_secret).await
    }

    async fn enable_totp(
        &mut self,
        user: UserId,
        step: i64,
        recovery_hashes: &[String],
    ) -> StoreResult<()> {
        super::totp::enable(self, user, step, recovery_hashes).await
    }

    async fn clear_totp(&mut self, user: UserId) -> StoreResult<bool> {
        super::totp::clear(self, user).await
    }

    async fn take_totp_step(&mut self, user: UserId, step: i64) -> StoreResult<bool> {
        super::totp::take_step(self, user, step).await
    }

    async fn take_recovery_code(
        &mut self,
        user: UserId,
        code_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        super::totp::take_recovery_code(self, user, code_hash, at).await
    }

    async fn set_link(&mut self, user: UserId, link: Option<(&str, OpenLink)>) -> StoreResult<()> {
        super::links::set(self, user, link).await
    }

    async fn place_user(&mut self, change: &pulih_store::UserPlacement) -> StoreResult<User> {
        super::people::place(self, change).await
    }

    async fn assigned_outside(&mut self, user: UserId, scope: &Scope) -> StoreResult<bool> {
        super::people::assigned_outside(self, user, scope).await
    }

    async fn take_link(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<User>> {
        super::links::take(self, token_hash, now).await
    }

    async fn revoke_session(&mut self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("update sessions set revoked_at = $2 where id = $1 and revoked_at is null")
            .bind(id.as_uuid())
            .bind(at)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?;
        Ok(())
    }
}

/// Why an update by version touched nothing: `Conflict` if the row exists, else
/// `NotFound`. `table` is one of the versioned tables, never input.
pub(crate) async fn stale_or_missing(
    tx: &mut SqlTx<'_>,
    table: &str,
    id: uuid::Uuid,
) -> StoreError {
    match sqlx::query(&format!("select 1 as one from {table} where id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx.conn)
        .await
    {
        Ok(Some(_)) => StoreError::Conflict,
        Ok(None) => StoreError::NotFound,
        Err(e) => map_err(e),
    }
}
