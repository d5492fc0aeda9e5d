//! Organisations, users and sessions in PostgreSQL.

use chrono::{DateTime, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{OrgId, SessionId};
use pulih_domain::region::Scope;
use pulih_store::{Organisation, Session, StoreError, StoreResult, User, UserUpdate};
use sqlx::{PgPool, Postgres, Row};

use crate::{audit, map_err, rows, scope_filter};

pub(crate) async fn create_org(
    pool: &PgPool,
    org: &Organisation,
    event: &AuditEvent,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(map_err)?;
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
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    audit::append(&mut tx, event).await?;
    audit::change(
        &mut tx,
        "organisation",
        &org.id.to_string(),
        org.version,
        org.place.as_str(),
        event.at,
    )
    .await?;
    tx.commit().await.map_err(map_err)
}

pub(crate) async fn org(pool: &PgPool, id: OrgId) -> StoreResult<Option<Organisation>> {
    sqlx::query("select * from organisations where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::org)
        .transpose()
}

pub(crate) async fn list_orgs(pool: &PgPool, scope: &Scope) -> StoreResult<Vec<Organisation>> {
    let (filter, param) = scope_filter("place", scope);
    let rows = sqlx::query(&format!(
        "select * from organisations where {filter} order by name, id"
    ))
    .bind(param)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter().map(rows::org).collect()
}

pub(crate) async fn create_user(pool: &PgPool, user: &User, event: &AuditEvent) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    sqlx::query(
        "insert into users (id, username, display_name, role, org_id, scope, password_hash, disabled, must_change_password, version, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    audit::append(&mut tx, event).await?;
    audit::change(
        &mut tx,
        "user",
        &user.id.to_string(),
        user.version,
        user.scope.as_str(),
        event.at,
    )
    .await?;
    tx.commit().await.map_err(map_err)
}

/// One user found by `sql`, a `select * from users` with one parameter.
pub(crate) async fn user_where<T>(
    pool: &PgPool,
    sql: &'static str,
    value: T,
) -> StoreResult<Option<User>>
where
    T: 'static + Send + sqlx::Encode<'static, Postgres> + sqlx::Type<Postgres>,
{
    sqlx::query(sql)
        .bind(value)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::user)
        .transpose()
}

pub(crate) async fn list_users(pool: &PgPool, scope: &Scope) -> StoreResult<Vec<User>> {
    let (filter, param) = scope_filter("scope", scope);
    let rows = sqlx::query(&format!(
        "select * from users where {filter} order by username"
    ))
    .bind(param)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter().map(rows::user).collect()
}

pub(crate) async fn update_user(
    pool: &PgPool,
    update: &UserUpdate,
    event: &AuditEvent,
) -> StoreResult<User> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    let (hash, must_change) = match &update.password {
        Some((hash, must)) => (Some(hash.as_str()), Some(*must)),
        None => (None, None),
    };
    // The version check and the bump are one statement: a concurrent update of the same
    // row waits for the row lock, then sees the new version and matches nothing.
    let row = sqlx::query(
        "update users set disabled = coalesce($3, disabled), password_hash = coalesce($4, password_hash), \
         must_change_password = coalesce($5, must_change_password), version = version + 1 \
         where id = $1 and version = $2 returning *",
    )
    .bind(update.id.as_uuid())
    .bind(update.expected_version)
    .bind(update.disabled)
    .bind(hash)
    .bind(must_change)
    .fetch_optional(&mut *tx)
    .await
    .map_err(map_err)?;
    let Some(row) = row else {
        let exists = sqlx::query("select 1 from users where id = $1")
            .bind(update.id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        return Err(if exists.is_some() {
            StoreError::Conflict
        } else {
            StoreError::NotFound
        });
    };
    let user = rows::user(&row)?;
    if let Some(except) = update.revoke_sessions {
        sqlx::query(
            "update sessions set revoked_at = $3 where user_id = $1 and revoked_at is null \
             and ($2::uuid is null or id <> $2)",
        )
        .bind(update.id.as_uuid())
        .bind(except.map(|s| s.as_uuid()))
        .bind(event.at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    }
    audit::append(&mut tx, event).await?;
    audit::change(
        &mut tx,
        "user",
        &user.id.to_string(),
        user.version,
        user.scope.as_str(),
        event.at,
    )
    .await?;
    tx.commit().await.map_err(map_err)?;
    Ok(user)
}

pub(crate) async fn user_count(pool: &PgPool) -> StoreResult<i64> {
    sqlx::query("select count(*) as n from users")
        .fetch_one(pool)
        .await
        .map(|row| row.get("n"))
        .map_err(map_err)
}

pub(crate) async fn create_session(
    pool: &PgPool,
    s: &Session,
    token_hash: &str,
    event: &AuditEvent,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    sqlx::query(
        "insert into sessions (id, token_hash, user_id, kind, csrf_token, created_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.id.as_uuid())
    .bind(token_hash)
    .bind(s.user_id.as_uuid())
    .bind(s.kind.as_str())
    .bind(&s.csrf_token)
    .bind(s.created_at)
    .bind(s.expires_at)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    audit::append(&mut tx, event).await?;
    tx.commit().await.map_err(map_err)
}

pub(crate) async fn session_by_token_hash(
    pool: &PgPool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<(Session, User)>> {
    let row = sqlx::query(
        "select s.id as s_id, s.user_id as s_user_id, s.kind as s_kind, s.csrf_token as s_csrf_token, \
                s.created_at as s_created_at, s.expires_at as s_expires_at, u.* \
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

pub(crate) async fn revoke_session(
    pool: &PgPool,
    id: SessionId,
    event: &AuditEvent,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    sqlx::query("update sessions set revoked_at = $2 where id = $1 and revoked_at is null")
        .bind(id.as_uuid())
        .bind(event.at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    audit::append(&mut tx, event).await?;
    tx.commit().await.map_err(map_err)
}
