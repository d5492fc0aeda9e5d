//! The FHIR R4 export of one client (`docs/FHIR.md`), as `application/fhir+json`.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use pulih_app::{AppError, Origin};
use pulih_domain::ids::ClientId;

use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// FHIR's JSON media type.
const FHIR_JSON: &str = "application/fhir+json";

/// `GET /api/v1/clients/{id}/fhir`: a `collection` bundle of the client's record, when
/// the client's consent covers sharing with health services.
pub async fn client(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<impl IntoResponse, WebError> {
    let bundle = state.app.client_fhir(&who.0.actor(), id, &origin).await?;
    let body = serde_json::to_vec(&bundle).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, FHIR_JSON)], body))
}
