//! IBM units from the pages: a coordinator forms a village's unit, adds agents and changes
//! their status, plans a bimtek and takes attendance day by day. Refusals show the error
//! page with every field's message; success returns to the unit or training page.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::UserView;
use pulih_app::{
    AttendanceInput, MemberChange, MemberInput, Origin, TrainingInput, TrainingView, UnitInput,
    UnitView,
};
use pulih_domain::authz::{Action, authorize};
use pulih_domain::ids::{TrainingId, UnitId, UserId};
use pulih_domain::programme::unit::AttendeeRole;
use pulih_domain::region::Scope;

use super::clients::FormData;
use super::places::{self, Places};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "units/show.html")]
struct UnitPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    unit: UnitView,
    /// Agents who could join, for managers.
    candidates: Vec<UserView>,
    manager: bool,
    may_record: bool,
    places: Places,
}

#[derive(Template)]
#[template(path = "units/training.html")]
struct TrainingPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    training: TrainingView,
    /// One row per agent of the unit.
    rows: Vec<AttendanceRow>,
    manager: bool,
    places: Places,
}

/// An agent's attendance, day by day.
struct AttendanceRow {
    user: UserId,
    name: String,
    present: Vec<bool>,
    certificate: Option<String>,
}

/// `GET /ibm-units/{id}`: the unit with its agents and trainings.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(unit): Found<UnitId>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let unit = state.app.unit(&actor, unit).await?;
    let place = Scope::Region(unit.village.clone());
    let manager = authorize(&actor, Action::ManageUnits, &place).is_ok();
    let may_record = authorize(&actor, Action::RecordActivity, &place).is_ok();
    let candidates = if manager {
        state.app.unit_candidates(&actor, &unit).await?
    } else {
        Vec::new()
    };
    let places = places::named(&state, [unit.village.as_str()]).await?;
    let (t, nav) = frame(&state, &headers, &who, &format!("/ibm-units/{}", unit.id));
    Ok(render(&UnitPage {
        t,
        nav,
        unit,
        candidates,
        manager,
        may_record,
        places,
    }))
}

/// `POST /villages/{code}/ibm-unit`: forms the unit from the village page.
pub async fn form(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let attendees = AttendeeRole::ALL
        .iter()
        .filter_map(|r| {
            let n = form
                .get(&format!("attendees.{}", r.key()))
                .trim()
                .parse()
                .ok();
            n.map(|n| (r.key().to_owned(), n))
        })
        .collect();
    let input = UnitInput {
        founded_on: form.get("founded_on").to_owned(),
        place: form.get("place").to_owned(),
        attendees,
        decree_number: form.get("decree_number").to_owned(),
        decree_date: form.get("decree_date").to_owned(),
        decree_signed_by: form.get("decree_signed_by").to_owned(),
        members: Vec::new(),
    };
    let unit = state
        .app
        .form_unit(&who.0.actor(), &code, input, &origin)
        .await?;
    Ok(Redirect::to(&format!("/ibm-units/{}", unit.id)).into_response())
}

/// `POST /ibm-units/{id}/members`: adds an agent.
pub async fn add_member(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let input = MemberInput {
        user_id: form.get("user_id").to_owned(),
        phone: form.opt("phone"),
        sex: form.get("sex").to_owned(),
        age_band: form.get("age_band").to_owned(),
    };
    state
        .app
        .add_unit_member(&who.0.actor(), unit, input, &origin)
        .await?;
    Ok(Redirect::to(&format!("/ibm-units/{unit}#members")).into_response())
}

/// `POST /ibm-units/{id}/members/{user}`: changes an agent's status or profile.
pub async fn change_member(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found((unit, user)): Found<(UnitId, UserId)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let input = MemberChange {
        phone: form.opt("phone"),
        sex: form.get("sex").to_owned(),
        age_band: form.get("age_band").to_owned(),
        status: form.get("status").to_owned(),
        version: form.get("version").trim().parse().unwrap_or(0),
    };
    state
        .app
        .change_unit_member(&who.0.actor(), unit, user, input, &origin)
        .await?;
    Ok(Redirect::to(&format!("/ibm-units/{unit}#members")).into_response())
}

/// `POST /ibm-units/{id}/trainings`: plans a bimtek; modules and trainers one per line.
pub async fn plan_training(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let lines = |name: &str| form.get(name).lines().map(str::to_owned).collect();
    let input = TrainingInput {
        title: form.get("title").to_owned(),
        organiser: form.get("organiser").to_owned(),
        starts_on: form.get("starts_on").to_owned(),
        ends_on: form.get("ends_on").to_owned(),
        modules: lines("modules"),
        trainers: lines("trainers"),
    };
    let training = state
        .app
        .plan_training(&who.0.actor(), unit, input, &origin)
        .await?;
    Ok(Redirect::to(&format!("/trainings/{}", training.id)).into_response())
}

/// `GET /trainings/{id}`: the training with attendance per day.
pub async fn training(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(training): Found<TrainingId>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let training = state.app.training(&actor, training).await?;
    let unit = state.app.unit(&actor, training.unit).await?;
    let place = Scope::Region(training.village.clone());
    let manager = authorize(&actor, Action::ManageUnits, &place).is_ok();
    let rows = unit
        .members
        .into_iter()
        .map(|m| {
            let record = training.agents.iter().find(|a| a.user_id == m.user_id);
            AttendanceRow {
                user: m.user_id,
                name: m.display_name,
                present: training
                    .days
                    .iter()
                    .map(|d| record.is_some_and(|r| r.days.contains(d)))
                    .collect(),
                certificate: record.and_then(|r| r.certificate.clone()),
            }
        })
        .collect();
    let places = places::named(&state, [training.village.as_str()]).await?;
    let (t, nav) = frame(
        &state,
        &headers,
        &who,
        &format!("/trainings/{}", training.id),
    );
    Ok(render(&TrainingPage {
        t,
        nav,
        training,
        rows,
        manager,
        places,
    }))
}

/// `POST /trainings/{id}/attendance`: who was present on a day.
pub async fn attendance(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(training): Found<TrainingId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let input = AttendanceInput {
        day: form.get("day").to_owned(),
        present: form.all("present"),
    };
    state
        .app
        .record_attendance(&who.0.actor(), training, input, &origin)
        .await?;
    Ok(Redirect::to(&format!("/trainings/{training}")).into_response())
}
