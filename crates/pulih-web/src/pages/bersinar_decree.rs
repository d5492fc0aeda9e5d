//! The programme decree from the regency page: one form takes the decree's number, date,
//! issuer and programme year and the regency's villages it names, ticked from a list
//! that shows each village's Bersinar status now. Success returns to the decree on the
//! regency page, which tells what it did to every village (nominated, or left as it
//! was); a refused form comes back on its own page with what was ticked and typed.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use pulih_app::{DecreeInput, DecreeView, Origin, RegencyProgramme, Region};
use pulih_domain::region::RegionCode;

use super::clients::{Errors, FormData};
use super::{Nav, again, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// A village to tick.
#[derive(Debug, Clone)]
pub struct DecreeChoice {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its Bersinar status now, by key, if it has a history.
    pub status: Option<&'static str>,
}

/// The programme decree form of a regency.
#[derive(Debug, Clone)]
pub struct DecreeForm {
    /// The regency's code.
    pub code: String,
    /// Its villages, by code.
    pub villages: Vec<DecreeChoice>,
    /// What was typed and ticked, or the defaults.
    pub form: FormData,
    /// Why it was refused.
    pub errors: Errors,
    /// Whether it shows open (after a refusal).
    pub open: bool,
}

impl DecreeForm {
    /// A blank form over the regency's programme, the year set to this year.
    pub fn blank(regency: &RegionCode, programme: &RegencyProgramme, today: NaiveDate) -> Self {
        Self {
            code: regency.to_string(),
            villages: programme
                .villages
                .iter()
                .map(|v| DecreeChoice {
                    code: v.region.code.to_string(),
                    name: v.region.name.clone(),
                    status: v.bersinar.map(|s| s.key()),
                })
                .collect(),
            form: FormData::default().with("year", today.year().to_string()),
            errors: Errors::default(),
            open: false,
        }
    }
}

#[derive(Template)]
#[template(path = "regions/decree_page.html")]
struct DecreePage<'a> {
    t: Tr<'a>,
    nav: Nav,
    region: Region,
    df: DecreeForm,
}

/// `POST /regencies/{code}/bersinar-decrees`.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = DecreeInput {
        number: form.get("number").to_owned(),
        date: form.get("date").to_owned(),
        issuer: form.get("issuer").to_owned(),
        // a year that is not a number is refused by the use-case like one out of range
        year: form.get("year").trim().parse().unwrap_or(0),
        villages: form.all("villages"),
    };
    let actor = who.0.actor();
    let result = state
        .app
        .record_programme_decree(&actor, &code, input, &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |d: DecreeView| format!("/regions/{code}#decree-{}", d.id);
    let (state, actor, code) = (&state, &actor, &code);
    again::after(
        &t,
        result,
        next,
        (form, "decree"),
        |form, errors| async move {
            let programme = state.app.regency_programme(actor, code).await?;
            let region = state.app.region(actor, code).await?;
            let today = state.app.today_in(code).await?;
            let df = DecreeForm {
                form,
                errors,
                open: true,
                ..DecreeForm::blank(code, &programme, today)
            };
            let (t, nav) = frame(state, &headers, &who, &format!("/regions/{code}"));
            Ok(render(&DecreePage { t, nav, region, df }))
        },
    )
    .await
}
