//! Supervision of IBM agents as JSON: a coordinator's per-agent view, its supervision
//! visits to a unit, and the officers who may accompany the unit's activities.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pulih_app::{AgentView, Officer, Origin, SupervisionInput, SupervisionVisitView};
use pulih_domain::ids::{UnitId, UserId};

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// `GET /api/v1/ibm-units/{id}/agents/{user}`: one agent's work over the last 90 days.
pub async fn agent(
    State(state): State<AppState>,
    who: CurrentUser,
    Found((unit, user)): Found<(UnitId, UserId)>,
) -> Result<Json<AgentView>, WebError> {
    Ok(Json(
        state.app.agent_view(&who.0.actor(), unit, user).await?,
    ))
}

/// `GET /api/v1/ibm-units/{id}/supervision-visits`: the unit's latest visits.
pub async fn visits(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(unit): Found<UnitId>,
) -> Result<Json<Items<SupervisionVisitView>>, WebError> {
    let items = state.app.supervision_visits(&who.0.actor(), unit).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/ibm-units/{id}/supervision-visits`: records a visit.
pub async fn record_visit(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    ApiJson(input): ApiJson<SupervisionInput>,
) -> Result<(StatusCode, Json<SupervisionVisitView>), WebError> {
    let view = state
        .app
        .record_supervision_visit(&who.0.actor(), unit, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/ibm-units/{id}/officers`: who may be named as accompanying the unit's
/// activities, for whoever may record them.
pub async fn officers(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(unit): Found<UnitId>,
) -> Result<Json<Items<Officer>>, WebError> {
    let items = state.app.activity_officers(&who.0.actor(), unit).await?;
    Ok(Json(Items { items }))
}
