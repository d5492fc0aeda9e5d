//! Recording the IKOTAN assessment of a regency or city from a phone: the year (this
//! year by default) and the five variables, each 1–4 with up to three decimals. The form
//! sits on the regency page; a refused form comes back on its own page with the input
//! kept and every field's message.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use pulih_app::Region;
use pulih_app::{IkotanInput, Origin, RegulationLine};
use pulih_domain::programme::ikotan::Variable;
use pulih_domain::programme::regulation::EVIDENCE_FOR;
use pulih_domain::region::RegionCode;

use super::clients::{Errors, FormData, refused};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// The form as shown: on the regency page, or on its own after a refusal.
#[derive(Debug, Clone)]
pub struct IkotanForm {
    /// The regency's code.
    pub code: String,
    /// What was entered (or the default year).
    pub form: FormData,
    /// Why it was refused.
    pub errors: Errors,
    /// The regulations in force of the regency and its province: evidence for the
    /// institutions and law variables, shown beside the form.
    pub evidence: Vec<RegulationLine>,
}

impl IkotanForm {
    /// A blank form for `regency`, the year set to this year where the regency lies.
    pub fn blank(regency: &RegionCode, today: NaiveDate, evidence: Vec<RegulationLine>) -> Self {
        Self {
            code: regency.to_string(),
            form: FormData::default().with("year", today.year().to_string()),
            errors: Errors::default(),
            evidence,
        }
    }

    /// The names of the variables the evidence bears on, e.g. "Kelembagaan, Hukum".
    pub fn evidence_for(&self, t: &Tr<'_>) -> String {
        EVIDENCE_FOR
            .iter()
            .map(|v| t.t(&format!("ikotan_variable.{}", v.key())).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The keys of the five variables, in the order of the form.
    pub fn variables(&self) -> Vec<&'static str> {
        Variable::ALL.iter().map(|v| v.key()).collect()
    }
}

#[derive(Template)]
#[template(path = "ikotan.html")]
struct IkotanPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    region: Region,
    ikotan: Option<IkotanForm>,
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    region: Region,
    ikotan: IkotanForm,
) -> Response {
    let path = format!("/regencies/{}/ikotan", region.code);
    let (t, nav) = frame(state, headers, who, &path);
    render(&IkotanPage {
        t,
        nav,
        region,
        ikotan: Some(ikotan),
    })
}

/// `GET /regencies/{code}/ikotan`: the form on its own.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Response, WebError> {
    let region = state.app.ikotan_place(&who.0.actor(), &code).await?;
    let today = state.app.today_in(&region.code).await?;
    let evidence = state
        .app
        .ikotan_evidence(&who.0.actor(), &region.code)
        .await?;
    let blank = IkotanForm::blank(&region.code, today, evidence);
    Ok(page(&state, &headers, &who, region, blank))
}

/// `POST /regencies/{code}/ikotan`: records the assessment and returns to the regency
/// page's history, or shows the form again with the input and the reasons.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let region = state.app.ikotan_place(&who.0.actor(), &code).await?;
    let input = IkotanInput {
        // a year that is not a number is refused by the use-case like one out of range
        year: form.get("year").trim().parse().unwrap_or(0),
        scores: Variable::ALL
            .iter()
            .map(|v| {
                let value = form.get(&format!("scores.{}", v.key())).to_owned();
                (v.key().to_owned(), value)
            })
            .collect(),
    };
    let recorded = state
        .app
        .record_ikotan(&who.0.actor(), &region.code, input, &origin)
        .await;
    match recorded {
        Ok(_) => Ok(Redirect::to(&format!("/regions/{}#assessments", region.code)).into_response()),
        Err(e) => {
            let t = state.i18n.tr(crate::lang_of(&headers));
            let (status, errors) = refused(&t, "ikotan", e)?;
            let evidence = state
                .app
                .ikotan_evidence(&who.0.actor(), &region.code)
                .await?;
            let again = IkotanForm {
                code: region.code.to_string(),
                form,
                errors,
                evidence,
            };
            let mut response = page(&state, &headers, &who, region, again);
            *response.status_mut() = status;
            Ok(response)
        }
    }
}
