//! `/clients`: the clients a worker may see (pseudonymous: code, region, date), paged
//! by "older", and the registration form.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, ClientSummary, Origin};
use pulih_domain::account::Role;
use pulih_domain::client::Sex;
use pulih_domain::ids::ClientId;

use super::{Errors, FormData, client_id, forms, refused, with_status};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError};

/// How many clients the use-case returns at once; a full page has older ones after it.
const PAGE: usize = 50;

#[derive(Template)]
#[template(path = "clients/index.html")]
struct IndexPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    clients: Vec<ClientSummary>,
    older: Option<ClientId>,
    paged: bool,
    coordinator: bool,
    sexes: &'static [Sex],
    form: FormData,
    errors: Errors,
    duplicate: Option<(String, String)>,
}

/// Paging of the list.
#[derive(serde::Deserialize)]
pub struct Paging {
    before: Option<String>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    before: Option<ClientId>,
    form: FormData,
    (errors, duplicate): (Errors, Option<(String, String)>),
) -> Result<Response, WebError> {
    let clients = state.app.list_clients(&who.0.actor(), before).await?;
    let older = (clients.len() >= PAGE)
        .then(|| clients.last().map(|c| c.id))
        .flatten();
    let (t, nav) = frame(state, headers, who, "/clients");
    Ok(render(&IndexPage {
        t,
        nav,
        clients,
        older,
        paged: before.is_some(),
        coordinator: who.0.user.role == Role::Coordinator,
        sexes: &Sex::ALL,
        form,
        errors,
        duplicate,
    }))
}

/// `GET /clients`, `?before=` for older ones.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Response, WebError> {
    let before = paging.before.as_deref().map(client_id).transpose()?;
    page(
        &state,
        &headers,
        &who,
        before,
        FormData::default(),
        (Errors::default(), None),
    )
    .await
}

/// The code and id of a possible duplicate the registration was refused for.
fn possible_duplicate(e: &AppError) -> Option<(String, String)> {
    let AppError::Invalid(problems) = e else {
        return None;
    };
    let problem = problems.iter().find(|p| p.field == "duplicate")?;
    let arg = |name: &str| {
        problem
            .args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    arg("code").zip(arg("id"))
}

/// `POST /clients`: registers the client and opens its record, or shows the form again.
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = FormData::checked(&who, pairs)?;
    let result = state
        .app
        .register_client(&who.0.actor(), forms::new_client(&form), &origin)
        .await;
    match result {
        Ok(row) => Ok(Redirect::to(&format!("/clients/{}", row.id)).into_response()),
        Err(e) => {
            let t = state.i18n.tr(crate::lang_of(&headers));
            let duplicate = possible_duplicate(&e);
            let (status, errors) = refused(&t, "", e)?;
            let shown = (errors, duplicate);
            let response = page(&state, &headers, &who, None, form, shown).await?;
            Ok(with_status(response, status))
        }
    }
}
