//! HTML pages. Each module is one resource; handlers extract, call one use-case, render.

pub mod account;
pub mod activities;
mod again;
pub mod assets;
pub mod audit;
pub mod bersinar;
pub mod bersinar_decree;
pub mod break_glass;
pub mod channels;
pub mod clients;
pub mod dashboard;
pub mod deliveries;
pub mod directory;
pub mod handoffs;
pub mod home;
pub mod ikn;
pub mod ikotan;
pub mod links;
pub mod login;
pub mod map;
pub mod mous;
pub mod office_activities;
pub mod ops;
pub mod orgs;
mod page_form;
pub mod people;
pub mod phone;
pub mod places;
pub mod rakor;
pub mod referrals;
pub mod regions;
pub mod regulations;
pub mod teman_sebaya;
pub mod units;
pub mod users;
pub mod worklist;

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use pulih_app::Authenticated;
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, authorize};
use pulih_domain::client_access::works_with_clients;
use pulih_domain::region::TimeZone;

use crate::auth::{CurrentUser, Jar, SESSION_COOKIE};
use crate::i18n::{Lang, Tr};
use crate::notice::Notice;
use crate::{AppState, WebError, lang_of};

/// What the page frame needs: who is logged in, the CSRF token, the current path.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// Display name of the logged-in user.
    pub user_name: Option<String>,
    /// Whether to show the administration links and forms (the same decision as the
    /// use-cases make: `authorize`).
    pub admin: bool,
    /// Whether to show the users link.
    pub users: bool,
    /// Whether to show the clients link (the roles that work with clients).
    pub clients: bool,
    /// Whether to show the referrals link (those who send or receive referrals).
    pub referrals: bool,
    /// Whether to show the partner directory link (whoever refers or receives referrals).
    pub directory: bool,
    /// Whether to show the break-glass review link (administrators).
    pub break_glass_review: bool,
    /// Whether to show the hand-offs link (police liaisons).
    pub handoffs: bool,
    /// Whether to show the rakor and MoU link.
    pub coordination: bool,
    /// The session's CSRF token, for the logout form and page forms.
    pub csrf: String,
    /// The current path, percent-encoded, for the language switch.
    pub path: String,
    /// How many notifications are unread, shown beside the menu's link.
    pub unread: u64,
    /// A sentence to show once at the top of the page (after a saved form).
    pub notice: Option<Notice>,
}

impl Nav {
    /// The frame for a logged-in user on `path`.
    pub fn new(who: &Authenticated, path: &str) -> Self {
        let actor = who.actor();
        let may = |action| authorize(&actor, action, &actor.scope).is_ok();
        Self {
            user_name: Some(who.user.display_name.clone()),
            admin: may(Action::ManageUsers),
            users: may(Action::ViewUsers),
            clients: works_with_clients(actor.role),
            referrals: works_with_clients(actor.role) || actor.role == Role::Partner,
            directory: may(Action::FindServices),
            break_glass_review: may(Action::ReviewBreakGlass),
            handoffs: may(Action::RecordHandoff),
            coordination: may(Action::ViewCoordination),
            csrf: who.session.csrf_token.clone(),
            path: urlencode(path),
            unread: 0,
            notice: None,
        }
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    /// Texts.
    pub t: Tr<'a>,
    /// Frame.
    pub nav: Nav,
    /// HTTP status.
    pub status: u16,
    /// What went wrong, in the user's language.
    pub message: String,
    /// Field-level details.
    pub details: Vec<String>,
}

/// Renders a template to a response; a template failure is logged and becomes a 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The translated message for each field error, keyed by field name.
pub fn field_errors(
    tr: Tr<'_>,
    e: &pulih_app::AppError,
) -> Option<std::collections::HashMap<String, String>> {
    match e {
        pulih_app::AppError::Invalid(fields) => Some(
            fields
                .iter()
                .map(|p| (p.field.to_string(), tr.problem(p)))
                .collect(),
        ),
        _ => None,
    }
}

/// `/`: the user's home page, or the login page for everyone else. Other sites may link
/// here, so `/` reads nothing itself.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Redirect {
    if Jar::of(&state, &headers)
        .get(&headers, SESSION_COOKIE)
        .is_some()
    {
        Redirect::to(home::HOME)
    } else {
        Redirect::to("/login")
    }
}

/// Query of the language switch.
#[derive(serde::Deserialize)]
pub struct BackTo {
    next: Option<String>,
}

/// `/lang/{lang}`: remembers the language for a year and returns to the page.
pub async fn switch_lang(
    Path(lang): Path<String>,
    Query(q): Query<BackTo>,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&lang).ok_or(WebError::BadRequest("error.bad_request"))?;
    let back = local_path(q.next.as_deref());
    let mut response = Redirect::to(back).into_response();
    let value = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// A path on this site to return to; anything else (other hosts, `//`) becomes `/`.
pub fn local_path(next: Option<&str>) -> &str {
    // Browsers drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` would
    // leave the site: only plain printable paths are accepted.
    let plain = |p: &str| p.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && plain(p) => p,
        _ => "/",
    }
}

/// Headers that keep pages from being framed, sniffed, leaking referrers or loading
/// what they should not, and that keep browsers on HTTPS once they reached Pulih over it.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let secure = Jar::of(&state, request.headers()).secure();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if secure {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    );
    response
}

/// The texts and frame every page handler starts from; times are shown in the zone of
/// the user's region.
pub fn frame<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    path: &str,
) -> (Tr<'a>, Nav) {
    let zone = TimeZone::of_scope(&who.0.user.scope);
    let t = state
        .i18n
        .tr(lang_of(headers))
        .with_time(zone, state.app.current_time());
    let nav = Nav {
        unread: who.1,
        notice: Notice::of(Jar::of(state, headers), headers),
        ..Nav::new(&who.0, path)
    };
    (t, nav)
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        assert_eq!(
            local_path(Some("/regions/21.71?q=a%20b")),
            "/regions/21.71?q=a%20b"
        );
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ x",
            "/\u{7f}",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
