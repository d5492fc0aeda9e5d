//! Aftercare after rehabilitation: the plan made at discharge, follow-up visits (with a
//! BARC-10 when due), the end of aftercare, and relapse, which restarts a step of care.
//! Everything needs consent to services in force; notes, names and substances are sealed.

use chrono::NaiveDate;
use pulih_domain::aftercare::{
    AftercareEndStatus, FollowUpMode, FollowUpStatus, RelapseResponse, Schedule, follow_up_date,
};
use pulih_domain::authz::Actor;
use pulih_domain::client::{FactKind, past_date, person_name};
use pulih_domain::clinical::assist::{Recommendation, Substance};
use pulih_domain::clinical::barc10::Barc10;
use pulih_domain::ids::{ClientId, FactId};
use pulih_domain::optional_text;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Reached;
use super::aftercare_view::{
    AftercareStatus, FollowUpPlain, PlanPlain, PlanSealed, RelapseSealed, aftercare_status,
};
use super::facts::{fact_date, keys};
use super::note::Note;
use super::record::FactCheck;
use super::record::SealedFact;
use super::timeline::{Draft, Fact, FactBody};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin};

/// Weeks of a schedule: a list, or text such as `1, 2, 4, 8, 12, 26`.
#[derive(Clone, Deserialize)]
#[serde(untagged)]
pub enum WeeksInput {
    /// A list of weeks.
    List(Vec<u16>),
    /// Weeks typed in a form.
    Text(String),
}

/// An aftercare plan as sent.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AftercarePlanInput {
    /// `YYYY-MM-DD`: discharge from rehabilitation.
    #[serde(default)]
    pub discharged_on: String,
    /// Weeks after discharge; the default schedule when empty.
    #[serde(default)]
    pub weeks: Option<WeeksInput>,
    /// Who follows the client up (name or role).
    #[serde(default)]
    pub follow_up_by: Option<String>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A follow-up visit as sent.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub visited_on: Option<String>,
    /// `in_person`, `phone` or `home_visit`.
    #[serde(default)]
    pub mode: String,
    /// `well`, `struggling`, `relapsed`, `unreachable`, `moved` or `died`.
    #[serde(default)]
    pub status: String,
    /// BARC-10 answers, when taken at this visit.
    #[serde(default)]
    pub barc10: Option<Vec<i64>>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// The end of aftercare as sent by a worker.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AftercareEndInput {
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub ended_on: Option<String>,
    /// `completed`, `dropped_out`, `died` or `moved`.
    #[serde(default)]
    pub status: String,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A relapse as sent.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelapseInput {
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub relapsed_on: Option<String>,
    /// Substance keys, as in ASSIST.
    #[serde(default)]
    pub substances: Vec<String>,
    /// `brief_intervention`, `re_referral`, `rehab_readmission` or `none_yet`.
    #[serde(default)]
    pub response: String,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// What a recorded follow-up led to.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpResult {
    /// The follow-up.
    pub id: FactId,
    /// The visit due next, if any.
    pub next_due: Option<NaiveDate>,
    /// How aftercare ended with this visit, if it did.
    pub ended: Option<AftercareEndStatus>,
    /// Whether the worker should now record the relapse.
    pub record_relapse: bool,
}

/// What a recorded relapse led to.
#[derive(Debug, Clone, Serialize)]
pub struct RelapseResult {
    /// The relapse.
    pub id: FactId,
    /// The step of care the client is back on; none until a response is decided.
    pub step: Option<Recommendation>,
    /// The aftercare plan it happened during, if any.
    pub plan: Option<FactId>,
}

/// The open plan of a timeline and its schedule.
fn open_plan(timeline: &[Fact], status: Option<&AftercareStatus>) -> Option<(FactId, Schedule)> {
    let status = status.filter(|s| s.open())?;
    timeline.iter().find_map(|f| match &f.body {
        FactBody::AftercarePlan { schedule, .. } if f.id == status.plan => {
            Some((f.id, schedule.clone()))
        }
        _ => None,
    })
}

fn to_plain<T: Serialize>(value: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("plain json: {e}")))
}

fn note(f: &mut Fields, text: Option<&str>) -> Option<String> {
    f.check("note", optional_text(text, 2000, "invalid.note"))
        .flatten()
}

