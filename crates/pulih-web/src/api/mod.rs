//! The JSON API under `/api/v1`, described by `openapi.json`.

pub mod access;
pub mod aftercare;
pub mod audit;
pub mod boundaries;
pub mod clients;
pub mod dashboards;
pub mod directory;
pub mod handoffs;
pub mod openapi;
pub mod orgs;
pub mod peers;
pub mod programme;
pub mod referrals;
pub mod regions;
pub mod session;
pub mod units;
pub mod users;
pub mod vocational;
pub mod worklist;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::WebError;

/// A JSON body whose rejections (malformed, wrong types, wrong content type) become
/// our error shape instead of the framework's plain text.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::JsonSyntaxError(_)) => {
                Err(WebError::BadRequest("error.json_syntax"))
            }
            Err(JsonRejection::JsonDataError(_)) => Err(WebError::BadRequest("error.json_data")),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(WebError::BadRequest("error.media_type"))
            }
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(WebError::TooLarge)
            }
            Err(_) => Err(WebError::BadRequest("error.bad_request")),
        }
    }
}

/// A list response: `{"items": [...]}`.
#[derive(serde::Serialize)]
pub struct Items<T> {
    /// The records.
    pub items: Vec<T>,
}
