//! The audit log for administrators, with chain verification.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::VerifyReport;
use pulih_domain::audit::AuditEntry;

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
    let (t, nav) = frame(&state, &headers, &who, "/audit");
    Ok(render(&AuditPage {
        t,
        nav,
        entries,
        older,
        report,
    }))
}
