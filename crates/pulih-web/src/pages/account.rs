//! The user's own account: changing the password.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Nav, field_errors, frame, render};
use crate::auth::{CurrentUser, Jar, check_csrf};
use crate::i18n::Tr;
use crate::notice::Notice;
use crate::{AppState, WebError};
use pulih_app::Origin;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    username: String,
    must_change: bool,
    errors: HashMap<String, String>,
}

/// The password form.
#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    errors: HashMap<String, String>,
) -> Response {
    let (t, nav) = frame(state, headers, who, "/account");
    let u = &who.0.user;
    render(&AccountPage {
        t,
        nav,
        username: u.username.clone(),
        must_change: u.must_change_password,
        errors,
    })
}

/// `GET /account`.
pub async fn form(State(state): State<AppState>, headers: HeaderMap, who: CurrentUser) -> Response {
    page(&state, &headers, &who, HashMap::new())
}

/// `POST /account`: changes the password; other sessions end.
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Form(f): Form<PasswordForm>,
) -> Result<Response, WebError> {
    check_csrf(&who.0.session.csrf_token, &f.csrf)?;
    match state
        .app
        .change_own_password(&who.0, &f.current_password, &f.new_password, &origin)
        .await
    {
        Ok(_) => {
            let mut response = Redirect::to(super::home::HOME).into_response();
            Notice::PasswordChanged.attach(Jar::of(&state, &headers), &mut response);
            Ok(response)
        }
        Err(e) => match field_errors(state.i18n.tr(crate::lang_of(&headers)), &e) {
            Some(errors) => {
                let mut response = page(&state, &headers, &who, errors);
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(response)
            }
            None => Err(e.into()),
        },
    }
}
