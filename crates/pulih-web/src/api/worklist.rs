//! The worklist as JSON: what needs doing for the user asking, by section.

use axum::Json;
use axum::extract::State;
use pulih_app::{
    Caseload, DueCheck, DueItem, FollowUpWork, MouLine, OverdueLine, ReferralLine, TargetAtRisk,
};
use pulih_domain::ids::{UnitId, UserId};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// An agent not yet trained, on the worklist.
#[derive(Serialize)]
pub struct UntrainedJson {
    user_id: UserId,
    display_name: String,
    village: String,
    unit: UnitId,
    joined_on: chrono::NaiveDate,
}

/// A unit to train, on the worklist.
#[derive(Serialize)]
pub struct UnitToTrainJson {
    unit: UnitId,
    village: String,
    untrained: i64,
}

/// A village to assess again, on the worklist.
#[derive(Serialize)]
pub struct IknDueJson {
    village: String,
    assessed_on: chrono::NaiveDate,
}

/// An idle agent on the worklist: active, no activity for 30 days.
#[derive(Serialize)]
pub struct IdleJson {
    user_id: UserId,
    display_name: String,
    village: String,
    unit: UnitId,
    joined_on: chrono::NaiveDate,
    last_activity: Option<chrono::NaiveDate>,
}

/// The worklist.
#[derive(Serialize)]
pub struct WorklistJson {
    today: Option<chrono::NaiveDate>,
    referrals_to_answer: Vec<ReferralLine>,
    referrals_in_service: Vec<ReferralLine>,
    referrals_waiting: Vec<ReferralLine>,
    referrals_escalated: Vec<ReferralLine>,
    tat_due: Vec<DueItem>,
    consents_expiring: Vec<DueItem>,
    no_contact: Vec<DueItem>,
    caseloads: Vec<Caseload>,
    due_retention_checks: Vec<DueCheck>,
    /// Aftercare follow-ups: client code, due date and kind only.
    follow_ups: FollowUpWork,
    untrained_agents: Vec<UntrainedJson>,
    /// Open rakor action items past due, owned or convened by the user's organisation.
    action_items_overdue: Vec<OverdueLine>,
    /// Signed MoUs ending within 60 days.
    mous_ending: Vec<MouLine>,
    /// Clients whose latest ASSIST proposes a referral, with no step of care yet.
    referral_needed: Vec<DueItem>,
    /// Care plans to review within seven days or overdue.
    care_plan_reviews: Vec<DueItem>,
    /// Units with untrained active agents and no bimtek planned.
    trainings_due: Vec<UnitToTrainJson>,
    /// Villages whose latest IKN assessment is more than a year old.
    ikn_due: Vec<IknDueJson>,
    /// Regencies behind the share of their Bersinar target the year calls for so far.
    targets_at_risk: Vec<TargetAtRisk>,
    /// Active agents of units in scope with no activity for 30 days.
    idle_agents: Vec<IdleJson>,
}

/// `GET /api/v1/worklist`: what needs doing, for the user asking.
pub async fn show(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<WorklistJson>, WebError> {
    let list = state.app.worklist(&who.0.actor()).await?;
    Ok(Json(WorklistJson {
        today: list.today,
        referrals_to_answer: list.referrals_to_answer,
        referrals_in_service: list.referrals_in_service,
        referrals_waiting: list.referrals_waiting,
        referrals_escalated: list.referrals_escalated,
        tat_due: list.tat_due,
        consents_expiring: list.consents_expiring,
        no_contact: list.no_contact,
        caseloads: list.caseloads,
        due_retention_checks: list.due_retention_checks,
        follow_ups: list.follow_ups,
        action_items_overdue: list.action_items_overdue,
        mous_ending: list.mous_ending,
        referral_needed: list.referral_needed,
        care_plan_reviews: list.care_plan_reviews,
        trainings_due: list
            .programme
            .trainings_due
            .into_iter()
            .map(|u| UnitToTrainJson {
                unit: u.unit,
                village: u.village.to_string(),
                untrained: u.untrained,
            })
            .collect(),
        ikn_due: list
            .programme
            .ikn_due
            .into_iter()
            .map(|v| IknDueJson {
                village: v.village.to_string(),
                assessed_on: v.assessed_on,
            })
            .collect(),
        targets_at_risk: list.programme.targets_at_risk,
        untrained_agents: list
            .untrained_agents
            .into_iter()
            .map(|a| UntrainedJson {
                user_id: a.member.user,
                display_name: a.member.display_name,
                village: a.village.to_string(),
                unit: a.member.unit,
                joined_on: a.member.joined_on,
            })
            .collect(),
        idle_agents: list
            .idle_agents
            .into_iter()
            .map(|a| IdleJson {
                user_id: a.member.user,
                display_name: a.member.display_name,
                village: a.village.to_string(),
                unit: a.member.unit,
                joined_on: a.member.joined_on,
                last_activity: a.last_activity,
            })
            .collect(),
    }))
}
