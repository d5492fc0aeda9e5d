//! Break-glass access as JSON: asking for it, and reviewing it.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pulih_app::{AppError, GrantView, Origin};
use pulih_domain::ids::{ClientId, GrantId};
use serde::{Deserialize, Serialize};

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// A request for break-glass access.
#[derive(Deserialize)]
pub struct Request {
    code: String,
    reason: String,
}

/// Access granted until a time.
#[derive(Serialize)]
pub struct Granted {
    client_id: ClientId,
    expires_at: DateTime<Utc>,
}

/// `POST /api/v1/break-glass`.
pub async fn request(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(body): ApiJson<Request>,
) -> Result<(StatusCode, Json<Granted>), WebError> {
    let (client_id, expires_at) = state
        .app
        .break_glass(&who.0.actor(), &body.code, &body.reason, &origin)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Granted {
            client_id,
            expires_at,
        }),
    ))
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
    Query(filter): Query<Filter>,
) -> Result<Json<Items<GrantView>>, WebError> {
    let items = state.app.grants(&who.0.actor(), !filter.all).await?;
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
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Json<GrantView>, WebError> {
    let id: GrantId = id.parse().map_err(|_| WebError::from(AppError::NotFound))?;
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
