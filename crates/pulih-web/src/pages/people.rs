//! `/users/{id}`: one account, and the form that changes its display name, organisation
//! and region scope (administrators: any account of their scope; coordinators: the agents
//! and counsellors of theirs). A refused change comes back with what was typed and why;
//! a change the account's clients or unit forbid, or a stale page, says so above the form.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, Organisation, Origin, UserChange, UserView};
use pulih_domain::authz::{Action, authorize};
use pulih_domain::ids::UserId;

use super::places::{self, Level, Picks, Places, Resolver};
use super::{Nav, field_errors, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "people/user.html")]
struct UserPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    user: UserView,
    /// The organisation's name, when it lies in the viewer's scope.
    org_name: String,
    orgs: Vec<Organisation>,
    /// Whether the viewer may change the account.
    manages: bool,
    form: EditForm,
    errors: HashMap<String, String>,
    /// Why the whole change was refused (a conflict), if it was.
    refused: Option<String>,
    places: Places,
    picks: Picks,
}

impl UserPage<'_> {
    /// Until when the account's open link works, if it has one.
    fn open_link(&self) -> Option<String> {
        self.user.link.map(|l| self.t.at(&l.expires_at))
    }

    /// Whether the confirmation of a far-reaching scope is asked for.
    fn asks_confirmation(&self) -> bool {
        self.errors.contains_key("confirm_privileged") || !self.form.confirm_privileged.is_empty()
    }
}

/// The change form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EditForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    confirm_privileged: String,
    #[serde(default)]
    version: i64,
}

/// A change form sent back: as typed, each field's message, why the whole change was
/// refused (a conflict), and the places to choose from.
type Sent = (EditForm, HashMap<String, String>, Option<String>, Picks);

/// The page of `id`, with the form as typed (or as stored) and why it was refused.
async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: UserId,
    sent: Option<Sent>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let user = state.app.user(&actor, id).await?;
    let manages = authorize(&actor, Action::manage_account(user.role), &user.scope).is_ok();
    let all = state.app.list_orgs(&actor).await?;
    let org_name = all
        .iter()
        .find(|o| o.id == user.org_id)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let orgs = if manages { all } else { Vec::new() };
    let (status, (mut form, errors, refused, picks)) = match sent {
        Some(sent) => (StatusCode::UNPROCESSABLE_ENTITY, sent),
        None => {
            let stored = EditForm {
                display_name: user.display_name.clone(),
                org_id: user.org_id.to_string(),
                scope: user.scope.to_string(),
                version: user.version,
                ..EditForm::default()
            };
            (
                StatusCode::OK,
                (stored, HashMap::new(), None, Picks::default()),
            )
        }
    };
    let status = if refused.is_some() {
        StatusCode::CONFLICT
    } else {
        status
    };
    let org_codes = orgs.iter().map(|o| o.place.as_str());
    let codes = [user.scope.as_str(), form.scope.as_str()];
    let places = places::named(state, codes.into_iter().chain(org_codes)).await?;
    form.scope = places.label(&form.scope);
    let (t, nav) = frame(state, headers, who, "/users");
    let mut response = render(&UserPage {
        t,
        nav,
        user,
        org_name,
        orgs,
        manages,
        form,
        errors,
        refused,
        places,
        picks,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /users/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<UserId>,
) -> Result<Response, WebError> {
    page(&state, &headers, &who, id, None).await
}

/// `POST /users/{id}`: changes the account; back to the users on success.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<UserId>,
    PageForm(mut f): PageForm<EditForm>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(&headers));
    let mut places = Resolver::new(&state, t, who.0.actor());
    places.resolve("scope", &mut f.scope, Level::Any).await?;
    if !places.settled() {
        let sent = (f, places.errors, None, places.picks);
        return page(&state, &headers, &who, id, Some(sent)).await;
    }
    let change = UserChange {
        display_name: Some(f.display_name.clone()),
        org_id: Some(f.org_id.clone()),
        scope: Some(f.scope.clone()),
        confirm_privileged: !f.confirm_privileged.is_empty(),
        version: f.version,
    };
    match state
        .app
        .edit_user(&who.0.actor(), id, change, &origin)
        .await
    {
        Ok(_) => Ok(Redirect::to("/users").into_response()),
        Err(AppError::Conflict(key)) => {
            let sent = (
                f,
                HashMap::new(),
                Some(t.t(key).to_owned()),
                Picks::default(),
            );
            page(&state, &headers, &who, id, Some(sent)).await
        }
        Err(e) => match field_errors(t, &e) {
            Some(errors) => {
                let sent = (f, errors, None, Picks::default());
                page(&state, &headers, &who, id, Some(sent)).await
            }
            None => Err(e.into()),
        },
    }
}
