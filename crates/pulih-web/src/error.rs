//! The one error type at the web edge. Handlers return it with `?`; it becomes a bare
//! response carrying an [`ErrorInfo`], and [`render_errors`] turns that into a JSON error
//! or an HTML page in the user's language. Internal details go to the log, never out.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, Problem};

use crate::i18n::Lang;
use crate::pages::{ErrorPage, urlencode};
use crate::{AppState, lang_of};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A use-case refused or failed.
    #[error(transparent)]
    App(#[from] AppError),
    /// The request could not be read (malformed JSON, wrong types); translation key.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The user logged in with a one-time password and must choose a new one first.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The user's role must use two-factor login and the user must enrol first.
    #[error("two-factor enrolment required")]
    TotpEnrolmentRequired,
    /// The body is larger than the server accepts.
    #[error("request body too large")]
    TooLarge,
    /// The form's CSRF token is missing or wrong.
    #[error("csrf token mismatch")]
    Csrf,
    /// Another site made the browser send the request (`fetch_site`).
    #[error("request from another site")]
    OtherSite,
}

/// When a client should try a write again after the database refused it as full or
/// read-only: soon enough that the user waits little once an operator has freed space.
const UNAVAILABLE_RETRY_SECS: u64 = 30;

/// What [`render_errors`] needs to write the body.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    code: &'static str,
    key: &'static str,
    fields: Vec<Problem>,
    retry_after_secs: Option<u64>,
}

impl WebError {
    fn parts(&self) -> (StatusCode, ErrorInfo) {
        let info = |code, key| ErrorInfo {
            code,
            key,
            fields: Vec::new(),
            retry_after_secs: None,
        };
        match self {
            Self::App(e) => match e {
                AppError::Unauthenticated => (
                    StatusCode::UNAUTHORIZED,
                    info("unauthenticated", "error.unauthenticated"),
                ),
                AppError::LoginFailed => (
                    StatusCode::UNAUTHORIZED,
                    info("login_failed", "error.login_failed"),
                ),
                AppError::CodeRequired => (
                    StatusCode::UNAUTHORIZED,
                    info("totp_required", "error.totp_required"),
                ),
                AppError::CodeFailed => (
                    StatusCode::UNAUTHORIZED,
                    info("totp_failed", "error.totp_failed"),
                ),
                AppError::SessionIdle => (
                    StatusCode::UNAUTHORIZED,
                    info("session_idle", "error.session_idle"),
                ),
                AppError::Throttled { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorInfo {
                        retry_after_secs: Some(*retry_after_secs),
                        ..info("throttled", "error.throttled")
                    },
                ),
                AppError::Forbidden(_) => {
                    (StatusCode::FORBIDDEN, info("forbidden", "error.forbidden"))
                }
                AppError::NotConsented(key) => {
                    (StatusCode::FORBIDDEN, info("consent_required", key))
                }
                AppError::NotFound => (StatusCode::NOT_FOUND, info("not_found", "error.not_found")),
                AppError::Invalid(fields) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorInfo {
                        fields: fields.clone(),
                        ..info("invalid", "error.invalid")
                    },
                ),
                AppError::TooLarge => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    info("too_large", "error.too_large"),
                ),
                AppError::Conflict(key) => (StatusCode::CONFLICT, info("conflict", key)),
                AppError::KeyReused => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    info("idempotency_key_reused", "conflict.idempotency_reused"),
                ),
                AppError::Unavailable => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorInfo {
                        retry_after_secs: Some(UNAVAILABLE_RETRY_SECS),
                        ..info("unavailable", "error.unavailable")
                    },
                ),
                AppError::Store(_) | AppError::Internal(_) | AppError::Replayed(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    info("internal", "error.internal"),
                ),
            },
            Self::BadRequest(key) => (StatusCode::BAD_REQUEST, info("bad_request", key)),
            Self::PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                info("password_change_required", "error.password_change_required"),
            ),
            Self::TotpEnrolmentRequired => (
                StatusCode::FORBIDDEN,
                info("totp_enrolment_required", "error.totp_enrolment_required"),
            ),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                info("too_large", "error.too_large"),
            ),
            Self::Csrf => (StatusCode::FORBIDDEN, info("csrf", "error.csrf")),
            Self::OtherSite => (
                StatusCode::FORBIDDEN,
                info("cross_site", "error.cross_site"),
            ),
        }
    }
}

