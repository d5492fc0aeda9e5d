//! Stepped care and care plans: the step given after a screening (doing less than it
//! proposed needs a reason; an IBM agent takes no step but the referral where the latest
//! screening proposes one, as an IBM unit handles mild use only), and care plans with
//! their revisions.

use pulih_domain::account::Role;
use pulih_domain::authz::Actor;
use pulih_domain::care::{CarePlan, ibm_may_take, step_needs_reason};
use pulih_domain::client::FactKind;
use pulih_domain::clinical::assist::Recommendation;
use pulih_domain::ids::{ClientId, FactId};
use pulih_domain::optional_text;
use serde_json::json;

use super::facts::fact_date;
use super::inputs::{CarePlanInput, CareStepInput};
use super::record::FactCheck;
use super::timeline::{Draft, FactBody, StepSealed};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin};

impl App {
    /// Records a step of care; doing less than the screening proposed needs a reason, and
    /// an agent (an IBM unit handles mild use only) takes no step but the referral where
    /// the latest screening proposes one (`invalid.ibm_mild_use_only`).
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_care_step(
        &self,
        actor: &Actor,
        id: ClientId,
        input: CareStepInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let given_on = fact_date(&mut f, "given_on", input.given_on.as_deref(), today);
        let done = f.check("done", Recommendation::parse(&input.done));
        let note = f
            .check(
                "note",
                optional_text(input.note.as_deref(), 2000, "invalid.note"),
            )
            .flatten();
        let timeline = self.timeline(&reached.row).await?;
        let wanted = input
            .screening_id
            .as_deref()
            .filter(|s| !s.trim().is_empty());
        let screening = timeline.iter().rev().find(|t| {
            matches!(t.body, FactBody::Assist { .. })
                && wanted.is_none_or(|w| w.parse::<FactId>().is_ok_and(|sid| sid == t.id))
        });
        if wanted.is_some() && screening.is_none() {
            f.add("screening_id", "invalid.screening_unknown");
        }
        let proposal = |s: &super::timeline::Fact| match &s.body {
            FactBody::Assist { result, .. } => Some(result.recommendation),
            _ => None,
        };
        let proposed = screening.and_then(proposal);
        // the IBM rule follows the latest screening, whichever one the step names
        let latest = timeline.iter().rev().find_map(proposal);
        if let Some(d) = done
            && actor.role == Role::Agent
            && !ibm_may_take(latest, d)
        {
            f.add("done", "invalid.ibm_mild_use_only");
        } else if let (Some(p), Some(d)) = (proposed, done)
            && step_needs_reason(p, d)
            && note.is_none()
        {
            f.add("note", "invalid.care_step_reason");
        }
        f.finish()?;
        let done = done.ok_or(AppError::invalid("done", "invalid.care_step"))?;
        let draft = Draft {
            kind: FactKind::CareStep,
            occurred_on: given_on,
            due_on: None,
            refers_to: screening.map(|s| s.id),
            plain: json!({}),
            sealed: StepSealed {
                proposed,
                done,
                note,
            },
        };
        self.store_fact(actor, &reached, draft, FactCheck::consent(today), origin)
            .await
    }

    /// Records a care plan, or a revision of an earlier one.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_care_plan(
        &self,
        actor: &Actor,
        id: ClientId,
        input: CarePlanInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let goals = f.check(
            "goals",
            CarePlan::goals(input.goals.iter().map(String::as_str)),
        );
        let responsible = f.check("responsible", CarePlan::responsible(&input.responsible));
        let review_on = f
            .date("review_on", &input.review_on)
            .and_then(|d| f.check("review_on", CarePlan::review_on(d, today)));
        let timeline = self.timeline(&reached.row).await?;
        let revises = match input.revises.as_deref().filter(|r| !r.trim().is_empty()) {
            None => None,
            Some(r) => {
                let found = r.parse::<FactId>().ok().filter(|pid| {
                    timeline
                        .iter()
                        .any(|t| t.id == *pid && t.kind == FactKind::CarePlan)
                });
                if found.is_none() {
                    f.add("revises", "invalid.plan_unknown");
                }
                found
            }
        };
        let (Some(goals), Some(responsible), Some(review_on)) = (goals, responsible, review_on)
        else {
            return Err(f.into_error());
        };
        f.finish()?;
        let draft = Draft {
            kind: FactKind::CarePlan,
            occurred_on: today,
            due_on: Some(review_on),
            refers_to: revises,
            plain: json!({}),
            sealed: CarePlan {
                goals,
                responsible,
                review_on,
            },
        };
        self.store_fact(actor, &reached, draft, FactCheck::consent(today), origin)
            .await
    }
}
