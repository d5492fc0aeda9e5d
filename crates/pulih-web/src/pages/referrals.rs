//! Referral pages: the list (incoming for partners, sent for the others), one referral
//! with the moves its reader may make, a client's referrals with the form that refers
//! the client to a partner service, and the notifications.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{
    MoveInput, NotificationView, Origin, ReferralInput, ReferralLine, ReferralView, ServiceView,
    Tray, View,
};
use pulih_domain::account::Role;
use pulih_domain::ids::{ClientId, ReferralId};

use super::clients::{Errors, FormData, refused, with_status};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError, lang_of};

/// The form pairs of a POST.

#[derive(Template)]
#[template(path = "referrals/index.html")]
struct ListPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    partner: bool,
    items: Vec<ReferralLine>,
}

/// `GET /referrals`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let partner = actor.role == Role::Partner;
    let tray = if partner { Tray::Incoming } else { Tray::Sent };
    let items = state.app.referrals(&actor, tray).await?;
    let (t, nav) = frame(&state, &headers, &who, "/referrals");
    Ok(render(&ListPage {
        t,
        nav,
        partner,
        items,
    }))
}

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct ShowPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    r: ReferralView,
    form: FormData,
    errors: Errors,
}

async fn show_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    origin: &Origin,
    id: ReferralId,
    refused: Option<(StatusCode, FormData, Errors)>,
) -> Result<Response, WebError> {
    let r = state.app.referral(&who.0.actor(), id, origin).await?;
    let (t, nav) = frame(state, headers, who, &format!("/referrals/{id}"));
    let (status, form, errors) = refused.unwrap_or_default();
    let page = render(&ShowPage {
        t,
        nav,
        r,
        form,
        errors,
    });
    Ok(with_status(page, status))
}

/// `GET /referrals/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ReferralId>,
) -> Result<Response, WebError> {
    show_page(&state, &headers, &who, &origin, id, None).await
}

/// `POST /referrals/{id}/moves`: one move from the referral page.
pub async fn make_move(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ReferralId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = MoveInput {
        step: form.get("move").to_owned(),
        reason: form.opt("reason"),
        version: form.get("version").trim().parse().unwrap_or(0),
    };
    let result = state
        .app
        .move_referral(&who.0.actor(), id, input, &origin)
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}")).into_response()),
        Err(e) => {
            let t = state.i18n.tr(lang_of(&headers));
            let name = format!("move-{}", form.get("move"));
            let (status, errors) = refused(&t, &name, e)?;
            show_page(
                &state,
                &headers,
                &who,
                &origin,
                id,
                Some((status, form, errors)),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "referrals/client.html")]
struct ClientPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    client: ClientId,
    code: String,
    items: Vec<ReferralLine>,
    services: Vec<ServiceView>,
    may_refer: bool,
    form: FormData,
    errors: Errors,
}

async fn client_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    origin: &Origin,
    id: ClientId,
    refused: Option<(StatusCode, FormData, Errors)>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let record = state
        .app
        .client_record(&actor, id, View::Page, origin)
        .await?;
    let items = state.app.client_referrals(&actor, id).await?;
    let region = record.summary.region.to_string();
    let services = state
        .app
        .search_services(&actor, None, Some(&region))
        .await?;
    let may_refer = state
        .app
        .may(
            &actor,
            id,
            pulih_domain::client_access::ClientAction::Record,
        )
        .await
        .is_ok();
    let (t, nav) = frame(state, headers, who, &format!("/clients/{id}/referrals"));
    let (status, form, errors) = refused.unwrap_or_default();
    let page = render(&ClientPage {
        t,
        nav,
        client: id,
        code: record.summary.code.to_string(),
        items,
        services,
        may_refer,
        form,
        errors,
    });
    Ok(with_status(page, status))
}

/// `GET /clients/{id}/referrals`: the client's referrals and the form to refer.
pub async fn of_client(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    client_page(&state, &headers, &who, &origin, id, None).await
}

/// `POST /clients/{id}/referrals`: refers the client; on success, the referral's page.
pub async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = ReferralInput {
        service_id: form.get("service_id").to_owned(),
        reason: form.get("reason").to_owned(),
    };
    match state
        .app
        .send_referral(&who.0.actor(), id, input, &origin)
        .await
    {
        Ok(view) => Ok(Redirect::to(&format!("/referrals/{}", view.line.id)).into_response()),
        Err(e) => {
            let t = state.i18n.tr(lang_of(&headers));
            let (status, errors) = refused(&t, "refer", e)?;
            client_page(
                &state,
                &headers,
                &who,
                &origin,
                id,
                Some((status, form, errors)),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    items: Vec<NotificationView>,
}

impl NotificationsPage<'_> {
    /// The text of a notification: its kind's message with the client codes, service,
    /// partner, user and limit filled in; a digest lists its counts.
    fn message(&self, n: &NotificationView) -> String {
        let text = |key: &str| match &n.detail[key] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(x) => x.to_string(),
            _ => String::new(),
        };
        if n.kind == "digest" {
            let counts = n.detail["counts"].as_object().cloned().unwrap_or_default();
            let parts: Vec<String> = counts
                .iter()
                .map(|(k, v)| format!("{}: {v}", self.t.t(&format!("worklist.{k}"))))
                .collect();
            return format!("{} {}", self.t.t("notification.digest"), parts.join(" · "));
        }
        self.t.fill(
            &format!("notification.{}", n.kind),
            &[
                ("code", &text("client_code")),
                ("duplicate", &text("duplicate_code")),
                ("service", &text("service")),
                ("partner", &text("partner")),
                ("user", &text("user")),
                ("limit", &text("limit")),
                ("size", &text("size")),
                ("checkpoint", &text("checkpoint")),
            ],
        )
    }

    /// Where a notification leads: its referral, else its client.
    fn link(n: &NotificationView) -> Option<String> {
        let at = |key: &str, path: &str| n.detail[key].as_str().map(|id| format!("{path}/{id}"));
        at("referral", "/referrals").or_else(|| at("client", "/clients"))
    }
}

/// `GET /notifications`.
pub async fn notifications(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let items = state.app.notifications(&who.0.actor()).await?;
    let (t, nav) = frame(&state, &headers, &who, "/notifications");
    Ok(render(&NotificationsPage { t, nav, items }))
}

/// `POST /notifications/read`: marks them all read.
pub async fn mark_read(
    State(state): State<AppState>,
    who: CurrentUser,
    _: PageForm,
) -> Result<Response, WebError> {
    state.app.mark_notifications_read(&who.0.actor()).await?;
    Ok(Redirect::to("/notifications").into_response())
}
