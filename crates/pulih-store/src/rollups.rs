//! Rollups as read: the counters of figures per node and period that writes keep (see
//! `pulih_domain::rollup`). A write adds to them with [`Tx::tally`](crate::Tx::tally);
//! the counters follow within milliseconds of its commit (on PostgreSQL the chainer adds
//! them after commit), and [`settle`](RollupStore::rollups_settled) waits for that.

use async_trait::async_trait;
use pulih_domain::ids::ActivityId;
use pulih_domain::rollup::Cell;

use crate::{ActivityRow, StoreResult};

/// One counter with its value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Counted {
    /// Figure, node and period.
    pub cell: Cell,
    /// The count.
    pub n: i64,
}

/// Storage for rollups.
#[async_trait]
pub trait RollupStore: Send + Sync {
    /// Adds what committed writes tallied to the counters, so a read sees every write
    /// acknowledged before it.
    async fn rollups_settled(&self) -> StoreResult<()>;
    /// The counters of `node` and of its children in `period` (zeros are absent).
    async fn rollup_family(&self, node: &str, period: &str) -> StoreResult<Vec<Counted>>;
    /// The counters of `node` in each of `periods`.
    async fn rollup_series(&self, node: &str, periods: &[String]) -> StoreResult<Vec<Counted>>;
    /// Activities in id order after `after`, at most `limit`: what a recount reads.
    async fn activities_after(
        &self,
        after: Option<ActivityId>,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>>;
    /// Every counter, for `pulih rollups verify`.
    async fn rollups_all(&self) -> StoreResult<Vec<Counted>>;
    /// Replaces every counter with `counted` in one transaction (`pulih rollups rebuild`).
    async fn replace_rollups(&self, counted: Vec<Counted>) -> StoreResult<()>;
}
