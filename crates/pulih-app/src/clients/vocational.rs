//! Recording the vocational track: training enrolment, completion, placement, retention
//! checks and the exit with its outcome coding. Each step is checked against the track
//! so far (the domain's order rules) and refused with nothing stored when out of order.

use chrono::NaiveDate;
use pulih_domain::authz::Actor;
use pulih_domain::client::FactKind;
use pulih_domain::ids::{ClientId, FactId, ServiceId};
use pulih_domain::optional_text;
use pulih_domain::referral::ServiceType;
use pulih_domain::vocational::{
    ExitReason, IncomeBand, PlacementKind, Refusal, RetentionMonth, Sector, TRACK_KINDS, Track,
};
use serde::Serialize;
use serde_json::json;

use super::Reached;
use super::note::Note;
use super::record::FactCheck;
use super::timeline::Draft;
use super::vocational_view::{
    CompletionSealed, EnrolmentPlain, EnrolmentSealed, ExitPlain, NOT_WORKING, PlacementPlain,
    PlacementSealed, RetentionPlain, WORKING, step,
};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin};

/// A training enrolment.
#[derive(Clone, Default, serde::Deserialize)]
pub struct EnrolmentInput {
    /// The partner directory's vocational training service, if the course is listed.
    #[serde(default)]
    pub service_id: Option<String>,
    /// The course's name.
    #[serde(default)]
    pub course: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub started_on: Option<String>,
}

/// A training completed.
#[derive(Clone, Default, serde::Deserialize)]
pub struct CompletionInput {
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub completed_on: Option<String>,
    /// The certificate number, if one was issued.
    #[serde(default)]
    pub certificate: Option<String>,
}

/// A job placement or an own business.
#[derive(Clone, Default, serde::Deserialize)]
pub struct PlacementInput {
    /// `job` or `own_business`.
    #[serde(default)]
    pub kind: String,
    /// Sector key.
    #[serde(default)]
    pub sector: String,
    /// The employer's or business's name (sealed).
    #[serde(default)]
    pub name: Option<String>,
    /// Income band key.
    #[serde(default)]
    pub income_band: Option<String>,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub placed_on: Option<String>,
}

/// A retention check of the latest placement.
#[derive(Clone, Default, serde::Deserialize)]
pub struct RetentionInput {
    /// 3, 6 or 12.
    #[serde(default)]
    pub month: Option<u32>,
    /// Whether the client is still working.
    #[serde(default)]
    pub working: Option<bool>,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub checked_on: Option<String>,
    /// A note (sealed).
    #[serde(default)]
    pub note: Option<String>,
}

/// The exit from the programme, with its outcome coding.
#[derive(Clone, Default, serde::Deserialize)]
pub struct ExitInput {
    /// Recovered.
    #[serde(default)]
    pub recovered: bool,
    /// Has a skill.
    #[serde(default)]
    pub skilled: bool,
    /// Self-reliant.
    #[serde(default)]
    pub self_reliant: bool,
    /// Reason key.
    #[serde(default)]
    pub reason: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub exited_on: Option<String>,
    /// A note (sealed); needed when the reason is `other`.
    #[serde(default)]
    pub note: Option<String>,
}

fn note(f: &mut Fields, text: Option<&str>) -> Option<String> {
    f.check("note", optional_text(text, 2000, "invalid.note"))
        .flatten()
}

fn date(f: &mut Fields, field: &'static str, text: Option<&str>, today: NaiveDate) -> NaiveDate {
    f.past_date_or_today(field, text, today).unwrap_or(today)
}

/// A refusal by the track's order rules as the use-case's error.
fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::Conflict(key) => AppError::Conflict(key),
        Refusal::Field(field, key) => AppError::invalid(field, key),
    }
}

impl App {
    /// The client's track so far, and the check a step computed from it needs inside
    /// its write: consent in force today, and the track as read.
    async fn track(&self, reached: &Reached, today: NaiveDate) -> AppResult<(Track, FactCheck)> {
        let facts = self.store.facts(&[reached.row.id], &TRACK_KINDS).await?;
        let steps: Vec<_> = facts.iter().map(step).collect();
        let read = facts.iter().map(|f| (f.kind, f.id));
        let check = FactCheck::consent(today).unchanged(&TRACK_KINDS, read);
        Ok((Track::fold(&steps), check))
    }

    /// Seals and stores a step with its plain status.
    async fn store_step<S: Serialize>(
        &self,
        actor: &Actor,
        reached: &Reached,
        draft: Draft<S>,
        status: &'static str,
        check: FactCheck,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let sealed = self.seal_fact(actor, reached, (draft, Some(status)), origin)?;
        match self.record_fact(actor, origin, check, sealed).await {
            Err(AppError::Conflict("conflict.duplicate")) => {
                Err(AppError::Conflict("conflict.retention_checked"))
            }
            other => other,
        }
    }

