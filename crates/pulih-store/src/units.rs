//! IBM units as stored: one per village, its agents, its bimtek trainings with attendance
//! and certificates, and its activities (append-only).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{ActivityId, TrainingId, UnitId, UserId};
use pulih_domain::region::{RegionCode, Scope};

use crate::StoreResult;

/// An IBM unit of a village.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Id.
    pub id: UnitId,
    /// Its village; a village has at most one unit.
    pub village: RegionCode,
    /// The founding meeting as JSON.
    pub founding: String,
    /// The decree's number, date and signatory.
    pub decree: (String, NaiveDate, String),
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// An agent of a unit. An agent belongs to one unit at most.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The unit.
    pub unit: UnitId,
    /// The agent's user account.
    pub user: UserId,
    /// The agent's name as shown to colleagues (read from the account).
    pub display_name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// `male` or `female`.
    pub sex: String,
    /// Age band key.
    pub age_band: String,
    /// `active`, `inactive` or `resigned`.
    pub status: String,
    /// When the agent joined.
    pub joined_on: NaiveDate,
    /// Version, raised by every change.
    pub version: i64,
}

/// A bimtek training of a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRow {
    /// Id.
    pub id: TrainingId,
    /// The unit trained.
    pub unit: UnitId,
    /// The unit's village.
    pub village: RegionCode,
    /// Title.
    pub title: String,
    /// Organiser.
    pub organiser: String,
    /// Modules and trainers as JSON.
    pub curriculum: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// The certificate of an agent who attended every day of a training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The training.
    pub training: TrainingId,
    /// The agent.
    pub user: UserId,
    /// Its number, e.g. `BIMTEK/12.75.01.2001/2023/3`.
    pub number: String,
    /// The day it was issued: the training's last day attended.
    pub issued_on: NaiveDate,
}

/// The number of the `seq`th certificate of a training, e.g.
/// `BIMTEK/12.75.01.2001/2023-05-09/3`: unique as long as a village holds one training a
/// day.
pub fn certificate_number(training: &TrainingRow, seq: i64) -> String {
    format!("BIMTEK/{}/{}/{seq}", training.village, training.starts_on)
}

/// The certificates a day's attendance earns: for each agent among `present` whom the
/// training's whole attendance (the rows before plus this day's) makes trained and who
/// holds none of `issued` yet, the next certificate number, in the order given.
pub fn certificates_earned(
    training: &TrainingRow,
    attended: &[(UserId, NaiveDate)],
    issued: &[Certificate],
    present: &[UserId],
    day: NaiveDate,
) -> Result<Vec<Certificate>, pulih_domain::Invalid> {
    let dates =
        pulih_domain::programme::training::Training::parse(training.starts_on, training.ends_on)?;
    let mut attended = attended.to_vec();
    attended.extend(present.iter().map(|user| (*user, day)));
    let certified: Vec<UserId> = issued.iter().map(|c| c.user).collect();
    let earned = dates.newly_trained(&attended, &certified, present);
    Ok(earned
        .into_iter()
        .zip(issued.len() as i64 + 1..)
        .map(|(user, seq)| Certificate {
            training: training.id,
            user,
            number: certificate_number(training, seq),
            issued_on: day,
        })
        .collect())
}

/// An activity of a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    /// Id.
    pub id: ActivityId,
    /// The unit.
    pub unit: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// `awareness`, `outreach` or `coordination`.
    pub kind: String,
    /// The day it took place.
    pub held_on: NaiveDate,
    /// The details as JSON.
    pub detail: String,
    /// How many people it reached.
    pub people: i64,
    /// The BNNK officer who accompanied it, if any.
    pub accompanied_by: Option<UserId>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A village's activities in a period: how many and the latest day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityTally {
    /// The village.
    pub village: RegionCode,
    /// How many activities.
    pub count: i64,
    /// The latest day one took place.
    pub latest: NaiveDate,
}

/// An active agent in a unit who holds no certificate yet.
#[derive(Debug, Clone, PartialEq)]
pub struct UntrainedAgent {
    /// The agent.
    pub member: Member,
    /// The unit's village.
    pub village: RegionCode,
}

