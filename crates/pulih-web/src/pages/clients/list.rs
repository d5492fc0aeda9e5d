//! `/clients`: the clients a worker may see (pseudonymous: code, region, date), paged
//! by "older", and the registration form.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, ClientQuery, ClientSummary, Origin};
use pulih_domain::account::Role;
use pulih_domain::client::ClientStatus;
use pulih_domain::client::Sex;
use pulih_domain::ids::ClientId;

use super::{Errors, FormData, client_id, forms, refused, with_status};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
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
    /// Where a search goes on, and its criteria as typed.
    further: Option<(ClientId, FormData)>,
    paged: bool,
    coordinator: bool,
    sexes: &'static [Sex],
    form: FormData,
    errors: Errors,
    duplicate: Option<(String, String)>,
    searched: bool,
    search: FormData,
    search_errors: Errors,
    statuses: &'static [ClientStatus],
    places: Places,
    picks: Picks,
}

/// Paging of the list, or a search.
#[derive(serde::Deserialize)]
pub struct Paging {
    before: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

impl Paging {
    /// The search asked for, as the form shows it again.
    fn search(&self) -> (ClientQuery, FormData) {
        let query = ClientQuery {
            q: self.q.clone(),
            place: self.place.clone(),
            status: self.status.clone(),
        };
        let shown = [
            ("q", &self.q),
            ("place", &self.place),
            ("status", &self.status),
        ]
        .into_iter()
        .fold(FormData::default(), |f, (name, value)| {
            f.with(name, value.clone().unwrap_or_default())
        });
        (query, shown)
    }
}

/// What the list part of the page shows: the newest clients or a search's results; a
/// search whose place matched several or none shows the newest under its form, with the
/// choices or the error.
enum Listed {
    Newest(Option<ClientId>),
    Searched(ClientQuery, FormData, Option<ClientId>),
    Unsettled(FormData, Errors),
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    (listed, origin): (Listed, &Origin),
    mut form: FormData,
    (errors, duplicate): (Errors, Option<(String, String)>),
    picks: Picks,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let mut further = None;
    let (mut clients, mut search, mut search_errors, mut status) = (
        Vec::new(),
        FormData::default(),
        Errors::default(),
        StatusCode::OK,
    );
    let (before, searched) = match listed {
        Listed::Newest(before) => {
            clients = state.app.list_clients(&actor, before).await?;
            (before, false)
        }
        Listed::Searched(query, shown, before) => {
            match state
                .app
                .search_clients(&actor, &query, before, origin)
                .await
            {
                Ok(found) => (clients, further) = (found.items, found.next),
                Err(e) => {
                    let t = state.i18n.tr(crate::lang_of(headers));
                    (status, search_errors) = refused(&t, "search", e)?;
                }
            }
            search = shown;
            (before, true)
        }
        Listed::Unsettled(shown, errors) => {
            clients = state.app.list_clients(&actor, None).await?;
            if errors.general().is_some() {
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            (search, search_errors) = (shown, errors);
            (None, false)
        }
    };
    let older = (!searched && clients.len() >= PAGE)
        .then(|| clients.last().map(|c| c.id))
        .flatten();
    // the search goes on from where it stopped, under the same criteria as typed
    let further = further.map(|id| (id, search.clone()));
    let typed = [
        form.get("region").to_owned(),
        form.get("village").to_owned(),
        search.get("place").to_owned(),
    ];
    let codes = clients.iter().map(|c| c.region.as_str());
    let places = places::named(state, codes.chain(typed.iter().map(String::as_str))).await?;
    let [region, village, place] = typed;
    for (field, value) in [("region", region), ("village", village)] {
        if !value.is_empty() {
            form.set(field, places.label(&value));
        }
    }
    if !place.is_empty() {
        search.set("place", places.label(&place));
    }
    let (t, nav) = frame(state, headers, who, "/clients");
    let response = render(&IndexPage {
        t,
        nav,
        clients,
        older,
        further,
        paged: before.is_some(),
        coordinator: who.0.user.role == Role::Coordinator,
        sexes: &Sex::ALL,
        form,
        errors,
        duplicate,
        searched,
        search,
        search_errors,
        statuses: &ClientStatus::ALL,
        places,
        picks,
    });
    Ok(with_status(response, status))
}

/// `GET /clients`, `?before=` for older ones, `?q=&place=&status=` to search.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Query(paging): Query<Paging>,
) -> Result<Response, WebError> {
    let (mut query, mut shown) = paging.search();
    let t = state.i18n.tr(crate::lang_of(&headers));
    let mut places = Resolver::new(&state, t, who.0.actor());
    if let Some(typed) = query.place.as_mut() {
        places.resolve("place", typed, Level::Any).await?;
        shown.set("place", typed.clone());
    }
    let listed = if !places.settled() {
        let errors = if places.errors.is_empty() {
            Errors::default()
        } else {
            Errors::of_places(&t, "search", places.errors)
        };
        Listed::Unsettled(shown, errors)
    } else if query.is_empty() {
        Listed::Newest(paging.before.as_deref().map(client_id).transpose()?)
    } else {
        let before = paging.before.as_deref().map(client_id).transpose()?;
        Listed::Searched(query, shown, before)
    };
    page(
        &state,
        &headers,
        &who,
        (listed, &origin),
        FormData::default(),
        (Errors::default(), None),
        places.picks,
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
    PageForm(mut form): PageForm,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(&headers));
    let mut places = Resolver::new(&state, t, who.0.actor());
    for (field, level) in [("region", Level::Any), ("village", Level::Village)] {
        let mut value = form.get(field).to_owned();
        places.resolve(field, &mut value, level).await?;
        form.set(field, value);
    }
    if !places.settled() {
        let errors = Errors::of_places(&t, "", places.errors);
        let listed = (Listed::Newest(None), &origin);
        let shown = (errors, None);
        let response = page(&state, &headers, &who, listed, form, shown, places.picks).await?;
        return Ok(with_status(response, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let result = state
        .app
        .register_client(&who.0.actor(), forms::new_client(&form), &origin)
        .await;
    match result {
        Ok(row) => Ok(Redirect::to(&format!("/clients/{}", row.id)).into_response()),
        Err(e) => {
            let duplicate = possible_duplicate(&e);
            let (status, errors) = refused(&t, "", e)?;
            let shown = (errors, duplicate);
            let listed = (Listed::Newest(None), &origin);
            let picks = Picks::default();
            let response = page(&state, &headers, &who, listed, form, shown, picks).await?;
            Ok(with_status(response, status))
        }
    }
}
