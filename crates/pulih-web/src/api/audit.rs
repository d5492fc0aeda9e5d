//! The audit log as JSON, for administrators.

use axum::Json;
use axum::extract::{Query, State};
use pulih_app::VerifyReport;
use pulih_domain::audit::AuditEntry;

use super::Items;
use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// Paging: entries before `before`, at most `limit` (1–500, default 100).
#[derive(serde::Deserialize)]
pub struct Page {
    before: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/audit`: newest first, inside the caller's scope.
pub async fn page(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(p): Query<Page>,
) -> Result<Json<Items<AuditEntry>>, WebError> {
    let items = state
        .app
        .audit_page(&who.0.actor(), p.before, p.limit.unwrap_or(100))
        .await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/audit/verify`: walks the whole chain (national administrators).
pub async fn verify(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<VerifyReport>, WebError> {
    Ok(Json(state.app.verify_audit(Some(&who.0.actor())).await?))
}
