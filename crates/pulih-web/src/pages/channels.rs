//! The user's notification channels on `/account`: an e-mail address and a mobile
//! number for SMS/WhatsApp, each with the language of the messages; a channel the
//! server is not configured for is shown as unavailable.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{ChannelInput, ChannelsView, Origin};
use pulih_domain::outbound::{Channel, Lang};

use crate::auth::CurrentUser;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// One channel's form as shown.
pub struct ChannelForm {
    /// `email` or `sms`.
    pub key: &'static str,
    /// Translation key of its name.
    pub label: &'static str,
    /// The input's type and autocomplete token.
    pub input: (&'static str, &'static str),
    /// Whether the server sends on it.
    pub available: bool,
    /// Whether the user chose it.
    pub chosen: bool,
    /// The address given.
    pub address: String,
    /// Whether the messages are in English.
    pub english: bool,
}

impl ChannelForm {
    /// Translation key of the hint under the address.
    pub fn label_hint(&self) -> &'static str {
        match self.key {
            "email" => "hint.channel_email",
            _ => "hint.channel_sms",
        }
    }
}

/// The forms of every channel.
pub fn forms(view: ChannelsView) -> Vec<ChannelForm> {
    view.channels
        .into_iter()
        .map(|c| {
            let (label, input) = match c.channel {
                Channel::Email => ("account.channel_email", ("email", "email")),
                Channel::Sms => ("account.channel_sms", ("tel", "tel")),
            };
            ChannelForm {
                key: c.channel.key(),
                label,
                input,
                available: c.available,
                chosen: c.chosen,
                address: c.address.unwrap_or_default(),
                english: c.lang == Some(Lang::En),
            }
        })
        .collect()
}

/// The channel form.
#[derive(serde::Deserialize)]
pub struct ChannelFormInput {
    #[serde(default)]
    address: String,
    #[serde(default)]
    lang: Option<String>,
    /// `save` or `remove`.
    #[serde(default)]
    r#do: String,
}

/// `POST /account/channels/{channel}`: saves or drops a channel.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Path(channel): Path<String>,
    PageForm(f): PageForm<ChannelFormInput>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let typed = (f.address.clone(), f.lang.clone());
    let done = if f.r#do == "remove" {
        state.app.remove_my_channel(&actor, &origin, &channel).await
    } else {
        let input = ChannelInput {
            address: f.address,
            lang: f.lang,
        };
        state
            .app
            .set_my_channel(&actor, &origin, &channel, &input)
            .await
    };
    match done {
        Ok(()) => Ok(Redirect::to("/account#channels-title").into_response()),
        Err(e) => {
            let sent = (channel.as_str(), typed);
            super::account::refused_channel(&state, &headers, &who, e, sent).await
        }
    }
}
