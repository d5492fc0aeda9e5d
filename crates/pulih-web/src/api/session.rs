//! API tokens and the caller's own account.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pulih_app::UserView;
use pulih_app::{AppError, LoginKind, LoginStep, Origin};

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
    /// A current two-factor code, or a recovery code, for an account with two-factor
    /// login; without it such an account is answered `totp_required` (only when the
    /// password is right).
    #[serde(default)]
    totp: Option<String>,
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
    totp_enabled: bool,
    /// Until when the open invitation or reset link works, if there is one.
    link_expires_at: Option<DateTime<Utc>>,
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
            totp_enabled: u.totp_enabled,
            link_expires_at: u.link.map(|l| l.expires_at),
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
    let step = state
        .app
        .login(
            pulih_app::Credentials {
                username: &c.username,
                password: &c.password,
                device: c.device.as_deref(),
                code: c.totp.as_deref(),
            },
            LoginKind::Api,
            &origin,
        )
        .await?;
    let LoginStep::Done(login) = step else {
        return Err(AppError::CodeRequired.into());
    };
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

/// `POST /api/v1/me/totp/confirm` and `/disable` body.
#[derive(serde::Deserialize)]
pub struct TotpCode {
    code: String,
}

/// `POST /api/v1/me/totp`: starts two-factor enrolment; answers the secret (base32)
/// and the `otpauth://` URI, this once.
pub async fn begin_totp(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
) -> Result<Response, WebError> {
    let enrolment = state.app.begin_totp(&who.0, &origin).await?;
    let body = serde_json::json!({ "secret": enrolment.secret, "uri": enrolment.uri });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `POST /api/v1/me/totp/confirm`: confirms enrolment with a current code; answers the
/// ten recovery codes, this once.
pub async fn confirm_totp(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(c): ApiJson<TotpCode>,
) -> Result<Json<serde_json::Value>, WebError> {
    let codes = state.app.confirm_totp(&who.0, &c.code, &origin).await?;
    Ok(Json(serde_json::json!({ "recovery_codes": codes })))
}

/// `POST /api/v1/me/totp/disable`: turns two-factor login off with a current code or a
/// recovery code.
pub async fn disable_totp(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(c): ApiJson<TotpCode>,
) -> Result<StatusCode, WebError> {
    state.app.disable_totp(&who.0, &c.code, &origin).await?;
    Ok(StatusCode::NO_CONTENT)
}
