//! Backups of the SQLite file: [`backup_into`] copies it with `VACUUM INTO`, which reads
//! one snapshot, so the copy is consistent while a server keeps writing; [`contents`]
//! reads a file's tables (a live database or a backup) without migrating it.

use std::path::Path;
use std::time::Duration;

use pulih_store::{Contents, StoreError, StoreResult, TableContents};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::sql::errors::{backend, map_err};

/// Opens the file at `path` read-only; it must exist.
async fn open(path: &Path) -> StoreResult<SqliteConnection> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(10))
        // a table read whole is slow by design, not a statement to warn about
        .disable_statement_logging()
        .connect()
        .await
        .map_err(backend)
}

/// Copies the database at `db` into `out`, which must not exist or be empty.
pub async fn backup_into(db: &Path, out: &Path) -> StoreResult<()> {
    let target = out.to_str().ok_or_else(|| {
        StoreError::Backend(format!("not a UTF-8 path: {}", out.display()).into())
    })?;
    let mut conn = open(db).await?;
    sqlx::query("vacuum into $1")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(map_err)?;
    conn.close().await.map_err(backend)
}

/// Every table of the database at `path`, read in one snapshot; `progress` hears of
/// each table when it is done.
pub async fn contents(
    path: &Path,
    progress: &(dyn Fn(&TableContents) + Sync),
) -> StoreResult<Contents> {
    let mut conn = open(path).await?;
    let mut tx = conn.begin().await.map_err(map_err)?;
    let contents = crate::sql::contents::read(&mut tx, progress).await?;
    tx.rollback().await.map_err(map_err)?;
    conn.close().await.map_err(backend)?;
    Ok(contents)
}
