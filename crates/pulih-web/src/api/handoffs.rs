//! Enforcement hand-offs as JSON: record one or many, list the organisation's own, and
//! the re-arrest linkage counts of a region.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use pulih_app::{BulkInput, BulkSummary, HandoffInput, HandoffView, LinkageView, Origin};

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::pages::dashboard::PeriodQuery;
use crate::{AppState, WebError};

/// `POST /api/v1/handoffs`: records one hand-off; the answer is the same whether or not
/// the person was ever a client.
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<HandoffInput>,
) -> Result<(StatusCode, Json<HandoffView>), WebError> {
    let view = state
        .app
        .record_handoff(&who.0.actor(), input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `POST /api/v1/handoffs/bulk`: records many at once, or none.
pub async fn bulk(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<BulkInput>,
) -> Result<(StatusCode, Json<BulkSummary>), WebError> {
    let summary = state
        .app
        .record_handoffs(&who.0.actor(), input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// `GET /api/v1/handoffs`: the organisation's own hand-offs, newest first.
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<HandoffView>>, WebError> {
    let items = state.app.handoffs(&who.0.actor()).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/regions/{code}/linkage?period=2026-S1`: counts only, of a closed
/// semester (the last one by default), for a regency, a province or `ID` (the nation).
pub async fn linkage(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<LinkageView>, WebError> {
    let view = state
        .app
        .linkage(&who.0.actor(), &code, q.period.as_deref(), &origin)
        .await?;
    Ok(Json(view))
}
