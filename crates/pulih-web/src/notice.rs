//! One-time notices after a form was saved. A page form that succeeds answers with a
//! redirect (303); the next page says "Perubahan tersimpan" once. A short-lived cookie
//! carries the notice across the redirect: [`notices`] sets it on every successful page
//! form and clears it once a page has shown it. Only known notices are read back, so a
//! planted cookie can show nothing but one of these sentences. A page that says what was
//! saved itself (a redirect to `…?saved=…`: the client record, aftercare, hand-offs with
//! their count) gets no second notice.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::auth::{CookieName, Jar};

/// The notice cookie.
const NOTICE_COOKIE: CookieName = CookieName::new("pulih_notice", "__Host-pulih_notice");
/// Seconds a notice waits for the page after its redirect.
const NOTICE_SECS: i64 = 60;
/// Page forms whose redirect is not a saved change.
const NOT_SAVES: [&str; 2] = ["/login", "/logout"];

/// A sentence shown once at the top of the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A form was saved.
    Saved,
    /// The user's own password was changed.
    PasswordChanged,
}

impl Notice {
    /// The text key of the sentence.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Saved => "notice.saved",
            Self::PasswordChanged => "notice.password_changed",
        }
    }

    const fn code(self) -> &'static str {
        match self {
            Self::Saved => "saved",
            Self::PasswordChanged => "password",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Saved, Self::PasswordChanged]
            .into_iter()
            .find(|n| n.code() == s)
    }

    /// The notice waiting for this request's page, if any.
    pub fn of(jar: Jar, headers: &HeaderMap) -> Option<Self> {
        jar.get(headers, NOTICE_COOKIE)
            .and_then(|v| Self::parse(&v))
    }

    /// Makes `response` (a redirect) carry this notice to the next page.
    pub fn attach(self, jar: Jar, response: &mut Response) {
        set_cookie(response, &jar.set(NOTICE_COOKIE, self.code(), NOTICE_SECS));
    }
}

fn set_cookie(response: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Sets the saved notice on every page form's success redirect that carries no other
/// notice, and clears a notice once a full page has been shown with it.
pub async fn notices(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let jar = Jar::of(&state, headers);
    let path = request.uri().path();
    let page_form = request.method() == Method::POST
        && !path.starts_with("/api/")
        && !NOT_SAVES.contains(&path);
    let pending = request.method() == Method::GET
        && !headers.contains_key("hx-request")
        && Notice::of(jar, headers).is_some();
    let mut response = next.run(request).await;
    let prefix = format!("{}=", jar.name(NOTICE_COOKIE));
    let carries_notice = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(prefix.as_bytes()));
    let says_itself = response
        .headers()
        .get(header::LOCATION)
        .is_some_and(|l| l.to_str().is_ok_and(|l| l.contains("saved=")));
    if page_form && response.status() == StatusCode::SEE_OTHER && !carries_notice && !says_itself {
        Notice::Saved.attach(jar, &mut response);
    }
    let page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if pending && page {
        set_cookie(&mut response, &jar.set(NOTICE_COOKIE, "", 0));
    }
    response
}
