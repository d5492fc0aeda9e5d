//! The region tree: provinces, each node with breadcrumb and children, and name search.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{AppError, AssessmentView, RegencyProgramme, RegionView};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_store::{Region, RegionHit};

use super::{Nav, frame, render};
use crate::auth::CurrentUser;
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
    view: RegionView,
    /// IKN history of a village or IKOTAN history of a regency, for those who may see it.
    assessments: Vec<AssessmentView>,
    /// A regency's Bersinar targets, villages and candidates, for those who may see them.
    programme: Option<RegencyProgramme>,
    /// Its villages on a map.
    map: Option<super::map::Map>,
    /// Whether the user may record an IKN assessment of this village.
    may_assess: bool,
    /// Whether the user may take Bersinar steps here and set targets.
    may_manage_bersinar: bool,
    /// A village's Bersinar history, for those who may see it.
    bersinar: Vec<pulih_store::BersinarStep>,
    /// A village's IBM unit, if formed, for those who may see it.
    unit: Option<pulih_app::UnitView>,
    /// Its latest activities.
    activities: Vec<pulih_app::ActivityView>,
    /// Whether the user may form the village's unit.
    may_manage_units: bool,
    /// Whether the user may record the unit's activities.
    may_record_activity: bool,
    /// Teman Sebaya: a village's schools and forms, or a regency's sums.
    sebaya: Option<super::teman_sebaya::Section>,
    /// The IKOTAN form of a regency, for its coordinators.
    ikotan: Option<super::ikotan::IkotanForm>,
    /// A regency's referral outcomes over the last year, for those who may see them.
    referral_outcomes: Option<pulih_app::ReferralOutcomes>,
    /// A regency's re-arrest linkage counts this year, for those who may see them.
    linkage: Option<pulih_app::LinkageView>,
    /// A regency's vocational outcomes, for those who may see them.
    vocational: Option<pulih_app::VocationalOutcomes>,
    /// A regency's aftercare outcome over the last twelve months, for those who may see it.
    aftercare: Option<pulih_app::AftercareOutcome>,
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
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let code = RegionCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let actor = who.0.actor();
    let view = state.app.region_view(&actor, &code).await?;
    let kind = match code.level() {
        RegionLevel::Village => Some(AssessmentKind::Ikn),
        RegionLevel::Regency => Some(AssessmentKind::Ikotan),
        _ => None,
    };
    let assessments = match kind {
        Some(kind) => match state.app.assessments(&actor, kind, code.as_str()).await {
            Err(AppError::Forbidden(_)) => Vec::new(),
            other => other?,
        },
        None => Vec::new(),
    };
    let programme = if code.level() == RegionLevel::Regency {
        match state.app.regency_programme(&actor, code.as_str()).await {
            Err(AppError::Forbidden(_)) => None,
            other => Some(other?),
        }
    } else {
        None
    };
    let map = match &programme {
        Some(p) => {
            let boundaries = state.app.village_boundaries(&actor, &code).await?;
            super::map::draw(&p.villages, &boundaries)
        }
        None => None,
    };
    let bersinar = if code.level() == RegionLevel::Village {
        match state.app.bersinar_history(&actor, code.as_str()).await {
            Err(AppError::Forbidden(_)) => Vec::new(),
            other => other?,
        }
    } else {
        Vec::new()
    };
    let may_manage_bersinar = matches!(code.level(), RegionLevel::Village | RegionLevel::Regency)
        && pulih_domain::authz::authorize(
            &actor,
            pulih_domain::authz::Action::ManageBersinar,
            &pulih_domain::region::Scope::Region(code.clone()),
        )
        .is_ok();
    let (unit, activities) = if code.level() == RegionLevel::Village {
        match state.app.village_unit(&actor, code.as_str()).await {
            Err(AppError::Forbidden(_)) => (None, Vec::new()),
            Ok(Some(unit)) => {
                let activities = state.app.village_activities(&actor, code.as_str()).await?;
                (Some(unit), activities)
            }
            other => (other?, Vec::new()),
        }
    } else {
        (None, Vec::new())
    };
    let may = |action| {
        code.level() == RegionLevel::Village
            && pulih_domain::authz::authorize(
                &actor,
                action,
                &pulih_domain::region::Scope::Region(code.clone()),
            )
            .is_ok()
    };
    let may_assess = may(pulih_domain::authz::Action::AssessVillage);
    let may_manage_units = may(pulih_domain::authz::Action::ManageUnits);
    let may_record_activity = may(pulih_domain::authz::Action::RecordActivity);
    let sebaya = super::teman_sebaya::section(&state, &actor, &code).await?;
    let ikotan = super::ikotan::may_record(&actor, &code)
        .then(|| super::ikotan::IkotanForm::blank(&view.region));
    let referral_outcomes = if code.level() == RegionLevel::Regency {
        match state
            .app
            .referral_outcomes(&actor, code.as_str(), None, None)
            .await
        {
            Err(AppError::Forbidden(_)) => None,
            other => Some(other?),
        }
    } else {
        None
    };
    let linkage = if code.level() == RegionLevel::Regency {
        match state.app.linkage(&actor, code.as_str(), None, None).await {
            Err(AppError::Forbidden(_)) => None,
            other => Some(other?),
        }
    } else {
        None
    };
    let vocational = if code.level() == RegionLevel::Regency {
        let period = pulih_app::PeriodInput::default();
        match state.app.vocational_outcomes(&actor, &code, period).await {
            Err(AppError::Forbidden(_)) => None,
            other => Some(other?),
        }
    } else {
        None
    };
    let aftercare = if code.level() == RegionLevel::Regency {
        let period = pulih_app::PeriodInput::default();
        match state.app.aftercare_outcomes(&actor, &code, &period).await {
            Err(AppError::Forbidden(_)) => None,
            other => Some(other?),
        }
    } else {
        None
    };
    let (t, nav) = frame(&state, &headers, &who, &format!("/regions/{code}"));
    Ok(render(&ShowPage {
        t,
        nav,
        view,
        assessments,
        programme,
        map,
        may_assess,
        may_manage_bersinar,
        bersinar,
        unit,
        activities,
        may_manage_units,
        may_record_activity,
        sebaya,
        ikotan,
        referral_outcomes,
        linkage,
        vocational,
        aftercare,
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
    let path = format!("/regions/search?q={}", crate::error::urlencode(&query.q));
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
