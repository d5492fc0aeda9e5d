//! Organisations as JSON.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pulih_app::Organisation;
use pulih_app::{NewOrg, Origin};
use pulih_domain::ids::OrgId;

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// An organisation as the API shows it.
#[derive(serde::Serialize)]
pub struct OrgJson {
    id: String,
    name: String,
    org_type: &'static str,
    region: String,
    version: i64,
    created_at: DateTime<Utc>,
}

impl From<Organisation> for OrgJson {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name,
            org_type: o.org_type.as_str(),
            region: o.place.to_string(),
            version: o.version,
            created_at: o.created_at,
        }
    }
}

/// `GET /api/v1/organisations`: those inside the caller's scope.
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<OrgJson>>, WebError> {
    let orgs = state.app.list_orgs(&who.0.actor()).await?;
    Ok(Json(Items {
        items: orgs.into_iter().map(Into::into).collect(),
    }))
}

/// `GET /api/v1/organisations/{id}`.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<OrgId>,
) -> Result<Json<OrgJson>, WebError> {
    Ok(Json(state.app.org(&who.0.actor(), id).await?.into()))
}

/// `POST /api/v1/organisations`.
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<NewOrg>,
) -> Result<(StatusCode, Json<OrgJson>), WebError> {
    let org = state.app.create_org(&who.0.actor(), input, &origin).await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}
