//! Organisations: the list in scope and, for administrators, the form to add one.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::Organisation;
use pulih_app::{NewOrg, Origin};
use pulih_domain::org::OrgType;

use super::places::{self, Level, Picks, Places, Resolver};
use super::{Nav, field_errors, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    orgs: Vec<Organisation>,
    types: [OrgType; OrgType::ALL.len()],
    form: OrgForm,
    errors: HashMap<String, String>,
    places: Places,
    picks: Picks,
}

/// The new-organisation form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    org_type: String,
    #[serde(default)]
    region: String,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    mut form: OrgForm,
    errors: HashMap<String, String>,
    picks: Picks,
) -> Result<Response, WebError> {
    let orgs = state.app.list_orgs(&who.0.actor()).await?;
    let codes = orgs.iter().map(|o| o.place.as_str());
    let places = places::named(state, codes.chain([form.region.as_str()])).await?;
    form.region = places.label(&form.region);
    let (t, nav) = frame(state, headers, who, "/orgs");
    Ok(render(&OrgsPage {
        t,
        nav,
        orgs,
        types: OrgType::ALL,
        form,
        errors,
        places,
        picks,
    }))
}

/// `GET /orgs`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let form = OrgForm {
        region: who.0.user.scope.to_string(),
        ..OrgForm::default()
    };
    page(
        &state,
        &headers,
        &who,
        form,
        HashMap::new(),
        Picks::default(),
    )
    .await
}

/// `POST /orgs`: creates the organisation or shows the form again with its errors.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(mut f): PageForm<OrgForm>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(&headers));
    let mut places = Resolver::new(&state, t, who.0.actor());
    places.resolve("region", &mut f.region, Level::Any).await?;
    if !places.settled() {
        let mut response = page(&state, &headers, &who, f, places.errors, places.picks).await?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let input = NewOrg {
        name: f.name.clone(),
        org_type: f.org_type.clone(),
        region: f.region.clone(),
    };
    match state.app.create_org(&who.0.actor(), input, &origin).await {
        Ok(_) => Ok(Redirect::to("/orgs").into_response()),
        Err(e) => match field_errors(state.i18n.tr(crate::lang_of(&headers)), &e) {
            Some(errors) => {
                let mut response =
                    page(&state, &headers, &who, f, errors, Picks::default()).await?;
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(response)
            }
            None => Err(e.into()),
        },
    }
}
