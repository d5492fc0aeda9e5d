//! Supervision of a unit's agents by the coordinators of its area (article-003): they
//! record their visits to the unit (day, findings, follow-up) and read each agent's work
//! over the last 90 days. A unit or agent outside the coordinator's scope is the same
//! `NotFound` as an unknown one.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::ids::{SupervisionVisitId, UnitId, UserId};
use pulih_domain::programme::activity_detail::ActivityKind;
use pulih_domain::programme::supervision::{SupervisionVisit, is_idle, window_start};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{ClientReach, SupervisionVisitRow, Unit};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ActivityView, MemberView, member_view};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// How many visits a unit's lists show.
const VISITS_SHOWN: i64 = 50;
/// How many of an agent's activities its view lists.
const ACTIVITIES_SHOWN: i64 = 20;

/// A supervision visit as recorded.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionInput {
    /// The day, `YYYY-MM-DD`.
    #[serde(default)]
    pub visited_on: String,
    /// What was found.
    #[serde(default)]
    pub findings: String,
    /// What follows.
    #[serde(default)]
    pub follow_up: String,
}

/// A supervision visit as shown.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionVisitView {
    /// Id.
    pub id: SupervisionVisitId,
    /// The unit visited.
    pub unit: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// The day.
    pub visited_on: NaiveDate,
    /// What was found.
    pub findings: String,
    /// What follows.
    pub follow_up: String,
    /// The coordinator who visited.
    pub recorded_by: UserId,
    /// That coordinator's name.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One agent's work for a coordinator: the last 90 days' activities, people reached and
/// follow-ups, the clients assigned now, whether the agent is idle, and the unit's
/// latest supervision visits.
#[derive(Debug, Clone, Serialize)]
pub struct AgentView {
    /// The unit.
    pub unit: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// The agent, with the phone number.
    pub agent: MemberView,
    /// The coordinator's local date the view was read on.
    pub today: NaiveDate,
    /// The first day counted (90 days back).
    pub since: NaiveDate,
    /// Awareness sessions the agent recorded since then.
    pub awareness_sessions: i64,
    /// Their audiences.
    pub awareness_audience: i64,
    /// Outreach activities the agent recorded since then.
    pub outreach_activities: i64,
    /// The people they reached.
    pub outreach_reached: i64,
    /// Coordination meetings the agent recorded since then.
    pub coordination_meetings: i64,
    /// Clients assigned to the agent now.
    pub clients_assigned: i64,
    /// Aftercare follow-up visits the agent recorded since then.
    pub follow_ups_done: i64,
    /// Follow-up visits of the agent's clients that fell due since then and are still
    /// pending.
    pub follow_ups_overdue: usize,
    /// The day of the agent's latest activity, ever.
    pub last_activity: Option<NaiveDate>,
    /// Active, and no activity for 30 days.
    pub idle: bool,
    /// The agent's latest activities since then, newest first.
    pub activities: Vec<ActivityView>,
    /// The unit's latest supervision visits.
    pub visits: Vec<SupervisionVisitView>,
}

impl App {
    /// A unit its coordinator may supervise: the role refused is `Forbidden`, a unit
    /// outside the scope the same `NotFound` as an unknown one.
    async fn supervised_unit(&self, actor: &Actor, unit: UnitId) -> AppResult<Unit> {
        authorize(actor, Action::SuperviseAgents, &actor.scope)?;
        let unit = self.store.unit(unit).await?.ok_or(AppError::NotFound)?;
        let place = Scope::Region(unit.village.clone());
        match authorize(actor, Action::SuperviseAgents, &place) {
            Ok(()) => Ok(unit),
            Err(Denied::Scope) => Err(AppError::NotFound),
            Err(denied) => Err(denied.into()),
        }
    }

