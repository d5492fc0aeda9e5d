//! Desa/Kelurahan Bersinar from the region pages: a coordinator takes one of the steps a
//! village's lifecycle allows from where it stands (each step's form has only the fields
//! it needs), and sets its regency's yearly targets. A refused form comes back on its own
//! page, with the menu, what was typed and each field's message beside it; success
//! returns to the region page.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use pulih_app::{BersinarInput, BersinarOverview, Origin, Region};
use pulih_domain::programme::bersinar::{Status, Step};
use pulih_domain::region::RegionCode;

use super::clients::{Errors, FormData, refused, with_status};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// The step forms of a village: one per step its status allows.
#[derive(Debug, Clone)]
pub struct StepForms {
    /// The village's code.
    pub code: String,
    /// The steps open now, by key.
    pub steps: Vec<Step>,
    /// What was typed into the refused one.
    pub form: FormData,
    /// Why it was refused; the form is named by its step's key.
    pub errors: Errors,
    /// The forms' heading: `h3` in the village page's section, `h2` on their own page.
    pub heading: &'static str,
}

impl StepForms {
    /// Blank forms for a village page over the village's history.
    pub fn for_history(village: &RegionCode, history: &[pulih_app::BersinarStep]) -> Self {
        Self::blank(village, history.last().map(|s| s.status.as_str()))
    }

    /// Blank forms for `village` whose latest status is `current` (a stored key).
    pub fn blank(village: &RegionCode, current: Option<&str>) -> Self {
        Self {
            code: village.to_string(),
            steps: steps_from(current),
            form: FormData::default(),
            errors: Errors::default(),
            heading: "h3",
        }
    }
}

/// The steps allowed after the stored status `current`; one that no longer parses offers
/// none.
fn steps_from(current: Option<&str>) -> Vec<Step> {
    match current.map(Status::parse) {
        None => Step::allowed(None).to_vec(),
        Some(Ok(status)) => Step::allowed(Some(status)).to_vec(),
        Some(Err(_)) => Vec::new(),
    }
}

/// A year of a regency's targets as the page shows it.
#[derive(Debug, Clone)]
pub struct TargetRow {
    /// The year.
    pub year: i32,
    /// Its target.
    pub target: i64,
    /// Villages Bersinar by its end (so far, for this year).
    pub designated: usize,
    /// The standing's key: `met`, `missed`, `in_progress` or `planned`.
    pub standing: &'static str,
    /// The version read, sent back hidden so that only a real concurrent change is
    /// refused; none for a closed year, which cannot be changed.
    pub version: Option<i64>,
}

/// A regency's targets: a row per year (this year and later ones changeable in place)
/// and a form for another year.
#[derive(Debug, Clone)]
pub struct TargetForms {
    /// The regency's code.
    pub code: String,
    /// The rows, by year.
    pub rows: Vec<TargetRow>,
    /// Whether the user may set targets (else only the table is shown).
    pub manage: bool,
    /// What was typed into the new year's form.
    pub form: FormData,
    /// What was typed into a year's own form, if that was refused.
    pub row_sent: FormData,
    /// Why; `target` for the new year's form, `target-<year>` for a row's.
    pub errors: Errors,
    /// The forms' heading: `h3` in the regency page's section, `h2` on their own page.
    pub heading: &'static str,
}

impl TargetForms {
    /// The table, and the forms for a user who may set targets, on a regency's page.
    pub fn on_page(
        regency: &RegionCode,
        overview: &BersinarOverview,
        today: &chrono::NaiveDate,
        manage: &bool,
    ) -> Self {
        Self {
            manage: *manage,
            ..Self::blank(regency, overview, today.year())
        }
    }

    /// The forms over `overview`, blank.
    pub fn blank(regency: &RegionCode, overview: &BersinarOverview, this_year: i32) -> Self {
        let rows = overview
            .years
            .iter()
            .map(|y| TargetRow {
                year: y.year,
                target: y.target,
                designated: y.designated,
                standing: y.standing.key(),
                version: (y.year >= this_year).then_some(y.version),
            })
            .collect();
        Self {
            code: regency.to_string(),
            rows,
            manage: true,
            form: FormData::default().with("year", this_year.to_string()),
            row_sent: FormData::default(),
            heading: "h3",
            errors: Errors::default(),
        }
    }

    /// The name of a year's own form.
    pub fn row_form(&self, year: &i32) -> String {
        format!("target-{year}")
    }

