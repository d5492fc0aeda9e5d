//! Recording facts about a client: consent and its withdrawal, episodes and TAT
//! assessments and screenings (steps of care and care plans in `care`). Everything but
//! consent needs consent to services in force.

use chrono::NaiveDate;
use pulih_domain::authz::Actor;
use pulih_domain::care::referral_due;
use pulih_domain::client::{ClientCode, FactKind, past_date};
use pulih_domain::client_access::ClientAction;
use pulih_domain::clinical::assist::{AssistAnswers, AssistResult, RawAssist, Substance};
use pulih_domain::clinical::barc10::Barc10;
use pulih_domain::consent::allowed;
use pulih_domain::ids::{ActivityId, ClientId, FactId, UnitId};
use pulih_domain::intake::{
    EpisodeDetail, MinimumDataSet, Pathway, Route, TreatmentHistory, assessment_due,
};
use pulih_domain::optional_text;
use serde::Serialize;
use serde_json::json;

use super::inputs::{AssistInput, Barc10Input, Barc10Result, EpisodeInput, TatAssessmentInput};
use super::note::Note;
use super::record::FactCheck;
use super::record::SealedFact;
use super::timeline::{Draft, EpisodeSealed, FactBody, OutreachPlain};
use super::{Reached, client_record};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin};

/// The date of a fact: given (not in the future) or today.
pub(super) fn fact_date(
    fields: &mut Fields,
    field: &'static str,
    text: Option<&str>,
    today: NaiveDate,
) -> NaiveDate {
    fields
        .past_date_or_today(field, text, today)
        .unwrap_or(today)
}

pub(super) fn keys<T: Copy>(
    fields: &mut Fields,
    field: &'static str,
    values: &[String],
    parse: impl Fn(&str) -> Result<T, pulih_domain::Invalid>,
) -> Vec<T> {
    values
        .iter()
        .filter(|v| !v.trim().is_empty())
        .filter_map(|v| fields.check(field, parse(v)))
        .collect()
}

impl App {
    /// Seals and stores one fact about a reached client, after `check` inside the write.
    pub(super) async fn store_fact<S: Serialize>(
        &self,
        actor: &Actor,
        reached: &Reached,
        draft: Draft<S>,
        check: FactCheck,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let sealed = self.seal_fact(actor, reached, (draft, None), origin)?;
        self.record_fact(actor, origin, check, sealed).await
    }

    /// Seals a fact with the client's key and plain `status`, and makes its audit event.
    pub(super) fn seal_fact<S: Serialize>(
        &self,
        actor: &Actor,
        reached: &Reached,
        (draft, status): (Draft<S>, Option<&str>),
        origin: &Origin,
    ) -> AppResult<SealedFact> {
        let key = self
            .keys
            .client_key(&reached.row)?
            .ok_or(AppError::Conflict("conflict.client_erased"))?;
        let mut fact = draft.seal(&key, reached.row.id, actor.user_id, self.now())?;
        fact.status = status.map(str::to_owned);
        let detail = json!({ "fact": fact.id.to_string(), "break_glass": reached.break_glass });
        let event = self.event(
            Some(actor),
            crate::audit::RECORD_WRITE,
            client_record(&reached.row),
            origin,
            detail,
        );
        // the figures are read off the fact as the timeline will open it
        let tallies = super::tallies::of_fact(
            &super::opened::open(&fact, Some(&key))?,
            &reached.row.region,
        );
        Ok(SealedFact {
            fact,
            event,
            tallies,
        })
    }

