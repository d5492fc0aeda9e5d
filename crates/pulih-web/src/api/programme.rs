//! The village programme as JSON: IKN assessments of villages with their history and
//! approval, the IKN thresholds, and IKOTAN assessments of regencies and cities.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pulih_app::{AppError, AssessmentView, IknInput, IkotanInput};
use pulih_domain::ids::AssessmentId;
use pulih_domain::programme::AssessmentKind;
use pulih_domain::programme::ikn::Rule;
use serde::{Deserialize, Serialize};

use super::{ApiJson, Items};
use crate::auth::{ClientIp, CurrentUser};
use crate::{AppState, WebError};

async fn history(
    state: &AppState,
    who: &CurrentUser,
    kind: AssessmentKind,
    place: &str,
) -> Result<Json<Items<AssessmentView>>, WebError> {
    let items = state.app.assessments(&who.0.actor(), kind, place).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/villages/{code}/ikn`: every IKN assessment of a village, newest first.
pub async fn ikn_history(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<Items<AssessmentView>>, WebError> {
    history(&state, &who, AssessmentKind::Ikn, &code).await
}

/// `POST /api/v1/villages/{code}/ikn`.
pub async fn ikn_record(
    State(state): State<AppState>,
    who: CurrentUser,
    ip: ClientIp,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<IknInput>,
) -> Result<(StatusCode, Json<AssessmentView>), WebError> {
    let view = state
        .app
        .record_ikn(&who.0.actor(), &code, input, ip.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `POST /api/v1/assessments/{id}/approval`.
pub async fn approve(
    State(state): State<AppState>,
    who: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
) -> Result<Json<AssessmentView>, WebError> {
    let id: AssessmentId = id.parse().map_err(|_| WebError::from(AppError::NotFound))?;
    Ok(Json(
        state
            .app
            .approve_assessment(&who.0.actor(), id, ip.as_deref())
            .await?,
    ))
}

/// The IKN thresholds and the version to name when changing them.
#[derive(Serialize, Deserialize)]
pub struct ThresholdsJson {
    rules: Vec<Rule>,
    version: Option<i64>,
}

/// `GET /api/v1/settings/ikn-thresholds`.
pub async fn thresholds(
    State(state): State<AppState>,
    _who: CurrentUser,
) -> Result<Json<ThresholdsJson>, WebError> {
    let (thresholds, version) = state.app.ikn_thresholds().await?;
    Ok(Json(ThresholdsJson {
        rules: thresholds.rules().to_vec(),
        version,
    }))
}

/// `PUT /api/v1/settings/ikn-thresholds` (national administrators).
pub async fn set_thresholds(
    State(state): State<AppState>,
    who: CurrentUser,
    ip: ClientIp,
    ApiJson(body): ApiJson<ThresholdsJson>,
) -> Result<Json<ThresholdsJson>, WebError> {
    let version = state
        .app
        .set_ikn_thresholds(
            &who.0.actor(),
            body.rules.clone(),
            body.version,
            ip.as_deref(),
        )
        .await?;
    let (thresholds, _) = state.app.ikn_thresholds().await?;
    Ok(Json(ThresholdsJson {
        rules: thresholds.rules().to_vec(),
        version: Some(version),
    }))
}

/// `GET /api/v1/regencies/{code}/ikotan`: every IKOTAN assessment, newest first.
pub async fn ikotan_history(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<Items<AssessmentView>>, WebError> {
    history(&state, &who, AssessmentKind::Ikotan, &code).await
}

/// `POST /api/v1/regencies/{code}/ikotan`.
pub async fn ikotan_record(
    State(state): State<AppState>,
    who: CurrentUser,
    ip: ClientIp,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<IkotanInput>,
) -> Result<(StatusCode, Json<AssessmentView>), WebError> {
    let view = state
        .app
        .record_ikotan(&who.0.actor(), &code, input, ip.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}
