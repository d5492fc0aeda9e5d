//! Recording an activity of an IBM unit from a phone in under a minute. Each kind has its
//! own form (`?kind=awareness|outreach|coordination`, an awareness session when none is
//! named) that shows only that kind's fields: at most five inputs, what is rarely filled
//! in behind "more details"; links at its top switch the kind. The date is today's and
//! the village the unit's own; a refused form keeps what was typed, and a day more than
//! a year back asks to be confirmed. Within seven days its author or the unit's
//! coordinator corrects it on the same form (its kind fixed), or voids it. An awareness
//! session or an outreach names the BNNK officer who accompanied it, if any, from a list.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{ActivityInput, ActivityView, Officer, Origin};
use pulih_domain::ids::{ActivityId, UnitId};
use pulih_domain::programme::activity::{ActivityLevel, AgeBand};
use pulih_domain::programme::activity_detail::{ActivityDetail, ActivityKind};
use pulih_domain::region::RegionCode;

use super::again;
use super::clients::{Errors, FormData};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "units/activity.html")]
struct ActivityPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    unit: UnitId,
    village: RegionCode,
    village_name: String,
    levels: Vec<&'static str>,
    bands: Vec<&'static str>,
    /// The officers who may be named as accompanying it.
    officers: Vec<Officer>,
    /// The kind whose fields the form shows; none when a sent form named no known kind.
    kind: Option<ActivityKind>,
    form: FormData,
    errors: Errors,
    /// The activity being corrected, if any: the form sends a correction, and offers a
    /// void.
    editing: Option<ActivityId>,
}

impl ActivityPage<'_> {
    /// The kinds the form can switch to: every kind for a new activity, none for a
    /// correction.
    fn kinds(&self) -> &'static [ActivityKind] {
        if self.editing.is_some() {
            &[]
        } else {
            &ActivityKind::ALL
        }
    }

    /// Whether the form shows `kind`'s fields.
    fn shows(&self, kind: &str) -> bool {
        self.kind.is_some_and(|k| k.key() == kind)
    }
}

/// The kind of a new activity's form.
#[derive(serde::Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

/// What the form shows: a new activity of a kind, or what was typed or stored.
enum Filled {
    Blank(ActivityKind),
    Typed(FormData),
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    unit: UnitId,
    (form, editing): (Filled, Option<ActivityId>),
    errors: Errors,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let view = state.app.unit(&actor, unit).await?;
    let village = state.app.region_view(&actor, &view.village).await?;
    let officers = state.app.activity_officers(&actor, unit).await?;
    let form = match form {
        Filled::Typed(form) => form,
        Filled::Blank(kind) => {
            let today = state.app.today_in(&view.village).await?;
            FormData::default()
                .with("kind", kind.key())
                .with("held_on", today.to_string())
                .with("level", "desa")
        }
    };
    let kind = ActivityKind::parse(form.get("kind").trim()).ok();
    let path = match editing {
        Some(id) => format!("/activities/{id}/edit"),
        None => format!("/ibm-units/{unit}/activities/new"),
    };
    let (t, nav) = frame(state, headers, who, &path);
    Ok(render(&ActivityPage {
        t,
        nav,
        unit,
        village: view.village,
        village_name: village.region.name,
        levels: ActivityLevel::ALL.iter().map(|l| l.key()).collect(),
        bands: AgeBand::ALL.iter().map(|b| b.key()).collect(),
        officers,
        kind,
        form,
        errors,
        editing,
    }))
}

/// `GET /ibm-units/{id}/activities/new?kind=…`: the form of one kind, an awareness
/// session when none is named; a kind that does not exist is not found.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(unit): Found<UnitId>,
    Query(query): Query<KindQuery>,
) -> Result<Response, WebError> {
    let kind = match query.kind.as_deref() {
        None => ActivityKind::Awareness,
        Some(k) => ActivityKind::parse(k).map_err(|_| pulih_app::AppError::NotFound)?,
    };
    let blank = (Filled::Blank(kind), None);
    page(&state, &headers, &who, unit, blank, Errors::default()).await
}

/// A count typed in a form; blank or not a number is none.
fn count(form: &FormData, name: &str) -> Option<u32> {
    form.get(name).trim().parse().ok()
}

