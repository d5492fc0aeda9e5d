//! Activities of a BNNK or BNNP office as JSON: recorded at a place of the office's area,
//! listed per region a page at a time, read, corrected and voided. A place or an activity
//! out of the user's reach answers 404 exactly like one that does not exist.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pulih_app::{AppError, OfficeActivityInput, OfficeActivityList, OfficeActivityView, Origin};
use pulih_domain::ids::ActivityId;
use pulih_domain::region::RegionCode;
use serde::Deserialize;

use super::ApiJson;
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// Paging of a region's office activities: those recorded before `before` (an id).
#[derive(Deserialize)]
pub struct Page {
    before: Option<String>,
}

/// `GET /api/v1/regions/{code}/office-activities`: the office activities held at the
/// region or below it, newest recorded first, 50 a page (`next` is the following page's
/// `before`).
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
    Query(page): Query<Page>,
) -> Result<Json<OfficeActivityList>, WebError> {
    let before = page
        .before
        .as_deref()
        .map(|b| b.parse::<ActivityId>().map_err(|_| AppError::NotFound))
        .transpose()?;
    let list = state
        .app
        .office_activities(&who.0.actor(), &code, before)
        .await?;
    Ok(Json(list))
}

/// `POST /api/v1/regions/{code}/office-activities`: an activity of the user's own office
/// held at the region.
pub async fn record(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<OfficeActivityInput>,
) -> Result<(StatusCode, Json<OfficeActivityView>), WebError> {
    let view = state
        .app
        .record_office_activity(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/office-activities/{id}`.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<ActivityId>,
) -> Result<Json<OfficeActivityView>, WebError> {
    Ok(Json(state.app.office_activity(&who.0.actor(), id).await?))
}

/// `PUT /api/v1/office-activities/{id}`: corrects the day and counts within seven days
/// of recording (its author or a coordinator of its place).
pub async fn correct(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActivityId>,
    ApiJson(input): ApiJson<OfficeActivityInput>,
) -> Result<Json<OfficeActivityView>, WebError> {
    let view = state
        .app
        .correct_office_activity(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(Json(view))
}

/// `POST /api/v1/office-activities/{id}/void`: the answer is the activity as it was.
pub async fn void(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActivityId>,
) -> Result<Json<OfficeActivityView>, WebError> {
    let view = state
        .app
        .void_office_activity(&who.0.actor(), id, &origin)
        .await?;
    Ok(Json(view))
}
