//! One-time links to set a password: a user's open link is kept on its row as the
//! SHA-256 of the token, with its purpose and end. The `AccountTx` operations of the
//! same names call these.

use chrono::{DateTime, Utc};
use pulih_domain::ids::UserId;
use pulih_store::{OpenLink, StoreError, StoreResult, User};

use super::envelope::SqlTx;
use super::errors::map_err;
use super::rows;

pub(crate) async fn set(
    tx: &mut SqlTx<'_>,
    user: UserId,
    link: Option<(&str, OpenLink)>,
) -> StoreResult<()> {
    let row = sqlx::query(
        "update users set link_hash = $2, link_purpose = $3, link_expires_at = $4, \
         version = version + 1 where id = $1 returning *",
    )
    .bind(user.as_uuid())
    .bind(link.map(|(hash, _)| hash))
    .bind(link.map(|(_, l)| l.purpose.key()))
    .bind(link.map(|(_, l)| l.expires_at))
    .fetch_optional(&mut *tx.conn)
    .await
    .map_err(map_err)?
    .ok_or(StoreError::NotFound)?;
    changed(tx, &rows::user(&row)?);
    Ok(())
}

pub(crate) async fn take(
    tx: &mut SqlTx<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<User>> {
    // one statement: of two requests with the same token, the second waits for the
    // row lock and then matches nothing
    let row = sqlx::query(
        "update users set link_hash = null, link_purpose = null, link_expires_at = null, \
         version = version + 1 where link_hash = $1 and link_expires_at > $2 returning *",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *tx.conn)
    .await
    .map_err(map_err)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let user = rows::user(&row)?;
    changed(tx, &user);
    Ok(Some(user))
}

fn changed(tx: &mut SqlTx<'_>, user: &User) {
    tx.changed("user", user.id, user.version, user.scope.as_str());
}
