//! The region tree as JSON, and importing a new decree's list.

use axum::Json;
use axum::extract::{Query, State};
use pulih_app::AppError;
use pulih_app::{Region, RegionHit};
use pulih_domain::region::{RegionCode, RegionLevel, TimeZone};
use pulih_domain::region_import::ImportSummary;

use super::{Items, UploadBody};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// A region as the API shows it.
#[derive(serde::Serialize)]
pub struct RegionJson {
    code: String,
    name: String,
    level: &'static str,
    kind: Option<&'static str>,
    parent_code: Option<String>,
    children_count: i64,
    latitude: Option<f64>,
    longitude: Option<f64>,
    timezone: Option<&'static str>,
    postal_code: Option<String>,
    retired: bool,
}

impl From<Region> for RegionJson {
    fn from(r: Region) -> Self {
        Self {
            level: r.code.level().as_str(),
            kind: r.code.kind().map(|k| k.as_str()),
            parent_code: r.code.parent().map(|p| p.to_string()),
            code: r.code.to_string(),
            name: r.name,
            children_count: r.children_count,
            latitude: r.latitude,
            longitude: r.longitude,
            timezone: r
                .utc_offset
                .and_then(TimeZone::from_offset)
                .map(TimeZone::as_str),
            postal_code: r.postal_code,
            retired: r.retired,
        }
    }
}

/// A search result: the region plus the names of its ancestors.
#[derive(serde::Serialize)]
pub struct HitJson {
    #[serde(flatten)]
    region: RegionJson,
    path: Vec<String>,
}

impl From<RegionHit> for HitJson {
    fn from(h: RegionHit) -> Self {
        Self {
            region: h.region.into(),
            path: h.path,
        }
    }
}

/// `GET /api/v1/regions/{code}`.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<RegionJson>, WebError> {
    let region = state.app.region(&who.0.actor(), &code).await?;
    Ok(Json(region.into()))
}

/// `GET /api/v1/regions/{code}/children`.
pub async fn children(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Json<Items<RegionJson>>, WebError> {
    let children = state.app.region_children(&who.0.actor(), &code).await?;
    Ok(Json(Items {
        items: children.into_iter().map(Into::into).collect(),
    }))
}

/// Search parameters.
#[derive(serde::Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    level: Option<String>,
}

/// `GET /api/v1/regions?q=TEXT[&level=village]`: search; without `q`, the provinces.
pub async fn search(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Items<HitJson>>, WebError> {
    let actor = who.0.actor();
    let Some(q) = query.q else {
        let provinces = state.app.provinces(&actor).await?;
        let items = provinces
            .into_iter()
            .map(|r| HitJson {
                region: r.into(),
                path: Vec::new(),
            })
            .collect();
        return Ok(Json(Items { items }));
    };
    let level = match query.level.as_deref() {
        None | Some("") | Some("any") => None,
        Some("province") => Some(RegionLevel::Province),
        Some("regency") => Some(RegionLevel::Regency),
        Some("district") => Some(RegionLevel::District),
        Some("village") => Some(RegionLevel::Village),
        Some(_) => return Err(AppError::invalid("level", "invalid.level").into()),
    };
    let hits = state.app.search_regions(&actor, &q, level).await?;
    Ok(Json(Items {
        items: hits.into_iter().map(Into::into).collect(),
    }))
}

/// `POST /api/v1/regions/import` with a region CSV (gzip or plain) as the body:
/// national administrators load a new decree's list (the file is read only for them); a
/// bad file changes nothing.
pub async fn import(
    State(state): State<AppState>,
    who: CurrentUser,
    UploadBody(file): UploadBody,
) -> Result<Json<ImportSummary>, WebError> {
    let actor = who.0.actor();
    let summary = state
        .app
        .import_region_file(Some(&actor), file, "upload")
        .await?;
    Ok(Json(summary))
}
