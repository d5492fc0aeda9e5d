//! Rollups as read: the counters of figures per node and period that writes keep (see
//! `pulih_domain::rollup`). A write adds to them with [`Tx::tally`](crate::Tx::tally);
//! the counters follow within milliseconds of its commit (on PostgreSQL the chainer adds
//! them after commit), and [`settle`](RollupStore::rollups_settled) waits for that.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{ActivityId, ReferralId};
use pulih_domain::region::RegionCode;
use pulih_domain::rollup::{Cell, Figure};

use crate::{ActivityRow, ReferralStep, StoreResult};

/// One counter with its value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Counted {
    /// Figure, node and period.
    pub cell: Cell,
    /// The count.
    pub n: i64,
}

/// A counter as published to those who see suppressed figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// Figure, node, period and count.
    pub counted: Counted,
    /// Whether it is shown as hidden.
    pub hidden: bool,
}

/// A referral's step as a recount reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedStep {
    /// The referral's region (the client's when referred).
    pub region: RegionCode,
    /// The day it was sent, in the client's time zone.
    pub sent_on: NaiveDate,
    /// The service type key it was sent to.
    pub service_type: String,
    /// The step.
    pub step: ReferralStep,
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
    /// The steps of up to `limit` referrals after `after` in id order, each with the
    /// referral's region: what a recount reads.
    async fn referral_steps_after(
        &self,
        after: Option<ReferralId>,
        limit: i64,
    ) -> StoreResult<Vec<PlacedStep>>;
    /// Every counter, for `pulih rollups verify`.
    async fn rollups_all(&self) -> StoreResult<Vec<Counted>>;
    /// Replaces every counter with `counted` in one transaction (`pulih rollups rebuild`).
    async fn replace_rollups(&self, counted: Vec<Counted>) -> StoreResult<()>;
    /// The stocks `figures` (see `Figure::is_stock`) of `node` and its children: their
    /// counters summed over every year, with an empty period.
    async fn rollup_stock(&self, node: &str, figures: &[Figure]) -> StoreResult<Vec<Counted>>;
    /// Every counter of `figure` in `period`, over the whole tree (zeros are absent).
    async fn rollup_figure(&self, figure: Figure, period: &str) -> StoreResult<Vec<Counted>>;
    /// When `figure` in `period` was last published, with the nodes it hid then.
    async fn publication(
        &self,
        figure: Figure,
        period: &str,
    ) -> StoreResult<Option<(DateTime<Utc>, Vec<String>)>>;
    /// Replaces the publication of `figure` in `period` with `cells`, in one transaction.
    async fn publish(
        &self,
        figure: Figure,
        period: &str,
        at: DateTime<Utc>,
        cells: Vec<Published>,
    ) -> StoreResult<()>;
    /// The published cells of `node` and its children in `period`, for `figures`.
    async fn published_family(
        &self,
        node: &str,
        period: &str,
        figures: &[Figure],
    ) -> StoreResult<Vec<Published>>;
}
