//! Reading break-glass grants and sealed keys.

use chrono::{DateTime, Utc};
use pulih_domain::ids::{ClientId, GrantId, UserId};
use pulih_domain::region::Scope;
use pulih_store::{Grant, SealedKey, StoreResult};
use sqlx::QueryBuilder;

use super::errors::map_err;
use super::reach::push_scope;
use super::rows::{self, get};
use crate::db::{Db, Pool};

/// The columns of a grant with its client's code.
pub(crate) const GRANT: &str =
    "select g.*, c.code from grants g join clients c on c.id = g.client_id";

pub(crate) async fn grant(pool: &Pool, id: GrantId) -> StoreResult<Option<Grant>> {
    sqlx::query(&format!("{GRANT} where g.id = $1"))
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::grant)
        .transpose()
}

pub(crate) async fn live_grant(
    pool: &Pool,
    client: ClientId,
    user: UserId,
    at: DateTime<Utc>,
) -> StoreResult<Option<Grant>> {
    sqlx::query(&format!(
        "{GRANT} where g.client_id = $1 and g.user_id = $2 and g.granted_at <= $3 \
         and g.expires_at > $3 order by g.expires_at desc limit 1"
    ))
    .bind(client.as_uuid())
    .bind(user.as_uuid())
    .bind(at)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?
    .as_ref()
    .map(rows::grant)
    .transpose()
}

pub(crate) async fn grants(
    pool: &Pool,
    scope: &Scope,
    unreviewed_only: bool,
) -> StoreResult<Vec<Grant>> {
    let mut q = QueryBuilder::<Db>::new(GRANT);
    q.push(" where (");
    push_scope(&mut q, "g.region", scope);
    q.push(" or ");
    push_scope(&mut q, "g.user_scope", scope);
    q.push(")");
    if unreviewed_only {
        q.push(" and g.reviewed_at is null");
    }
    q.push(" order by g.granted_at desc, g.id desc limit 500");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::grant).collect()
}

pub(crate) async fn server_key(pool: &Pool, purpose: &str) -> StoreResult<Option<SealedKey>> {
    sqlx::query("select key_id, sealed from server_keys where purpose = $1")
        .bind(purpose)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .map(|r| rows::sealed_key(&r, "sealed"))
        .transpose()
}

pub(crate) async fn keys_not_under(
    pool: &Pool,
    key_id: &str,
    limit: i64,
) -> StoreResult<Vec<(ClientId, SealedKey)>> {
    let found = sqlx::query(
        "select client_id, key_id, sealed from client_keys where key_id <> $1 \
         order by client_id limit $2",
    )
    .bind(key_id)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found
        .iter()
        .map(|r| {
            let id = ClientId::from_uuid(get(r, "client_id")?);
            Ok((id, rows::sealed_key(r, "sealed")?))
        })
        .collect()
}
