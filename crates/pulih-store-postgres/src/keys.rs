//! Sealed keys in PostgreSQL: server-wide keys and the rewrapping of client keys under a
//! new master key. As in the SQLite backend, neither writes an audit or change entry: the
//! records themselves do not change, only the key they are sealed under.

use pulih_domain::ids::ClientId;
use pulih_store::{SealedKey, StoreResult};
use sqlx::{PgPool, Row};

use crate::{map_err, rows};

pub(crate) async fn server_key(pool: &PgPool, purpose: &str) -> StoreResult<Option<SealedKey>> {
    sqlx::query("select key_id, sealed from server_keys where purpose = $1")
        .bind(purpose)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .map(|r| rows::sealed_key(&r, "sealed"))
        .transpose()
}

pub(crate) async fn init_server_key(
    pool: &PgPool,
    purpose: &str,
    key: &SealedKey,
) -> StoreResult<SealedKey> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    // A concurrent first initialisation makes this insert wait for it and then do
    // nothing; the select that follows, a new statement, sees the key it stored.
    sqlx::query(
        "insert into server_keys (purpose, key_id, sealed) values ($1, $2, $3) \
         on conflict (purpose) do nothing",
    )
    .bind(purpose)
    .bind(&key.key_id)
    .bind(&key.bytes)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    let row = sqlx::query("select key_id, sealed from server_keys where purpose = $1")
        .bind(purpose)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
    let stored = rows::sealed_key(&row, "sealed")?;
    tx.commit().await.map_err(map_err)?;
    Ok(stored)
}

pub(crate) async fn keys_not_under(
    pool: &PgPool,
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
            let id = ClientId::from_uuid(r.try_get("client_id").map_err(map_err)?);
            Ok((id, rows::sealed_key(r, "sealed")?))
        })
        .collect()
}

pub(crate) async fn rewrap_keys(
    pool: &PgPool,
    clients: &[(ClientId, String, SealedKey)],
    server: &[(String, String, SealedKey)],
) -> StoreResult<u64> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    let mut replaced = 0;
    // Each update names the key id it was read with, so a key rewrapped (or a client
    // erased) since is left alone.
    for (id, old, new) in clients {
        replaced += sqlx::query(
            "update client_keys set key_id = $1, sealed = $2 where client_id = $3 and key_id = $4",
        )
        .bind(&new.key_id)
        .bind(&new.bytes)
        .bind(id.as_uuid())
        .bind(old)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
    }
    for (purpose, old, new) in server {
        replaced += sqlx::query(
            "update server_keys set key_id = $1, sealed = $2 where purpose = $3 and key_id = $4",
        )
        .bind(&new.key_id)
        .bind(&new.bytes)
        .bind(purpose)
        .bind(old)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
    }
    tx.commit().await.map_err(map_err)?;
    Ok(replaced)
}
