//! The vocational track as JSON: enrolment, completion, placement, retention checks and
//! the exit of a client; and a region's vocational outcome figures.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pulih_app::{
    CompletionInput, EnrolmentInput, ExitInput, Origin, PeriodInput, PlacementInput,
    RetentionInput, VocationalOutcomes,
};
use pulih_domain::region::RegionCode;

use super::ApiJson;
use super::clients::{Created, created};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};
use pulih_domain::ids::ClientId;

/// `POST /api/v1/clients/{id}/vocational/enrolments`.
pub async fn enrolment(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<EnrolmentInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state
        .app
        .record_enrolment(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/vocational/completions`.
pub async fn completion(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<CompletionInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state
        .app
        .record_completion(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/vocational/placements`.
pub async fn placement(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<PlacementInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state
        .app
        .record_placement(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/vocational/retention-checks`.
pub async fn retention_check(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<RetentionInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state
        .app
        .record_retention_check(&actor, id, input, &origin)
        .await?;
    Ok(created(fact))
}

/// `POST /api/v1/clients/{id}/vocational/exit`.
pub async fn exit(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<ExitInput>,
) -> Result<(StatusCode, Json<Created>), WebError> {
    let actor = who.0.actor();
    let fact = state.app.record_exit(&actor, id, input, &origin).await?;
    Ok(created(fact))
}

/// `GET /api/v1/regions/{code}/outcomes/vocational?from=&to=`.
pub async fn outcomes(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
    Query(period): Query<PeriodInput>,
) -> Result<Json<VocationalOutcomes>, WebError> {
    let figures = state
        .app
        .vocational_outcomes(&who.0.actor(), &code, period)
        .await?;
    Ok(Json(figures))
}
