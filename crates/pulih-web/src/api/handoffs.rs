//! Enforcement hand-offs as JSON: record one or many, list the organisation's own, and
//! the re-arrest linkage counts of a region.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use pulih_app::{BulkInput, BulkSummary, HandoffInput, HandoffView, LinkageView, Origin};
use serde::Deserialize;

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
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

/// The period of the counts.
#[derive(Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/regions/{code}/linkage?from=&to=`: counts only.
pub async fn linkage(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(code): Path<String>,
    Query(period): Query<Period>,
) -> Result<Json<LinkageView>, WebError> {
    let view = state
        .app
        .linkage(
            &who.0.actor(),
            &code,
            period.from.as_deref(),
            period.to.as_deref(),
        )
        .await?;
    Ok(Json(view))
}
