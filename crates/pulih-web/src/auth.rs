//! Who is asking: session cookies, bearer tokens, CSRF tokens, client addresses.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use pulih_app::{AppError, Authenticated, IdempotencyKey, Origin};
use subtle::ConstantTimeEq;

use crate::{AppState, WebError};

/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "pulih_session";
/// Name of the pre-login CSRF cookie (double-submit on the login form).
pub const LOGIN_CSRF_COOKIE: &str = "pulih_login_csrf";
/// Name of the device cookie: the device token of the browser's last login, so that
/// failed logins from this browser are counted apart from strangers'.
pub const DEVICE_COOKIE: &str = "pulih_device";

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when served over HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// The logged-in user of a request, by bearer token or session cookie.
pub struct CurrentUser(pub Authenticated);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Nested routers see a shortened URI; decisions use the path as the client sent it.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |u| u.0.path().to_owned());
        // The API takes bearer tokens only: a cookie would let another site's page make
        // requests in the user's name, and API requests carry no CSRF token.
        let token = match bearer(&parts.headers) {
            Some(token) => token,
            None if path.starts_with("/api/") => return Err(AppError::Unauthenticated.into()),
            None => cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?,
        };
        // An earlier layer (idempotency) may have authenticated the request already.
        let who = match parts.extensions.get::<Authenticated>() {
            Some(who) => who.clone(),
            None => {
                let who = state.app.authenticate(&token).await?;
                parts.extensions.insert(who.clone());
                who
            }
        };
        // A one-time password only opens the way to choosing a new one.
        let path = path.as_str();
        let allowed = [
            "/account",
            "/logout",
            "/api/v1/me/password",
            "/api/v1/session",
            "/api/v1/me",
        ];
        if who.user.must_change_password && !allowed.contains(&path) {
            return Err(WebError::PasswordChangeRequired);
        }
        Ok(Self(who))
    }
}

/// Where a request came from: the client's address, for throttling and the audit log
/// (behind a trusted proxy, `--trust-proxy`, the last address the proxy appended to
/// `X-Forwarded-For`), and the idempotency key the `idempotency` layer found on it.
impl FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .config
            .trust_proxy
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse::<std::net::IpAddr>().ok());
        let addr = forwarded.or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        });
        let key = parts.extensions.get::<IdempotencyKey>().cloned();
        Ok(Self::new(addr.map(|a| a.to_string()), key))
    }
}

/// Compares a submitted CSRF token with the expected one in constant time.
pub fn check_csrf(expected: &str, given: &str) -> Result<(), WebError> {
    if !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(())
    } else {
        Err(WebError::Csrf)
    }
}

/// Whether cookies must be `Secure`: configured so, or the proxy says the client used HTTPS.
pub fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https")
}
