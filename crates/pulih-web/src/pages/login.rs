//! Logging in and out in the browser.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, Credentials, Login, LoginKind, LoginStep, Origin, random_token};

use super::{Nav, local_path, render};
use crate::auth::{CurrentUser, DEVICE_COOKIE, Jar, LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_csrf};
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError, lang_of};

/// How long a browser keeps its device token (renewed at each login).
const DEVICE_COOKIE_DAYS: i64 = 365;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    /// Said above the form: the password was just set through a link.
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage<'a> {
    t: Tr<'a>,
    nav: Nav,
    csrf: String,
    next: String,
    pending: String,
    error: Option<String>,
}

/// Where to go after logging in, whether the last session ended idle, and whether a
/// password was just set through a link.
#[derive(serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    #[serde(default)]
    idle: Option<String>,
    #[serde(default)]
    set: Option<String>,
}

/// The CSRF token of the forms used before logging in (kept in a cookie for an hour),
/// and the cookie that keeps it.
pub(crate) fn login_csrf(state: &AppState, headers: &HeaderMap) -> (String, String) {
    let jar = Jar::of(state, headers);
    let csrf = jar
        .get(headers, LOGIN_CSRF_COOKIE)
        .filter(|c| c.len() >= 32)
        .unwrap_or_else(random_token);
    let cookie = jar.set(LOGIN_CSRF_COOKIE, &csrf, 3600);
    (csrf, cookie)
}

/// The code step of a login.
#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pending: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// The login form.
#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// What the login page says besides the form.
#[derive(Default)]
struct Said {
    error: Option<String>,
    notice: Option<String>,
}

fn page(
    tr: Tr<'_>,
    headers: &HeaderMap,
    next: &str,
    username: String,
    said: Said,
    status: StatusCode,
    state: &AppState,
) -> Response {
    let (csrf, cookie) = login_csrf(state, headers);
    let nav = Nav {
        path: super::urlencode(&format!("/login?next={next}")),
        ..Nav::default()
    };
    let mut response = render(&LoginPage {
        t: tr,
        nav,
        csrf: csrf.clone(),
        next: next.to_owned(),
        username,
        error: said.error,
        notice: said.notice,
    });
    *response.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// `GET /login`.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let tr = state.i18n.tr(lang_of(&headers));
    let said = Said {
        error: q
            .idle
            .is_some()
            .then(|| tr.t("login.idle_ended").to_owned()),
        notice: q
            .set
            .is_some()
            .then(|| tr.t("login.password_set").to_owned()),
    };
    page(
        tr,
        &headers,
        local_path(q.next.as_deref()),
        String::new(),
        said,
        StatusCode::OK,
        &state,
    )
}

/// The code step's page, with the token of the password step.
fn code_page(
    state: &AppState,
    headers: &HeaderMap,
    next: &str,
    pending: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let jar = Jar::of(state, headers);
    let csrf = jar.get(headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let mut response = render(&CodePage {
        t: state.i18n.tr(lang_of(headers)),
        nav: Nav::default(),
        csrf,
        next: next.to_owned(),
        pending,
        error,
    });
    *response.status_mut() = status;
    response
}

/// Sets the session and device cookies of a login and sends the user on: to the
/// account page first when a password change or enrolment is due.
fn logged_in(state: &AppState, jar: Jar, login: &Login, next: &str) -> Response {
    let target = if state.app.gate(&login.user).is_some() {
        "/account"
    } else if next == "/" {
        super::home::HOME
    } else {
        next
    };
    let mut response = Redirect::to(target).into_response();
    let max_age = (login.session.expires_at - login.session.created_at).num_seconds();
    let value = jar.set(SESSION_COOKIE, &login.token, max_age);
    let device = jar.set(DEVICE_COOKIE, &login.device, DEVICE_COOKIE_DAYS * 24 * 3600);
    for value in [value, device] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The throttled answer of either step, on its own page.
fn throttled(tr: Tr<'_>, retry_after_secs: u64) -> String {
    let minutes = retry_after_secs.div_ceil(60).to_string();
    tr.fill("error.throttled", &[("minutes", &minutes)])
}

/// `POST /login`: opens a browser session, or shows the form again with the reason.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let jar = Jar::of(&state, &headers);
    check_csrf(
        &jar.get(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default(),
        &f.csrf,
    )?;
    let tr = state.i18n.tr(lang_of(&headers));
    let next = local_path(Some(&f.next)).to_owned();
    match state
        .app
        .login(
            Credentials {
                username: &f.username,
                password: &f.password,
                device: jar.get(&headers, DEVICE_COOKIE).as_deref(),
                code: None,
            },
            LoginKind::Web,
            &origin,
        )
        .await
    {
        Ok(LoginStep::Done(login)) => Ok(logged_in(&state, jar, &login, &next)),
        Ok(LoginStep::CodeNeeded(pending)) => Ok(code_page(
            &state,
            &headers,
            &next,
            pending,
            None,
            StatusCode::OK,
        )),
        Err(AppError::LoginFailed) => Ok(page(
            tr,
            &headers,
            &next,
            f.username,
            Said {
                error: Some(tr.t("error.login_failed").to_owned()),
                notice: None,
            },
            StatusCode::UNAUTHORIZED,
            &state,
        )),
        Err(AppError::Throttled { retry_after_secs }) => Ok(page(
            tr,
            &headers,
            &next,
            f.username,
            Said {
                error: Some(throttled(tr, retry_after_secs)),
                notice: None,
            },
            StatusCode::TOO_MANY_REQUESTS,
            &state,
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /login/code`: the code step; a wrong code shows the step again, an expired
/// step goes back to the password.
pub async fn submit_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    Form(f): Form<CodeForm>,
) -> Result<Response, WebError> {
    let jar = Jar::of(&state, &headers);
    check_csrf(
        &jar.get(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default(),
        &f.csrf,
    )?;
    let tr = state.i18n.tr(lang_of(&headers));
    let next = local_path(Some(&f.next)).to_owned();
    let device = jar.get(&headers, DEVICE_COOKIE);
    let again = |error: String, status| {
        code_page(
            &state,
            &headers,
            &next,
            f.pending.clone(),
            Some(error),
            status,
        )
    };
    match state
        .app
        .login_with_code(
            &f.pending,
            &f.code,
            device.as_deref(),
            LoginKind::Web,
            &origin,
        )
        .await
    {
        Ok(login) => Ok(logged_in(&state, jar, &login, &next)),
        Err(AppError::CodeFailed) => Ok(again(
            tr.t("error.totp_failed").to_owned(),
            StatusCode::UNAUTHORIZED,
        )),
        Err(AppError::Throttled { retry_after_secs }) => Ok(again(
            throttled(tr, retry_after_secs),
            StatusCode::TOO_MANY_REQUESTS,
        )),
        Err(AppError::LoginFailed) => Ok(page(
            tr,
            &headers,
            &next,
            String::new(),
            Said {
                error: Some(tr.t("login.code_expired").to_owned()),
                notice: None,
            },
            StatusCode::UNAUTHORIZED,
            &state,
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /logout`: ends the session and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    _: PageForm,
) -> Result<Response, WebError> {
    state.app.logout(&who.0, &origin).await?;
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&Jar::of(&state, &headers).set(SESSION_COOKIE, "", 0)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
