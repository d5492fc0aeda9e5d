//! `/partner-services`: the partner directory. Whoever refers clients or receives
//! referrals searches it by service type and region; administrators, coordinators and
//! partners (for their own organisation) list a service with the form below the results.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pulih_app::Organisation;
use pulih_app::{AppError, Origin, ServiceInput, ServiceView};
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, authorize};
use pulih_domain::directory::MAX_CAPACITY;
use pulih_domain::referral::ServiceType;
use pulih_domain::region::RegionCode;
use serde::Deserialize;

use super::places::{self, Level, Picks, Places, Resolver};
use super::{Nav, field_errors, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError, lang_of};

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    types: [ServiceType; ServiceType::ALL.len()],
    query: SearchQuery,
    found: Vec<ServiceView>,
    search_errors: HashMap<String, String>,
    may_list: bool,
    orgs: Vec<Organisation>,
    form: ServiceForm,
    errors: HashMap<String, String>,
    listed: Option<String>,
    places: Places,
    picks: Picks,
}

/// The search filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    region: String,
}

/// The form to list a service.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServiceForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    areas: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    hours: String,
}

/// What the page shows besides the search.
struct Shown {
    form: ServiceForm,
    errors: HashMap<String, String>,
    listed: Option<String>,
    status: StatusCode,
}

/// The codes of a page's places: the services' areas, the organisations' places and
/// the region searched for.
fn codes_of<'a>(
    found: &'a [ServiceView],
    orgs: &'a [Organisation],
    region: &'a str,
) -> impl Iterator<Item = &'a str> {
    let areas = found
        .iter()
        .flat_map(|s| s.areas.iter().map(RegionCode::as_str));
    let places = orgs.iter().map(|o| o.place.as_str());
    areas.chain(places).chain([region])
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    mut query: SearchQuery,
    shown: Shown,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let tr = state.i18n.tr(lang_of(headers));
    let mut resolver = Resolver::new(state, tr, actor.clone());
    resolver
        .resolve("region", &mut query.region, Level::Any)
        .await?;
    let (found, search_errors) = if !resolver.settled() {
        (Vec::new(), std::mem::take(&mut resolver.errors))
    } else {
        match state
            .app
            .search_services(&actor, Some(&query.service), Some(&query.region))
            .await
        {
            Ok(found) => (found, HashMap::new()),
            Err(e) => match field_errors(tr, &e) {
                Some(errors) => (Vec::new(), errors),
                None => return Err(e.into()),
            },
        }
    };
    let picks = resolver.picks;
    let may_list = authorize(&actor, Action::ManageServices, &actor.scope).is_ok();
    let orgs = if !may_list {
        Vec::new()
    } else if actor.role == Role::Partner {
        match state.app.org(&actor, actor.org_id).await {
            Ok(own) => vec![own],
            Err(AppError::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        }
    } else {
        state.app.list_orgs(&actor).await?
    };
    let places = places::named(state, codes_of(&found, &orgs, &query.region)).await?;
    query.region = places.label(&query.region);
    let (t, nav) = frame(state, headers, who, "/partner-services");
    let mut response = render(&DirectoryPage {
        t,
        nav,
        types: ServiceType::ALL,
        query,
        found,
        search_errors,
        may_list,
        orgs,
        form: shown.form,
        errors: shown.errors,
        listed: shown.listed,
        places,
        picks,
    });
    *response.status_mut() = shown.status;
    Ok(response)
}

/// `GET /partner-services?service=&region=`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let shown = Shown {
        form: ServiceForm::default(),
        errors: HashMap::new(),
        listed: None,
        status: StatusCode::OK,
    };
    page(&state, &headers, &who, query, shown).await
}

/// `POST /partner-services`: lists the service, or shows the form again as typed with
/// each field's problem.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(f): PageForm<ServiceForm>,
) -> Result<Response, WebError> {
    let tr = state.i18n.tr(lang_of(&headers));
    let mut places = Resolver::new(&state, tr, who.0.actor());
    let areas = places.resolve_list("areas", &f.areas).await?;
    if !places.settled() {
        let shown = Shown {
            form: f,
            errors: places.errors,
            listed: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return page(&state, &headers, &who, SearchQuery::default(), shown).await;
    }
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let capacity = match f.capacity.trim() {
        "" => None,
        // not a number is out of range too, so the use-case reports it with the rest
        c => Some(c.parse::<u32>().unwrap_or(MAX_CAPACITY + 1)),
    };
    let input = ServiceInput {
        org_id: f.org_id.clone(),
        name: f.name.clone(),
        service: f.service.clone(),
        areas,
        capacity,
        contact: f.contact.clone(),
        hours: text(&f.hours),
    };
    let shown = match state.app.list_service(&who.0.actor(), input, &origin).await {
        Ok(view) => Shown {
            form: ServiceForm::default(),
            errors: HashMap::new(),
            listed: Some(view.name),
            status: StatusCode::OK,
        },
        Err(e) => match field_errors(tr, &e) {
            Some(errors) => Shown {
                form: f,
                errors: per_input(errors),
                listed: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            },
            None => return Err(WebError::from(e)),
        },
    };
    page(&state, &headers, &who, SearchQuery::default(), shown).await
}

/// The form has one input for all areas: an area's problem (`areas.2`) is shown there.
fn per_input(errors: HashMap<String, String>) -> HashMap<String, String> {
    let mut shown = HashMap::new();
    for (field, message) in errors {
        let field = if field.starts_with("areas.") {
            "areas".to_owned()
        } else {
            field
        };
        shown.entry(field).or_insert(message);
    }
    shown
}
