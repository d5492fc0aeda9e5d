//! Where a user works: its name, organisation and scope changed from the version read,
//! and the check that an agent moved away leaves no assigned client behind. The
//! `AccountTx` operations of the same names call these.

use pulih_domain::ids::UserId;
use pulih_domain::region::Scope;
use pulih_store::{StoreResult, User, UserPlacement};
use sqlx::QueryBuilder;

use super::accounts::stale_or_missing;
use super::envelope::SqlTx;
use super::errors::map_err;
use super::reach::push_scope;
use super::rows::{self, get};
use crate::db::Db;

pub(crate) async fn place(tx: &mut SqlTx<'_>, change: &UserPlacement) -> StoreResult<User> {
    let before = sqlx::query("select scope from users where id = $1")
        .bind(change.id.as_uuid())
        .fetch_optional(&mut *tx.conn)
        .await
        .map_err(map_err)?
        .map(|row| get::<String>(&row, "scope"))
        .transpose()?;
    // the version check and the bump are one statement, as in `update_user`
    let row = sqlx::query(
        "update users set display_name = coalesce($3, display_name), \
         org_id = coalesce($4, org_id), scope = coalesce($5, scope), version = version + 1 \
         where id = $1 and version = $2 returning *",
    )
    .bind(change.id.as_uuid())
    .bind(change.expected_version)
    .bind(change.display_name.as_deref())
    .bind(change.org_id.map(|o| o.as_uuid()))
    .bind(change.scope.as_ref().map(Scope::as_str))
    .fetch_optional(&mut *tx.conn)
    .await
    .map_err(map_err)?;
    let Some(row) = row else {
        return Err(stale_or_missing(tx, "users", change.id.as_uuid()).await);
    };
    let user = rows::user(&row)?;
    // a reader of the old scope's feed learns that the user left it
    if let Some(old) = before.filter(|old| old != user.scope.as_str()) {
        tx.changed("user", user.id, user.version, old);
    }
    tx.changed("user", user.id, user.version, user.scope.as_str());
    Ok(user)
}

pub(crate) async fn assigned_outside(
    tx: &mut SqlTx<'_>,
    user: UserId,
    scope: &Scope,
) -> StoreResult<bool> {
    let mut q = QueryBuilder::<Db>::new(
        "select count(*) as n from clients c where c.erased_at is null and c.assigned_to = ",
    );
    q.push_bind(user.as_uuid()).push(" and not (");
    push_scope(&mut q, "c.region", scope);
    q.push(")");
    let row = q.build().fetch_one(&mut *tx.conn).await.map_err(map_err)?;
    Ok(get::<i64>(&row, "n")? > 0)
}
