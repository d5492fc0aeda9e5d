//! IBM units as JSON: forming a unit, its agents, bimtek trainings with attendance, its
//! activities and their corrections.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pulih_app::Certificate;
use pulih_app::{
    ActivityInput, ActivityView, AppError, AttendanceInput, MemberChange, MemberInput, MemberView,
    Origin, TrainingInput, TrainingView, UnitInput, UnitView,
};
use pulih_domain::ids::{ActivityId, TrainingId, UnitId, UserId};
use pulih_domain::region::RegionCode;
use serde::Serialize;

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// `GET /api/v1/villages/{code}/ibm-unit`: the village's unit; 404 when none is formed.
pub async fn village_unit(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<UnitView>, WebError> {
    let unit = state.app.village_unit(&who.0.actor(), &code).await?;
    Ok(Json(unit.ok_or(AppError::NotFound)?))
}

/// `POST /api/v1/villages/{code}/ibm-unit`: forms the village's unit.
pub async fn form(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<(StatusCode, Json<UnitView>), WebError> {
    let view = state
        .app
        .form_unit(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/ibm-units/{id}`.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(unit): Found<UnitId>,
) -> Result<Json<UnitView>, WebError> {
    Ok(Json(state.app.unit(&who.0.actor(), unit).await?))
}

/// `POST /api/v1/ibm-units/{id}/members`.
pub async fn add_member(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<(StatusCode, Json<MemberView>), WebError> {
    let view = state
        .app
        .add_unit_member(&who.0.actor(), unit, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `PUT /api/v1/ibm-units/{id}/members/{user}`: changes an agent's profile or status.
pub async fn change_member(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found((unit, user)): Found<(UnitId, UserId)>,
    ApiJson(input): ApiJson<MemberChange>,
) -> Result<Json<MemberView>, WebError> {
    Ok(Json(
        state
            .app
            .change_unit_member(&who.0.actor(), unit, user, input, &origin)
            .await?,
    ))
}

/// `POST /api/v1/ibm-units/{id}/trainings`: plans a bimtek.
pub async fn plan_training(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    ApiJson(input): ApiJson<TrainingInput>,
) -> Result<(StatusCode, Json<TrainingView>), WebError> {
    let view = state
        .app
        .plan_training(&who.0.actor(), unit, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/trainings/{id}`: a training with every agent's attendance.
pub async fn training(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(training): Found<TrainingId>,
) -> Result<Json<TrainingView>, WebError> {
    Ok(Json(state.app.training(&who.0.actor(), training).await?))
}

/// The certificates a day's attendance earned.
#[derive(Serialize)]
pub struct Issued {
    certificates: Vec<CertificateJson>,
}

/// A certificate.
#[derive(Serialize)]
pub struct CertificateJson {
    user_id: UserId,
    number: String,
    issued_on: chrono::NaiveDate,
}

impl From<Certificate> for CertificateJson {
    fn from(c: Certificate) -> Self {
        Self {
            user_id: c.user,
            number: c.number,
            issued_on: c.issued_on,
        }
    }
}

/// `POST /api/v1/trainings/{id}/attendance`: who was present on a day.
pub async fn attendance(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(training): Found<TrainingId>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> Result<Json<Issued>, WebError> {
    let issued = state
        .app
        .record_attendance(&who.0.actor(), training, input, &origin)
        .await?;
    Ok(Json(Issued {
        certificates: issued.into_iter().map(CertificateJson::from).collect(),
    }))
}

/// `POST /api/v1/ibm-units/{id}/activities`.
pub async fn record_activity(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    ApiJson(input): ApiJson<ActivityInput>,
) -> Result<(StatusCode, Json<ActivityView>), WebError> {
    let view = state
        .app
        .record_activity(&who.0.actor(), unit, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `PUT /api/v1/activities/{id}`: corrects an activity's day and counts, within seven
/// days of recording it (its author or a coordinator of its village).
pub async fn correct_activity(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActivityId>,
    ApiJson(input): ApiJson<ActivityInput>,
) -> Result<Json<ActivityView>, WebError> {
    let view = state
        .app
        .correct_activity(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(Json(view))
}

/// `POST /api/v1/activities/{id}/void`: voids an activity within seven days of recording
/// it; the answer is the activity as it was.
pub async fn void_activity(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActivityId>,
) -> Result<Json<ActivityView>, WebError> {
    let view = state.app.void_activity(&who.0.actor(), id, &origin).await?;
    Ok(Json(view))
}

/// `GET /api/v1/villages/{code}/activities`: the latest activities, newest first.
pub async fn activities(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<ActivityView>>, WebError> {
    let items = state.app.village_activities(&who.0.actor(), &code).await?;
    Ok(Json(Items { items }))
}
