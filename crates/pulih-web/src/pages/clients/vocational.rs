//! The vocational track's form pages, one per step: `/clients/{id}/vocational/{step}`.
//! A form opens only for users who may record for the client; a refused form comes back
//! with its values and messages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pulih_app::{
    AppError, AppResult, CompletionInput, EnrolmentInput, ExitInput, Origin, PlacementInput,
    Problem, RetentionInput, ServiceView,
};
use pulih_domain::ids::ClientId;
use pulih_domain::region::Scope;

use super::{Errors, FormData, Sent, may_record, sent, with_status};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError, lang_of};

/// The steps of the track, each with its own form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VocStep {
    /// Training enrolment.
    Enrolment,
    /// Training completed.
    Completion,
    /// Job or own business.
    Placement,
    /// Retention check.
    Retention,
    /// Exit with outcome coding.
    Exit,
}

impl VocStep {
    /// Every step, in the order of the track.
    pub const ALL: [Self; 5] = [
        Self::Enrolment,
        Self::Completion,
        Self::Placement,
        Self::Retention,
        Self::Exit,
    ];

    /// The step's name in the path and in translation keys (`vocational.form.<key>`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Enrolment => "enrolment",
            Self::Completion => "completion",
            Self::Placement => "placement",
            Self::Retention => "retention",
            Self::Exit => "exit",
        }
    }

    fn parse(s: &str) -> Result<Self, WebError> {
        Self::ALL
            .into_iter()
            .find(|v| v.key() == s)
            .ok_or_else(|| AppError::NotFound.into())
    }
}

#[derive(Template)]
#[template(path = "clients/vocational.html")]
struct VocationalPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    id: ClientId,
    step: VocStep,
    /// Vocational training services in the directory, for the enrolment.
    services: Vec<ServiceView>,
    form: FormData,
    errors: Errors,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    (id, step): (ClientId, VocStep),
    form: FormData,
    (status, errors): (StatusCode, Errors),
) -> Result<Response, WebError> {
    let services = if step == VocStep::Enrolment {
        let actor = who.0.actor();
        let region = match &actor.scope {
            Scope::National => None,
            Scope::Region(code) => Some(code.to_string()),
        };
        let vocational = pulih_domain::referral::ServiceType::VocationalTraining.key();
        state
            .app
            .search_services(&actor, Some(vocational), region.as_deref())
            .await?
    } else {
        Vec::new()
    };
    let path = format!("/clients/{id}/vocational/{}", step.key());
    let (t, nav) = frame(state, headers, who, &path);
    let page = VocationalPage {
        t,
        nav,
        id,
        step,
        services,
        form,
        errors,
    };
    Ok(with_status(render(&page), status))
}

/// A retention check opened from the worklist names its month.
#[derive(serde::Deserialize)]
pub struct Month {
    #[serde(default)]
    month: Option<String>,
}

/// `GET /clients/{id}/vocational/{step}`.
pub async fn vocational_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found((id, step)): Found<(ClientId, String)>,
    Query(q): Query<Month>,
) -> Result<Response, WebError> {
    let step = VocStep::parse(&step)?;
    may_record(&state, &who, id).await?;
    let mut form = FormData::default();
    if let Some(m) = q.month.filter(|m| !m.trim().is_empty()) {
        form = form.with("month", m);
    }
    let ok = (StatusCode::OK, Errors::default());
    page(&state, &headers, &who, (id, step), form, ok).await
}

fn month(f: &FormData) -> Result<Option<u32>, Vec<Problem>> {
    f.opt("month")
        .map(|m| m.trim().parse::<u32>())
        .transpose()
        .map_err(|_| vec![Problem::new("month", "invalid.retention_month")])
}

fn working(f: &FormData) -> Option<bool> {
    match f.get("working") {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// Sends the form of `step` to its use-case.
async fn save(
    state: &AppState,
    who: &CurrentUser,
    origin: &Origin,
    (id, step): (ClientId, VocStep),
    f: &FormData,
) -> AppResult<pulih_domain::ids::FactId> {
    let (app, actor, ip) = (&state.app, who.0.actor(), &origin);
    match step {
        VocStep::Enrolment => {
            let input = EnrolmentInput {
                service_id: f.opt("service_id"),
                course: f.get("course").to_owned(),
                started_on: f.opt("started_on"),
            };
            app.record_enrolment(&actor, id, input, ip).await
        }
        VocStep::Completion => {
            let input = CompletionInput {
                completed_on: f.opt("completed_on"),
                certificate: f.opt("certificate"),
            };
            app.record_completion(&actor, id, input, ip).await
        }
        VocStep::Placement => {
            let input = PlacementInput {
                kind: f.get("kind").to_owned(),
                sector: f.get("sector").to_owned(),
                name: f.opt("name"),
                income_band: f.opt("income_band"),
                placed_on: f.opt("placed_on"),
            };
            app.record_placement(&actor, id, input, ip).await
        }
        VocStep::Retention => {
            let input = RetentionInput {
                month: month(f).map_err(AppError::Invalid)?,
                working: working(f),
                checked_on: f.opt("checked_on"),
                note: f.opt("note"),
            };
            app.record_retention_check(&actor, id, input, ip).await
        }
        VocStep::Exit => {
            let input = ExitInput {
                recovered: f.flag("recovered"),
                skilled: f.flag("skilled"),
                self_reliant: f.flag("self_reliant"),
                reason: f.get("reason").to_owned(),
                exited_on: f.opt("exited_on"),
                note: f.opt("note"),
            };
            app.record_exit(&actor, id, input, ip).await
        }
    }
}

/// `POST /clients/{id}/vocational/{step}`.
pub async fn vocational_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found((id, step)): Found<(ClientId, String)>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let step = VocStep::parse(&step)?;
    let result = save(&state, &who, &origin, (id, step), &form).await;
    let t = state.i18n.tr(lang_of(&headers));
    match sent(&t, id, "", result)? {
        Sent::Saved(response) => Ok(response),
        Sent::Refused(status, errors) => {
            page(&state, &headers, &who, (id, step), form, (status, errors)).await
        }
    }
}
