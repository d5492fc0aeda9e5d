//! Who is asking: session cookies, bearer tokens, CSRF tokens, client addresses.
//!
//! Cookies are `Secure` and carry the `__Host-` prefix (so no other site, not even a
//! sibling subdomain, can plant one) unless a request reached this machine by its own
//! name (`localhost`, `127.0.0.1`, `[::1]`) over plain HTTP, or the operator decided
//! otherwise (`secure_cookies`): see [`Jar`].

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use pulih_app::{AppError, Authenticated, Gate, IdempotencyKey, Origin};
use subtle::ConstantTimeEq;

use crate::{AppState, WebError};

/// A cookie Pulih sets, by its names over plain HTTP and over HTTPS.
#[derive(Debug, Clone, Copy)]
pub struct CookieName {
    plain: &'static str,
    host: &'static str,
}

impl CookieName {
    /// A cookie named `plain` over plain HTTP and `host` (a `__Host-` name) over HTTPS.
    pub const fn new(plain: &'static str, host: &'static str) -> Self {
        Self { plain, host }
    }
}

/// The browser session cookie.
pub const SESSION_COOKIE: CookieName = CookieName {
    plain: "pulih_session",
    host: "__Host-pulih_session",
};
/// The pre-login CSRF cookie (double-submit on the login form).
pub const LOGIN_CSRF_COOKIE: CookieName = CookieName {
    plain: "pulih_login_csrf",
    host: "__Host-pulih_login_csrf",
};
/// The device cookie: the device token of the browser's last login, so that failed
/// logins from this browser are counted apart from strangers'.
pub const DEVICE_COOKIE: CookieName = CookieName {
    plain: "pulih_device",
    host: "__Host-pulih_device",
};

/// How a request's cookies are named and marked: `Secure` ones under their `__Host-`
/// names, or plain ones on this machine over plain HTTP. A request reads only the names
/// it would be given, so a plain cookie planted by another site is never read over HTTPS.
#[derive(Debug, Clone, Copy)]
pub struct Jar {
    secure: bool,
}

impl Jar {
    /// The jar of a request.
    pub fn of(state: &AppState, headers: &HeaderMap) -> Self {
        let https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https");
        let secure = state
            .config
            .secure_cookies
            .unwrap_or_else(|| https || !addressed_to_loopback(headers));
        Self { secure }
    }

    /// Whether the request is treated as reaching Pulih over HTTPS.
    pub fn secure(self) -> bool {
        self.secure
    }

    /// A cookie's value from the request.
    pub fn get(self, headers: &HeaderMap, name: CookieName) -> Option<String> {
        cookie(headers, self.name(name))
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, and `Secure` under the `__Host-` name
    /// when the request is secure.
    pub fn set(self, name: CookieName, value: &str, max_age_secs: i64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        let name = self.name(name);
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
    }

    /// The name `name` has in this jar.
    pub fn name(self, name: CookieName) -> &'static str {
        if self.secure { name.host } else { name.plain }
    }
}

/// Whether the request's `Host` names this machine (`localhost`, a loopback address).
fn addressed_to_loopback(headers: &HeaderMap) -> bool {
    let Some(authority) = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<axum::http::uri::Authority>().ok())
    else {
        return false;
    };
    let host = authority.host();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

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

/// The bearer token of the `Authorization` header.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// What a user who must first change the password (or enrol) may still reach.
const GATE_OPEN: [&str; 5] = [
    "/account",
    "/logout",
    "/api/v1/me/password",
    "/api/v1/session",
    "/api/v1/me",
];

/// What a user who must enrol in two-factor login may reach besides [`GATE_OPEN`].
const ENROLMENT: [&str; 4] = [
    "/account/totp",
    "/account/totp/confirm",
    "/api/v1/me/totp",
    "/api/v1/me/totp/confirm",
];

/// The logged-in user of a request, by bearer token or session cookie, and for a page
/// (a `GET` outside the API) how many of its notifications are unread, for the menu.
pub struct CurrentUser(pub Authenticated, pub u64);

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
            None => Jar::of(state, &parts.headers)
                .get(&parts.headers, SESSION_COOKIE)
                .ok_or(AppError::Unauthenticated)?,
        };
        // An earlier layer (idempotency) may have authenticated the request already.
        let who = match parts.extensions.get::<Authenticated>() {
            Some(who) => who.clone(),
            None => {
                let origin = match Origin::from_request_parts(parts, state).await {
                    Ok(origin) => origin,
                    Err(never) => match never {},
                };
                let who = state.app.authenticate(&token, &origin).await?;
                parts.extensions.insert(who.clone());
                who
            }
        };
        // A one-time password only opens the way to choosing a new one, and a role that
        // must use two-factor login only to enrolling (after the password, if both).
        let path = path.as_str();
        match state.app.gate(&who.user) {
            Some(Gate::PasswordChange) if !GATE_OPEN.contains(&path) => {
                return Err(WebError::PasswordChangeRequired);
            }
            Some(Gate::TotpEnrolment)
                if !GATE_OPEN.contains(&path) && !ENROLMENT.contains(&path) =>
            {
                return Err(WebError::TotpEnrolmentRequired);
            }
            _ => {}
        }
        let page = parts.method == axum::http::Method::GET
            && !path.starts_with("/api/")
            && !parts.headers.contains_key("hx-request");
        let unread = if page {
            state.app.unread_notifications(&who.actor()).await?
        } else {
            0
        };
        Ok(Self(who, unread))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_by_its_own_name_counts_as_loopback() {
        let with_host = |host: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, host.parse().expect("header"));
            addressed_to_loopback(&headers)
        };
        for local in [
            "localhost:8080",
            "LOCALHOST",
            "127.0.0.1:3000",
            "[::1]:8080",
        ] {
            assert!(with_host(local), "{local}");
        }
        for remote in [
            "pulih.example.id",
            "10.0.0.5:8080",
            "localhost.example.id",
            "[::2]",
        ] {
            assert!(!with_host(remote), "{remote}");
        }
        assert!(!addressed_to_loopback(&HeaderMap::new()));
    }
}
