//! Pulih storage on an embedded SQLite file.
//!
//! The SQL is the shared layer (`crates/pulih-store-sql`, compiled here as `sql`); this
//! crate opens the file, keeps the one writer, and says where SQLite's dialect differs.
//! Writes go through one writer task that group-commits them on one connection (SQLite
//! allows one writer) and chains their audit entries before each commit; reads go
//! through a small pool. The file runs in WAL mode with `synchronous = FULL`, so an
//! acknowledged write is on disk.

pub mod backup;
mod dialect;
#[path = "../../pulih-store-sql/mod.rs"]
mod sql;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use futures::future::BoxFuture;
use pulih_store::{Claim, Outcome, StoreError, StoreResult, Work};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::sql::errors::{backend, map_err};

/// The sqlx types the shared SQL is compiled for.
mod db {
    pub(crate) type Db = sqlx::Sqlite;
    pub(crate) type Conn = sqlx::SqliteConnection;
    pub(crate) type Pool = sqlx::SqlitePool;
    pub(crate) type DbRow = sqlx::sqlite::SqliteRow;
}

/// The store type the shared SQL implements the traits for.
type Backend = SqliteStore;

/// The SQLite backend.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: writer::Writer,
    write_pool: SqlitePool,
    reader: SqlitePool,
    chain_key: sql::chain::KeySlot,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(backend)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // erased clients' pages are overwritten, not left in free space
            .pragma("secure_delete", "on")
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(backend)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            // a ping checks only that the connection's worker thread still runs, at the
            // price of one more hand-off to it for every query: a page of 14 reads paid 28
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(backend)?;
        let chain_key = sql::chain::KeySlot::default();
        Ok(Self {
            writer: writer::Writer::start(writer.clone(), chain_key.clone()),
            write_pool: writer,
            reader,
            chain_key,
        })
    }

    /// Closes every connection, checkpointing the WAL into the main file.
    pub async fn close(&self) {
        self.reader.close().await;
        self.write_pool.close().await;
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// Runs a unit of work in the writer's next batch.
    async fn run_write(&self, claim: Option<Claim>, work: Work) -> StoreResult<Outcome> {
        self.writer
            .write(move |conn| {
                Box::pin(async move { sql::envelope::run(conn, claim.as_ref(), work).await })
            })
            .await
    }

    /// Runs maintenance (no audit, no feed) on the write connection, in the next batch.
    async fn write_conn<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut db::Conn) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
    {
        self.writer.write(work).await
    }

    /// Nothing to do: nothing waits unchained outside a batch.
    fn key_set(&self) {}

    /// Copies the WAL into the main file and truncates it, so no older copy of a page an
    /// erasure overwrote (its freed bytes zeroed by `secure_delete`) stays in the WAL.
    async fn scrub(&self) -> StoreResult<()> {
        // the write connection, between two batches of the writer
        let mut conn = self.write_pool.acquire().await.map_err(map_err)?;
        let (busy,): (i64,) = sqlx::query_as("pragma wal_checkpoint(truncate)")
            .fetch_one(&mut *conn)
            .await
            .map_err(map_err)?;
        if busy != 0 {
            tracing::warn!("readers kept the WAL from being truncated after an erasure");
        }
        Ok(())
    }

    /// Nothing to do: the writer chains every batch before it commits.
    #[expect(
        clippy::unused_async,
        reason = "the shared SQL awaits every backend's settle"
    )]
    async fn settle(&self) -> StoreResult<()> {
        Ok(())
    }
}
