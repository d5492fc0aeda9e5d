//! IBM units from the pages: a coordinator forms a village's unit and plans a bimtek; the
//! unit page shows its agents and trainings. A refused unit or bimtek form comes back on a
//! page of its own with the menu, what was typed and each field's message beside it;
//! success returns to the unit or training page. The agents' forms are in [`members`],
//! a bimtek's page and attendance in [`training`], the supervision of agents (an agent's
//! page, the coordinators' visits) in [`agents`]. A coordinator invites a new agent into
//! the unit from its page ([`members::invite`]), and the link is shown there once.

pub mod agents;
pub mod members;
pub mod training;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{Origin, SupervisionVisitView, TrainingInput, UnitInput, UnitView, UserView};
use pulih_domain::authz::{Action, authorize};
use pulih_domain::ids::{UnitId, UserId};
use pulih_domain::programme::unit::AttendeeRole;
use pulih_domain::region::{RegionCode, Scope};

use super::clients::{Errors, FormData, refused, with_status};
use super::places::{self, Places};
use super::users::Shared;
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// The form that forms a village's unit: on the village page, or on its own.
#[derive(Debug, Clone)]
pub struct UnitForm {
    /// The village's code.
    pub code: String,
    /// What was typed.
    pub form: FormData,
    /// Why it was refused.
    pub errors: Errors,
    /// The form's heading: `h3` in a page's section, `h2` on its own page.
    pub heading: &'static str,
}

impl UnitForm {
    /// A blank form for `village`.
    pub fn blank(village: &RegionCode) -> Self {
        Self {
            code: village.to_string(),
            form: FormData::default(),
            errors: Errors::default(),
            heading: "h3",
        }
    }

    /// The roles of the founding meeting's attendees, in the order of the form.
    pub fn roles(&self) -> Vec<&'static str> {
        AttendeeRole::ALL.iter().map(|r| r.key()).collect()
    }
}

/// The form that plans a bimtek: on the unit page, or on its own.
#[derive(Debug, Clone)]
pub struct TrainingForm {
    /// The unit.
    pub unit: UnitId,
    /// What was typed (a default title when blank).
    pub form: FormData,
    /// Why it was refused.
    pub errors: Errors,
    /// The form's heading: `h3` in a page's section, `h2` on its own page.
    pub heading: &'static str,
}

impl TrainingForm {
    /// A blank form for `unit`, titled as most are.
    pub fn blank(unit: &UnitId) -> Self {
        Self {
            unit: *unit,
            form: FormData::default().with("title", "Bimtek Agen Pemulihan"),
            errors: Errors::default(),
            heading: "h3",
        }
    }
}

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
    /// Whether the user supervises the agents: links to their pages, the visits.
    supervisor: bool,
    /// The unit's latest supervision visits, for supervisors.
    visits: Vec<SupervisionVisitView>,
    /// The local date, the visit form's default day.
    today: String,
    places: Places,
    /// A refused member or visit form's input and messages.
    form: FormData,
    errors: Errors,
    /// The invitation link of an agent just invited, shown once.
    issued: Option<Shared>,
}

impl UnitPage<'_> {
    /// The name of the form that changes `user`'s status.
    fn member_form(&self, user: &UserId) -> String {
        format!("member-{user}")
    }

    /// The value of `field` on `form_name`: as sent if that form was refused, else
    /// `stored`.
    fn value<'s>(&'s self, form_name: &str, field: &str, stored: &'s str) -> &'s str {
        if self.errors.is(form_name) {
            self.form.get(field)
        } else {
            stored
        }
    }
}

#[derive(Template)]
#[template(path = "units/form_page.html")]
struct FormPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    /// Where the form belongs: the village, and for a bimtek the unit.
    village: pulih_app::Region,
    uf: Option<UnitForm>,
    tf: Option<TrainingForm>,
}

/// `GET /ibm-units/{id}`: the unit with its agents and trainings.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(unit): Found<UnitId>,
) -> Result<Response, WebError> {
    let blank = (FormData::default(), Errors::default());
    unit_page(&state, &headers, &who, unit, blank).await
}

/// The unit page, with a refused member form's input and messages.
async fn unit_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    unit: UnitId,
    sent: (FormData, Errors),
) -> Result<Response, WebError> {
    unit_page_with(state, headers, who, unit, sent, None).await
}