impl App {
    /// Reaches a client for an aftercare record: its timeline, aftercare and today.
    async fn aftercare_of(
        &self,
        actor: &Actor,
        id: ClientId,
    ) -> AppResult<(Reached, NaiveDate, Vec<Fact>, Option<AftercareStatus>)> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let timeline = self.timeline(&reached.row).await?;
        let status = aftercare_status(&timeline, today);
        Ok((reached, today, timeline, status))
    }

    /// Makes an aftercare plan at discharge; a client has one open plan at most.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_aftercare_plan(
        &self,
        actor: &Actor,
        id: ClientId,
        input: AftercarePlanInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today, _, status) = self.aftercare_of(actor, id).await?;
        let mut f = Fields::default();
        let discharged_on = f
            .date("discharged_on", &input.discharged_on)
            .and_then(|d| f.check("discharged_on", past_date(d, today)));
        let schedule = f.check(
            "weeks",
            match &input.weeks {
                None => Ok(Schedule::default()),
                Some(WeeksInput::List(w)) if w.is_empty() => Ok(Schedule::default()),
                Some(WeeksInput::List(w)) => Schedule::new(w.clone()),
                Some(WeeksInput::Text(t)) => Schedule::parse(t),
            },
        );
        let sealed = PlanSealed {
            follow_up_by: f
                .check("follow_up_by", person_name(input.follow_up_by.as_deref()))
                .flatten(),
            note: note(&mut f, input.note.as_deref()),
        };
        let (Some(discharged_on), Some(schedule)) = (discharged_on, schedule) else {
            return Err(f.into_error());
        };
        f.finish()?;
        if status.is_some_and(|s| s.open()) {
            return Err(AppError::Conflict("conflict.aftercare_plan_open"));
        }
        let draft = Draft {
            kind: FactKind::AftercarePlan,
            occurred_on: discharged_on,
            due_on: schedule.first_due(discharged_on),
            refers_to: None,
            plain: to_plain(&PlanPlain { weeks: schedule })?,
            sealed,
        };
        let plan = self.seal_fact(actor, &reached, (draft, None), origin)?;
        let check = FactCheck::consent(today).no_open_plan();
        self.record_fact(actor, origin, check, plan).await
    }

    /// Records a follow-up visit of the open plan, with a BARC-10 when one is given. A
    /// visit that finds the client moved or dead ends aftercare, and so does the last
    /// scheduled visit (completed); all in one transaction.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_follow_up(
        &self,
        actor: &Actor,
        id: ClientId,
        input: FollowUpInput,
        origin: &Origin,
    ) -> AppResult<FollowUpResult> {
        let (reached, today, timeline, status) = self.aftercare_of(actor, id).await?;
        let mut f = Fields::default();
        let visited_on = fact_date(&mut f, "visited_on", input.visited_on.as_deref(), today);
        let mode = f.check("mode", FollowUpMode::parse(&input.mode));
        let found = f.check("status", FollowUpStatus::parse(&input.status));
        let barc = match input.barc10.as_deref().filter(|b| !b.is_empty()) {
            Some(items) => f.check_all(Barc10::parse(items).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|e| {
                        pulih_domain::clinical::FieldError::new(
                            format!("barc10.{}", e.field),
                            e.key,
                        )
                    })
                    .collect()
            })),
            None => None,
        };
        let note = Note {
            note: note(&mut f, input.note.as_deref()),
        };
        let plan = open_plan(&timeline, status.as_ref());
        let discharged_on = status.as_ref().map(|s| s.discharged_on);
        if let Some(out) = discharged_on.filter(|_| plan.is_some()) {
            f.check("visited_on", follow_up_date(visited_on, out, today));
        }
        let (Some(mode), Some(found)) = (mode, found) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let (Some((plan, schedule)), Some(status), Some(out)) = (plan, status, discharged_on)
        else {
            return Err(AppError::Conflict("conflict.aftercare_no_open_plan"));
        };
        let pending = status.next_due;
        let next_due = match (pending, found.reached()) {
            (Some(due), true) => schedule.next_due(out, due, visited_on),
            (pending, _) => pending,
        };
        let ended = found.ends().or_else(|| {
            (found.reached() && next_due.is_none()).then_some(AftercareEndStatus::Completed)
        });
        let draft = Draft {
            kind: FactKind::FollowUp,
            occurred_on: visited_on,
            due_on: next_due.filter(|_| ended.is_none()),
            refers_to: Some(plan),
            plain: to_plain(&FollowUpPlain { mode })?,
            sealed: note,
        };
        let visit = self.seal_fact(actor, &reached, (draft, Some(found.key())), origin)?;
        let visit_id = visit.fact.id;
        let mut facts = vec![visit];
        if let Some(barc) = barc {
            let draft = Draft {
                kind: FactKind::Barc10,
                occurred_on: visited_on,
                due_on: None,
                refers_to: Some(visit_id),
                plain: json!({}),
                sealed: barc,
            };
            facts.push(self.seal_fact(actor, &reached, (draft, None), origin)?);
        }
        if let Some(end) = ended {
            facts.push(self.end_draft(actor, &reached, plan, visited_on, end, None, origin)?);
        }
        // the next date and the end were computed from the plan's visits as read
        let check = FactCheck::consent(today).unchanged(&AFTERCARE, kinds_of(&timeline));
        self.record_facts(actor, origin, reached.row.id, check, facts, visit_id)
            .await?;
        Ok(FollowUpResult {
            id: visit_id,
            next_due: next_due.filter(|_| ended.is_none()),
            ended,
            record_relapse: found == FollowUpStatus::Relapsed,
        })
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one fact's fields, named at the call"
    )]
    fn end_draft(
        &self,
        actor: &Actor,
        reached: &Reached,
        plan: FactId,
        ended_on: NaiveDate,
        status: AftercareEndStatus,
        note: Option<String>,
        origin: &Origin,
    ) -> AppResult<SealedFact> {
        let draft = Draft {
            kind: FactKind::AftercareEnd,
            occurred_on: ended_on,
            due_on: None,
            refers_to: Some(plan),
            plain: json!({}),
            sealed: Note { note },
        };
        self.seal_fact(actor, reached, (draft, Some(status.key())), origin)
    }

    /// Ends the open plan: the worker records how aftercare finished.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn end_aftercare(
        &self,
        actor: &Actor,
        id: ClientId,
        input: AftercareEndInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today, timeline, status) = self.aftercare_of(actor, id).await?;
        let mut f = Fields::default();
        let ended_on = fact_date(&mut f, "ended_on", input.ended_on.as_deref(), today);
        let how = f.check("status", AftercareEndStatus::parse(&input.status));
        let note = note(&mut f, input.note.as_deref());
        let plan = open_plan(&timeline, status.as_ref());
        if let Some(s) = status.as_ref().filter(|_| plan.is_some())
            && ended_on < s.discharged_on
        {
            f.add("ended_on", "invalid.end_before_discharge");
        }
        let Some(how) = how else {
            return Err(f.into_error());
        };
        f.finish()?;
        let Some((plan, _)) = plan else {
            return Err(AppError::Conflict("conflict.aftercare_no_open_plan"));
        };
        let fact = self.end_draft(actor, &reached, plan, ended_on, how, note, origin)?;
        let check = FactCheck::consent(today).unchanged(&AFTERCARE, kinds_of(&timeline));
        self.record_fact(actor, origin, check, fact).await
    }

    /// Records a relapse and what was done next, which puts the client back on a step
    /// of care. A relapse during an aftercare plan (between discharge and its end) refers
    /// to the plan, so the outcome figure counts it.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_relapse(
        &self,
        actor: &Actor,
        id: ClientId,
        input: RelapseInput,
        origin: &Origin,
    ) -> AppResult<RelapseResult> {
        let (reached, today, timeline, _) = self.aftercare_of(actor, id).await?;
        let mut f = Fields::default();
        let relapsed_on = fact_date(&mut f, "relapsed_on", input.relapsed_on.as_deref(), today);
        let substances = keys(&mut f, "substances", &input.substances, Substance::parse);
        let response = f.check("response", RelapseResponse::parse(&input.response));
        let note = note(&mut f, input.note.as_deref());
        let Some(response) = response else {
            return Err(f.into_error());
        };
        f.finish()?;
        let plan = plan_during(&timeline, relapsed_on);
        let draft = Draft {
            kind: FactKind::Relapse,
            occurred_on: relapsed_on,
            due_on: None,
            refers_to: plan,
            plain: json!({}),
            sealed: RelapseSealed { substances, note },
        };
        let fact = self.seal_fact(actor, &reached, (draft, Some(response.key())), origin)?;
        // the plan it refers to was found among the plans and ends as read
        let check = FactCheck::consent(today).unchanged(&PLANS, kinds_of(&timeline));
        let id = self.record_fact(actor, origin, check, fact).await?;
        Ok(RelapseResult {
            id,
            step: response.step(),
            plan,
        })
    }
}

/// The facts an aftercare write is computed from: plans, their visits and ends.
const AFTERCARE: [FactKind; 3] = [
    FactKind::AftercarePlan,
    FactKind::FollowUp,
    FactKind::AftercareEnd,
];

/// The plans and their ends, which say which plan a day falls in.
const PLANS: [FactKind; 2] = [FactKind::AftercarePlan, FactKind::AftercareEnd];

/// The kind and id of every fact of a timeline, for a write's check that it is unchanged.
fn kinds_of(timeline: &[Fact]) -> Vec<(FactKind, FactId)> {
    timeline.iter().map(|f| (f.kind, f.id)).collect()
}

/// The plan a day falls in: discharged on or before it and not ended before it.
fn plan_during(timeline: &[Fact], day: NaiveDate) -> Option<FactId> {
    timeline
        .iter()
        .filter(|p| p.kind == FactKind::AftercarePlan && p.occurred_on <= day)
        .filter(|p| {
            !timeline.iter().any(|e| match e.body {
                FactBody::AftercareEnd { plan, .. } => plan == Some(p.id) && e.occurred_on < day,
                _ => false,
            })
        })
        .max_by_key(|p| (p.occurred_on, p.recorded_at))
        .map(|p| p.id)
}
