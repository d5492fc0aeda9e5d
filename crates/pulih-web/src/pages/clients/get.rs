//! The form pages of a client's record: consent, episode, BARC-10, care plan, erasure.
//! A form opens only for users who may record for the client, checked without reading
//! the record (so not an audited read); the use-case checks again when the form is sent.
//! Only the erasure page reads the record, to show what will be erased.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pulih_app::{ConsentReadBack, Origin, View};
use pulih_domain::client::ClientCode;
use pulih_domain::ids::ClientId;

use super::{Errors, FormData, may_record, with_status};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError};

/// Which form page.
#[derive(Debug, Clone, Copy)]
pub(super) enum Which {
    Consent,
    Episode,
    Barc10,
    CarePlan,
}

impl Which {
    /// The page's path below the client.
    const fn path(self) -> &'static str {
        match self {
            Self::Consent => "consent",
            Self::Episode => "episode",
            Self::Barc10 => "barc10",
            Self::CarePlan => "care-plan",
        }
    }
}

/// What every form page shows.
pub(super) struct Parts<'a> {
    pub t: Tr<'a>,
    pub nav: Nav,
    pub id: ClientId,
    pub form: FormData,
    pub errors: Errors,
}

macro_rules! form_template {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        struct $name<'a> {
            t: Tr<'a>,
            nav: Nav,
            id: ClientId,
            form: FormData,
            errors: Errors,
        }
    };
}

form_template!(
    #[derive(Template)]
    #[template(path = "clients/consent.html")]
    ConsentPage
);
form_template!(
    #[derive(Template)]
    #[template(path = "clients/episode.html")]
    EpisodePage
);
form_template!(
    #[derive(Template)]
    #[template(path = "clients/barc10.html")]
    Barc10Page
);
form_template!(
    #[derive(Template)]
    #[template(path = "clients/care_plan.html")]
    CarePlanPage
);

/// Renders a form page with `status`.
pub(super) fn form_page(which: Which, p: Parts<'_>, status: StatusCode) -> Response {
    let Parts {
        t,
        nav,
        id,
        form,
        errors,
    } = p;
    let response = match which {
        Which::Consent => render(&ConsentPage {
            t,
            nav,
            id,
            form,
            errors,
        }),
        Which::Episode => render(&EpisodePage {
            t,
            nav,
            id,
            form,
            errors,
        }),
        Which::Barc10 => render(&Barc10Page {
            t,
            nav,
            id,
            form,
            errors,
        }),
        Which::CarePlan => render(&CarePlanPage {
            t,
            nav,
            id,
            form,
            errors,
        }),
    };
    with_status(response, status)
}

/// The frame of a form page of client `id`.
pub(super) fn parts<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: ClientId,
    which: Which,
    form: FormData,
    errors: Errors,
) -> Parts<'a> {
    let (t, nav) = frame(
        state,
        headers,
        who,
        &format!("/clients/{id}/{}", which.path()),
    );
    Parts {
        t,
        nav,
        id,
        form,
        errors,
    }
}

async fn open(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: ClientId,
    which: Which,
    form: FormData,
) -> Result<Response, WebError> {
    may_record(state, who, id).await?;
    let p = parts(state, headers, who, id, which, form, Errors::default());
    Ok(form_page(which, p, StatusCode::OK))
}

/// `GET /clients/{id}/consent`: consent is a positive act (UU 27/2022), so nothing is
/// chosen or dated beforehand.
pub async fn consent_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    let form = FormData::default();
    open(&state, &headers, &who, id, Which::Consent, form).await
}

#[derive(Template)]
#[template(path = "clients/consent_confirm.html")]
struct ConsentConfirmPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    id: ClientId,
    form: FormData,
    read_back: ConsentReadBack,
}

/// The read-back of a consent before it is saved: what is agreed, by whom and how, with
/// every field carried along for "save" and "change".
pub(super) fn consent_confirm_page(p: Parts<'_>, read_back: ConsentReadBack) -> Response {
    render(&ConsentConfirmPage {
        t: p.t,
        nav: p.nav,
        id: p.id,
        form: p.form,
        read_back,
    })
}

/// `GET /clients/{id}/episode`.
pub async fn episode_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    open(
        &state,
        &headers,
        &who,
        id,
        Which::Episode,
        FormData::default(),
    )
    .await
}

/// `GET /clients/{id}/barc10`.
pub async fn barc10_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    open(
        &state,
        &headers,
        &who,
        id,
        Which::Barc10,
        FormData::default(),
    )
    .await
}

/// The plan a new one revises.
#[derive(serde::Deserialize)]
pub struct Revises {
    #[serde(default)]
    revises: Option<String>,
}

/// `GET /clients/{id}/care-plan`, `?revises=` to revise an earlier plan.
pub async fn care_plan_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ClientId>,
    Query(q): Query<Revises>,
) -> Result<Response, WebError> {
    let mut form = FormData::default();
    if let Some(plan) = q.revises.filter(|p| !p.trim().is_empty()) {
        form = form.with("revises", plan);
    }
    open(&state, &headers, &who, id, Which::CarePlan, form).await
}

#[derive(Template)]
#[template(path = "clients/erase.html")]
struct ErasePage<'a> {
    t: Tr<'a>,
    nav: Nav,
    id: ClientId,
    code: ClientCode,
    erased: bool,
    form: FormData,
    errors: Errors,
}

/// The erasure page of client `id`: it reads the record (audited) to show the code.
pub(super) async fn erase_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    origin: &Origin,
    id: ClientId,
    refused: Option<(StatusCode, FormData, Errors)>,
) -> Result<Response, WebError> {
    let r = state
        .app
        .client_record(&who.0.actor(), id, View::Page, origin)
        .await?;
    let (status, form, errors) = refused.unwrap_or_default();
    let (t, nav) = frame(state, headers, who, &format!("/clients/{id}/erase"));
    let page = ErasePage {
        t,
        nav,
        id,
        code: r.summary.code,
        erased: r.summary.erased,
        form,
        errors,
    };
    Ok(with_status(render(&page), status))
}

/// `GET /clients/{id}/erase`: the confirmation, where the code must be typed again.
pub async fn erase_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    let erase = pulih_domain::client_access::ClientAction::Erase;
    state.app.may(&who.0.actor(), id, erase).await?;
    erase_page(&state, &headers, &who, &origin, id, None).await
}
