//! Seeding many records through the API at once: a fixed number of tasks share the work
//! and the progress is printed as it goes, so a long set-up never looks stuck.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use tokio::task::JoinSet;

/// Tasks seeding at once: enough to keep the server's writer batching, few enough to leave
/// it CPU.
const TASKS: usize = 16;
/// Progress is printed each time this share of the work is done (every tenth).
const PROGRESS_STEPS: usize = 10;

/// Runs `work(i)` for every `i` in `0..n` on [`TASKS`] concurrent tasks (task `k` takes
/// `k`, `k + TASKS`, …), printing `what: done/n` to standard error every tenth of the way;
/// returns the results in the order of `i`. Stops at the first error, naming its item.
pub async fn each<T, F, Fut>(what: &str, n: usize, work: F) -> Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let work = Arc::new(work);
    let done = Arc::new(AtomicUsize::new(0));
    let step = n.div_ceil(PROGRESS_STEPS).max(1);
    let mut tasks = JoinSet::new();
    for k in 0..TASKS.min(n) {
        let (work, done, what) = (Arc::clone(&work), Arc::clone(&done), what.to_owned());
        tasks.spawn(async move {
            let mut results = Vec::new();
            for i in (k..n).step_by(TASKS) {
                results.push((i, work(i).await.with_context(|| format!("{what} {i}"))?));
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if finished % step == 0 || finished == n {
                    eprintln!("  {what}: {finished}/{n}");
                }
            }
            Ok::<_, anyhow::Error>(results)
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(joined) = tasks.join_next().await {
        all.extend(joined.context("a seeding task panicked")??);
    }
    all.sort_unstable_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, result)| result).collect())
}
