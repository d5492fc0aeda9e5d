//! Users as JSON, for administrators.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use pulih_app::{NewUser, Origin, PasswordReset};
use pulih_domain::ids::UserId;

use super::session::UserJson;
use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// A user with the one-time password just issued (shown once).
#[derive(serde::Serialize)]
pub struct IssuedJson {
    #[serde(flatten)]
    user: UserJson,
    one_time_password: Option<String>,
}

fn issued(reset: PasswordReset, show: bool) -> IssuedJson {
    IssuedJson {
        user: reset.user.into(),
        one_time_password: show.then_some(reset.password),
    }
}

/// `GET /api/v1/users`.
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<UserJson>>, WebError> {
    let users = state.app.list_users(&who.0.actor()).await?;
    Ok(Json(Items {
        items: users.into_iter().map(Into::into).collect(),
    }))
}

/// `GET /api/v1/users/{id}`.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<UserId>,
) -> Result<Json<UserJson>, WebError> {
    Ok(Json(state.app.user(&who.0.actor(), id).await?.into()))
}

/// `POST /api/v1/users`: without `password`, a one-time password is generated and returned once.
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<IssuedJson>), WebError> {
    let generated = input.password.as_deref().is_none_or(str::is_empty);
    let created = state
        .app
        .create_user(&who.0.actor(), input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(issued(created, generated))))
}

/// Optional optimistic-concurrency version of a state change.
#[derive(serde::Deserialize)]
pub struct Versioned {
    version: Option<i64>,
}

async fn set_disabled(
    state: &AppState,
    who: &CurrentUser,
    id: UserId,
    disabled: bool,
    version: Option<i64>,
    origin: &Origin,
) -> Result<Json<UserJson>, WebError> {
    let user = state
        .app
        .set_user_disabled(&who.0.actor(), id, disabled, version, origin)
        .await?;
    Ok(Json(user.into()))
}

/// The version in an optional JSON body; an empty body means "whatever is stored".
fn version(body: &Bytes) -> Result<Option<i64>, WebError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<Versioned>(body)
        .map(|v| v.version)
        .map_err(|_| WebError::BadRequest("error.json_data"))
}

/// `POST /api/v1/users/{id}/disable` with optional `{"version": N}`.
pub async fn disable(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<UserId>,
    body: Bytes,
) -> Result<Json<UserJson>, WebError> {
    set_disabled(&state, &who, id, true, version(&body)?, &origin).await
}

/// `POST /api/v1/users/{id}/enable` with optional `{"version": N}`.
pub async fn enable(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<UserId>,
    body: Bytes,
) -> Result<Json<UserJson>, WebError> {
    set_disabled(&state, &who, id, false, version(&body)?, &origin).await
}

/// `POST /api/v1/users/{id}/reset-password`: a new one-time password, returned once.
pub async fn reset_password(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<UserId>,
) -> Result<Json<IssuedJson>, WebError> {
    let reset = state
        .app
        .reset_password(&who.0.actor(), id, &origin)
        .await?;
    Ok(Json(issued(reset, true)))
}
