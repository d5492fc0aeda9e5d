//! Importing official boundary GeoJSON over the API.

use axum::Json;
use axum::extract::{Query, State};
use pulih_app::BoundarySummary;

use super::UploadBody;
use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// Query of an import.
#[derive(serde::Deserialize)]
pub struct ImportQuery {
    /// The feature property holding the Kemendagri code; the usual names when absent.
    property: Option<String>,
}

/// `POST /api/v1/regions/boundaries[?property=KEY]` with a GeoJSON `FeatureCollection` as
/// the body: administrators import boundaries of regions in their scope (the file is
/// read only for them); a file with any bad feature changes nothing and names every
/// feature's problem.
pub async fn import(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(query): Query<ImportQuery>,
    UploadBody(file): UploadBody,
) -> Result<Json<BoundarySummary>, WebError> {
    let actor = who.0.actor();
    let summary = state
        .app
        .import_boundaries(Some(&actor), file, query.property, "upload")
        .await?;
    Ok(Json(summary))
}