fn input(form: &FormData) -> ActivityInput {
    let age_bands: BTreeMap<String, u32> = AgeBand::ALL
        .iter()
        .filter_map(|b| {
            count(form, &format!("age_bands.{}", b.key())).map(|n| (b.key().to_owned(), n))
        })
        .collect();
    ActivityInput {
        held_on: form.opt("held_on"),
        kind: form.get("kind").to_owned(),
        level: form.opt("level"),
        total: count(form, "total"),
        male: count(form, "male"),
        female: count(form, "female"),
        age_bands,
        materials: form.opt("materials"),
        reached: count(form, "reached"),
        agreed_to_screening: count(form, "agreed_to_screening"),
        attendees: count(form, "attendees"),
        topic: form.opt("topic"),
        clients: form
            .get("clients")
            .split([',', ' ', '\n'])
            .filter(|c| !c.trim().is_empty())
            .map(|c| c.trim().to_owned())
            .collect(),
        confirm_old_date: form.flag("confirm_old_date"),
        accompanied_by: form.opt("accompanied_by"),
    }
}

/// `POST /ibm-units/{id}/activities`: records it and shows the village page.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let result = state
        .app
        .record_activity(&who.0.actor(), unit, input(&form), &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |view: ActivityView| format!("/regions/{}?recorded=1#activities", view.village);
    again::after(&t, result, next, (form, "activity"), |form, errors| {
        page(
            &state,
            &headers,
            &who,
            unit,
            (Filled::Typed(form), None),
            errors,
        )
    })
    .await
}

/// The form's fields as stored, to correct them.
fn stored(view: &ActivityView) -> FormData {
    let form = FormData::default()
        .with("kind", view.detail.kind().key())
        .with("held_on", view.held_on.to_string());
    let form = match view.accompanied_by {
        Some(officer) => form.with("accompanied_by", officer.to_string()),
        None => form,
    };
    with_detail(form, &view.detail)
}

/// `form` with the fields of a stored activity's details (an office activity's too).
pub(crate) fn with_detail(form: FormData, detail: &ActivityDetail) -> FormData {
    match detail {
        ActivityDetail::Awareness {
            level,
            audience,
            materials,
        } => {
            let form = audience.by_age_band().iter().fold(
                form.with("level", level.key())
                    .with("total", audience.total().to_string())
                    .with("male", audience.male().to_string())
                    .with("female", audience.female().to_string()),
                |form, (band, n)| form.with(&format!("age_bands.{}", band.key()), n.to_string()),
            );
            match materials {
                Some(m) => form.with("materials", m.clone()),
                None => form,
            }
        }
        ActivityDetail::Outreach {
            reached,
            agreed_to_screening,
        } => form
            .with("reached", reached.to_string())
            .with("agreed_to_screening", agreed_to_screening.to_string()),
        ActivityDetail::Coordination { attendees, topic } => form
            .with("attendees", attendees.to_string())
            .with("topic", topic.clone()),
    }
}

/// `GET /activities/{id}/edit`: the activity on its form, to correct or void it.
pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ActivityId>,
) -> Result<Response, WebError> {
    let view = state.app.activity_to_correct(&who.0.actor(), id).await?;
    let form = (Filled::Typed(stored(&view)), Some(id));
    page(&state, &headers, &who, view.unit, form, Errors::default()).await
}

/// `POST /activities/{id}`: corrects it and shows the village page, or the form again.
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
        .correct_activity(&actor, id, input(&form), &origin)
        .await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |view: ActivityView| format!("/regions/{}?corrected=1#activities", view.village);
    let (state, headers, who, actor) = (&state, &headers, &who, &actor);
    again::after(
        &t,
        result,
        next,
        (form, "activity"),
        move |form, errors| async move {
            let view = state.app.activity_to_correct(actor, id).await?;
            let again = (Filled::Typed(form), Some(id));
            page(state, headers, who, view.unit, again, errors).await
        },
    )
    .await
}

/// `POST /activities/{id}/void`: voids it and shows the village page.
pub async fn void(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActivityId>,
    _: PageForm,
) -> Result<Response, WebError> {
    let view = state.app.void_activity(&who.0.actor(), id, &origin).await?;
    let to = format!("/regions/{}?voided=1#activities", view.village);
    Ok(Redirect::to(&to).into_response())
}
