//! Aftercare as JSON: plans, follow-ups, the end of aftercare, relapses, and the
//! outcome figure of a region.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pulih_app::{
    AftercareEndInput, AftercareOutcome, AftercarePlanInput, FollowUpInput, FollowUpResult, Origin,
    PeriodInput, RelapseInput, RelapseResult,
};

use super::ApiJson;
use super::clients::{Created, created};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};
use pulih_domain::ids::ClientId;
use pulih_domain::region::RegionCode;

/// `POST /api/v1/clients/{id}/aftercare-plans`: a plan at discharge; 409 while one is open.
pub async fn plan(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<AftercarePlanInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let fact = state
        .app
        .record_aftercare_plan(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/follow-ups`: a visit of the open plan.
pub async fn follow_up(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> Result<(StatusCode, Json<FollowUpResult>), WebError> {
    let result = state
        .app
        .record_follow_up(&who.0.actor(), id, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// `POST /api/v1/clients/{id}/aftercare-end`: the worker ends the open plan.
pub async fn end(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<AftercareEndInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let fact = state
        .app
        .end_aftercare(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/relapses`: a relapse and what was done next.
pub async fn relapse(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<RelapseInput>,
) -> Result<(StatusCode, Json<RelapseResult>), WebError> {
    let result = state
        .app
        .record_relapse(&who.0.actor(), id, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// `GET /api/v1/regions/{code}/outcomes/aftercare?from=&to=`.
pub async fn outcomes(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
    Query(period): Query<PeriodInput>,
) -> Result<Json<AftercareOutcome>, WebError> {
    let outcome = state
        .app
        .aftercare_outcomes(&who.0.actor(), &code, &period)
        .await?;
    Ok(Json(outcome))
}
