//! How aftercare facts are stored and read back: their plain and sealed parts, the
//! client's aftercare status and the step of care in force, folded from the timeline.

use chrono::NaiveDate;
use pulih_crypto::DataKey;
use pulih_domain::aftercare::{
    AftercareEndStatus, FollowUpMode, FollowUpStatus, RelapseResponse, Schedule,
};
use pulih_domain::client::FactKind;
use pulih_domain::clinical::assist::{Recommendation, Substance};
use pulih_domain::ids::FactId;
use pulih_store::ClientFact;
use serde::{Deserialize, Serialize};

use super::note::Note;
use super::timeline::{Fact, FactBody, plain};
use crate::keys::open_json;
use crate::{AppError, AppResult};

/// The plain part of a plan: its schedule (weeks say nothing about the client).
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct PlanPlain {
    pub weeks: Schedule,
}

/// The sealed part of a plan: who follows up (a person's name) and a note.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct PlanSealed {
    pub follow_up_by: Option<String>,
    pub note: Option<String>,
}

/// The plain part of a follow-up: how it took place.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct FollowUpPlain {
    pub mode: FollowUpMode,
}

/// The sealed part of a relapse: the substances and a note.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct RelapseSealed {
    pub substances: Vec<Substance>,
    pub note: Option<String>,
}

fn status<T>(
    fact: &ClientFact,
    parse: impl Fn(&str) -> Result<T, pulih_domain::Invalid>,
) -> AppResult<T> {
    fact.status
        .as_deref()
        .and_then(|s| parse(s).ok())
        .ok_or_else(|| AppError::Internal(format!("fact {} has no valid status", fact.id)))
}

/// Opens an aftercare fact.
pub(super) fn body(
    fact: &ClientFact,
    key: &DataKey,
    sealed: &[u8],
    ctx: &str,
) -> AppResult<FactBody> {
    Ok(match fact.kind {
        FactKind::AftercarePlan => {
            let plan: PlanPlain = plain(fact)?;
            let who: PlanSealed = open_json(key, sealed, ctx)?;
            FactBody::AftercarePlan {
                schedule: plan.weeks,
                follow_up_by: who.follow_up_by,
                note: who.note,
            }
        }
        FactKind::FollowUp => FactBody::FollowUp {
            plan: fact.refers_to,
            mode: plain::<FollowUpPlain>(fact)?.mode,
            status: status(fact, FollowUpStatus::parse)?,
            next_due: fact.due_on,
            note: open_json::<Note>(key, sealed, ctx)?.note,
        },
        FactKind::AftercareEnd => FactBody::AftercareEnd {
            plan: fact.refers_to,
            status: status(fact, AftercareEndStatus::parse)?,
            note: open_json::<Note>(key, sealed, ctx)?.note,
        },
        FactKind::Relapse => {
            let relapse: RelapseSealed = open_json(key, sealed, ctx)?;
            FactBody::Relapse {
                plan: fact.refers_to,
                substances: relapse.substances,
                response: status(fact, RelapseResponse::parse)?,
                note: relapse.note,
            }
        }
        other => {
            return Err(AppError::Internal(format!(
                "{} is not an aftercare fact",
                other.key()
            )));
        }
    })
}

/// A client's latest aftercare plan and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct AftercareStatus {
    /// The plan.
    pub plan: FactId,
    /// Discharge from rehabilitation.
    pub discharged_on: NaiveDate,
    /// The schedule, in weeks after discharge.
    pub weeks: Vec<u16>,
    /// The date of each scheduled visit.
    pub dates: Vec<NaiveDate>,
    /// Follow-ups recorded.
    pub visits: usize,
    /// The visit due next, while the plan is open.
    pub next_due: Option<NaiveDate>,
    /// Whether that visit is past due.
    pub overdue: bool,
    /// Whether that visit should take a BARC-10.
    pub barc10_due: bool,
    /// Whether a relapse was recorded during the plan.
    pub relapsed: bool,
    /// When and how aftercare ended, once it did.
    pub ended: Option<Ended>,
}

/// When and how aftercare ended.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Ended {
    /// The day.
    pub on: NaiveDate,
    /// How.
    pub status: AftercareEndStatus,
}

impl AftercareStatus {
    /// Whether the plan is still open.
    pub const fn open(&self) -> bool {
        self.ended.is_none()
    }
}

/// The latest plan of a timeline and where it stands on `today`.
pub fn aftercare_status(timeline: &[Fact], today: NaiveDate) -> Option<AftercareStatus> {
    let (plan, schedule) = timeline
        .iter()
        .filter_map(|f| match &f.body {
            FactBody::AftercarePlan { schedule, .. } => Some((f, schedule)),
            _ => None,
        })
        .max_by_key(|(f, _)| (f.recorded_at, f.id))?;
    let refers = |f: &&Fact| match &f.body {
        FactBody::FollowUp { plan: p, .. }
        | FactBody::AftercareEnd { plan: p, .. }
        | FactBody::Relapse { plan: p, .. } => *p == Some(plan.id),
        _ => false,
    };
    let mine: Vec<&Fact> = timeline.iter().filter(refers).collect();
    let follow_ups = mine.iter().filter(|f| f.kind == FactKind::FollowUp);
    let visits = follow_ups.clone().count();
    let ended = mine.iter().find_map(|f| match f.body {
        FactBody::AftercareEnd { status, .. } => Some(Ended {
            on: f.occurred_on,
            status,
        }),
        _ => None,
    });
    let relapsed = mine.iter().any(|f| match f.body {
        FactBody::Relapse { .. } => true,
        FactBody::FollowUp { status, .. } => status == FollowUpStatus::Relapsed,
        _ => false,
    });
    let pending = follow_ups
        .max_by_key(|f| (f.recorded_at, f.id))
        .map_or(plan.due_on, |f| f.due_on);
    let next_due = pending.filter(|_| ended.is_none());
    Some(AftercareStatus {
        plan: plan.id,
        discharged_on: plan.occurred_on,
        weeks: schedule.weeks().to_vec(),
        dates: schedule.dates(plan.occurred_on),
        visits,
        next_due,
        overdue: next_due.is_some_and(|d| d < today),
        barc10_due: next_due.is_some_and(|d| schedule.barc10_due(plan.occurred_on, d)),
        relapsed,
        ended,
    })
}

/// The step of care in force: the latest step given, or the step a relapse put the
/// client back on (none while its response is not decided).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CurrentStep {
    /// The step; none after a relapse with nothing decided yet.
    pub step: Option<Recommendation>,
    /// Since when.
    pub since: NaiveDate,
    /// Whether a relapse set it.
    pub after_relapse: bool,
}

/// The step of care in force, from the latest care step or relapse.
pub fn current_step(timeline: &[Fact]) -> Option<CurrentStep> {
    timeline
        .iter()
        .filter_map(|f| {
            let (step, after_relapse) = match f.body {
                FactBody::CareStep { done, .. } => (Some(done), false),
                FactBody::Relapse { response, .. } => (response.step(), true),
                _ => return None,
            };
            Some((f, step, after_relapse))
        })
        .max_by_key(|(f, _, _)| (f.occurred_on, f.recorded_at, f.id))
        .map(|(f, step, after_relapse)| CurrentStep {
            step,
            since: f.occurred_on,
            after_relapse,
        })
}

pulih_domain::redacted_debug!(PlanSealed, RelapseSealed);
