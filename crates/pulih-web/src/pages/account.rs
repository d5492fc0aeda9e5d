//! The user's own account: changing the password, and two-factor login (enrolling with a
//! QR code, the recovery codes shown once, turning it off with a code).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AppError, Gate, Origin, TotpEnrolment};
use qrcode::QrCode;
use qrcode::render::svg;

use super::{Nav, field_errors, frame, render};
use crate::auth::{CurrentUser, Jar};
use crate::i18n::Tr;
use crate::notice::Notice;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    username: String,
    must_change: bool,
    totp_due: bool,
    totp_enabled: bool,
    /// An enrolment begun: the QR code (SVG) and the secret to type.
    enrolment: Option<(String, String)>,
    /// The recovery codes, on the one page that shows them.
    recovery_codes: Vec<String>,
    errors: HashMap<String, String>,
    /// The notification channels.
    channels: Vec<super::channels::ChannelForm>,
    /// The channel whose form `errors` are about, if any.
    failed_channel: String,
}

/// The password form.
#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// A two-factor form: to confirm or turn off, a code.
#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The QR code of an `otpauth://` URI as inline SVG (without the XML prolog).
fn qr_svg(uri: &str) -> Result<String, WebError> {
    let code =
        QrCode::new(uri.as_bytes()).map_err(|e| AppError::Internal(format!("qr code: {e}")))?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    let start = image.find("<svg").unwrap_or(0);
    Ok(image[start..].to_owned())
}

/// What the page shows besides the forms.
#[derive(Default)]
struct Shown {
    enrolment: Option<TotpEnrolment>,
    recovery_codes: Vec<String>,
    errors: HashMap<String, String>,
    failed_channel: String,
    /// The address and language typed in the refused channel form, shown again.
    typed: (String, Option<String>),
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    mut shown: Shown,
) -> Result<Response, WebError> {
    let u = &who.0.user;
    let totp_enabled = u.totp_enabled || !shown.recovery_codes.is_empty();
    if shown.enrolment.is_none() && !totp_enabled {
        shown.enrolment = state.app.pending_totp(&who.0).await?;
    }
    let enrolment = match shown.enrolment {
        Some(e) => Some((qr_svg(&e.uri)?, e.secret)),
        None => None,
    };
    let mut channels = super::channels::forms(state.app.my_channels(&who.0.actor()).await?);
    if let Some(c) = channels.iter_mut().find(|c| c.key == shown.failed_channel) {
        let (address, lang) = shown.typed;
        c.address = address;
        c.english = lang.as_deref() == Some("en");
    }
    let (t, nav) = frame(state, headers, who, "/account");
    Ok(render(&AccountPage {
        t,
        nav,
        username: u.username.clone(),
        must_change: u.must_change_password,
        totp_due: state.app.gate(u) == Some(Gate::TotpEnrolment),
        totp_enabled,
        enrolment,
        recovery_codes: shown.recovery_codes,
        errors: shown.errors,
        channels,
        failed_channel: shown.failed_channel,
    }))
}

/// The page again with a form's field errors (422), or the error itself.
async fn refused(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    e: AppError,
) -> Result<Response, WebError> {
    refused_channel(state, headers, who, e, ("", Default::default())).await
}

/// As [`refused`], for the form of `channel` (empty for the other forms), showing what was
/// `typed` in it again.
pub(super) async fn refused_channel(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    e: AppError,
    (channel, typed): (&str, (String, Option<String>)),
) -> Result<Response, WebError> {
    match field_errors(state.i18n.tr(crate::lang_of(headers)), &e) {
        Some(errors) => {
            let shown = Shown {
                errors,
                failed_channel: channel.to_owned(),
                typed,
                ..Shown::default()
            };
            let mut response = page(state, headers, who, shown).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        None => Err(e.into()),
    }
}

/// `GET /account`.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    page(&state, &headers, &who, Shown::default()).await
}

/// `POST /account`: changes the password; other sessions end.
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(f): PageForm<PasswordForm>,
) -> Result<Response, WebError> {
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
        Err(e) => refused(&state, &headers, &who, e).await,
    }
}

/// `POST /account/totp`: begins enrolment and shows the QR code and the secret.
pub async fn begin_totp(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    _: PageForm,
) -> Result<Response, WebError> {
    let enrolment = state.app.begin_totp(&who.0, &origin).await?;
    let shown = Shown {
        enrolment: Some(enrolment),
        ..Shown::default()
    };
    page(&state, &headers, &who, shown).await
}

/// `POST /account/totp/confirm`: confirms enrolment with a code and shows the recovery
/// codes, this once.
pub async fn confirm_totp(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(f): PageForm<CodeForm>,
) -> Result<Response, WebError> {
    match state.app.confirm_totp(&who.0, &f.code, &origin).await {
        Ok(recovery_codes) => {
            let shown = Shown {
                recovery_codes,
                ..Shown::default()
            };
            page(&state, &headers, &who, shown).await
        }
        Err(e) => refused(&state, &headers, &who, e).await,
    }
}

/// `POST /account/totp/disable`: turns two-factor login off with a code.
pub async fn disable_totp(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(f): PageForm<CodeForm>,
) -> Result<Response, WebError> {
    match state.app.disable_totp(&who.0, &f.code, &origin).await {
        Ok(()) => Ok(Redirect::to("/account").into_response()),
        Err(e) => refused(&state, &headers, &who, e).await,
    }
}
