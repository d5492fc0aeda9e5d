//! Legal instruments of a region as stored: local regulations with their dated steps,
//! and the programme decrees that name a year's Bersinar villages, each with what it did
//! to every village it names (a nomination is also a [`BersinarStep`] of the village,
//! carrying the decree's number, date and issuer).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{DecreeId, RegulationId, UserId};
use pulih_domain::programme::bersinar_decree::Effect;
use pulih_domain::programme::regulation::{Kind, Status, Topic};
use pulih_domain::region::RegionCode;

use crate::{BersinarStep, StoreResult};

/// A local regulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regulation {
    /// Id.
    pub id: RegulationId,
    /// The province, regency or city, or village that issues it.
    pub region: RegionCode,
    /// Perda, Perkada, SK, Surat Edaran or Perdes.
    pub kind: Kind,
    /// Its number, once it has one (a draft may not).
    pub number: Option<String>,
    /// Its title.
    pub title: String,
    /// What it is about.
    pub topic: Topic,
    /// Where it stands: the status after its latest step.
    pub status: Status,
    /// Version: the number of its latest step.
    pub version: i64,
    /// Its steps, oldest first (filled by reads of one regulation; empty in lists).
    pub steps: Vec<RegulationStep>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// One dated step of a regulation: its recording, then submit, enact, revise, revoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegulationStep {
    /// 1 for its recording, then one more each step.
    pub seq: i64,
    /// `record`, `submit`, `enact`, `revise` or `revoke`.
    pub step: String,
    /// The status after the step.
    pub status: Status,
    /// The day the step happened.
    pub on: NaiveDate,
    /// A note, e.g. what amended it.
    pub note: Option<String>,
    /// Who recorded the step.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A programme decree naming a year's Bersinar villages of a regency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeDecree {
    /// Id.
    pub id: DecreeId,
    /// The regency or city.
    pub regency: RegionCode,
    /// The decree's number.
    pub number: String,
    /// The day it was signed.
    pub date: NaiveDate,
    /// Who issued it.
    pub issuer: String,
    /// The programme year.
    pub year: i32,
    /// The villages it names, by code, with what it did to each.
    pub villages: Vec<(RegionCode, Effect)>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// Storage of regulations and programme decrees.
#[async_trait]
pub trait RegulationStore: Send + Sync {
    /// One regulation by id, with its steps.
    async fn regulation(&self, id: RegulationId) -> StoreResult<Option<Regulation>>;
    /// The regulations issued by any of `regions`, newest recorded first, without steps.
    async fn regulations_of(&self, regions: &[RegionCode]) -> StoreResult<Vec<Regulation>>;
    /// A regency's programme decrees, newest first, with the villages each names.
    async fn programme_decrees(&self, regency: &RegionCode) -> StoreResult<Vec<ProgrammeDecree>>;
}

/// Writes of regulations and programme decrees inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait RegulationTx: Send {
    /// Adds a regulation with its first step (`regulation.steps[0]`).
    async fn insert_regulation(&mut self, regulation: &Regulation) -> StoreResult<()>;
    /// Appends a step to a regulation still at `version`, setting its status (and its
    /// number, if given); returns the new version. A stale version is a `Conflict`.
    async fn add_regulation_step(
        &mut self,
        regulation: &Regulation,
        version: i64,
        step: &RegulationStep,
    ) -> StoreResult<i64>;
    /// Adds a programme decree with the villages it names and the nominations it makes;
    /// a step numbered from a history someone extended meanwhile is a `Conflict`.
    async fn insert_decree(
        &mut self,
        decree: &ProgrammeDecree,
        steps: &[BersinarStep],
    ) -> StoreResult<()>;
}
