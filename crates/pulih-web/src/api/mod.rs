//! The JSON API under `/api/v1`, described by `openapi.json`.

pub mod access;
pub mod access_report;
pub mod aftercare;
pub mod agents;
pub mod audit;
pub mod boundaries;
pub mod channels;
pub mod clients;
pub mod coordination;
pub mod dashboards;
pub mod directory;
pub mod fhir;
pub mod handoffs;
pub mod office_activities;
pub mod openapi;
pub mod orgs;
pub mod peers;
pub mod people;
pub mod programme;
pub mod referrals;
pub mod regions;
pub mod regulations;
pub mod session;
pub mod units;
pub mod users;
pub mod vocational;
pub mod worklist;

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use pulih_app::{AppError, Upload};
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
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(WebError::TooLarge),
            Err(_) => Err(WebError::BadRequest("error.bad_request")),
        }
    }
}

/// The body of an import, handed to its use-case unread: the use-case authorises the
/// user first and only then receives it (within the route's body limit).
pub struct UploadBody(pub Upload);

impl<S: Send + Sync> FromRequest<S> for UploadBody {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(Upload::body(async move {
            match Bytes::from_request(req, &()).await {
                Ok(bytes) => Ok(bytes.into()),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::TooLarge),
                Err(_) => Err(AppError::invalid("file", "invalid.upload_incomplete")),
            }
        })))
    }
}

/// A list response: `{"items": [...]}`.
#[derive(serde::Serialize)]
pub struct Items<T> {
    /// The records.
    pub items: Vec<T>,
}
