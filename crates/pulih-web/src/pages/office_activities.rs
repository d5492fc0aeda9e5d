//! A BNN office's own activities from a phone: the region page lists the latest held
//! there and links to the full list (`/regions/{code}/office-activities`, a page at a
//! time) and, for the office's staff, to the form "Catat kegiatan kantor". The form has
//! one kind at a time (`?kind=awareness|outreach`): the day, the setting and audience by
//! sex, the audience by group and the facilitators by kind; age bands and materials
//! behind "more details". Nobody is named, only counted. Within seven days its author or
//! a coordinator of the place corrects it on the same form (its kind fixed), or voids it.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, OfficeActivityInput, OfficeActivityList, OfficeActivityView, Origin};
use pulih_domain::ids::ActivityId;
use pulih_domain::programme::activity::{ActivityLevel, AgeBand};
use pulih_domain::programme::activity_detail::ActivityKind;
use pulih_domain::programme::office_activity::{AudienceGroup, FacilitatorKind};
use pulih_domain::region::RegionCode;

use super::activities::with_detail;
use super::again;
use super::clients::{Errors, FormData};
use super::places::{Places, named};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// The kinds an office records.
const KINDS: [ActivityKind; 2] = [ActivityKind::Awareness, ActivityKind::Outreach];

#[derive(Template)]
#[template(path = "office/form.html")]
struct FormPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    place: String,
    places: Places,
    kind: Option<ActivityKind>,
    levels: Vec<&'static str>,
    bands: Vec<&'static str>,
    groups: Vec<&'static str>,
    facilitators: Vec<&'static str>,
    form: FormData,
    errors: Errors,
    editing: Option<ActivityId>,
}

impl FormPage<'_> {
    /// The kinds the form can switch to: both for a new activity, none for a correction.
    fn kinds(&self) -> &'static [ActivityKind] {
        if self.editing.is_some() { &[] } else { &KINDS }
    }

    /// Whether the form shows `kind`'s fields.
    fn shows(&self, kind: &str) -> bool {
        self.kind.is_some_and(|k| k.key() == kind)
    }
}

#[derive(Template)]
#[template(path = "office/list.html")]
struct ListPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    code: RegionCode,
    places: Places,
    list: OfficeActivityList,
    done: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "office/show.html")]
struct ShowPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    places: Places,
    act: OfficeActivityView,
    done: Option<&'static str>,
}

/// The kind of a new activity's form, a page's `before`, and what was just done.
#[derive(serde::Deserialize, Default)]
pub struct Params {
    kind: Option<String>,
    before: Option<String>,
    recorded: Option<String>,
    corrected: Option<String>,
    voided: Option<String>,
}

impl Params {
    fn done(&self) -> Option<&'static str> {
        [
            (&self.recorded, "office.recorded"),
            (&self.corrected, "office.corrected"),
            (&self.voided, "office.voided"),
        ]
        .into_iter()
        .find_map(|(flag, key)| flag.as_ref().map(|_| key))
    }
}

fn keys<T: Copy>(all: &[T], key: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|k| key(*k)).collect()
}

async fn form_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    place: &str,
    (form, editing): (FormData, Option<ActivityId>),
    errors: Errors,
) -> Result<Response, WebError> {
    let kind = ActivityKind::parse(form.get("kind").trim()).ok();
    let path = match editing {
        Some(id) => format!("/office-activities/{id}/edit"),
        None => format!("/regions/{place}/office-activities/new"),
    };
    let places = named(state, [place]).await?;
    let (t, nav) = frame(state, headers, who, &path);
    Ok(render(&FormPage {
        t,
        nav,
        place: place.to_owned(),
        places,
        kind,
        levels: keys(&ActivityLevel::ALL, ActivityLevel::key),
        bands: keys(&AgeBand::ALL, AgeBand::key),
        groups: keys(&AudienceGroup::ALL, AudienceGroup::key),
        facilitators: keys(&FacilitatorKind::ALL, FacilitatorKind::key),
        form,
        errors,
        editing,
    }))
}

/// `GET /regions/{code}/office-activities`: the list, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let before = params
        .before
        .as_deref()
        .map(|b| b.parse::<ActivityId>().map_err(|_| AppError::NotFound))
        .transpose()?;
    let list = state
        .app
        .office_activities(&who.0.actor(), &code, before)
        .await?;
    let codes: Vec<String> = list.items.iter().map(|a| a.place.to_string()).collect();
    let places = named(
        &state,
        codes.iter().map(String::as_str).chain([code.as_str()]),
    )
    .await?;
    let path = format!("/regions/{code}/office-activities");
    let (t, nav) = frame(&state, &headers, &who, &path);
    let done = params.done();
    Ok(render(&ListPage {
        t,
        nav,
        code,
        places,
        list,
        done,
    }))
}

