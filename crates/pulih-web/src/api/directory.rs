//! The partner directory as JSON: list a service, search by type and region.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pulih_app::{ServiceInput, ServiceView};
use serde::Deserialize;

use super::{ApiJson, Items};
use crate::auth::{ClientIp, CurrentUser};
use crate::{AppState, WebError};

/// Search filters.
#[derive(Deserialize)]
pub struct Search {
    service: Option<String>,
    region: Option<String>,
}

/// `GET /api/v1/partner-services?service=&region=`: services of a type serving a region.
pub async fn search(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<Search>,
) -> Result<Json<Items<ServiceView>>, WebError> {
    let items = state
        .app
        .search_services(&who.0.actor(), q.service.as_deref(), q.region.as_deref())
        .await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/partner-services`: lists a service of an organisation.
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    ip: ClientIp,
    ApiJson(input): ApiJson<ServiceInput>,
) -> Result<(StatusCode, Json<ServiceView>), WebError> {
    let view = state
        .app
        .list_service(&who.0.actor(), input, ip.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}
