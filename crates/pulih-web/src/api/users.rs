//! Users as JSON, for administrators (and coordinators, for the field workers of their
//! area); and the one-time links that let a person set their own password.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pulih_app::{Issued, NewUser, Origin};
use pulih_domain::ids::UserId;

use super::session::UserJson;
use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// A link just issued: its token, shown once, to be passed to the person.
#[derive(serde::Serialize)]
pub struct LinkJson {
    purpose: &'static str,
    token: String,
    path: String,
    expires_at: DateTime<Utc>,
}

/// A user with the link just issued for it, if one was.
#[derive(serde::Serialize)]
pub struct IssuedJson {
    #[serde(flatten)]
    user: UserJson,
    link: Option<LinkJson>,
}

impl From<Issued> for IssuedJson {
    fn from(issued: Issued) -> Self {
        Self {
            user: issued.user.into(),
            link: issued.link.map(|l| LinkJson {
                purpose: l.purpose.key(),
                path: l.path(),
                token: l.token,
                expires_at: l.expires_at,
            }),
        }
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

/// `POST /api/v1/users`: without `password`, an invitation link is issued and returned once.
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<IssuedJson>), WebError> {
    let created = state
        .app
        .create_user(&who.0.actor(), input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
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

/// `POST /api/v1/users/{id}/reset-password`: the password stops working and a reset
/// link is returned, once.
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
    Ok(Json(reset.into()))
}

/// `POST /api/v1/users/{id}/revoke-link`: the user's open link stops working.
pub async fn revoke_link(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<UserId>,
) -> Result<Json<UserJson>, WebError> {
    let user = state.app.revoke_link(&who.0.actor(), id, &origin).await?;
    Ok(Json(user.into()))
}

/// Whose account an open link is for.
#[derive(serde::Serialize)]
pub struct HolderJson {
    username: String,
    display_name: String,
    purpose: &'static str,
    expires_at: DateTime<Utc>,
}

/// `GET /api/v1/links/{token}` (no login): the account an open link is for; 404 for
/// any token that does not work.
pub async fn link(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<HolderJson>, WebError> {
    let holder = state.app.link_holder(&token).await?;
    Ok(Json(HolderJson {
        username: holder.username,
        display_name: holder.display_name,
        purpose: holder.purpose.key(),
        expires_at: holder.expires_at,
    }))
}

/// The password chosen through a link.
#[derive(serde::Deserialize)]
pub struct ChosenPassword {
    password: String,
}

/// `POST /api/v1/links/{token}` (no login) with `{"password": …}`: sets the password
/// and uses the link up; 404 for any token that does not work.
pub async fn redeem_link(
    State(state): State<AppState>,
    origin: Origin,
    Path(token): Path<String>,
    ApiJson(chosen): ApiJson<ChosenPassword>,
) -> Result<StatusCode, WebError> {
    state
        .app
        .redeem_link(&token, &chosen.password, &origin)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
