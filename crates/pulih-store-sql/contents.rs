//! A database's contents for backups ([`pulih_store::Contents`]): every table's rows
//! counted and digested in primary-key order, read by one query per table that quotes
//! each value as an SQL literal (`quote` on SQLite, `quote_nullable` on PostgreSQL), so
//! a NULL, a text and a blob never read alike. The caller runs it inside one snapshot.

use futures::TryStreamExt;
use pulih_domain::audit::ChainHead;
use pulih_store::{Contents, StoreResult, TableContents};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::errors::map_err;
use crate::db::Conn;
use crate::dialect;

/// Reads every table (names in byte order), telling `progress` of each when it is done.
pub(crate) async fn read(
    conn: &mut Conn,
    progress: &(dyn Fn(&TableContents) + Sync),
) -> StoreResult<Contents> {
    let mut names: Vec<String> = sqlx::query_scalar(dialect::TABLES)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_err)?;
    names.sort_unstable();
    let mut tables = Vec::with_capacity(names.len());
    for name in &names {
        let table = digest(conn, name).await?;
        progress(&table);
        tables.push(table);
    }
    let has = |name: &str| names.iter().any(|n| n == name);
    let schema_version = if has("_sqlx_migrations") {
        sqlx::query_scalar("select coalesce(max(version), 0) from _sqlx_migrations where success")
            .fetch_one(&mut *conn)
            .await
            .map_err(map_err)?
    } else {
        0
    };
    let chain_head = if has("chain_head") {
        sqlx::query_as::<_, (i64, String, i64)>("select seq, hash, keyed_from from chain_head")
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_err)?
            .map(|(seq, hash, keyed_from)| ChainHead {
                seq,
                hash,
                keyed_from,
            })
    } else {
        None
    };
    Ok(Contents {
        schema_version,
        chain_head,
        tables,
    })
}

/// One table's rows counted and hashed: each value's literal, then a unit separator;
/// a record separator after each row.
async fn digest(conn: &mut Conn, table: &str) -> StoreResult<TableContents> {
    let columns: Vec<(String, i64, String)> = sqlx::query_as(dialect::COLUMNS)
        .bind(table)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_err)?;
    let mut keys: Vec<&(String, i64, String)> = columns.iter().filter(|c| c.1 > 0).collect();
    keys.sort_by_key(|c| c.1);
    if keys.is_empty() {
        keys = columns.iter().collect();
    }
    let values: Vec<String> = columns
        .iter()
        .map(|(name, _, _)| format!("{}({})", dialect::QUOTE, quoted(name)))
        .collect();
    let order: Vec<String> = keys
        .iter()
        .map(|(name, _, kind)| dialect::key_order(&quoted(name), kind))
        .collect();
    let sql = format!(
        "select {} from {} order by {}",
        values.join(", "),
        quoted(table),
        order.join(", ")
    );
    let mut hash = Sha256::new();
    let mut rows = 0_u64;
    let mut stream = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = stream.try_next().await.map_err(map_err)? {
        for i in 0..row.len() {
            let value: String = row.try_get(i).map_err(map_err)?;
            hash.update(value.as_bytes());
            hash.update([0x1f]);
        }
        hash.update([0x1e]);
        rows += 1;
    }
    Ok(TableContents {
        table: table.to_owned(),
        rows,
        sha256: hex::encode(hash.finalize()),
    })
}

/// A name as a quoted SQL identifier (names come from the database's own catalogue).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
