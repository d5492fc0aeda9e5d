//! Break-glass access as JSON: asking for it, and reviewing it.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pulih_app::{GrantView, Opened, Origin};
use pulih_domain::ids::GrantId;
use serde::Deserialize;

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// A request for break-glass access.
#[derive(Deserialize)]
pub struct Request {
    code: String,
    reason: String,
}

/// `POST /api/v1/break-glass`.
pub async fn request(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(body): ApiJson<Request>,
) -> Result<(StatusCode, Json<Opened>), WebError> {
    let opened = state
        .app
        .break_glass(&who.0.actor(), &body.code, &body.reason, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(opened)))
}

/// Whether to list reviewed grants too.
#[derive(Deserialize)]
pub struct Filter {
    #[serde(default)]
    all: bool,
}

/// `GET /api/v1/break-glass`: grants waiting for review (`?all=true` for every grant).
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Query(filter): Query<Filter>,
) -> Result<Json<Items<GrantView>>, WebError> {
    let items = state
        .app
        .grants(&who.0.actor(), !filter.all, &origin)
        .await?;
    Ok(Json(Items { items }))
}

/// An administrator's finding.
#[derive(Deserialize)]
pub struct ReviewBody {
    outcome: String,
    note: Option<String>,
}

/// `POST /api/v1/break-glass/{id}/review`.
pub async fn review(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<GrantId>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Json<GrantView>, WebError> {
    let view = state
        .app
        .review_grant(
            &who.0.actor(),
            id,
            &body.outcome,
            body.note.as_deref(),
            &origin,
        )
        .await?;
    Ok(Json(view))
}