    /// A coordinator records a supervision visit to a unit in its scope.
    #[tracing::instrument(skip_all, fields(unit = %unit))]
    pub async fn record_supervision_visit(
        &self,
        actor: &Actor,
        unit: UnitId,
        input: SupervisionInput,
        origin: &Origin,
    ) -> AppResult<SupervisionVisitView> {
        let unit = self.supervised_unit(actor, unit).await?;
        let today = self.today_in(&unit.village).await?;
        let mut f = Fields::default();
        let visit = f.date("visited_on", &input.visited_on).and_then(|day| {
            f.check_all(SupervisionVisit::parse(
                day,
                &input.findings,
                &input.follow_up,
                today,
            ))
        });
        let Some(visit) = visit else {
            return Err(f.into_error());
        };
        let row = SupervisionVisitRow {
            id: SupervisionVisitId::new(),
            unit: unit.id,
            village: unit.village.clone(),
            visited_on: visit.visited_on(),
            findings: visit.findings().to_owned(),
            follow_up: visit.follow_up().to_owned(),
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "supervision_visit",
            id: Some(row.id.to_string()),
            region: row.village.as_str(),
        };
        // the findings may name people: the audit keeps the unit and the day only
        let detail = json!({ "unit": unit.id, "visited_on": row.visited_on });
        let event = self.event(Some(actor), "supervision.record", record, origin, detail);
        let stored = row.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_supervision_visit(&stored).await?;
                tx.audit(event);
                Ok(stored.id)
            })
        })
        .await?;
        let shown = self.visit_views(vec![row]).await?.into_iter().next();
        shown.ok_or_else(|| AppError::Internal("a visit recorded is not shown".into()))
    }

    /// The latest supervision visits of a unit, for the coordinators of its area.
    #[tracing::instrument(skip_all, fields(unit = %unit))]
    pub async fn supervision_visits(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> AppResult<Vec<SupervisionVisitView>> {
        let unit = self.supervised_unit(actor, unit).await?;
        let rows = self.store.supervision_visits(unit.id, VISITS_SHOWN).await?;
        self.visit_views(rows).await
    }

    /// One agent's work, for the coordinators of the unit's area: an agent who is not a
    /// member of the unit is `NotFound`.
    #[tracing::instrument(skip_all, fields(unit = %unit, agent = %agent))]
    pub async fn agent_view(
        &self,
        actor: &Actor,
        unit: UnitId,
        agent: UserId,
    ) -> AppResult<AgentView> {
        let unit = self.supervised_unit(actor, unit).await?;
        let member = self
            .store
            .membership(agent)
            .await?
            .filter(|m| m.unit == unit.id)
            .ok_or(AppError::NotFound)?;
        let today = self.today_in(&unit.village).await?;
        let since = window_start(today);
        let assigned = ClientReach::Assigned(agent);
        let overdue = async {
            match today.pred_opt() {
                Some(yesterday) => {
                    AppResult::Ok(self.store.follow_ups_due(&assigned, yesterday).await?)
                }
                None => AppResult::Ok(Vec::new()),
            }
        };
        let work = async { AppResult::Ok(self.store.agent_work(agent, since).await?) };
        let rows = async {
            let rows = self.store.agent_activities(agent, since, ACTIVITIES_SHOWN);
            AppResult::Ok(rows.await?)
        };
        let visits = async { AppResult::Ok(self.store.supervision_visits(unit.id, 5).await?) };
        let (work, rows, visits, overdue, trained) = futures::try_join!(
            work,
            rows,
            visits,
            overdue,
            self.holds_certificate(unit.id, agent),
        )?;
        let count = |kind: ActivityKind| {
            let found = work.activities.iter().find(|k| k.kind == kind.key());
            found.map_or((0, 0), |k| (k.count, k.people))
        };
        let (awareness_sessions, awareness_audience) = count(ActivityKind::Awareness);
        let (outreach_activities, outreach_reached) = count(ActivityKind::Outreach);
        let (coordination_meetings, _) = count(ActivityKind::Coordination);
        let active = member.status == pulih_domain::programme::unit::MemberStatus::Active.key();
        let idle = active && is_idle(work.last_activity, member.joined_on, today);
        Ok(AgentView {
            unit: unit.id,
            village: unit.village.clone(),
            agent: member_view(member, true, trained),
            today,
            since,
            awareness_sessions,
            awareness_audience,
            outreach_activities,
            outreach_reached,
            coordination_meetings,
            clients_assigned: work.clients,
            follow_ups_done: work.follow_ups_done,
            follow_ups_overdue: overdue.iter().filter(|v| v.due_on >= since).count(),
            last_activity: work.last_activity,
            idle,
            activities: rows
                .into_iter()
                .map(ActivityView::try_from)
                .collect::<AppResult<_>>()?,
            visits: self.visit_views(visits).await?,
        })
    }

    /// Whether `agent` holds a certificate of one of `unit`'s trainings.
    async fn holds_certificate(&self, unit: UnitId, agent: UserId) -> AppResult<bool> {
        for training in self.store.trainings(unit).await? {
            let issued = self.store.certificates(training.id).await?;
            if issued.iter().any(|c| c.user == agent) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Visits as shown, with their coordinators' names read once each.
    async fn visit_views(
        &self,
        rows: Vec<SupervisionVisitRow>,
    ) -> AppResult<Vec<SupervisionVisitView>> {
        let names = self
            .user_names(rows.iter().map(|r| r.recorded_by).collect())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| SupervisionVisitView {
                recorded_by_name: names.get(&r.recorded_by).cloned().unwrap_or_default(),
                id: r.id,
                unit: r.unit,
                village: r.village,
                visited_on: r.visited_on,
                findings: r.findings,
                follow_up: r.follow_up,
                recorded_by: r.recorded_by,
                recorded_at: r.recorded_at,
            })
            .collect())
    }
}