    /// A row's standing in words, e.g. "berjalan 1/5".
    pub fn standing_text(&self, t: &Tr<'_>, row: &TargetRow) -> String {
        let (designated, target) = (row.designated.to_string(), row.target.to_string());
        let key = format!("programme.standing.{}", row.standing);
        t.fill(&key, &[("designated", &designated), ("target", &target)])
    }

    /// The count shown in a year's form: what was typed if it was refused, else the
    /// stored target.
    pub fn row_count(&self, row: &TargetRow) -> String {
        if self.errors.is(&self.row_form(&row.year)) {
            self.row_sent.get("count").to_owned()
        } else {
            row.target.to_string()
        }
    }
}

#[derive(Template)]
#[template(path = "regions/bersinar_page.html")]
struct BersinarPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    region: Region,
    bs: Option<StepForms>,
    tf: Option<TargetForms>,
}

/// `POST /villages/{code}/bersinar`.
pub async fn step(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = BersinarInput {
        step: form.get("step").to_owned(),
        decree_number: form.opt("decree_number"),
        decree_date: form.opt("decree_date"),
        decree_issuer: form.opt("decree_issuer"),
        reason: form.opt("reason"),
    };
    let actor = who.0.actor();
    let Err(e) = state.app.bersinar_step(&actor, &code, input, &origin).await else {
        return Ok(Redirect::to(&format!("/regions/{code}#bersinar-village")).into_response());
    };
    let village = code;
    let history = state.app.bersinar_history(&actor, &village).await?;
    let region = state.app.region(&actor, &village).await?;
    let current = history.last().map(|s| s.status.as_str());
    let mut forms = StepForms::blank(&village, current);
    // a step no longer open (someone took another meanwhile) is refused on the first
    // step that is
    let sent = form.get("step").trim();
    let name = match forms.steps.iter().find(|s| s.key() == sent) {
        Some(step) => step.key(),
        None => forms.steps.first().map_or("", |s| s.key()),
    };
    let t = state.i18n.tr(crate::lang_of(&headers));
    let (status, errors) = refused(&t, name, e)?;
    forms.form = form;
    forms.errors = errors;
    forms.heading = "h2";
    let (t, nav) = frame(&state, &headers, &who, &format!("/regions/{village}"));
    let page = render(&BersinarPage {
        t,
        nav,
        region,
        bs: Some(forms),
        tf: None,
    });
    Ok(with_status(page, status))
}

/// `POST /regencies/{code}/bersinar-targets`: sets a year's target. A year's own form
/// sends the version it showed; the form for another year sends none and sets it
/// whatever it was.
pub async fn target(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(regency): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let version = form.opt("version").and_then(|v| v.trim().parse().ok());
    let name = match version {
        Some(_) => format!("target-{}", form.get("year").trim()),
        None => "target".to_owned(),
    };
    let year = form.get("year").trim().parse::<i32>();
    let count = form.get("count").trim().parse::<u32>();
    let result = match (year, count) {
        (Ok(year), Ok(count)) => {
            state
                .app
                .set_bersinar_target(&actor, &regency, year, count, version, &origin)
                .await
        }
        (year, count) => {
            let mut problems = Vec::new();
            if year.is_err() {
                problems.push(pulih_app::Problem::new("year", "invalid.target_year"));
            }
            if count.is_err() {
                problems.push(pulih_app::Problem::new("count", "invalid.target_count"));
            }
            Err(pulih_app::AppError::Invalid(problems))
        }
    };
    let Err(e) = result else {
        return Ok(Redirect::to(&format!("/regions/{regency}#bersinar")).into_response());
    };
    let t = state.i18n.tr(crate::lang_of(&headers));
    let (status, errors) = refused(&t, &name, e)?;
    let overview = state.app.bersinar_overview(&actor, &regency).await?;
    let region = state.app.region(&actor, &regency).await?;
    let this_year = state.app.today_in(&regency).await?.year();
    let mut forms = TargetForms::blank(&regency, &overview, this_year);
    match version {
        Some(_) => forms.row_sent = form,
        None => forms.form = form,
    }
    forms.errors = errors;
    forms.heading = "h2";
    let (t, nav) = frame(&state, &headers, &who, &format!("/regions/{regency}"));
    let page = render(&BersinarPage {
        t,
        nav,
        region,
        bs: None,
        tf: Some(forms),
    });
    Ok(with_status(page, status))
}
