//! `/rakor`: coordination meetings on a phone. The list of rakor the user reaches with a
//! form to record one (coordinators), and a rakor's page with its action items, a form to
//! add one, and a status form on each item its owner (or the rakor's coordinator) may
//! change. A refused form comes back with what was typed and a message at each field.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pulih_app::{
    ActionItemInput, AppError, ItemStatusInput, MeetingLine, MeetingView, Organisation, Origin,
    RakorInput,
};
use pulih_domain::authz::{Action, authorize};
use pulih_domain::coordination::RawParty;
use pulih_domain::coordination::rakor::ItemStatus;
use pulih_domain::ids::{ActionItemId, MeetingId};
use pulih_domain::region::Scope;

use super::clients::{Errors, FormData};
use super::places::{self, Level, Picks, Places, Resolver, named_with_form};
use super::{Nav, again, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "rakor/index.html")]
struct ListPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    list: Vec<MeetingLine>,
    may_record: bool,
    orgs: Vec<Organisation>,
    form: FormData,
    errors: Errors,
    places: Places,
    picks: Picks,
}

#[derive(Template)]
#[template(path = "rakor/show.html")]
struct ShowPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    places: Places,
    m: MeetingView,
    /// The organisations an item may be given to: those present, then the directory's
    /// in the user's scope, each once.
    owners: Vec<(String, String)>,
    statuses: Vec<&'static str>,
    form: FormData,
    errors: Errors,
}

/// Lines of a text area, one per line.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    form: Option<FormData>,
    (errors, picks): (Errors, Picks),
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let list = state.app.rakor_list(&actor).await?;
    let may_record = authorize(&actor, Action::ManageCoordination, &actor.scope).is_ok();
    let orgs = if may_record {
        state.app.list_orgs(&actor).await?
    } else {
        Vec::new()
    };
    let form = form.unwrap_or_else(|| {
        let region = match &actor.scope {
            Scope::Region(code) => code.to_string(),
            Scope::National => String::new(),
        };
        FormData::default()
            .with("region", region)
            .with("convener_org_id", actor.org_id.to_string())
    });
    let regions = list.iter().map(|m| m.region.to_string());
    let (places, form) = named_with_form(state, regions, form).await?;
    let (t, nav) = frame(state, headers, who, "/rakor");
    Ok(render(&ListPage {
        t,
        nav,
        list,
        may_record,
        orgs,
        form,
        errors,
        places,
        picks,
    }))
}

/// `GET /rakor`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    list_page(
        &state,
        &headers,
        &who,
        None,
        (Errors::default(), Picks::default()),
    )
    .await
}

/// `POST /rakor`: records a rakor, then shows it.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(mut form): PageForm,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(&headers));
    let resolver = Resolver::new(&state, t, who.0.actor());
    let region = ("region", Level::Any);
    if let Some(shown) = resolver.resolve_in(&mut form, region, "rakor").await? {
        let mut r = list_page(&state, &headers, &who, Some(form), shown).await?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let present = form
        .all("present")
        .into_iter()
        .map(|id| RawParty {
            org_id: Some(id),
            name: None,
        })
        .chain(
            lines(form.get("present_names"))
                .into_iter()
                .filter(|l| !l.trim().is_empty())
                .map(|n| RawParty {
                    org_id: None,
                    name: Some(n),
                }),
        )
        .collect();
    let input = RakorInput {
        region: form.get("region").to_owned(),
        held_on: form.get("held_on").to_owned(),
        place: form.get("place").to_owned(),
        convener_org_id: form.get("convener_org_id").to_owned(),
        present,
        topics: lines(form.get("topics")),
        decisions: lines(form.get("decisions")),
    };
    let result = state.app.record_rakor(&who.0.actor(), input, &origin).await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |m: MeetingView| format!("/rakor/{}", m.id);
    again::after(&t, result, next, (form, "rakor"), |form, errors| {
        list_page(
            &state,
            &headers,
            &who,
            Some(form),
            (errors, Picks::default()),
        )
    })
    .await
}

async fn show_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: MeetingId,
    form: FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let m = state.app.rakor(&actor, id).await?;
    let mut owners: Vec<(String, String)> = Vec::new();
    if m.may_manage {
        let present = m
            .present
            .iter()
            .filter_map(|p| p.org_id.map(|id| (id.to_string(), p.name.clone())));
        let listed = state.app.list_orgs(&actor).await?;
        for (id, name) in present.chain(listed.into_iter().map(|o| (o.id.to_string(), o.name))) {
            if !owners.iter().any(|(known, _)| *known == id) {
                owners.push((id, name));
            }
        }
    }
    let places = places::named(state, [m.region.as_str()]).await?;
    let (t, nav) = frame(state, headers, who, &format!("/rakor/{id}"));
    Ok(render(&ShowPage {
        t,
        nav,
        places,
        m,
        owners,
        statuses: ItemStatus::ALL.iter().map(|s| s.key()).collect(),
        form,
        errors,
    }))
}

/// `GET /rakor/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<MeetingId>,
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

/// After a form on a rakor's page: back to it, or the page again with the messages.
async fn after<T>(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: MeetingId,
    sent: (FormData, &str),
    result: Result<T, AppError>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(headers));
    let next = |_| format!("/rakor/{id}");
    again::after(&t, result, next, sent, |form, errors| {
        show_page(state, headers, who, id, form, errors)
    })
    .await
}

/// `POST /rakor/{id}/action-items`.
pub async fn add_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<MeetingId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = ActionItemInput {
        description: form.get("description").to_owned(),
        owner_org_id: form.get("owner_org_id").to_owned(),
        due_on: form.get("due_on").to_owned(),
    };
    let result = state
        .app
        .add_action_item(&who.0.actor(), id, input, &origin)
        .await;
    after(&state, &headers, &who, id, (form, "item"), result).await
}

/// `POST /rakor/{id}/action-items/{item}/status`.
pub async fn item_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found((id, item)): Found<(MeetingId, ActionItemId)>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = ItemStatusInput {
        status: form.get("status").to_owned(),
        version: form.get("version").parse().unwrap_or(0),
    };
    let result = state
        .app
        .set_action_item_status(&who.0.actor(), item, input, &origin)
        .await;
    let name = format!("status-{item}");
    after(&state, &headers, &who, id, (form, &name), result).await
}
