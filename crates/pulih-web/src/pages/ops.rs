//! Operations endpoints: readiness, metrics, and the fallback for unknown paths.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::bearer;

/// `GET /readyz`: 200 when the database answers.
pub async fn ready(State(state): State<AppState>) -> Response {
    match state.app.ready().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = ?e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
        }
    }
}

/// `GET /metrics`: Prometheus text format, for the scraper with the configured token
/// only (the counters tell who uses which part of Pulih when).
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let allowed = match (&state.config.metrics_token, bearer(&headers)) {
        (Some(token), Some(given)) => token.matches(&given),
        _ => false,
    };
    if !allowed {
        // A plain answer: the error layer would send a browser to the login page.
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "metrics need the scraper's token\n",
        )
            .into_response();
    }
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// Any unknown path: a 404, rendered by the error layer.
pub async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}
