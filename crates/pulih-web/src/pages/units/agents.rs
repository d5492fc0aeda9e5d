//! Supervision from the pages: a coordinator opens an agent's page from the unit's
//! member list (the last 90 days' work, whether the agent is idle, the unit's latest
//! visits) and records a supervision visit on the unit page. A refused visit comes back
//! on the unit page, named `visit`, with what was typed and each field's message.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AgentView, Origin, SupervisionInput};
use pulih_domain::ids::{UnitId, UserId};

use super::unit_page;
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::clients::{refused, with_status};
use crate::pages::page_form::PageForm;
use crate::pages::places::{self, Places};
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "units/agent.html")]
struct AgentPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    work: AgentView,
    places: Places,
}

impl AgentPage<'_> {
    /// The people reached: awareness audiences and people contacted in outreach.
    fn people_reached(&self) -> i64 {
        self.work.awareness_audience + self.work.outreach_reached
    }
}

/// `GET /ibm-units/{id}/agents/{user}`: one agent's work, for the coordinators of the
/// unit's area.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found((unit, user)): Found<(UnitId, UserId)>,
) -> Result<Response, WebError> {
    let work = state.app.agent_view(&who.0.actor(), unit, user).await?;
    let places = places::named(&state, [work.village.as_str()]).await?;
    let (t, nav) = frame(
        &state,
        &headers,
        &who,
        &format!("/ibm-units/{unit}/agents/{user}"),
    );
    Ok(render(&AgentPage {
        t,
        nav,
        work,
        places,
    }))
}

/// `POST /ibm-units/{id}/supervision-visits`: records a visit and returns to the unit's
/// visits, or shows the unit page with the form as sent.
pub async fn record_visit(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = SupervisionInput {
        visited_on: form.get("visited_on").to_owned(),
        findings: form.get("findings").to_owned(),
        follow_up: form.get("follow_up").to_owned(),
    };
    let recorded = state
        .app
        .record_supervision_visit(&who.0.actor(), unit, input, &origin)
        .await;
    match recorded {
        Ok(_) => Ok(Redirect::to(&format!("/ibm-units/{unit}#visits")).into_response()),
        Err(e) => {
            let t = state.i18n.tr(crate::lang_of(&headers));
            let (status, errors) = refused(&t, "visit", e)?;
            let page = unit_page(&state, &headers, &who, unit, (form, errors)).await?;
            Ok(with_status(page, status))
        }
    }
}
