//! A bimtek's page: attendance taken day by day (a day that has not come yet where the
//! unit is offers no form). A refused attendance form comes back on the training page
//! with the boxes as ticked and the reason beside the day.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use pulih_app::{AttendanceInput, Origin, TrainingView};
use pulih_domain::authz::{Action, authorize};
use pulih_domain::ids::{TrainingId, UserId};
use pulih_domain::region::Scope;

use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::clients::{Errors, FormData, refused, with_status};
use crate::pages::page_form::PageForm;
use crate::pages::places::{self, Places};
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "units/training.html")]
struct TrainingPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    training: TrainingView,
    /// One row per agent of the unit.
    rows: Vec<AttendanceRow>,
    manager: bool,
    /// Today in the village: attendance is taken for days up to it.
    today: NaiveDate,
    /// The attendance form sent, if refused (named `day-<date>`), and why.
    form: FormData,
    errors: Errors,
    places: Places,
}

impl TrainingPage<'_> {
    /// The name of a day's attendance form.
    fn day_form(&self, day: &NaiveDate) -> String {
        format!("day-{day}")
    }

    /// Whether `day` has not come yet where the unit is.
    fn later(&self, day: &NaiveDate) -> bool {
        *day > self.today
    }

    /// Whether `user`'s box is ticked on `day`'s form: as sent if that form was refused,
    /// else as saved.
    fn ticked(&self, day: &NaiveDate, index: &usize, row: &AttendanceRow) -> bool {
        if self.errors.is(&self.day_form(day)) {
            self.form.has("present", &row.user.to_string())
        } else {
            row.present.get(*index).copied().unwrap_or(false)
        }
    }
}

/// An agent's attendance, day by day.
struct AttendanceRow {
    user: UserId,
    name: String,
    present: Vec<bool>,
    certificate: Option<String>,
}

/// `GET /trainings/{id}`: the training with attendance per day.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(training): Found<TrainingId>,
) -> Result<Response, WebError> {
    let blank = (FormData::default(), Errors::default());
    training_page(&state, &headers, &who, training, blank).await
}

/// The training page, with a refused attendance form's input and messages.
async fn training_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    training: TrainingId,
    (form, errors): (FormData, Errors),
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let training = state.app.training(&actor, training).await?;
    let unit = state.app.unit(&actor, training.unit).await?;
    let place = Scope::Region(training.village.clone());
    let manager = authorize(&actor, Action::ManageUnits, &place).is_ok();
    let today = state.app.today_in(&training.village).await?;
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
    let places = places::named(state, [training.village.as_str()]).await?;
    let (t, nav) = frame(state, headers, who, &format!("/trainings/{}", training.id));
    Ok(render(&TrainingPage {
        t,
        nav,
        training,
        rows,
        manager,
        today,
        form,
        errors,
        places,
    }))
}

/// `POST /trainings/{id}/attendance`: who was present on a day; a refusal shows the
/// training page again with the boxes as ticked and the reason beside the day.
pub async fn attendance(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(training): Found<TrainingId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = AttendanceInput {
        day: form.get("day").to_owned(),
        present: form.all("present"),
    };
    let recorded = state
        .app
        .record_attendance(&who.0.actor(), training, input, &origin)
        .await;
    match recorded {
        Ok(_) => Ok(Redirect::to(&format!("/trainings/{training}")).into_response()),
        Err(e) => {
            let t = state.i18n.tr(crate::lang_of(&headers));
            let name = format!("day-{}", form.get("day").trim());
            let (status, errors) = refused(&t, &name, e)?;
            let page = training_page(&state, &headers, &who, training, (form, errors)).await?;
            Ok(with_status(page, status))
        }
    }
}
