//! `/worklist`: what needs doing for the logged-in user, computed from the data. An agent
//! gets a button to record an activity of its unit.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::Worklist;
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
    }))
}