/// Storage of IBM units.
#[async_trait]
pub trait UnitStore: Send + Sync {
    /// One unit by id.
    async fn unit(&self, id: UnitId) -> StoreResult<Option<Unit>>;
    /// The unit of a village.
    async fn village_unit(&self, village: &RegionCode) -> StoreResult<Option<Unit>>;
    /// The units of every village below `region`, by village.
    async fn units_below(&self, region: &RegionCode) -> StoreResult<Vec<Unit>>;
    /// The members of a unit, by name.
    async fn members(&self, unit: UnitId) -> StoreResult<Vec<Member>>;
    /// The unit membership of a user, if any.
    async fn membership(&self, user: UserId) -> StoreResult<Option<Member>>;
    /// One training by id.
    async fn training(&self, id: TrainingId) -> StoreResult<Option<TrainingRow>>;
    /// The trainings of a unit, newest first.
    async fn trainings(&self, unit: UnitId) -> StoreResult<Vec<TrainingRow>>;
    /// Every (agent, day) attended in a training.
    async fn attendance(&self, training: TrainingId) -> StoreResult<Vec<(UserId, NaiveDate)>>;
    /// The certificates of a training, by number.
    async fn certificates(&self, training: TrainingId) -> StoreResult<Vec<Certificate>>;
    /// Active agents of units inside `scope` who hold no certificate, by village and name.
    async fn untrained_agents(&self, scope: &Scope) -> StoreResult<Vec<UntrainedAgent>>;
    /// The latest live activities of a village, newest first, at most `limit`.
    async fn activities(&self, village: &RegionCode, limit: i64) -> StoreResult<Vec<ActivityRow>>;
    /// A live (not voided) activity.
    async fn activity(&self, id: ActivityId) -> StoreResult<Option<ActivityRow>>;
    /// For every village below `region` with activities on or after `since`: how many and
    /// the latest day.
    async fn activity_tallies(
        &self,
        region: &RegionCode,
        since: NaiveDate,
    ) -> StoreResult<Vec<ActivityTally>>;
}

/// Writes of IBM units inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait UnitTx: Send {
    /// Stores a unit with its first members; a second unit in a village is
    /// `Duplicate("village")`, an agent already in a unit `Duplicate("member")`.
    async fn insert_unit(&mut self, unit: &Unit, members: &[Member]) -> StoreResult<()>;
    /// Adds an agent to a unit; one in a unit already is `Duplicate("member")`.
    async fn insert_member(&mut self, member: &Member) -> StoreResult<()>;
    /// Changes an agent's profile and status if still at `member.version`; returns the
    /// new version. A stale version is a `Conflict`.
    async fn update_member(&mut self, member: &Member) -> StoreResult<i64>;
    /// Stores a training.
    async fn insert_training(&mut self, training: &TrainingRow) -> StoreResult<()>;
    /// Locks a training for the rest of the write (so its certificates are numbered
    /// once) and reads it with its attendance and certificates.
    async fn lock_training(
        &mut self,
        id: TrainingId,
    ) -> StoreResult<(TrainingRow, Vec<(UserId, NaiveDate)>, Vec<Certificate>)>;
    /// Records who was present on a day (a day recorded twice keeps one row).
    async fn insert_attendance(
        &mut self,
        training: &TrainingRow,
        day: NaiveDate,
        present: &[UserId],
    ) -> StoreResult<()>;
    /// Stores a certificate.
    async fn insert_certificate(&mut self, certificate: &Certificate) -> StoreResult<()>;
    /// Appends an activity (the facts linking it to clients go through
    /// [`ClientTx::insert_fact`](crate::ClientTx::insert_fact) in the same write).
    async fn insert_activity(&mut self, activity: &ActivityRow) -> StoreResult<()>;
    /// Locks a live (not voided) activity for a correction or a void, and returns it as
    /// stored; `NotFound` if there is none.
    async fn lock_activity(&mut self, id: ActivityId) -> StoreResult<ActivityRow>;
    /// Replaces a live activity's day, details, people and accompanying officer with
    /// `activity`'s.
    async fn correct_activity(&mut self, activity: &ActivityRow) -> StoreResult<()>;
    /// Voids a live activity at `at`: it stays stored, but no read or count sees it.
    async fn void_activity(&mut self, id: ActivityId, at: DateTime<Utc>) -> StoreResult<()>;
}
