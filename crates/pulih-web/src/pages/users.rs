//! Users: the list in scope, the form to add one, and disable/enable/reset actions.
//! Administrators manage every account of their scope, coordinators the agents and
//! counsellors of theirs. A new account and a reset get a one-time link, shown once, for
//! the person to set their own password: nobody here ever sees a password.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, Issued, NewUser, Origin};
use pulih_app::{Organisation, UserView};
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::UserId;

use super::places::{self, Level, Picks, Places, Resolver};
use super::{Nav, field_errors, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    actor: Actor,
    users: Vec<UserView>,
    /// The accounts the user manages with a link still open, soonest to expire first.
    open: Vec<UserView>,
    orgs: Vec<Organisation>,
    /// The roles this user hands out.
    roles: Vec<Role>,
    form: UserForm,
    errors: HashMap<String, String>,
    issued: Option<Shared>,
    places: Places,
    picks: Picks,
}

/// A link just issued, as the page shows it once: whose, where, until when.
pub struct Shared {
    pub(crate) username: String,
    pub(crate) invite: bool,
    pub(crate) url: String,
    pub(crate) expires: String,
}

/// The new-user form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    confirm_privileged: String,
}

impl UsersPage<'_> {
    /// The name of organisation `id`, when it lies in the administrator's scope.
    fn org_name(&self, id: &pulih_domain::ids::OrgId) -> &str {
        self.orgs
            .iter()
            .find(|o| o.id == *id)
            .map_or("", |o| o.name.as_str())
    }

    /// Whether the confirmation of a privileged account is asked for: once the server
    /// asked for it, or when it was ticked.
    fn asks_confirmation(&self) -> bool {
        self.errors.contains_key("confirm_privileged") || !self.form.confirm_privileged.is_empty()
    }

    /// Whether the row of `user` gets the manage actions: not one's own row, whose
    /// password is changed on the account page.
    fn manages(&self, user: &UserView) -> bool {
        user.id != self.actor.user_id
            && authorize(&self.actor, Action::manage_account(user.role), &user.scope).is_ok()
    }

    /// Until when `user`'s open link works, if it has one.
    fn open_link(&self, user: &UserView) -> Option<String> {
        user.link.map(|l| self.t.at(&l.expires_at))
    }

    /// What `user`'s open link is for, in words.
    fn purpose(&self, user: &UserView) -> &str {
        match user.link.map(|l| l.purpose) {
            Some(pulih_domain::account::LinkPurpose::Reset) => self.t.t("people.purpose_reset"),
            _ => self.t.t("people.purpose_invite"),
        }
    }
}

/// The link of `issued` as the page shows it: the server's own address, from the
/// request (`http` only on the machine itself).
pub(crate) fn shared(headers: &HeaderMap, t: Tr<'_>, issued: Issued) -> Option<Shared> {
    let link = issued.link?;
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let local = host.starts_with("localhost") || host.starts_with("127.0.0.1");
    let scheme = if local { "http" } else { "https" };
    Some(Shared {
        username: issued.user.username,
        invite: link.purpose == pulih_domain::account::LinkPurpose::Invite,
        url: format!("{scheme}://{host}{}", link.path()),
        expires: t.at(&link.expires_at),
    })
}

/// What the users page shows besides the list.
struct Shown {
    form: UserForm,
    errors: HashMap<String, String>,
    issued: Option<Issued>,
    picks: Picks,
    status: StatusCode,
}

impl Shown {
    /// An empty form: no role, organisation or scope chosen, with the link to show if
    /// one was issued.
    fn fresh(issued: Option<Issued>) -> Self {
        Self {
            form: UserForm::default(),
            errors: HashMap::new(),
            issued,
            picks: Picks::default(),
            status: StatusCode::OK,
        }
    }
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    shown: Shown,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let users = state.app.list_users(&actor).await?;
    let open = state.app.open_links(&actor).await?;
    let orgs = state.app.list_orgs(&actor).await?;
    let shown_codes = users.iter().map(|u| u.scope.as_str());
    let org_codes = orgs.iter().map(|o| o.place.as_str());
    let form_code = std::iter::once(shown.form.scope.as_str());
    let places = places::named(state, shown_codes.chain(org_codes).chain(form_code)).await?;
    let mut form = shown.form;
    form.scope = places.label(&form.scope);
    let (t, nav) = frame(state, headers, who, "/users");
    let roles = Role::ALL
        .into_iter()
        .filter(|r| authorize(&actor, Action::manage_account(*r), &actor.scope).is_ok())
        .collect();
    let mut response = render(&UsersPage {
        t,
        nav,
        issued: shown.issued.and_then(|i| shared(headers, t, i)),
        actor,
        users,
        open,
        orgs,
        roles,
        form,
        errors: shown.errors,
        places,
        picks: shown.picks,
    });
    *response.status_mut() = shown.status;
    Ok(response)
}

/// `GET /users`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    page(&state, &headers, &who, Shown::fresh(None)).await
}

/// `POST /users`: creates the user; its invitation link is shown once.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(mut f): PageForm<UserForm>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(&headers));
    let mut places = Resolver::new(&state, t, who.0.actor());
    places.resolve("scope", &mut f.scope, Level::Any).await?;
    if !places.settled() {
        let shown = Shown {
            form: f,
            errors: places.errors,
            issued: None,
            picks: places.picks,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return page(&state, &headers, &who, shown).await;
    }
    let input = NewUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        org_id: f.org_id.clone(),
        scope: f.scope.clone(),
        password: None,
        confirm_privileged: !f.confirm_privileged.is_empty(),
    };
    match state.app.create_user(&who.0.actor(), input, &origin).await {
        Ok(created) => page(&state, &headers, &who, Shown::fresh(Some(created))).await,
        Err(e) => match field_errors(state.i18n.tr(crate::lang_of(&headers)), &e) {
            Some(errors) => {
                let form = UserForm {
                    scope: proposed_scope(&e).unwrap_or(f.scope.clone()),
                    ..f
                };
                page(
                    &state,
                    &headers,
                    &who,
                    Shown {
                        form,
                        errors,
                        issued: None,
                        picks: Picks::default(),
                        status: StatusCode::UNPROCESSABLE_ENTITY,
                    },
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

/// The scope proposed for an empty one (the organisation's area), to show in the field.
fn proposed_scope(e: &AppError) -> Option<String> {
    let AppError::Invalid(problems) = e else {
        return None;
    };
    problems
        .iter()
        .filter(|p| p.field == "scope")
        .flat_map(|p| &p.args)
        .find(|(name, _)| *name == "scope")
        .map(|(_, value)| value.clone())
}

/// A row action: the CSRF token and the version the page showed.
#[derive(serde::Deserialize)]
pub struct ActionForm {
    version: Option<i64>,
}

/// `POST /users/{id}/{disable|enable|reset-password|revoke-link}`; a stale page gets a
/// conflict.
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found((id, action)): Found<(UserId, String)>,
    PageForm(f): PageForm<ActionForm>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    match action.as_str() {
        "disable" | "enable" => {
            state
                .app
                .set_user_disabled(&actor, id, action == "disable", f.version, &origin)
                .await?;
            Ok(Redirect::to("/users").into_response())
        }
        "reset-password" => {
            let reset = state.app.reset_password(&actor, id, &origin).await?;
            page(&state, &headers, &who, Shown::fresh(Some(reset))).await
        }
        "revoke-link" => {
            state.app.revoke_link(&actor, id, &origin).await?;
            Ok(Redirect::to("/users").into_response())
        }
        _ => Err(AppError::NotFound.into()),
    }
}
