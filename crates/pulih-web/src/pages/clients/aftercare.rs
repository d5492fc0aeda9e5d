//! `/clients/{id}/aftercare`: a client's aftercare on one phone-sized page, with forms
//! for the plan, a follow-up (and its BARC-10 when due), the end of aftercare and a
//! relapse. A refused form comes back with its input and messages; a follow-up that
//! found a relapse opens the relapse form with its date.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{
    AftercareEndInput, AftercarePlanInput, AppResult, ClientRecord, FollowUpInput, Origin,
    RelapseInput, View, WeeksInput,
};
use pulih_domain::aftercare::DEFAULT_WEEKS;
use pulih_domain::ids::ClientId;

use super::{Errors, FormData, refused, with_status};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError, lang_of};

/// The field of BARC-10 item `n` in the follow-up form.
pub fn barc_field(n: usize) -> String {
    format!("barc10.items.{n}")
}

#[derive(Template)]
#[template(path = "clients/aftercare.html")]
struct AftercarePage<'a> {
    t: Tr<'a>,
    nav: Nav,
    r: ClientRecord,
    form: FormData,
    errors: Errors,
    saved: bool,
    /// The day of the relapse a follow-up just found: the relapse form is offered.
    relapse_day: Option<String>,
    default_weeks: String,
    /// Whether a plan is open (follow-up and end forms) or not (plan form).
    open: bool,
    /// Whether the pending visit should take a BARC-10.
    barc_due: bool,
}

impl AftercarePage<'_> {
    /// The value of `name` in form `which` if that form was refused, else `fallback`.
    fn value(&self, which: &str, name: &str, fallback: &str) -> String {
        if self.errors.is(which) {
            self.form.get(name).to_owned()
        } else {
            fallback.to_owned()
        }
    }

    /// Whether the radio or checkbox `name` = `value` of form `which` was ticked.
    fn ticked(&self, which: &str, name: &str, value: &str) -> bool {
        self.errors.is(which) && self.form.has(name, value)
    }
}

/// What the page was opened with.
#[derive(serde::Deserialize)]
pub struct Opened {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    relapse: Option<String>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    origin: &Origin,
    id: ClientId,
    refused: Option<(StatusCode, FormData, Errors)>,
    opened: Opened,
) -> Result<Response, WebError> {
    let r = state
        .app
        .client_record(&who.0.actor(), id, View::Page, origin)
        .await?;
    let (status, form, errors) = refused.unwrap_or_default();
    let (t, nav) = frame(state, headers, who, &format!("/clients/{id}/aftercare"));
    let default_weeks = DEFAULT_WEEKS.map(|w| w.to_string()).join(", ");
    let open = r.aftercare.as_ref().is_some_and(|a| a.open());
    let barc_due = r.aftercare.as_ref().is_some_and(|a| a.barc10_due);
    let page = AftercarePage {
        t,
        nav,
        r,
        form,
        errors,
        saved: opened.saved.is_some(),
        relapse_day: opened.relapse,
        default_weeks,
        open,
        barc_due,
    };
    Ok(with_status(render(&page), status))
}

/// `GET /clients/{id}/aftercare` (a read of the record, audited).
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    Query(opened): Query<Opened>,
) -> Result<Response, WebError> {
    page(&state, &headers, &who, &origin, id, None, opened).await
}

/// After a form was sent: back to the page (with the relapse form offered when the
/// follow-up found one), or the page with the form's input and messages.
async fn answer<T>(
    state: &AppState,
    (headers, who, origin): (&HeaderMap, &CurrentUser, &Origin),
    (id, which): (ClientId, &str),
    form: FormData,
    result: AppResult<T>,
    relapse_on: impl FnOnce(&T) -> Option<String>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(lang_of(headers));
    match result {
        Ok(done) => {
            let to = match relapse_on(&done) {
                Some(day) => format!("/clients/{id}/aftercare?relapse={day}#relapse"),
                None => format!("/clients/{id}/aftercare?saved=1"),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let (status, errors) = refused(&t, which, e)?;
            let opened = Opened {
                saved: None,
                relapse: None,
            };
            page(
                state,
                headers,
                who,
                origin,
                id,
                Some((status, form, errors)),
                opened,
            )
            .await
        }
    }
}

/// `POST /clients/{id}/aftercare/plan`.
pub async fn plan_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = AftercarePlanInput {
        discharged_on: form.get("discharged_on").to_owned(),
        weeks: form.opt("weeks").map(WeeksInput::Text),
        follow_up_by: form.opt("follow_up_by"),
        note: form.opt("note"),
    };
    let result = state
        .app
        .record_aftercare_plan(&who.0.actor(), id, input, &origin)
        .await;
    answer(
        &state,
        (&headers, &who, &origin),
        (id, "plan"),
        form,
        result,
        |_| None,
    )
    .await
}

/// `POST /clients/{id}/aftercare/follow-up`.
pub async fn follow_up_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let answered = (1..=10).any(|n| form.opt(&barc_field(n)).is_some());
    let barc10 = answered.then(|| {
        (1..=10)
            .map(|n| form.get(&barc_field(n)).trim().parse::<i64>().unwrap_or(0))
            .collect()
    });
    let input = FollowUpInput {
        visited_on: form.opt("visited_on"),
        mode: form.get("mode").to_owned(),
        status: form.get("status").to_owned(),
        barc10,
        note: form.opt("note"),
    };
    let result = state
        .app
        .record_follow_up(&who.0.actor(), id, input, &origin)
        .await;
    let day = form.opt("visited_on").unwrap_or_else(super::wib_today);
    answer(
        &state,
        (&headers, &who, &origin),
        (id, "follow-up"),
        form,
        result,
        |r| r.record_relapse.then_some(day),
    )
    .await
}

/// `POST /clients/{id}/aftercare/end`.
pub async fn end_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = AftercareEndInput {
        ended_on: form.opt("ended_on"),
        status: form.get("status").to_owned(),
        note: form.opt("note"),
    };
    let result = state
        .app
        .end_aftercare(&who.0.actor(), id, input, &origin)
        .await;
    answer(
        &state,
        (&headers, &who, &origin),
        (id, "end"),
        form,
        result,
        |_| None,
    )
    .await
}

/// `POST /clients/{id}/relapse`.
pub async fn relapse_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = RelapseInput {
        relapsed_on: form.opt("relapsed_on"),
        substances: form.all("substances"),
        response: form.get("response").to_owned(),
        note: form.opt("note"),
    };
    let result = state
        .app
        .record_relapse(&who.0.actor(), id, input, &origin)
        .await;
    answer(
        &state,
        (&headers, &who, &origin),
        (id, "relapse"),
        form,
        result,
        |_| None,
    )
    .await
}
