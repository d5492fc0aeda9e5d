//! How the notifications sent out by e-mail and SMS/WhatsApp fare, for administrators:
//! counts per channel and state with the last error kind; no addresses, no texts.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::DeliveryCountView;

use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "deliveries.html")]
struct DeliveriesPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    counts: Vec<DeliveryCountView>,
}

impl DeliveriesPage<'_> {
    /// Translation key of a channel's name.
    fn channel(&self, c: &DeliveryCountView) -> &'static str {
        match c.channel.key() {
            "email" => "account.channel_email",
            _ => "account.channel_sms",
        }
    }

    /// Translation key of a state.
    fn state(&self, c: &DeliveryCountView) -> String {
        format!("deliveries.state.{}", c.state.key())
    }
}

/// `GET /deliveries`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let counts = state.app.delivery_status(&who.0.actor()).await?;
    let (t, nav) = frame(&state, &headers, &who, "/deliveries");
    Ok(render(&DeliveriesPage { t, nav, counts }))
}
