//! Path parameters as typed ids and codes. A malformed one is simply not found (404): the
//! same answer as a well-formed id of nothing, so a path never tells them apart, and no
//! handler parses its own.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use pulih_app::AppError;
use serde::de::DeserializeOwned;

use crate::WebError;

/// The path's parameters as `T` (an id, a region code, or a tuple of them).
pub struct Found<T>(pub T);

impl<S, T> FromRequestParts<S> for Found<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(_) => Err(AppError::NotFound.into()),
        }
    }
}
