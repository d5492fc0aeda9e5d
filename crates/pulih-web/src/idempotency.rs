//! `Idempotency-Key` on mutating API requests: the first response to a key is stored and
//! replayed for every repeat of the same request; reusing a key for another request is refused.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pulih_app::AppError;
use pulih_store::StoredResponse;
use sha2::{Digest, Sha256};

use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// Largest request body the API accepts, except region files.
pub const MAX_BODY: usize = 1024 * 1024;

/// Largest region file accepted by the import endpoint (the official one is ~1.5 MiB).
pub const MAX_IMPORT_BODY: usize = 16 * 1024 * 1024;

/// Replays or records responses for requests that carry an `Idempotency-Key`.
pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_mutation = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Some(key) = key.filter(|_| is_mutation) else {
        return next.run(request).await;
    };
    if key.is_empty() || key.len() > 200 {
        return WebError::BadRequest("error.idempotency_key").into_response();
    }
    let (mut parts, body) = request.into_parts();
    let Ok(user) = <CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await
    else {
        // Without a known user there is nothing to key on; the handler decides.
        return next.run(Request::from_parts(parts, body)).await;
    };
    let user_id = user.0.user.id;
    let Ok(bytes) = to_bytes(body, MAX_IMPORT_BODY).await else {
        return WebError::TooLarge.into_response();
    };
    let path = parts.uri.path().to_owned();
    let digest = hex::encode(
        Sha256::new()
            .chain_update(parts.method.as_str())
            .chain_update(parts.uri.path())
            .chain_update(&bytes)
            .finalize(),
    );
    let fingerprint = state.app.request_fingerprint(&digest);
    match state.app.idempotent_response(user_id, &key).await {
        Ok(Some(stored)) if stored.fingerprint == fingerprint => return replay(stored),
        Ok(Some(_)) => {
            return WebError::App(AppError::Conflict("conflict.idempotency_reused"))
                .into_response();
        }
        Ok(None) => {}
        Err(e) => return WebError::App(e).into_response(),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    if !status.is_success() {
        // Refused or failed requests wrote nothing; a retry runs again.
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY * 4).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        body: remembered(&path, &bytes),
        fingerprint,
    };
    if let Err(e) = state
        .app
        .save_idempotent_response(user_id, &key, &stored)
        .await
    {
        tracing::error!(error = ?e, "could not remember idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What is kept of a response for replay. Client records are never kept in clear outside
/// their sealed rows, so for client routes only the ids survive (a replay says what was
/// created, not what it contained); one-time passwords are shown once and never kept.
fn remembered(path: &str, bytes: &[u8]) -> String {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let sensitive = path.starts_with("/clients") || path.starts_with("/break-glass");
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(fields)) if sensitive => {
            let kept: serde_json::Map<_, _> = fields
                .into_iter()
                .filter(|(k, _)| matches!(k.as_str(), "id" | "client_id" | "code" | "version"))
                .collect();
            serde_json::Value::Object(kept).to_string()
        }
        Ok(mut json) if json.get("one_time_password").is_some_and(|p| !p.is_null()) => {
            json["one_time_password"] = serde_json::Value::Null;
            json.to_string()
        }
        _ if sensitive => "{}".to_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
