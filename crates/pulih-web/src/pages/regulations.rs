//! Local regulations from a phone: the region page lists the regulations a province,
//! regency or village issues, with a form to record one (coordinators and
//! administrators); a regulation's page shows its dated steps and a form for each step
//! open now. A refused form comes back with what was typed and each field's message;
//! success goes to the regulation's page.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use pulih_app::{Origin, Region, RegulationInput, RegulationStepInput, RegulationView};
use pulih_domain::ids::RegulationId;
use pulih_domain::programme::regulation::{Kind, Status, Topic};
use pulih_domain::region::RegionCode;

use super::clients::{Errors, FormData};
use super::places::Places;
use super::{Nav, again, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// The form recording a regulation of a region.
#[derive(Debug, Clone)]
pub struct RegulationForm {
    /// The region's code.
    pub code: String,
    /// The kinds the region issues, by key.
    pub kinds: Vec<&'static str>,
    /// The topics, by key.
    pub topics: Vec<&'static str>,
    /// The statuses a regulation may be recorded in, by key.
    pub statuses: Vec<&'static str>,
    /// What was typed, or the defaults.
    pub form: FormData,
    /// Why it was refused.
    pub errors: Errors,
}

impl RegulationForm {
    /// A blank form for `region`, dated today where it lies.
    pub fn blank(region: &RegionCode, today: &NaiveDate) -> Self {
        let level = region.level();
        Self {
            code: region.to_string(),
            kinds: Kind::ALL
                .iter()
                .filter(|k| k.issued_at(level))
                .map(|k| k.key())
                .collect(),
            topics: Topic::ALL.iter().map(|t| t.key()).collect(),
            statuses: [Status::Draft, Status::InCouncil, Status::Enacted]
                .iter()
                .map(|s| s.key())
                .collect(),
            form: FormData::default()
                .with("status", "draft")
                .with("on", today.to_string()),
            errors: Errors::default(),
        }
    }
}

#[derive(Template)]
#[template(path = "regulations/new.html")]
struct NewPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    region: Region,
    rf: RegulationForm,
}

#[derive(Template)]
#[template(path = "regulations/show.html")]
struct ShowPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    reg: RegulationView,
    places: Places,
    today: String,
    form: FormData,
    errors: Errors,
}

impl ShowPage<'_> {
    /// The message of a refused step no longer open (someone took another meanwhile),
    /// shown above the forms.
    fn stray_error(&self) -> Option<&str> {
        let open = self.reg.next_steps.iter().any(|s| self.errors.is(s.key()));
        if open { None } else { self.errors.general() }
    }

    /// The value of `field` in the form of `step`: what was typed if that form was
    /// refused, else blank (the date: today).
    fn value(&self, step: &str, field: &str) -> String {
        if self.errors.is(step) {
            self.form.get(field).to_owned()
        } else if field == "on" {
            self.today.clone()
        } else {
            String::new()
        }
    }
}

/// `POST /regions/{code}/regulations`.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = RegulationInput {
        kind: form.get("kind").to_owned(),
        number: form.opt("number"),
        title: form.get("title").to_owned(),
        topic: form.get("topic").to_owned(),
        status: form.opt("status"),
        on: form.get("on").to_owned(),
        note: form.opt("note"),
    };
    let actor = who.0.actor();
    let result = state
        .app
        .record_regulation(&actor, &code, input, &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |view: RegulationView| format!("/regulations/{}", view.line.id);
    again::after(&t, result, next, (form, "regulation"), |form, errors| {
        new_page(&state, &headers, &who, &code, form, errors)
    })
    .await
}

/// The region's page for a new regulation, with the form as sent and its messages.
async fn new_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    code: &RegionCode,
    form: FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    let region = state.app.region(&who.0.actor(), code).await?;
    let today = state.app.today_in(code).await?;
    let rf = RegulationForm {
        form,
        errors,
        ..RegulationForm::blank(code, &today)
    };
    let (t, nav) = frame(state, headers, who, &format!("/regions/{code}"));
    Ok(render(&NewPage { t, nav, region, rf }))
}

async fn show_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: RegulationId,
    form: FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    let reg = state.app.regulation(&who.0.actor(), id).await?;
    let places = super::places::named(state, [reg.line.region.as_str()]).await?;
    let today = state.app.today_in(&reg.line.region).await?.to_string();
    let (t, nav) = frame(state, headers, who, &format!("/regulations/{id}"));
    Ok(render(&ShowPage {
        t,
        nav,
        reg,
        places,
        today,
        form,
        errors,
    }))
}

/// `GET /regulations/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<RegulationId>,
) -> Result<Response, WebError> {
    show_page(
        &state,
        &headers,
        &who,
        id,
        FormData::default(),
        Errors::default(),
    )
    .await
}

/// `POST /regulations/{id}/steps`.
pub async fn step(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<RegulationId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = RegulationStepInput {
        step: form.get("step").to_owned(),
        on: form.get("on").to_owned(),
        number: form.opt("number"),
        note: form.opt("note"),
        // a version that is not a number is stale like any other
        version: form.get("version").trim().parse().unwrap_or(0),
    };
    let sent = input.step.trim().to_owned();
    let result = state
        .app
        .regulation_step(&who.0.actor(), id, input, &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |_| format!("/regulations/{id}");
    again::after(&t, result, next, (form, &sent), |form, errors| {
        show_page(&state, &headers, &who, id, form, errors)
    })
    .await
}
