//! A form sent from a page by the logged-in user: its CSRF token (the `csrf` field) is
//! checked against the session's before anything reads the form, then the form becomes
//! `T`: a [`FormData`] of every name/value pair in order, or a struct of its fields. The
//! one way a page form of a logged-in user reaches a handler; the login and link forms,
//! sent before there is a session, check the token of their own cookie.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::clients::FormData;
use crate::auth::{CurrentUser, check_csrf};
use crate::{AppState, WebError};

/// The checked form, as `T`.
pub struct PageForm<T = FormData>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PageForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let who = CurrentUser::from_request_parts(&mut parts, state).await?;
        let urlencoded = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(WebError::BadRequest("error.media_type"));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge,
                _ => WebError::BadRequest("error.bad_request"),
            })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("error.bad_request"))?;
        let token = pairs.iter().find(|(name, _)| name == "csrf");
        check_csrf(
            &who.0.session.csrf_token,
            token.map_or("", |(_, value)| value.as_str()),
        )?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Self)
            .map_err(|_| WebError::BadRequest("error.bad_request"))
    }
}
