//! `/worklist`: what needs doing for the logged-in user, computed from the data, by
//! section. An agent gets a button to record an activity of its unit.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{DueItem, WorklistPage};

use super::places::{self, Places};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "worklist.html")]
struct Page<'a> {
    t: Tr<'a>,
    nav: Nav,
    page: WorklistPage,
    places: Places,
}

impl Page<'_> {
    /// The sections listing clients with something due, by key.
    fn due_sections(&self) -> [(&'static str, &[DueItem]); 3] {
        let list = &self.page.list;
        [
            ("tat_due", &list.tat_due),
            ("consents_expiring", &list.consents_expiring),
            ("no_contact", &list.no_contact),
        ]
    }
}

/// `GET /worklist`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let page = state.app.worklist_page(&who.0.actor()).await?;
    let villages = page
        .list
        .untrained_agents
        .iter()
        .map(|a| a.village.as_str());
    let places = places::named(&state, villages).await?;
    let (t, nav) = frame(&state, &headers, &who, "/worklist");
    Ok(render(&Page {
        t,
        nav,
        page,
        places,
    }))
}