    /// Records an enrolment in vocational training.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_enrolment(
        &self,
        actor: &Actor,
        id: ClientId,
        input: EnrolmentInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let started_on = date(&mut f, "started_on", input.started_on.as_deref(), today);
        let course = match optional_text(Some(&input.course), 120, "invalid.course") {
            Ok(Some(course)) if !course.contains('\n') => Some(course),
            _ => {
                f.add("course", "invalid.course");
                None
            }
        };
        let service = match input.service_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let found = match text.parse::<ServiceId>() {
                    Ok(sid) => self.store.service(sid).await?,
                    Err(_) => None,
                };
                let vocational = ServiceType::VocationalTraining.key();
                match found {
                    Some(s) if s.service == vocational => Some(s.id),
                    _ => {
                        f.add("service_id", "invalid.vocational_service");
                        None
                    }
                }
            }
        };
        f.finish()?;
        let course = course.ok_or(AppError::invalid("course", "invalid.course"))?;
        let draft = Draft {
            kind: FactKind::VocationalEnrolment,
            occurred_on: started_on,
            due_on: None,
            refers_to: None,
            plain: serde_json::to_value(EnrolmentPlain { service })
                .map_err(|e| AppError::Internal(e.to_string()))?,
            sealed: EnrolmentSealed { course },
        };
        let check = FactCheck::consent(today);
        self.store_step(actor, &reached, draft, "enrolled", check, origin)
            .await
    }

    /// Records that the open enrolment was completed.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_completion(
        &self,
        actor: &Actor,
        id: ClientId,
        input: CompletionInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let on = date(&mut f, "completed_on", input.completed_on.as_deref(), today);
        let certificate = f
            .check(
                "certificate",
                optional_text(input.certificate.as_deref(), 60, "invalid.certificate"),
            )
            .flatten();
        f.finish()?;
        let (track, check) = self.track(&reached, today).await?;
        let enrolment = track.completion(on).map_err(refused)?;
        let status = if certificate.is_some() {
            "certified"
        } else {
            "completed"
        };
        let draft = Draft {
            kind: FactKind::VocationalCompletion,
            occurred_on: on,
            due_on: None,
            refers_to: Some(enrolment),
            plain: json!({ "certified": certificate.is_some() }),
            sealed: CompletionSealed { certificate },
        };
        self.store_step(actor, &reached, draft, status, check, origin)
            .await
    }

    /// Records a job placement or an own business.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_placement(
        &self,
        actor: &Actor,
        id: ClientId,
        input: PlacementInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let on = date(&mut f, "placed_on", input.placed_on.as_deref(), today);
        let kind = f.check("kind", PlacementKind::parse(&input.kind));
        let sector = f.check("sector", Sector::parse(&input.sector));
        let income_band = match input.income_band.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(band) => f.check("income_band", IncomeBand::parse(band)),
        };
        let name = f
            .check(
                "name",
                optional_text(input.name.as_deref(), 120, "invalid.employer_name"),
            )
            .flatten();
        let (Some(kind), Some(sector)) = (kind, sector) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let (track, check) = self.track(&reached, today).await?;
        let completion = track.placement(on).map_err(refused)?;
        let draft = Draft {
            kind: FactKind::Placement,
            occurred_on: on,
            due_on: None,
            refers_to: completion,
            plain: serde_json::to_value(PlacementPlain {
                sector,
                income_band,
            })
            .map_err(|e| AppError::Internal(e.to_string()))?,
            sealed: PlacementSealed { name },
        };
        self.store_step(actor, &reached, draft, kind.key(), check, origin)
            .await
    }

    /// Records a retention check of the latest placement.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_retention_check(
        &self,
        actor: &Actor,
        id: ClientId,
        input: RetentionInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let on = date(&mut f, "checked_on", input.checked_on.as_deref(), today);
        let month = match input.month {
            Some(m) => f.check("month", RetentionMonth::from_months(m)),
            None => {
                f.add("month", "invalid.retention_month");
                None
            }
        };
        if input.working.is_none() {
            f.add("working", "invalid.still_working");
        }
        let note = note(&mut f, input.note.as_deref());
        let (Some(month), Some(working)) = (month, input.working) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let (track, check) = self.track(&reached, today).await?;
        let (placement, due) = track.retention(month, on).map_err(refused)?;
        let draft = Draft {
            kind: FactKind::RetentionCheck,
            occurred_on: on,
            due_on: Some(due),
            refers_to: Some(placement),
            plain: serde_json::to_value(RetentionPlain { month })
                .map_err(|e| AppError::Internal(e.to_string()))?,
            sealed: Note { note },
        };
        let status = if working { WORKING } else { NOT_WORKING };
        self.store_step(actor, &reached, draft, status, check, origin)
            .await
    }

    /// Records the exit from the programme with its outcome coding.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn record_exit(
        &self,
        actor: &Actor,
        id: ClientId,
        input: ExitInput,
        origin: &Origin,
    ) -> AppResult<FactId> {
        let (reached, today) = self.reach_for_record(actor, id).await?;
        let mut f = Fields::default();
        let on = date(&mut f, "exited_on", input.exited_on.as_deref(), today);
        let reason = f.check("reason", ExitReason::parse(&input.reason));
        let note = note(&mut f, input.note.as_deref());
        if reason == Some(ExitReason::Other) && note.is_none() {
            f.add("note", "invalid.exit_note");
        }
        let Some(reason) = reason else {
            return Err(f.into_error());
        };
        f.finish()?;
        let (track, check) = self.track(&reached, today).await?;
        track.exit(on).map_err(refused)?;
        let coding = ExitPlain {
            recovered: input.recovered,
            skilled: input.skilled,
            self_reliant: input.self_reliant,
        };
        let draft = Draft {
            kind: FactKind::ProgrammeExit,
            occurred_on: on,
            due_on: None,
            refers_to: None,
            plain: serde_json::to_value(coding).map_err(|e| AppError::Internal(e.to_string()))?,
            sealed: Note { note },
        };
        self.store_step(actor, &reached, draft, reason.key(), check, origin)
            .await
    }
}

pulih_domain::redacted_debug!(
    EnrolmentInput,
    CompletionInput,
    PlacementInput,
    RetentionInput,
    ExitInput
);
