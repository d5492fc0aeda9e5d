//! Two-factor login: a user's sealed secret, its last accepted step, its recovery codes.
//! The `AccountTx` operations of the same names call these.

use chrono::{DateTime, Utc};
use pulih_domain::ids::UserId;
use pulih_store::{StoreError, StoreResult};

use super::accounts::stale_or_missing;
use super::envelope::SqlTx;
use super::errors::map_err;
use super::rows::get;

pub(crate) async fn begin(tx: &mut SqlTx<'_>, user: UserId, sealed: &[u8]) -> StoreResult<()> {
    let done = sqlx::query(
        "update users set totp_secret = $2, totp_enabled = false, totp_last_step = null \
         where id = $1 and not totp_enabled",
    )
    .bind(user.as_uuid())
    .bind(sealed)
    .execute(&mut *tx.conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(stale_or_missing(tx, "users", user.as_uuid()).await);
    }
    Ok(())
}

pub(crate) async fn enable(
    tx: &mut SqlTx<'_>,
    user: UserId,
    step: i64,
    recovery_hashes: &[String],
) -> StoreResult<()> {
    let row = sqlx::query(
        "update users set totp_enabled = true, totp_last_step = $2, version = version + 1 \
         where id = $1 and not totp_enabled and totp_secret is not null \
         returning version, scope",
    )
    .bind(user.as_uuid())
    .bind(step)
    .fetch_optional(&mut *tx.conn)
    .await
    .map_err(map_err)?;
    let Some(row) = row else {
        return Err(StoreError::Conflict);
    };
    let (version, scope): (i64, String) = (get(&row, "version")?, get(&row, "scope")?);
    delete_recovery_codes(tx, user).await?;
    for hash in recovery_hashes {
        sqlx::query("insert into totp_recovery_codes (user_id, code_hash) values ($1, $2)")
            .bind(user.as_uuid())
            .bind(hash)
            .execute(&mut *tx.conn)
            .await
            .map_err(map_err)?;
    }
    tx.changed("user", user, version, scope);
    Ok(())
}

pub(crate) async fn clear(tx: &mut SqlTx<'_>, user: UserId) -> StoreResult<bool> {
    let before = sqlx::query("select totp_enabled from users where id = $1")
        .bind(user.as_uuid())
        .fetch_optional(&mut *tx.conn)
        .await
        .map_err(map_err)?;
    let enabled: bool = match &before {
        Some(row) => get(row, "totp_enabled")?,
        None => return Err(StoreError::NotFound),
    };
    let row = sqlx::query(
        "update users set totp_secret = null, totp_enabled = false, totp_last_step = null, \
         version = version + 1 where id = $1 and totp_secret is not null \
         returning version, scope",
    )
    .bind(user.as_uuid())
    .fetch_optional(&mut *tx.conn)
    .await
    .map_err(map_err)?;
    delete_recovery_codes(tx, user).await?;
    if let Some(row) = row {
        let (version, scope): (i64, String) = (get(&row, "version")?, get(&row, "scope")?);
        tx.changed("user", user, version, scope);
    }
    Ok(enabled)
}

async fn delete_recovery_codes(tx: &mut SqlTx<'_>, user: UserId) -> StoreResult<()> {
    sqlx::query("delete from totp_recovery_codes where user_id = $1")
        .bind(user.as_uuid())
        .execute(&mut *tx.conn)
        .await
        .map_err(map_err)?;
    Ok(())
}

pub(crate) async fn take_step(tx: &mut SqlTx<'_>, user: UserId, step: i64) -> StoreResult<bool> {
    // the comparison and the update are one statement: two logins racing with the same
    // code cannot both take it
    let done = sqlx::query(
        "update users set totp_last_step = $2 where id = $1 and totp_enabled \
         and (totp_last_step is null or totp_last_step < $2)",
    )
    .bind(user.as_uuid())
    .bind(step)
    .execute(&mut *tx.conn)
    .await
    .map_err(map_err)?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn take_recovery_code(
    tx: &mut SqlTx<'_>,
    user: UserId,
    code_hash: &str,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "update totp_recovery_codes set used_at = $3 \
         where user_id = $1 and code_hash = $2 and used_at is null",
    )
    .bind(user.as_uuid())
    .bind(code_hash)
    .bind(at)
    .execute(&mut *tx.conn)
    .await
    .map_err(map_err)?;
    Ok(done.rows_affected() == 1)
}
