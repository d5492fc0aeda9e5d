//! `/clients`: the clients a worker may see (pseudonymous: code, region, date), paged
//! by "older", and the registration form.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{ClientSummary, Origin};
use pulih_domain::account::Role;
use pulih_domain::client::Sex;
use pulih_domain::ids::ClientId;

use super::{Errors, FormData, client_id, forms, refused, with_status};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::pages::places::{self, Level, Picks, Places, Resolver};
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
    places: Places,
    picks: Picks,
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
    mut form: FormData,
    errors: Errors,
    picks: Picks,
) -> Result<Response, WebError> {
    let clients = state.app.list_clients(&who.0.actor(), before).await?;
    let older = (clients.len() >= PAGE)
        .then(|| clients.last().map(|c| c.id))
        .flatten();
    let typed = [
        form.get("region").to_owned(),
        form.get("village").to_owned(),
    ];
    let codes = clients.iter().map(|c| c.region.as_str());
    let places = places::named(state, codes.chain(typed.iter().map(String::as_str))).await?;
    for (field, value) in ["region", "village"].into_iter().zip(typed) {
        if !value.is_empty() {
            form.set(field, places.label(&value));
        }
    }
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
        places,
        picks,
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
        Errors::default(),
        Picks::default(),
    )
    .await
}

/// `POST /clients`: registers the client and opens its record, or shows the form again.
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let mut form = FormData::checked(&who, pairs)?;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let mut places = Resolver::new(&state, t, who.0.actor());
    for (field, level) in [("region", Level::Any), ("village", Level::Village)] {
        let mut value = form.get(field).to_owned();
        places.resolve(field, &mut value, level).await?;
        form.set(field, value);
    }
    if !places.settled() {
        let errors = Errors::of_places(&t, "", places.errors);
        let response = page(&state, &headers, &who, None, form, errors, places.picks).await?;
        return Ok(with_status(response, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let result = state
        .app
        .register_client(&who.0.actor(), forms::new_client(&form), &origin)
        .await;
    match result {
        Ok(row) => Ok(Redirect::to(&format!("/clients/{}", row.id)).into_response()),
        Err(e) => {
            let (status, errors) = refused(&t, "", e)?;
            let response =
                page(&state, &headers, &who, None, form, errors, Picks::default()).await?;
            Ok(with_status(response, status))
        }
    }
}
