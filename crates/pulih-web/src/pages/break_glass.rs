//! Break-glass access: a coordinator asks for time-limited access to a client outside
//! its normal reach, with a reason; administrators review every such access.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, GrantView, Origin};
use pulih_domain::ids::{GrantId, UserId};

use super::clients::{Errors, FormData, refused};
use super::places::{self, Places};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError, lang_of};

#[derive(Template)]
#[template(path = "break_glass.html")]
struct RequestPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    form: FormData,
    errors: Errors,
}

/// `GET /break-glass`: the request form, explaining that access is limited and reviewed.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    pulih_domain::client_access::may_break_glass(&who.0.actor()).map_err(AppError::from)?;
    let (t, nav) = frame(&state, &headers, &who, "/break-glass");
    Ok(render(&RequestPage {
        t,
        nav,
        form: FormData::default(),
        errors: Errors::default(),
    }))
}

/// `POST /break-glass`: opens access and shows the record (with the break-glass banner).
pub async fn request(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let result = state
        .app
        .break_glass(
            &who.0.actor(),
            form.get("code"),
            form.get("reason"),
            &origin,
        )
        .await;
    match result {
        Ok(opened) => Ok(Redirect::to(&format!("/clients/{}", opened.client_id)).into_response()),
        Err(e) => {
            // an unknown code and a client outside the province are one answer: a 404
            // that says so on the form
            let tr = state.i18n.tr(lang_of(&headers));
            let (status, errors) = match e {
                AppError::NotFound => {
                    let unknown = AppError::invalid("code", "invalid.client_code_unknown");
                    (StatusCode::NOT_FOUND, refused(&tr, "", unknown)?.1)
                }
                other => refused(&tr, "", other)?,
            };
            let (t, nav) = frame(&state, &headers, &who, "/break-glass");
            let mut response = render(&RequestPage {
                t,
                nav,
                form,
                errors,
            });
            *response.status_mut() = status;
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "break_glass_review.html")]
struct ReviewPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    grants: Vec<GrantView>,
    names: HashMap<UserId, String>,
    all: bool,
    reviewed: bool,
    form: FormData,
    errors: Errors,
    places: Places,
}

impl ReviewPage<'_> {
    /// Who broke the glass: their name when the reviewer may see users, else the id.
    fn who(&self, id: &UserId) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// Which grants to list, and whether one was just reviewed.
#[derive(Default, serde::Deserialize)]
pub struct Listing {
    #[serde(default)]
    all: bool,
    #[serde(default)]
    reviewed: Option<String>,
}

async fn review_page(
    state: &AppState,
    (headers, origin): (&HeaderMap, &Origin),
    who: &CurrentUser,
    listing: Listing,
    refused: Option<(StatusCode, FormData, Errors)>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let grants = state.app.grants(&actor, !listing.all, origin).await?;
    let names = state
        .app
        .list_users(&actor)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.username)))
        .collect();
    let (status, form, errors) = refused.unwrap_or_default();
    let places = places::named(state, grants.iter().map(|g| g.region.as_str())).await?;
    let (t, nav) = frame(state, headers, who, "/break-glass/review");
    let mut response = render(&ReviewPage {
        t,
        nav,
        grants,
        names,
        all: listing.all,
        reviewed: listing.reviewed.is_some(),
        form,
        errors,
        places,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /break-glass/review`: grants waiting for review (`?all=true` for every grant).
pub async fn review_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Query(listing): Query<Listing>,
) -> Result<Response, WebError> {
    review_page(&state, (&headers, &origin), &who, listing, None).await
}

/// `POST /break-glass/{id}/review`: signs off or escalates one grant, with a note.
pub async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<GrantId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let grant = id;
    let note = form.opt("note");
    let result = state
        .app
        .review_grant(
            &who.0.actor(),
            grant,
            form.get("outcome"),
            note.as_deref(),
            &origin,
        )
        .await;
    match result {
        Ok(_) => Ok(Redirect::to("/break-glass/review?reviewed=1").into_response()),
        Err(e) => {
            let name = format!("grant-{grant}");
            let (status, errors) = refused(&state.i18n.tr(lang_of(&headers)), &name, e)?;
            let refused = Some((status, form, errors));
            review_page(
                &state,
                (&headers, &origin),
                &who,
                Listing::default(),
                refused,
            )
            .await
        }
    }
}
