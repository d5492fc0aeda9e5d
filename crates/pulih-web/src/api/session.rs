//! API tokens and the caller's own account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pulih_app::UserView;
use pulih_app::{LoginKind, Origin};

use super::ApiJson;
use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// `POST /api/v1/session` body.
#[derive(serde::Deserialize)]
pub struct Credentials {
    username: String,
    password: String,
    /// The `device` an earlier login of this account answered, if the client kept it:
    /// failed logins from a known device are counted apart from everyone else's.
    #[serde(default)]
    device: Option<String>,
}

/// A user as the API shows it: never the password hash.
#[derive(serde::Serialize)]
pub struct UserJson {
    id: String,
    username: String,
    display_name: String,
    role: &'static str,
    org_id: String,
    scope: String,
    disabled: bool,
    must_change_password: bool,
    version: i64,
    created_at: DateTime<Utc>,
}

impl From<UserView> for UserJson {
    fn from(u: UserView) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username,
            display_name: u.display_name,
            role: u.role.as_str(),
            org_id: u.org_id.to_string(),
            scope: u.scope.to_string(),
            disabled: u.disabled,
            must_change_password: u.must_change_password,
            version: u.version,
            created_at: u.created_at,
        }
    }
}

/// `POST /api/v1/session`: issues a bearer token.
pub async fn create(
    State(state): State<AppState>,
    origin: Origin,
    ApiJson(c): ApiJson<Credentials>,
) -> Result<Response, WebError> {
    let login = state
        .app
        .login(
            pulih_app::Credentials {
                username: &c.username,
                password: &c.password,
                device: c.device.as_deref(),
            },
            LoginKind::Api,
            &origin,
        )
        .await?;
    let body = serde_json::json!({
        "token": login.token,
        "expires_at": login.session.expires_at,
        "device": login.device,
        "user": UserJson::from(login.user),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `DELETE /api/v1/session`: revokes the token used for this request.
pub async fn revoke(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
) -> Result<StatusCode, WebError> {
    state.app.logout(&who.0, &origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me`.
pub async fn me(who: CurrentUser) -> Json<UserJson> {
    Json(who.0.user.into())
}

/// `POST /api/v1/me/password` body.
#[derive(serde::Deserialize)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// `POST /api/v1/me/password`: changes the caller's password; other sessions end.
pub async fn change_password(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(p): ApiJson<PasswordChange>,
) -> Result<Json<UserJson>, WebError> {
    let user = state
        .app
        .change_own_password(&who.0, &p.current_password, &p.new_password, &origin)
        .await?;
    Ok(Json(user.into()))
}
