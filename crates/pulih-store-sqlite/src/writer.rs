//! Group commit for SQLite. SQLite allows one writer and a durable commit costs an fsync,
//! so one task owns the write connection: it takes every write waiting in its queue (up to
//! [`MAX_BATCH`]), runs each inside its own savepoint of one transaction — so each stays
//! all-or-nothing — chains the audit entries and feed entries the batch appended, commits
//! once, and only then answers them all.

use std::any::Any;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use futures::future::BoxFuture;
use pulih_store::{StoreError, StoreResult};
use sqlx::{Connection, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::sql::chain::KeySlot;
use crate::sql::errors::{backend, map_err};

/// Most writes committed together.
const MAX_BATCH: usize = 256;

type Output = StoreResult<Box<dyn Any + Send>>;
type Work = Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Output> + Send>;

struct Job {
    work: Work,
    reply: oneshot::Sender<Output>,
}

/// Handle to the writer task; cloning shares the task.
#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

fn stopped() -> StoreError {
    backend(std::io::Error::other("the SQLite writer has stopped"))
}

impl Writer {
    /// Starts the writer task over `pool` (which should hold a single connection).
    pub fn start(pool: SqlitePool, chain_key: KeySlot) -> Self {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(pool, chain_key, jobs));
        Self { queue }
    }

    /// Runs `work` in the next batch and returns its result once the batch is on disk.
    pub async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let work: Work = Box::new(move |conn| {
            Box::pin(async move { work(conn).await.map(|v| Box::new(v) as Box<dyn Any + Send>) })
        });
        self.queue
            .send(Job { work, reply })
            .await
            .map_err(|_| stopped())?;
        let value = answer.await.map_err(|_| stopped())??;
        value.downcast::<T>().map(|v| *v).map_err(|_| stopped())
    }
}

async fn run(pool: SqlitePool, chain_key: KeySlot, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        commit_batch(&pool, &chain_key, std::mem::take(&mut batch)).await;
    }
}

async fn commit_batch(pool: &SqlitePool, chain_key: &KeySlot, batch: Vec<Job>) {
    let mut conn = match pool.acquire().await {
        Ok(conn) => conn,
        Err(e) => return fail_all(batch, &map_err(e)),
    };
    if let Err(Unusable) = run_batch(&mut conn, chain_key, batch).await {
        // SQLite may have ended the transaction itself (it does on a full disk or an I/O
        // error) where sqlx still counts it open; a new connection starts clean, so the
        // next batch writes again as soon as the disk takes it.
        if let Err(e) = conn.close().await {
            tracing::warn!(error = %e, "closing the failed write connection");
        }
    }
}

/// The write connection is left in a state the next batch must not inherit.
struct Unusable;

/// Runs the batch in one transaction and answers every write: with its own result
/// once the commit is on disk, or with the failure that stopped the batch.
async fn run_batch(
    conn: &mut SqliteConnection,
    chain_key: &KeySlot,
    batch: Vec<Job>,
) -> Result<(), Unusable> {
    let mut tx = match conn.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            let e = map_err(e);
            fail_all(batch, &e);
            return Err(Unusable);
        }
    };
    let mut answers = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        let output = match tx.begin().await {
            Ok(mut savepoint) => {
                // A panicking write must not take the writer (and every later write) down.
                let output = AssertUnwindSafe((job.work)(&mut savepoint))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| Err(backend(std::io::Error::other("write panicked"))));
                let closed = if output.is_ok() {
                    savepoint.commit().await
                } else {
                    savepoint.rollback().await
                };
                match closed {
                    Ok(()) => output,
                    Err(e) => Err(map_err(e)),
                }
            }
            Err(e) => Err(map_err(e)),
        };
        if let Err(e @ StoreError::Unavailable(_)) = &output {
            // The transaction may be gone already, and later savepoints would then run
            // outside it and commit on their own: the batch ends here, unacknowledged.
            tracing::warn!(error = %e, "the database refused a write; the batch is rolled back");
            let e = for_each(e);
            let _ = tx.rollback().await;
            let unanswered = answers.into_iter().map(|(reply, _)| reply);
            let unrun = std::iter::once(job.reply).chain(jobs.map(|job| job.reply));
            answer_all(unanswered.chain(unrun), &e);
            return Err(Unusable);
        }
        answers.push((job.reply, output));
    }
    // The batch's pending audit entries and changes get their places in the chain and
    // the feed before the commit, so nothing is left pending once it is on disk.
    if let Err(e) = crate::sql::chain::chain(&mut tx, chain_key).await {
        tracing::error!(error = %e, "chaining the batch failed");
        let _ = tx.rollback().await;
        answer_all(answers.into_iter().map(|(reply, _)| reply), &e);
        return Err(Unusable);
    }
    match tx.commit().await {
        Ok(()) => {
            for (reply, output) in answers {
                let _ = reply.send(output);
            }
            Ok(())
        }
        Err(e) => {
            let e = map_err(e);
            tracing::error!(error = %e, "group commit failed");
            answer_all(answers.into_iter().map(|(reply, _)| reply), &e);
            Err(Unusable)
        }
    }
}

fn fail_all(batch: Vec<Job>, e: &StoreError) {
    tracing::error!(error = %e, "SQLite writer could not start a batch");
    answer_all(batch.into_iter().map(|job| job.reply), e);
}

/// The same failure for each write of a batch that failed as a whole: an unavailable
/// database stays unavailable, anything else is a backend error with its text.
fn for_each(e: &StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(detail) => StoreError::Unavailable(detail.clone()),
        other => backend(std::io::Error::other(other.to_string())),
    }
}

/// Answers every write of a batch that did not commit with the same failure.
fn answer_all(replies: impl Iterator<Item = oneshot::Sender<Output>>, e: &StoreError) {
    for reply in replies {
        let _ = reply.send(Err(for_each(e)));
    }
}
