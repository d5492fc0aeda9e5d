//! The region tree: provinces, each node with breadcrumb and children, and name search.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{AppError, Origin, RegionPage};
use pulih_app::{Region, RegionHit};
use pulih_domain::region::{RegionCode, RegionLevel};

use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "regions/index.html")]
struct IndexPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    provinces: Vec<Region>,
    q: String,
    status: String,
}

#[derive(Template)]
#[template(path = "regions/show.html")]
struct ShowPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    /// What the region page shows this user.
    page: RegionPage,
    /// A regency's villages on a map.
    map: Option<super::map::Map>,
    /// Teman Sebaya: a village's schools and forms, or a regency's sums.
    sebaya: Option<super::teman_sebaya::Section>,
    /// The IKOTAN form of a regency, for its coordinators.
    ikotan: Option<super::ikotan::IkotanForm>,
    /// The names of the Bersinar candidates and of the villages decrees name.
    places: super::places::Places,
    /// The programme decree form of a regency, for its coordinators.
    df: Option<super::bersinar_decree::DecreeForm>,
    q: String,
    status: String,
}

#[derive(Template)]
#[template(path = "regions/search.html")]
struct SearchPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    q: String,
    hits: Vec<RegionHit>,
    status: String,
}

/// What htmx swaps in: the results, and the count into the page's status region.
#[derive(Template)]
#[template(path = "regions/results_partial.html")]
struct Results {
    hits: Vec<RegionHit>,
    status: String,
}

/// Translation key of a region's level or kind, for labels.
pub fn kind_key(r: &Region) -> String {
    match r.code.kind() {
        Some(kind) => format!("kind.{}", kind.as_str()),
        None => format!("level.{}", r.code.level().as_str()),
    }
}

/// `GET /regions`: the provinces and the search box.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let provinces = state.app.provinces(&who.0.actor()).await?;
    let (t, nav) = frame(&state, &headers, &who, "/regions");
    Ok(render(&IndexPage {
        t,
        nav,
        provinces,
        q: String::new(),
        status: String::new(),
    }))
}

/// `GET /regions/{code}`: one node with breadcrumb, children and history.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
) -> Result<Response, WebError> {
    let mut page = state
        .app
        .region_page(&who.0.actor(), &code, &origin)
        .await?;
    let map = page
        .programme
        .as_ref()
        .and_then(|p| super::map::draw(&p.villages, &page.boundaries));
    let sebaya = super::teman_sebaya::section(&mut page);
    let ikotan = page
        .may
        .record_ikotan
        .then(|| super::ikotan::IkotanForm::blank(&code, page.today, page.legal.evidence.clone()));
    let candidates = page.programme.iter().flat_map(|p| &p.candidates);
    let decreed = page.legal.decrees.iter().flat_map(|d| &d.villages);
    let office = page.office_activities.iter().flat_map(|l| &l.items);
    let named = candidates
        .chain(decreed.map(|v| &v.village))
        .chain(office.map(|a| &a.place));
    let places = super::places::named(&state, named.map(RegionCode::as_str)).await?;
    let df = match &page.programme {
        Some(p) if page.may.manage_bersinar => Some(super::bersinar_decree::DecreeForm::blank(
            &code, p, page.today,
        )),
        _ => None,
    };
    let (t, nav) = frame(&state, &headers, &who, &format!("/regions/{code}"));
    Ok(render(&ShowPage {
        t,
        nav,
        page,
        map,
        sebaya,
        ikotan,
        places,
        df,
        q: String::new(),
        status: String::new(),
    }))
}

/// Search query.
#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    level: Option<String>,
}

/// `GET /regions/search?q=`: a full page, or only the results for htmx.
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let level = match query.level.as_deref() {
        Some("any") => None,
        _ => Some(RegionLevel::Village),
    };
    let path = format!("/regions/search?q={}", super::urlencode(&query.q));
    let (t, nav) = frame(&state, &headers, &who, &path);
    let found = state
        .app
        .search_regions(&who.0.actor(), &query.q, level)
        .await;
    let (hits, status) = match found {
        Ok(hits) => {
            let status = format!("{}: {}", t.t("regions.results"), hits.len());
            (hits, status)
        }
        Err(AppError::Invalid(_)) => (Vec::new(), t.t("invalid.search_short").to_owned()),
        Err(e) => return Err(e.into()),
    };
    if headers.contains_key("hx-request") {
        return Ok(render(&Results { hits, status }));
    }
    let q = query.q;
    Ok(render(&SearchPage {
        t,
        nav,
        q,
        hits,
        status,
    }))
}
