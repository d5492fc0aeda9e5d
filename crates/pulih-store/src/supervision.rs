//! Supervision of IBM agents as stored: coordinators' visits to a unit (append-only),
//! and the reads behind the per-agent view and the idle agents of the worklist
//! (`pulih_domain::programme::supervision`).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::ids::{SupervisionVisitId, UnitId, UserId};
use pulih_domain::region::{RegionCode, Scope};

use crate::{ActivityRow, Member, StoreResult};

/// A coordinator's supervision visit to a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct SupervisionVisitRow {
    /// Id.
    pub id: SupervisionVisitId,
    /// The unit visited.
    pub unit: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// The day of the visit.
    pub visited_on: NaiveDate,
    /// What was found.
    pub findings: String,
    /// What follows.
    pub follow_up: String,
    /// Who recorded it (the coordinator who visited).
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// One kind of activity an agent recorded: how many and the people they reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCount {
    /// `awareness`, `outreach` or `coordination`.
    pub kind: String,
    /// How many live activities.
    pub count: i64,
    /// The people they reached (audiences, people contacted, attendees).
    pub people: i64,
}

/// An agent's work as counted from the records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentWork {
    /// Live activities the agent recorded since the day asked about, by kind.
    pub activities: Vec<KindCount>,
    /// Clients (not erased) assigned to the agent now.
    pub clients: i64,
    /// Aftercare follow-up visits the agent recorded since the day asked about, about
    /// clients not erased.
    pub follow_ups_done: i64,
    /// The day of the agent's latest live activity, ever.
    pub last_activity: Option<NaiveDate>,
}

/// An active agent with no activity since a day.
#[derive(Debug, Clone, PartialEq)]
pub struct IdleAgent {
    /// The agent.
    pub member: Member,
    /// The unit's village.
    pub village: RegionCode,
    /// The day of the agent's latest live activity, if any.
    pub last_activity: Option<NaiveDate>,
}

/// Reads of supervision.
#[async_trait]
pub trait SupervisionStore: Send + Sync {
    /// The supervision visits of a unit, latest first, at most `limit`.
    async fn supervision_visits(
        &self,
        unit: UnitId,
        limit: i64,
    ) -> StoreResult<Vec<SupervisionVisitRow>>;
    /// What `agent` did since `since` (see [`AgentWork`]).
    async fn agent_work(&self, agent: UserId, since: NaiveDate) -> StoreResult<AgentWork>;
    /// The live activities `agent` recorded on or after `since`, newest first, at most
    /// `limit`.
    async fn agent_activities(
        &self,
        agent: UserId,
        since: NaiveDate,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>>;
    /// Active agents of units inside `scope` who joined on or before `since` and have
    /// recorded no live activity after it, by village and name.
    async fn idle_agents(&self, scope: &Scope, since: NaiveDate) -> StoreResult<Vec<IdleAgent>>;
}

/// Writes of supervision inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait SupervisionTx: Send {
    /// Appends a supervision visit.
    async fn insert_supervision_visit(&mut self, visit: &SupervisionVisitRow) -> StoreResult<()>;
}