/// `GET /regions/{code}/office-activities/new?kind=…`: the form, an awareness session
/// when no kind is named; a place the user's office may not record at is not found.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let kind = match params.kind.as_deref() {
        None => ActivityKind::Awareness,
        Some(k) => KINDS
            .into_iter()
            .find(|kind| kind.key() == k)
            .ok_or(AppError::NotFound)?,
    };
    let actor = who.0.actor();
    let (_, place) = state.app.office_recording_at(&actor, &code).await?;
    let today = state.app.today_in(&place).await?;
    let blank = FormData::default()
        .with("kind", kind.key())
        .with("held_on", today.to_string())
        .with("level", "school");
    let filled = (blank, None);
    form_page(
        &state,
        &headers,
        &who,
        place.as_str(),
        filled,
        Errors::default(),
    )
    .await
}

/// A count typed in a form; blank or not a number is none.
fn count(form: &FormData, name: &str) -> Option<u32> {
    form.get(name).trim().parse().ok()
}

/// The counts typed in the fields `prefix.<key>` for each of `keys`.
fn counts(form: &FormData, prefix: &str, keys: &[&'static str]) -> BTreeMap<String, u32> {
    keys.iter()
        .filter_map(|k| count(form, &format!("{prefix}.{k}")).map(|n| ((*k).to_owned(), n)))
        .collect()
}

fn input(form: &FormData) -> OfficeActivityInput {
    OfficeActivityInput {
        held_on: form.opt("held_on"),
        kind: form.get("kind").to_owned(),
        level: form.opt("level"),
        total: count(form, "total"),
        male: count(form, "male"),
        female: count(form, "female"),
        age_bands: counts(form, "age_bands", &keys(&AgeBand::ALL, AgeBand::key)),
        materials: form.opt("materials"),
        reached: count(form, "reached"),
        agreed_to_screening: count(form, "agreed_to_screening"),
        audience_groups: counts(
            form,
            "audience_groups",
            &keys(&AudienceGroup::ALL, AudienceGroup::key),
        ),
        facilitators: counts(
            form,
            "facilitators",
            &keys(&FacilitatorKind::ALL, FacilitatorKind::key),
        ),
        confirm_old_date: form.flag("confirm_old_date"),
    }
}

/// `POST /regions/{code}/office-activities`: records it and shows it.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let result = state
        .app
        .record_office_activity(&actor, &code, input(&form), &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let (state, headers, who, actor) = (&state, &headers, &who, &actor);
    again::after(
        &t,
        result,
        shown("recorded"),
        (form, "office"),
        move |form, errors| async move {
            let (_, place) = state.app.office_recording_at(actor, &code).await?;
            form_page(state, headers, who, place.as_str(), (form, None), errors).await
        },
    )
    .await
}

/// Where a saved activity goes: its own page with the notice `done`.
fn shown(done: &str) -> impl FnOnce(OfficeActivityView) -> String {
    move |view| format!("/office-activities/{}?{done}=1", view.id)
}

/// `GET /office-activities/{id}`: one activity.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ActivityId>,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let act = state.app.office_activity(&who.0.actor(), id).await?;
    let places = named(&state, [act.place.as_str()]).await?;
    let (t, nav) = frame(&state, &headers, &who, &format!("/office-activities/{id}"));
    let done = params.done();
    Ok(render(&ShowPage {
        t,
        nav,
        places,
        act,
        done,
    }))
}

/// The form's fields as stored, to correct them.
fn stored(view: &OfficeActivityView) -> FormData {
    let mut form = FormData::default()
        .with("kind", view.detail.kind().key())
        .with("held_on", view.held_on.to_string());
    for (g, n) in &view.counts.audience_groups {
        form = form.with(&format!("audience_groups.{}", g.key()), n.to_string());
    }
    for (k, n) in &view.counts.facilitators {
        form = form.with(&format!("facilitators.{}", k.key()), n.to_string());
    }
    with_detail(form, &view.detail)
}

/// `GET /office-activities/{id}/edit`: the activity on its form, to correct or void it.
pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ActivityId>,
) -> Result<Response, WebError> {
    let view = state
        .app
        .office_activity_to_correct(&who.0.actor(), id)
        .await?;
    let filled = (stored(&view), Some(id));
    form_page(
        &state,
        &headers,
        &who,
        view.place.as_str(),
        filled,
        Errors::default(),
    )
    .await
}

/// `POST /office-activities/{id}`: corrects it and shows it, or the form again.
pub async fn correct(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActivityId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let result = state
        .app
        .correct_office_activity(&actor, id, input(&form), &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let (state, headers, who, actor) = (&state, &headers, &who, &actor);
    again::after(
        &t,
        result,
        shown("corrected"),
        (form, "office"),
        move |form, errors| async move {
            let view = state.app.office_activity_to_correct(actor, id).await?;
            form_page(
                state,
                headers,
                who,
                view.place.as_str(),
                (form, Some(id)),
                errors,
            )
            .await
        },
    )
    .await
}

/// `POST /office-activities/{id}/void`: voids it and shows the place's list.
pub async fn void(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActivityId>,
    _: PageForm,
) -> Result<Response, WebError> {
    let view = state
        .app
        .void_office_activity(&who.0.actor(), id, &origin)
        .await?;
    let to = format!("/regions/{}/office-activities?voided=1", view.place);
    Ok(Redirect::to(&to).into_response())
}
