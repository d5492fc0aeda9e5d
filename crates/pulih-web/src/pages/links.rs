//! The page a one-time link opens (`/link/{token}`): the person it was issued for sees
//! their account's name and chooses their own password; then they log in. Any token that
//! does not work (unknown, used, expired, revoked) gets the same page saying so.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, LinkHolder, Origin};

use super::login::login_csrf;
use super::{Nav, field_errors, render};
use crate::auth::{Jar, LOGIN_CSRF_COOKIE, check_csrf};
use crate::i18n::Tr;
use crate::{AppState, WebError, lang_of};

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    csrf: String,
    /// The link's account, or none when the link does not work.
    holder: Option<LinkHolder>,
    /// When it stops working, in the reader's words.
    expires: String,
    errors: HashMap<String, String>,
}

/// The password form.
#[derive(serde::Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    errors: HashMap<String, String>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(lang_of(headers));
    let holder = match state.app.link_holder(token).await {
        Ok(holder) => Some(holder),
        Err(AppError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let expires = holder
        .as_ref()
        .map(|h| t.at(&h.expires_at))
        .unwrap_or_default();
    let status = match (&holder, errors.is_empty()) {
        (None, _) => StatusCode::NOT_FOUND,
        (Some(_), false) => StatusCode::UNPROCESSABLE_ENTITY,
        (Some(_), true) => StatusCode::OK,
    };
    let (csrf, cookie) = login_csrf(state, headers);
    let mut response = render(&LinkPage {
        t,
        nav: Nav::default(),
        csrf,
        holder,
        expires,
        errors,
    });
    *response.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// `GET /link/{token}`.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    page(&state, &headers, &token, HashMap::new()).await
}

/// `POST /link/{token}`: sets the password and sends the person to log in.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    Path(token): Path<String>,
    Form(f): Form<LinkForm>,
) -> Result<Response, WebError> {
    let jar = Jar::of(&state, &headers);
    check_csrf(
        &jar.get(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default(),
        &f.csrf,
    )?;
    let t = state.i18n.tr(lang_of(&headers));
    if f.password != f.password_again {
        let errors = HashMap::from([(
            "password_again".to_owned(),
            t.t("invalid.password_again").to_owned(),
        )]);
        return page(&state, &headers, &token, errors).await;
    }
    match state.app.redeem_link(&token, &f.password, &origin).await {
        Ok(_) => Ok(Redirect::to("/login?set=1").into_response()),
        Err(AppError::NotFound) => page(&state, &headers, &token, HashMap::new()).await,
        Err(e) => match field_errors(t, &e) {
            Some(errors) => page(&state, &headers, &token, errors).await,
            None => Err(e.into()),
        },
    }
}
