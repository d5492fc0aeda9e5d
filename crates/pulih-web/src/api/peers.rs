//! Teman Sebaya as JSON: a village's schools, each school's peer-educator counts and
//! sessions, and a regency's sums for dashboards.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pulih_app::{
    Origin, PeerCountInput, PeerCountView, PeerProgrammeSummary, PeerSessionInput, PeerSessionView,
    SchoolInput, SchoolView,
};
use pulih_domain::ids::SchoolId;
use pulih_domain::region::RegionCode;
use serde::Deserialize;

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// `GET /api/v1/villages/{code}/schools`: the schools with current peer educators and
/// this year's sessions.
pub async fn schools(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<SchoolView>>, WebError> {
    let peers = state.app.village_peers(&who.0.actor(), &code).await?;
    Ok(Json(Items {
        items: peers.schools,
    }))
}

/// `POST /api/v1/villages/{code}/schools`.
pub async fn add_school(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<SchoolInput>,
) -> Result<(StatusCode, Json<SchoolView>), WebError> {
    let school = state
        .app
        .add_school(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(school)))
}

/// `GET /api/v1/schools/{id}/peer-educators`: every count, the current one first.
pub async fn educator_history(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<SchoolId>,
) -> Result<Json<Items<PeerCountView>>, WebError> {
    let items = state.app.peer_educator_history(&who.0.actor(), id).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/schools/{id}/peer-educators`: a new count, superseding the last.
pub async fn record_educators(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<SchoolId>,
    ApiJson(input): ApiJson<PeerCountInput>,
) -> Result<(StatusCode, Json<PeerCountView>), WebError> {
    let count = state
        .app
        .record_peer_educators(&who.0.actor(), id, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(count)))
}

/// `GET /api/v1/schools/{id}/sessions`: every session, newest first.
pub async fn sessions(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<SchoolId>,
) -> Result<Json<Items<PeerSessionView>>, WebError> {
    let items = state.app.school_sessions(&who.0.actor(), id).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/schools/{id}/sessions`.
pub async fn record_session(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<SchoolId>,
    ApiJson(input): ApiJson<PeerSessionInput>,
) -> Result<(StatusCode, Json<PeerSessionView>), WebError> {
    let session = state
        .app
        .record_peer_session(&who.0.actor(), id, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// The year of a summary; this year when absent.
#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// `GET /api/v1/regencies/{code}/teman-sebaya?year=`: schools, current peer educators,
/// and the year's sessions and audience, summed over the regency.
pub async fn summary(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
    Query(query): Query<YearQuery>,
) -> Result<Json<PeerProgrammeSummary>, WebError> {
    Ok(Json(
        state
            .app
            .teman_sebaya_summary(&who.0.actor(), &code, query.year)
            .await?,
    ))
}
