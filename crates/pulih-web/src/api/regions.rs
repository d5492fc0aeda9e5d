//! The region tree as JSON, and importing a new decree's list.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use pulih_app::{AppError, ImportOptions};
use pulih_app::{Region, RegionHit};
use pulih_domain::region::{RegionCode, RegionLevel, TimeZone};

use super::{Items, UploadBody};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError, lang_of};

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
/// bad file changes nothing. `?dry_run=true` only plans. An import that would retire many
/// codes, or codes in use, answers 409 with the plan and changes nothing until it is sent
/// again with `?retire=N`, N the exact number it retires.
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(q): Query<ImportQuery>,
    UploadBody(file): UploadBody,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let options = ImportOptions {
        dry_run: q.dry_run,
        retire: q.retire,
    };
    let outcome = state
        .app
        .import_region_file(Some(&actor), file, "upload", options)
        .await?;
    if outcome.applied || q.dry_run {
        return Ok(Json(outcome).into_response());
    }
    let tr = state.i18n.tr(lang_of(&headers));
    let message = tr.fill(
        "error.confirm_retire",
        &[
            ("retired", &outcome.summary.retired.to_string()),
            ("live", &outcome.live.to_string()),
            ("in_use", &outcome.codes_in_use.to_string()),
        ],
    );
    let mut body = serde_json::to_value(&outcome).map_err(|e| AppError::Internal(e.to_string()))?;
    body["error"] = serde_json::json!({ "code": "confirm_retire", "message": message });
    Ok((StatusCode::CONFLICT, Json(body)).into_response())
}

/// The options of a region import.
#[derive(serde::Deserialize)]
pub struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    retire: Option<usize>,
}
