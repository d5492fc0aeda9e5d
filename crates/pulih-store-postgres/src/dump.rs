//! Backups of a PostgreSQL database with the client tools: [`backup_into`] runs
//! `pg_dump` (custom format) on a snapshot it exports and digests the tables in that same
//! snapshot, so the manifest describes exactly what the dump holds while the server keeps
//! writing; [`restore`] runs `pg_restore` into an empty database in one transaction.
//! Without `pg_dump` on `PATH` both refuse and say so (docs/OPERATIONS.md names the
//! alternative: a base backup with WAL archiving).
//!
//! The tools get the URL without its password, which goes in `PGPASSWORD` instead, so it
//! never shows in the process list, and without sqlx's own parameters.

use std::path::Path;
use std::process::Stdio;

use pulih_store::{Contents, StoreError, StoreResult, TableContents};
use sqlx::{ConnectOptions, Connection, PgConnection, Postgres};
use tokio::process::Command;

use crate::sql::errors::{backend, map_err};

/// Connects for a backup's reads, with the settings a value's text depends on fixed, so
/// a digest does not depend on the server's or the role's defaults.
async fn connect(url: &str) -> StoreResult<PgConnection> {
    crate::tls::options(url)?
        .options([
            ("timezone", "UTC"),
            ("datestyle", "ISO"),
            ("intervalstyle", "postgres"),
            ("bytea_output", "hex"),
            ("extra_float_digits", "1"),
        ])
        // a table read whole is slow by design, not a statement to warn about
        .disable_statement_logging()
        .connect()
        .await
        .map_err(backend)
}

/// A client tool (`pg_dump`, `pg_restore`) aimed at the database at `url`.
fn tool(name: &str, url: &str) -> StoreResult<Command> {
    let mut address = url::Url::parse(url).map_err(backend)?;
    let password = address.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    address
        .set_password(None)
        .map_err(|()| StoreError::Backend("the database URL has no host".into()))?;
    // sqlx's own parameter, which libpq refuses; the encryption the server gets
    let mut libpq: Vec<(String, String)> = address
        .query_pairs()
        .filter(|(k, _)| k != "statement-cache-capacity")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if let Some(mode) = crate::tls::default_mode(url)? {
        libpq.push(("sslmode".into(), crate::tls::libpq_name(mode).into()));
    }
    address.set_query(None);
    if !libpq.is_empty() {
        address.query_pairs_mut().extend_pairs(libpq);
    }
    let mut command = Command::new(name);
    command
        .arg("--dbname")
        .arg(address.as_str())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    Ok(command)
}

/// Waits for a tool; its standard error becomes the error when it fails.
async fn finish(name: &str, command: &mut Command) -> StoreResult<()> {
    let child = command.spawn().map_err(|e| missing(name, e))?;
    let out = child.wait_with_output().await.map_err(backend)?;
    if out.status.success() {
        return Ok(());
    }
    Err(StoreError::Backend(
        format!(
            "{name} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into(),
    ))
}

fn missing(name: &str, e: std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::NotFound {
        StoreError::Backend(
            format!(
                "{name} is not on PATH: install the PostgreSQL client tools \
                 (the server's major version or newer)"
            )
            .into(),
        )
    } else {
        backend(e)
    }
}

/// A read-only transaction that sees one snapshot of the database to its end.
async fn snapshot(conn: &mut PgConnection) -> StoreResult<sqlx::Transaction<'_, Postgres>> {
    let mut tx = conn.begin().await.map_err(map_err)?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    Ok(tx)
}

/// Dumps the database at `url` into the new file `out` and returns its contents, read
/// in the dump's snapshot; `progress` hears of each table when it is digested.
pub async fn backup_into(
    url: &str,
    out: &Path,
    progress: &(dyn Fn(&TableContents) + Sync),
) -> StoreResult<Contents> {
    let mut conn = connect(url).await?;
    let mut tx = snapshot(&mut conn).await?;
    let snapshot: String = sqlx::query_scalar("select pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
    let mut dump = tool("pg_dump", url)?;
    dump.args(["--format=custom", "--no-owner", "--no-privileges"])
        .arg(format!("--snapshot={snapshot}"))
        .arg("--file")
        .arg(out);
    // the dump and the digests read the same snapshot side by side; it stays valid
    // while this transaction is open
    let (dumped, contents) = tokio::join!(
        finish("pg_dump", &mut dump),
        crate::sql::contents::read(&mut tx, progress)
    );
    dumped?;
    let contents = contents?;
    tx.rollback().await.map_err(map_err)?;
    conn.close().await.map_err(backend)?;
    Ok(contents)
}

/// Every table of the database at `url`, read in one snapshot.
pub async fn contents(
    url: &str,
    progress: &(dyn Fn(&TableContents) + Sync),
) -> StoreResult<Contents> {
    let mut conn = connect(url).await?;
    let mut tx = snapshot(&mut conn).await?;
    let contents = crate::sql::contents::read(&mut tx, progress).await?;
    tx.rollback().await.map_err(map_err)?;
    conn.close().await.map_err(backend)?;
    Ok(contents)
}

/// How many tables the database at `url` holds in its schema.
pub async fn tables(url: &str) -> StoreResult<i64> {
    let mut conn = connect(url).await?;
    let n = sqlx::query_scalar(
        "select count(*) from information_schema.tables where table_schema = current_schema()",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(map_err)?;
    conn.close().await.map_err(backend)?;
    Ok(n)
}

/// Drops everything in the database's schema (`--force` over a database in use).
pub async fn clear(url: &str) -> StoreResult<()> {
    let mut conn = connect(url).await?;
    let schema: String = sqlx::query_scalar("select current_schema()")
        .fetch_one(&mut conn)
        .await
        .map_err(map_err)?;
    let quoted = format!("\"{}\"", schema.replace('"', "\"\""));
    sqlx::raw_sql(&format!(
        "drop schema {quoted} cascade; create schema {quoted}"
    ))
    .execute(&mut conn)
    .await
    .map_err(map_err)?;
    conn.close().await.map_err(backend)
}

/// Restores the dump at `from` into the database at `url`, all of it or nothing.
pub async fn restore(url: &str, from: &Path) -> StoreResult<()> {
    let mut load = tool("pg_restore", url)?;
    load.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ])
    .arg(from);
    finish("pg_restore", &mut load).await
}

/// The contents of the dump at `from`, read by restoring it into a scratch database
/// created beside the one at `url` (the role needs `createdb`) and dropped afterwards.
pub async fn contents_of_dump(
    url: &str,
    from: &Path,
    progress: &(dyn Fn(&TableContents) + Sync),
) -> StoreResult<Contents> {
    let name = format!("pulih_check_{}", uuid::Uuid::now_v7().simple());
    let mut scratch = url::Url::parse(url).map_err(backend)?;
    scratch.set_path(&format!("/{name}"));
    let mut conn = connect(url).await?;
    // generated here, never from input: safe to splice into the statement
    sqlx::raw_sql(&format!(r#"create database "{name}""#))
        .execute(&mut conn)
        .await
        .map_err(map_err)?;
    let read = async {
        restore(scratch.as_str(), from).await?;
        contents(scratch.as_str(), progress).await
    }
    .await;
    let dropped = sqlx::raw_sql(&format!(r#"drop database "{name}" with (force)"#))
        .execute(&mut conn)
        .await
        .map_err(map_err);
    conn.close().await.map_err(backend)?;
    let read = read?;
    dropped?;
    Ok(read)
}