    /// The sealed link of the client `code` to an outreach activity, to store with it:
    /// refused (with the reason's key) unless `actor` may record for that client and the
    /// client's consent to services is in force.
    pub(crate) async fn outreach_link(
        &self,
        actor: &Actor,
        code: &str,
        activity: (ActivityId, UnitId, NaiveDate),
        origin: &Origin,
    ) -> AppResult<Result<SealedFact, &'static str>> {
        let Ok(code) = ClientCode::parse(code) else {
            return Ok(Err("invalid.outreach_client"));
        };
        let Some(row) = self.store.client_by_code(&code).await? else {
            return Ok(Err("invalid.outreach_client"));
        };
        let reached = match self.reach_for_record(actor, row.id).await {
            Ok((reached, today)) => match self.require_consent(&reached, today).await {
                Ok(()) => reached,
                Err(AppError::Conflict(_)) => return Ok(Err("invalid.outreach_consent")),
                Err(e) => return Err(e),
            },
            Err(AppError::Forbidden(_) | AppError::NotFound) => {
                return Ok(Err("invalid.outreach_client"));
            }
            Err(e) => return Err(e),
        };
        let (id, unit, held_on) = activity;
        let draft = Draft {
            kind: FactKind::Outreach,
            occurred_on: held_on,
            due_on: None,
            refers_to: None,
            plain: serde_json::to_value(OutreachPlain { activity: id, unit })
                .map_err(|e| AppError::Internal(format!("outreach json: {e}")))?,
            sealed: Note::default(),
        };
        self.seal_fact(actor, &reached, (draft, None), origin)
            .map(Ok)
    }

    /// Reaches a client for recording and returns the local date there.
    pub(crate) async fn reach_for_record(
        &self,
        actor: &Actor,
        id: ClientId,
    ) -> AppResult<(Reached, NaiveDate)> {
        let reached = self.reach_client(actor, id, ClientAction::Record).await?;
        let today = self.today_in(&reached.row.region).await?;
        Ok((reached, today))
    }

    /// Refuses clinical records unless consent to services is in force today.
    pub(crate) async fn require_consent(
        &self,
        reached: &Reached,
        today: NaiveDate,
    ) -> AppResult<()> {
        let facts = self
            .store
            .facts(
                &[reached.row.id],
                &[FactKind::Consent, FactKind::ConsentWithdrawal],
            )
            .await?;
        let consents = super::timeline::consents(&facts)?;
        if allowed(consents.iter().map(|(_, _, c)| c), today).services {
            Ok(())
        } else {
            Err(AppError::Conflict("conflict.consent_required"))
        }
    }

    /// Opens an episode of care with its intake pathway and minimum data set.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn open_episode(
        &self,
        actor: &Actor,
        id: ClientId,
        input: EpisodeInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let pathway = f.check("pathway", Pathway::parse(&input.pathway));
        let opened_on = fact_date(&mut f, "opened_on", input.opened_on.as_deref(), today);
        let arrested_on = f
            .optional_date("arrested_on", input.arrested_on.as_deref())
            .and_then(|d| f.check("arrested_on", past_date(d, today)));
        let released_on = f
            .optional_date("released_on", input.released_on.as_deref())
            .and_then(|d| f.check("released_on", past_date(d, today)));
        let detail = EpisodeDetail {
            card_number: f
                .check(
                    "card_number",
                    optional_text(input.card_number.as_deref(), 40, "invalid.card_number"),
                )
                .flatten(),
            arrested_on,
            released_on,
            data: MinimumDataSet {
                substances: keys(&mut f, "substances", &input.substances, |s| {
                    Substance::parse(s)
                }),
                use_months: input.use_months,
                routes: keys(&mut f, "routes", &input.routes, Route::parse),
                diagnosis: f
                    .check(
                        "diagnosis",
                        optional_text(input.diagnosis.as_deref(), 200, "invalid.diagnosis"),
                    )
                    .flatten(),
                treatment_history: input
                    .treatment_history
                    .as_deref()
                    .filter(|t| !t.trim().is_empty())
                    .and_then(|t| f.check("treatment_history", TreatmentHistory::parse(t))),
            },
        };
        if let Some(p) = pathway {
            for (field, key) in detail.problems(p, opened_on) {
                f.add(field, key);
            }
        }
        f.finish()?;
        let pathway = pathway.ok_or(AppError::invalid("pathway", "invalid.pathway"))?;
        let draft = Draft {
            kind: FactKind::Episode,
            occurred_on: opened_on,
            due_on: (pathway == Pathway::Tat)
                .then(|| detail.arrested_on.map(assessment_due))
                .flatten(),
            refers_to: None,
            plain: json!({}),
            sealed: EpisodeSealed { pathway, detail },
        };
        self.store_fact(actor, &reached, draft, FactCheck::consent(today), origin)
            .await
    }

    /// Records that the TAT assessment of an episode took place.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_tat_assessment(
        &self,
        actor: &Actor,
        id: ClientId,
        input: TatAssessmentInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let on = fact_date(&mut f, "assessed_on", input.assessed_on.as_deref(), today);
        let note = f
            .check(
                "note",
                optional_text(input.note.as_deref(), 2000, "invalid.note"),
            )
            .flatten();
        let timeline = self.timeline(&reached.row).await?;
        let episode = input.episode_id.parse::<FactId>().ok().and_then(|eid| {
            timeline.iter().find(|t| {
                t.id == eid
                    && matches!(
                        t.body,
                        FactBody::Episode {
                            pathway: Pathway::Tat,
                            assessed_on: None,
                            ..
                        }
                    )
            })
        });
        if episode.is_none() {
            f.add("episode_id", "invalid.tat_episode");
        }
        f.finish()?;
        let draft = Draft {
            kind: FactKind::TatAssessment,
            occurred_on: on,
            due_on: None,
            refers_to: episode.map(|e| e.id),
            plain: json!({}),
            sealed: Note { note },
        };
        self.store_fact(actor, &reached, draft, FactCheck::consent(today), origin)
            .await
    }

    /// Scores and stores an ASSIST screening with BNN's user typology if given; returns
    /// the fact and the result. A screening proposing a referral waits on the
    /// coordinator's worklist until a step is recorded for it or a newer one replaces it.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn screen_assist(
        &self,
        actor: &Actor,
        id: ClientId,
        input: AssistInput,
        origin: &Origin,
    ) -> AppResult<(FactId, AssistResult)> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let taken_on = fact_date(&mut f, "taken_on", input.taken_on.as_deref(), today);
        let raw = RawAssist {
            substances: input.substances,
            q8: input.q8,
            typology: input.typology,
        };
        let Some(answers) = f.check_all(AssistAnswers::parse(&raw)) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let result = answers.score();
        // a repeat screening replaces the one before it, whose wait for a step ends
        let before = self
            .store
            .facts(&[reached.row.id], &[FactKind::Assist])
            .await?
            .into_iter()
            .max_by_key(|s| (s.occurred_on, s.recorded_at, s.id))
            .map(|s| s.id);
        let draft = Draft {
            kind: FactKind::Assist,
            occurred_on: taken_on,
            due_on: referral_due(result.recommendation, taken_on),
            refers_to: before,
            plain: json!({}),
            sealed: answers,
        };
        let fact = self
            .store_fact(actor, &reached, draft, FactCheck::consent(today), origin)
            .await?;
        Ok((fact, result))
    }

    /// Stores a BARC-10 measurement.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn screen_barc10(
        &self,
        actor: &Actor,
        id: ClientId,
        input: Barc10Input,
        origin: &Origin,
    ) -> AppResult<Barc10Result> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let taken_on = fact_date(&mut f, "taken_on", input.taken_on.as_deref(), today);
        let Some(barc) = f.check_all(Barc10::parse(&input.items)) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let draft = Draft {
            kind: FactKind::Barc10,
            occurred_on: taken_on,
            due_on: None,
            refers_to: None,
            plain: json!({}),
            sealed: barc,
        };
        let fact = self
            .store_fact(actor, &reached, draft, FactCheck::consent(today), origin)
            .await?;
        Ok(Barc10Result {
            id: fact,
            total: barc.total(),
            strong: barc.strong(),
        })
    }
}
