//! Pulih storage on PostgreSQL.
//!
//! The SQL is the shared layer (`crates/pulih-store-sql`, compiled here as `sql`); this
//! crate connects, runs each write in a pooled transaction of its own, chains the audit
//! log after commits ([`chainer`]), and says where PostgreSQL's dialect differs. Writers
//! share no lock, so concurrent writes commit together and share their WAL flushes
//! (PostgreSQL's group commit).

mod chainer;
mod dialect;
pub mod dump;
#[path = "../../pulih-store-sql/mod.rs"]
mod sql;
#[cfg(feature = "testing")]
pub mod testing;
mod tls;

use std::time::Duration;

use futures::future::BoxFuture;
use pulih_store::{Claim, Outcome, StoreError, StoreResult, Work};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::sql::errors::{backend, map_err};

/// The sqlx types the shared SQL is compiled for.
mod db {
    pub(crate) type Db = sqlx::Postgres;
    pub(crate) type Conn = sqlx::PgConnection;
    pub(crate) type Pool = sqlx::PgPool;
    pub(crate) type DbRow = sqlx::postgres::PgRow;
}

/// The store type the shared SQL implements the traits for.
type Backend = PostgresStore;

/// How long a write waits for a row lock (a request with the same idempotency key still
/// running, the client another write holds) before it gives up with `Busy`.
const LOCK_TIMEOUT: &str = "5s";

/// The PostgreSQL backend.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    chainer: chainer::Chainer,
    chain_key: sql::chain::KeySlot,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host/db`) and applies pending
    /// migrations. The connection is encrypted as the URL's `sslmode` says, or by the
    /// default of [`tls`]: `verify-full` for a server elsewhere, `prefer` for this machine.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(tls::options(url)?).await
    }

    /// Connects with options built in code and applies pending migrations.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let mode = options.get_ssl_mode();
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.options([("lock_timeout", LOCK_TIMEOUT)]))
            .await
            .map_err(|e| tls::connect_error(e, mode))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(backend)?;
        let chain_key = sql::chain::KeySlot::default();
        let chainer = chainer::Chainer::start(pool.clone(), chain_key.clone());
        Ok(Self {
            pool,
            chainer,
            chain_key,
        })
    }

    /// Closes every connection of the pool, waiting for those in use to be returned.
    pub async fn close(&self) {
        let _ = self.chainer.settle().await;
        self.pool.close().await;
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    /// Runs a unit of work in a transaction of its own, then has the chainer place its
    /// audit entries and changes.
    async fn run_write(&self, claim: Option<Claim>, work: Work) -> StoreResult<Outcome> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let outcome = sql::envelope::run(&mut tx, claim.as_ref(), work).await?;
        tx.commit().await.map_err(map_err)?;
        self.chainer.kick();
        Ok(outcome)
    }

    /// Runs maintenance (no audit, no feed) in a transaction of its own.
    async fn write_conn<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut db::Conn) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
    {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = work(&mut tx).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }

    /// Has the chainer place what a crash left committed but unchained, now that the
    /// chain's key is known.
    fn key_set(&self) {
        self.chainer.kick();
    }

    /// Vacuums the tables an erasure clears, so the old row versions that held the
    /// sealed data go. In the background: a large table takes a while, and the erasure
    /// has committed already; autovacuum would come later anyway.
    #[expect(clippy::unused_async, reason = "SQLite's scrub awaits its checkpoint")]
    async fn scrub(&self) -> StoreResult<()> {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let vacuum = "vacuum clients, client_keys, client_facts, grants, referrals, \
                          referral_steps, idempotency";
            if let Err(e) = sqlx::raw_sql(vacuum).execute(&pool).await {
                tracing::warn!(error = %e, "vacuum after an erasure failed; autovacuum will do it");
            }
        });
        Ok(())
    }

    /// Chains everything committed so far, so a read of the audit log or the feed sees
    /// the writes that were acknowledged before it.
    async fn settle(&self) -> StoreResult<()> {
        self.chainer.settle().await
    }
}
