//! The partner directory as JSON: list a service, search by type and region; export and
//! import it as Open Referral HSDS tables.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pulih_app::{DirectoryImport, Origin, ServiceInput, ServiceView};
use serde::Deserialize;

use super::{ApiJson, Items, UploadBody};
use crate::auth::CurrentUser;
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
    origin: Origin,
    ApiJson(input): ApiJson<ServiceInput>,
) -> Result<(StatusCode, Json<ServiceView>), WebError> {
    let view = state
        .app
        .list_service(&who.0.actor(), input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/partner-services/export`: the services of the organisations in the
/// user's scope (a partner: its own) as a zip of Open Referral HSDS CSV tables.
pub async fn export(State(state): State<AppState>, who: CurrentUser) -> Result<Response, WebError> {
    let zip = state.app.export_services(&who.0.actor()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pulih-hsds.zip\"",
            ),
        ],
        zip,
    )
        .into_response())
}

/// `POST /api/v1/partner-services/import` with a zip of HSDS CSV tables as the body:
/// administrators and coordinators import services of organisations in their scope (the
/// zip is read only for them); a file with any bad row stores nothing and names every
/// problem by file, line and column.
pub async fn import(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    UploadBody(zip): UploadBody,
) -> Result<Json<DirectoryImport>, WebError> {
    let summary = state
        .app
        .import_services_zip(&who.0.actor(), zip, &origin)
        .await?;
    Ok(Json(summary))
}
