//! The audit log for administrators, with chain verification.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::VerifyReport;
use pulih_domain::audit::AuditEntry;

use super::places::{self, Places};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    entries: Vec<AuditEntry>,
    older: Option<i64>,
    report: Option<VerifyReport>,
    names: HashMap<String, String>,
    places: Places,
}

impl AuditPage<'_> {
    /// The actor's username where the administrator may see it, else its id.
    fn who<'e>(&'e self, entry: &'e AuditEntry) -> &'e str {
        match entry.event.actor.as_deref() {
            None => "system",
            Some(id) => self.names.get(id).map_or(id, String::as_str),
        }
    }
}

/// Paging and verification switches.
#[derive(serde::Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
    #[serde(default)]
    verify: bool,
}

/// `GET /audit`: newest entries in scope; `?verify=true` walks the whole chain.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let entries = state.app.audit_page(&actor, q.before, 100).await?;
    let report = if q.verify {
        Some(state.app.verify_audit(Some(&actor)).await?)
    } else {
        None
    };
    let older = entries
        .last()
        .filter(|_| entries.len() == 100)
        .map(|e| e.seq);
    let names = state
        .app
        .list_users(&actor)
        .await?
        .into_iter()
        .map(|u| (u.id.to_string(), u.username))
        .collect();
    let places = places::named(&state, entries.iter().map(|e| e.event.region.as_str())).await?;
    let (t, nav) = frame(&state, &headers, &who, "/audit");
    Ok(render(&AuditPage {
        t,
        nav,
        entries,
        older,
        report,
        names,
        places,
    }))
}
