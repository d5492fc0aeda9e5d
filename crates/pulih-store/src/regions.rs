//! The writes of the region tree and its boundaries.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::region_import::{ImportPlan, ImportSummary};

use crate::{Boundary, StoreResult};

/// Writes of regions inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait RegionTx: Send {
    /// Applies an import plan with its history rows; two imports never interleave.
    async fn apply_region_import(
        &mut self,
        plan: &ImportPlan,
        source: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<ImportSummary>;
    /// Stores boundaries, replacing any a region had; returns how many had one before.
    async fn put_boundaries(&mut self, boundaries: &[Boundary]) -> StoreResult<u64>;
}