/// The unit page, with a refused form's input and messages, and the invitation link
/// just issued to show once.
async fn unit_page_with(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    unit: UnitId,
    (form, errors): (FormData, Errors),
    issued: Option<Shared>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let unit = state.app.unit(&actor, unit).await?;
    let place = Scope::Region(unit.village.clone());
    let manager = authorize(&actor, Action::ManageUnits, &place).is_ok();
    let may_record = authorize(&actor, Action::RecordActivity, &place).is_ok();
    let supervisor = authorize(&actor, Action::SuperviseAgents, &place).is_ok();
    let candidates = if manager {
        state.app.unit_candidates(&actor, &unit).await?
    } else {
        Vec::new()
    };
    let visits = if supervisor {
        state.app.supervision_visits(&actor, unit.id).await?
    } else {
        Vec::new()
    };
    let today = state.app.today_in(&unit.village).await?.to_string();
    let places = places::named(state, [unit.village.as_str()]).await?;
    let (t, nav) = frame(state, headers, who, &format!("/ibm-units/{}", unit.id));
    Ok(render(&UnitPage {
        t,
        nav,
        unit,
        candidates,
        manager,
        may_record,
        supervisor,
        visits,
        today,
        places,
        form,
        errors,
        issued,
    }))
}

/// The page of a unit or bimtek form on its own, with the village in the breadcrumb.
async fn form_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    village: &RegionCode,
    path: &str,
    (uf, tf): (Option<UnitForm>, Option<TrainingForm>),
) -> Result<Response, WebError> {
    let village = state.app.region(&who.0.actor(), village).await?;
    let (t, nav) = frame(state, headers, who, path);
    // on a page of its own the form's heading follows the page's
    let (uf, tf) = (
        uf.map(|f| UnitForm { heading: "h2", ..f }),
        tf.map(|f| TrainingForm { heading: "h2", ..f }),
    );
    Ok(render(&FormPage {
        t,
        nav,
        village,
        uf,
        tf,
    }))
}

/// `GET /villages/{code}/ibm-unit`: the form that forms the unit, on its own.
pub async fn new_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
) -> Result<Response, WebError> {
    let place = Scope::Region(code.clone());
    authorize(&who.0.actor(), Action::ManageUnits, &place).map_err(pulih_app::AppError::from)?;
    let path = format!("/villages/{code}/ibm-unit");
    let blank = UnitForm::blank(&code);
    form_page(&state, &headers, &who, &code, &path, (Some(blank), None)).await
}

/// `POST /villages/{code}/ibm-unit`: forms the unit from the village page; a refusal
/// shows the form again on its own.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let mut f = UnitForm::blank(&code);
    // a count that is not a number is sent as none, which the use-case refuses in words
    let attendees = f
        .roles()
        .into_iter()
        .filter_map(|r| {
            let n = form.get(&format!("attendees.{r}")).trim().parse().ok();
            n.map(|n| (r.to_owned(), n))
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
    let formed = state
        .app
        .form_unit(&who.0.actor(), &code, input, &origin)
        .await;
    match formed {
        Ok(unit) => Ok(Redirect::to(&format!("/ibm-units/{}", unit.id)).into_response()),
        Err(e) => {
            let t = state.i18n.tr(crate::lang_of(&headers));
            let (status, errors) = refused(&t, "unit", e)?;
            f.form = form;
            f.errors = errors;
            let path = format!("/villages/{code}/ibm-unit");
            let page = form_page(&state, &headers, &who, &code, &path, (Some(f), None)).await?;
            Ok(with_status(page, status))
        }
    }
}

/// `GET /ibm-units/{id}/trainings/new`: the bimtek form on its own.
pub async fn new_training(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(unit): Found<UnitId>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let view = state.app.unit(&actor, unit).await?;
    let place = Scope::Region(view.village.clone());
    authorize(&actor, Action::ManageUnits, &place).map_err(pulih_app::AppError::from)?;
    let path = format!("/ibm-units/{unit}/trainings/new");
    let blank = TrainingForm::blank(&unit);
    form_page(
        &state,
        &headers,
        &who,
        &view.village,
        &path,
        (None, Some(blank)),
    )
    .await
}

/// `POST /ibm-units/{id}/trainings`: plans a bimtek; modules and trainers one per line. A
/// refusal shows the form again on its own.
pub async fn plan_training(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let lines = |name: &str| form.get(name).lines().map(str::to_owned).collect();
    let input = TrainingInput {
        title: form.get("title").to_owned(),
        organiser: form.get("organiser").to_owned(),
        starts_on: form.get("starts_on").to_owned(),
        ends_on: form.get("ends_on").to_owned(),
        modules: lines("modules"),
        trainers: lines("trainers"),
    };
    let actor = who.0.actor();
    match state.app.plan_training(&actor, unit, input, &origin).await {
        Ok(training) => Ok(Redirect::to(&format!("/trainings/{}", training.id)).into_response()),
        Err(e) => {
            let t = state.i18n.tr(crate::lang_of(&headers));
            let (status, errors) = refused(&t, "training", e)?;
            let view = state.app.unit(&actor, unit).await?;
            let again = TrainingForm {
                form,
                errors,
                ..TrainingForm::blank(&unit)
            };
            let path = format!("/ibm-units/{unit}/trainings/new");
            let page = form_page(
                &state,
                &headers,
                &who,
                &view.village,
                &path,
                (None, Some(again)),
            )
            .await?;
            Ok(with_status(page, status))
        }
    }
}
