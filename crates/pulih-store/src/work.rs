//! Reads for the coordinators' programme work on the worklist: units to train, villages
//! to re-assess, regencies' Bersinar targets with the villages Bersinar now. Each reads
//! only what lies inside the scope asked for.

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::ids::UnitId;
use pulih_domain::region::{RegionCode, Scope};

use crate::StoreResult;

/// An IBM unit with active agents who hold no certificate and no bimtek planned or under
/// way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitToTrain {
    /// The unit.
    pub unit: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// How many of its active agents are not trained.
    pub untrained: i64,
}

/// A village whose latest IKN assessment is older than asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IknDue {
    /// The village.
    pub village: RegionCode,
    /// The date of its latest assessment.
    pub assessed_on: NaiveDate,
}

/// A regency's Bersinar target for a year, with how many of its villages are Bersinar
/// now (designated or evaluated, not revoked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetProgress {
    /// The regency or city.
    pub regency: RegionCode,
    /// The target.
    pub target: i64,
    /// Villages Bersinar now.
    pub designated: i64,
}

/// Reads of programme work due.
#[async_trait]
pub trait WorkStore: Send + Sync {
    /// Units in `scope` with untrained active agents and no bimtek ending on or after
    /// `today`, by village.
    async fn units_to_train(
        &self,
        scope: &Scope,
        today: NaiveDate,
    ) -> StoreResult<Vec<UnitToTrain>>;
    /// Villages in `scope` whose latest IKN assessment is dated before `before`, oldest
    /// first.
    async fn ikn_due(&self, scope: &Scope, before: NaiveDate) -> StoreResult<Vec<IknDue>>;
    /// The Bersinar targets for `year` of the regencies in `scope`, with their villages
    /// Bersinar now, by regency.
    async fn target_progress(&self, scope: &Scope, year: i32) -> StoreResult<Vec<TargetProgress>>;
}
