//! `Idempotency-Key` on mutating API requests.
//!
//! The key, with a keyed fingerprint of the request (method, path, body), goes to the
//! request's use-case through its [`Origin`](pulih_app::Origin): the use-case's first
//! write claims it inside its own transaction. A repeat (even one sent while the first is
//! still running, which waits there for the first) finds the key answered and writes
//! nothing; it is answered here from the stored answer: the operation's success status
//! (from the API description), the ids the first request wrote, and
//! `Idempotent-Replayed: true`. A repeat refused before it reached its write (the first
//! request changed what its checks read: the plan it opened is open now) is answered the
//! same way when the key turns out to be answered. The same key with another request is
//! refused (422).

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pulih_app::IdempotencyKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::auth::CurrentUser;
use crate::error::Replayed;
use crate::{AppState, WebError};

/// Largest request body the API accepts, except region files.
pub const MAX_BODY: usize = 1024 * 1024;

/// Largest file accepted by the import endpoints (the official region file is ~1.5 MiB).
pub const MAX_IMPORT_BODY: usize = 16 * 1024 * 1024;

/// The API routes that take a whole file, up to [`MAX_IMPORT_BODY`]; every other route
/// takes at most [`MAX_BODY`], and a keyed request is buffered here only up to its
/// route's limit.
pub const FILE_ROUTES: [&str; 3] = [
    "/regions/import",
    "/partner-services/import",
    "/regions/boundaries",
];

/// How much of a request to the API route `path` may be read.
fn body_limit(path: &str) -> usize {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    if FILE_ROUTES.contains(&path) {
        MAX_IMPORT_BODY
    } else {
        MAX_BODY
    }
}

/// Longest key accepted (a UUID is 36 characters).
const MAX_KEY: usize = 200;

/// Answers repeated requests; hands the key of new ones to their use-case.
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
    if key.is_empty() || key.len() > MAX_KEY {
        return WebError::BadRequest("error.idempotency_key").into_response();
    }
    let (mut parts, body) = request.into_parts();
    let user = <CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await
    .ok()
    .map(|who| who.0.user.id);
    // Without a known user there is nothing to key on: the handler refuses the request,
    // and its body is not read here.
    let Some(user) = user else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let route = parts
        .extensions
        .get::<MatchedPath>()
        .map_or(parts.uri.path(), MatchedPath::as_str)
        .to_owned();
    let Ok(bytes) = to_bytes(body, body_limit(&route)).await else {
        return WebError::TooLarge.into_response();
    };
    let success = state.success.of(parts.method.as_str(), &route);
    let digest = hex::encode(
        Sha256::new()
            .chain_update(parts.method.as_str())
            .chain_update(parts.uri.path())
            .chain_update(&bytes)
            .finalize(),
    );
    let key = IdempotencyKey::new(
        state.app.idempotency_key(&key),
        state.app.request_fingerprint(&digest),
    );
    parts.extensions.insert(key.clone());
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if let Some(Replayed(answer)) = response.extensions().get::<Replayed>() {
        return replay(success, answer);
    }
    // A success wrote now. A repeat refused by a check the first request's write changed
    // (409, 422) is answered as the first was; any other refusal (the user lost access,
    // say) stands.
    let status = response.status();
    if status != StatusCode::CONFLICT && status != StatusCode::UNPROCESSABLE_ENTITY {
        return response;
    }
    match state.app.answered(user, &key).await {
        Ok(Some(answer)) => replay(success, &answer),
        Ok(None) => response,
        Err(e) => WebError::App(e).into_response(),
    }
}

/// The answer to a repeated request: the operation's success status and what the first
/// request stored (ids and versions only), marked as replayed.
fn replay(success: StatusCode, answer: &str) -> Response {
    let stored: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    let body = match stored {
        Value::Object(_) => stored,
        Value::Null => json!({}),
        Value::String(_) => json!({ "id": stored }),
        other => json!({ "answer": other }),
    };
    let mut response = (success, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_file_routes_are_read_past_the_usual_limit() {
        assert_eq!(body_limit("/api/v1/regions/import"), MAX_IMPORT_BODY);
        assert_eq!(body_limit("/api/v1/regions/boundaries"), MAX_IMPORT_BODY);
        assert_eq!(body_limit("/api/v1/clients"), MAX_BODY);
        assert_eq!(body_limit("/api/v1/regions"), MAX_BODY);
    }
}
