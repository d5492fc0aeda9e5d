//! Recording an IKN assessment of a village from a phone: thirteen present/absent
//! questions with optional evidence and source, today's date by default.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{IknInput, Origin};
use pulih_domain::programme::ikn::{CoreIndicator, RawFinding, SupportingIndicator};
use pulih_domain::region::RegionCode;

use super::clients::{Errors, FormData};
use super::places::{self, Places};
use super::{Nav, again, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "ikn.html")]
struct IknPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    code: RegionCode,
    indicators: Vec<&'static str>,
    core: usize,
    form: FormData,
    errors: Errors,
    places: Places,
}

/// Every indicator key, core first.
fn keys() -> Vec<&'static str> {
    CoreIndicator::ALL
        .iter()
        .map(|i| i.key())
        .chain(SupportingIndicator::ALL.iter().map(|i| i.key()))
        .collect()
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    code: RegionCode,
    form: FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    let places = places::named(state, [code.as_str()]).await?;
    let (t, nav) = frame(state, headers, who, &format!("/villages/{code}/ikn"));
    Ok(render(&IknPage {
        t,
        nav,
        code,
        indicators: keys(),
        core: CoreIndicator::ALL.len(),
        form,
        errors,
        places,
    }))
}

/// `GET /villages/{code}/ikn`: the form, for agents and coordinators of the village.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Response, WebError> {
    let code = state.app.ikn_place(&who.0.actor(), &code).await?;
    page(
        &state,
        &headers,
        &who,
        code,
        FormData::default(),
        Errors::default(),
    )
    .await
}

/// `POST /villages/{code}/ikn`: records the assessment and shows the village's history.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let code = state.app.ikn_place(&who.0.actor(), &code).await?;
    let indicators: BTreeMap<String, RawFinding> = keys()
        .into_iter()
        .map(|k| {
            let present = match form.get(&format!("present.{k}")) {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            let finding = RawFinding {
                present,
                evidence: form.opt(&format!("evidence.{k}")),
                source: form.opt(&format!("source.{k}")),
            };
            (k.to_owned(), finding)
        })
        .collect();
    let input = IknInput {
        assessed_on: form.opt("assessed_on"),
        indicators,
    };
    let result = state
        .app
        .record_ikn(&who.0.actor(), &code, input, &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |_| format!("/regions/{code}#assessments");
    again::after(&t, result, next, (form, "ikn"), |form, errors| {
        page(&state, &headers, &who, code.clone(), form, errors)
    })
    .await
}
