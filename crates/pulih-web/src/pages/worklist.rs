//! `/worklist`: what needs doing for the logged-in user, computed from the data, by
//! section. An agent gets a button to record an activity of its unit.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{DueItem, Worklist};
use pulih_domain::account::Role;
use pulih_domain::client_access::works_with_clients;
use pulih_store::Unit;

use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    list: Worklist,
    /// The agent's own unit, if any.
    my_unit: Option<Unit>,
    /// Partners see their organisation's incoming referrals.
    partner: bool,
    /// The roles that work with clients see the client sections.
    clients: bool,
    /// Coordinators also see escalations and caseloads.
    coordinator: bool,
}

impl WorklistPage<'_> {
    /// The sections listing clients with something due, by key.
    fn due_sections(&self) -> [(&'static str, &[DueItem]); 3] {
        [
            ("tat_due", &self.list.tat_due),
            ("consents_expiring", &self.list.consents_expiring),
            ("no_contact", &self.list.no_contact),
        ]
    }
}

/// `GET /worklist`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let list = state.app.worklist(&actor).await?;
    let my_unit = state.app.my_unit(&actor).await?;
    let (t, nav) = frame(&state, &headers, &who, "/worklist");
    Ok(render(&WorklistPage {
        t,
        nav,
        list,
        my_unit,
        partner: actor.role == Role::Partner,
        clients: works_with_clients(actor.role),
        coordinator: actor.role == Role::Coordinator,
    }))
}
