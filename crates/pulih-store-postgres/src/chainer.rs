//! The chainer task: after writes commit, it moves their pending audit entries and
//! changes into the chain and the feed (`sql::chain`), in a transaction of its own.
//!
//! Writers only kick it, so no writer waits for another's commit. Under load one run
//! takes everything that committed while the previous one ran, so the chain grows in
//! batches as the SQLite writer's does. Another process's chainer (`pulih worker` beside
//! `pulih serve`) waits for the lock on `chain_head`, then finds only what is left.

use std::sync::Arc;
use std::time::Duration;

use pulih_store::StoreResult;
use sqlx::PgPool;
use tokio::sync::Notify;

use crate::sql::chain::KeySlot;
use crate::sql::errors::map_err;

/// Handle to the chainer task; cloning shares the task.
#[derive(Debug, Clone)]
pub(crate) struct Chainer {
    pool: PgPool,
    key: KeySlot,
    wake: Arc<Notify>,
}

impl Chainer {
    /// Starts the task over `pool`.
    pub(crate) fn start(pool: PgPool, key: KeySlot) -> Self {
        let wake = Arc::new(Notify::new());
        tokio::spawn(run(pool.clone(), key.clone(), Arc::clone(&wake)));
        Self { pool, key, wake }
    }

    /// Asks the task to run (soon, not now).
    pub(crate) fn kick(&self) {
        self.wake.notify_one();
    }

    /// Chains everything committed so far, now; a read when nothing waits.
    pub(crate) async fn settle(&self) -> StoreResult<()> {
        let waiting: bool = sqlx::query_scalar(
            "select exists (select 1 from audit_pending) or exists (select 1 from changes_pending) \
         or exists (select 1 from rollup_pending)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)?;
        if waiting {
            chain_once(&self.pool, &self.key).await?;
        }
        Ok(())
    }
}

async fn chain_once(pool: &PgPool, key: &KeySlot) -> StoreResult<u64> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    let moved = crate::sql::chain::chain(&mut tx, key).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(moved)
}

/// How long a kicked chainer waits for more commits to chain in the same round: under
/// load a round per few milliseconds instead of one per write (each round commits, so
/// each costs a WAL flush), while readers that need the chain now settle it themselves.
const GATHER: Duration = Duration::from_millis(5);

async fn run(pool: PgPool, key: KeySlot, wake: Arc<Notify>) {
    loop {
        wake.notified().await;
        tokio::time::sleep(GATHER).await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = chain_once(&pool, &key).await {
            tracing::error!(error = %e, "chaining committed audit entries failed; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            wake.notify_one();
        }
    }
}
