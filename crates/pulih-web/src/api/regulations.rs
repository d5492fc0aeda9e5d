//! Local regulations and programme decrees as JSON. A regulation out of the user's reach
//! answers 404 exactly like an id of nothing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pulih_app::{
    DecreeInput, DecreeView, Origin, RegulationInput, RegulationLine, RegulationStepInput,
    RegulationView,
};
use pulih_domain::ids::RegulationId;
use pulih_domain::region::RegionCode;

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// `GET /api/v1/regions/{code}/regulations`: the regulations a region issues.
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<RegulationLine>>, WebError> {
    let items = state.app.regulations(&who.0.actor(), &code).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/regions/{code}/regulations`.
pub async fn record(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<RegulationInput>,
) -> Result<(StatusCode, Json<RegulationView>), WebError> {
    let view = state
        .app
        .record_regulation(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/regulations/{id}`: one regulation with its steps.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<RegulationId>,
) -> Result<Json<RegulationView>, WebError> {
    Ok(Json(state.app.regulation(&who.0.actor(), id).await?))
}

/// `POST /api/v1/regulations/{id}/steps`: the next dated step.
pub async fn step(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<RegulationId>,
    ApiJson(input): ApiJson<RegulationStepInput>,
) -> Result<Json<RegulationView>, WebError> {
    Ok(Json(
        state
            .app
            .regulation_step(&who.0.actor(), id, input, &origin)
            .await?,
    ))
}

/// `GET /api/v1/regencies/{code}/bersinar-decrees`: a regency's programme decrees.
pub async fn decrees(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<DecreeView>>, WebError> {
    let items = state.app.programme_decrees(&who.0.actor(), &code).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/regencies/{code}/bersinar-decrees`: a decree naming villages, each
/// nominated where it may be.
pub async fn record_decree(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<DecreeInput>,
) -> Result<(StatusCode, Json<DecreeView>), WebError> {
    let view = state
        .app
        .record_programme_decree(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}