/// A repeat of an answered idempotent request, carried from the use-case to the
/// `idempotency` layer, which answers it.
#[derive(Debug, Clone)]
pub struct Replayed(pub String);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::App(AppError::Replayed(answer)) = self {
            let mut response = StatusCode::OK.into_response();
            response.extensions_mut().insert(Replayed(answer));
            return response;
        }
        let (status, info) = self.parts();
        // an unavailable database was logged once, as a warning, where it was found
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(error = ?self, "request failed");
        }
        let mut response = status.into_response();
        if let Some(secs) = info.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(Arc::new(info));
        response
    }
}

/// Whether the request wants JSON (the API) rather than a page.
fn wants_json(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Renders every error response, ours and the framework's (unknown route, oversize body,
/// wrong method), as JSON under `/api/` and as a page elsewhere, in the user's language.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let lang = lang_of(request.headers());
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let info = match response.extensions().get::<Arc<ErrorInfo>>() {
        Some(info) => info.as_ref().clone(),
        None if response.headers().contains_key(header::CONTENT_TYPE)
            && status != StatusCode::PAYLOAD_TOO_LARGE =>
        {
            return response;
        }
        None => framework_error(status),
    };
    let gated = ["password_change_required", "totp_enrolment_required"];
    if gated.contains(&info.code) && !wants_json(&path) {
        return Redirect::to("/account").into_response();
    }
    if ["unauthenticated", "session_idle"].contains(&info.code) && !wants_json(&path) {
        let next = if path.starts_with('/') && !path.starts_with("//") {
            path.as_str()
        } else {
            "/"
        };
        // an idle session's next request says why it has to log in again
        let idle = if info.code == "session_idle" {
            "&idle=1"
        } else {
            ""
        };
        return Redirect::to(&format!("/login?next={}{idle}", urlencode(next))).into_response();
    }
    let mut out = if wants_json(&path) {
        json_body(&state, lang, &info)
    } else {
        page_body(&state, lang, &info, status)
    };
    *out.status_mut() = status;
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = response.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

fn framework_error(status: StatusCode) -> ErrorInfo {
    let (code, key) = match status {
        StatusCode::NOT_FOUND => ("not_found", "error.not_found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "error.method_not_allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "error.too_large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "error.media_type"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "error.timeout"),
        s if s.is_server_error() => ("internal", "error.internal"),
        _ => ("bad_request", "error.bad_request"),
    };
    ErrorInfo {
        code,
        key,
        fields: Vec::new(),
        retry_after_secs: None,
    }
}

fn json_body(state: &AppState, lang: Lang, info: &ErrorInfo) -> Response {
    let tr = state.i18n.tr(lang);
    let minutes = info
        .retry_after_secs
        .map_or(0, |s| s.div_ceil(60))
        .to_string();
    let fields: serde_json::Map<String, serde_json::Value> = info
        .fields
        .iter()
        .map(|p| (p.field.to_string(), tr.problem(p).into()))
        .collect();
    let body = serde_json::json!({
        "error": { "code": info.code, "message": tr.fill(info.key, &[("minutes", &minutes)]), "fields": fields }
    });
    axum::Json(body).into_response()
}

fn page_body(state: &AppState, lang: Lang, info: &ErrorInfo, status: StatusCode) -> Response {
    let tr = state.i18n.tr(lang);
    let minutes = info
        .retry_after_secs
        .map_or(0, |s| s.div_ceil(60))
        .to_string();
    let message = tr.fill(info.key, &[("minutes", &minutes)]);
    let details: Vec<String> = info
        .fields
        .iter()
        .map(|p| {
            // a field without a label of its own shows its message alone, never its key
            let key = format!("field.{}", p.field);
            match tr.t(&key) {
                label if label == key => tr.problem(p),
                label => format!("{label}: {}", tr.problem(p)),
            }
        })
        .collect();
    crate::pages::render(&ErrorPage {
        t: tr,
        nav: crate::pages::Nav::default(),
        status: status.as_u16(),
        message,
        details,
    })
}
