//! A user's own channels: which of the configured ones they chose, with their address
//! (shown only to themselves) and the language of the messages. Choosing or dropping a
//! channel is audited with the channel and language, never the address.

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::outbound::{Channel, Contact, Lang};
use pulih_store::ChannelChoice;
use serde::Serialize;
use serde_json::json;

use crate::{App, AppError, AppResult, Origin, Problem, Record};

/// One channel as its user sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelView {
    /// The channel.
    pub channel: Channel,
    /// Whether the server is configured to send on it (else it cannot be chosen).
    pub available: bool,
    /// Whether the user chose it.
    pub chosen: bool,
    /// The address given, when chosen.
    pub address: Option<String>,
    /// The language of the messages, when chosen.
    pub lang: Option<Lang>,
}

/// The user's channels: the app always, and each channel besides it.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelsView {
    /// Every channel besides the app.
    pub channels: Vec<ChannelView>,
}

/// A channel chosen, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ChannelInput {
    /// The address: an e-mail address, or an Indonesian mobile number.
    pub address: String,
    /// `id` or `en` (default `id`).
    #[serde(default)]
    pub lang: Option<String>,
}

fn own(actor: &Actor) -> AppResult<()> {
    authorize(actor, Action::ManageOwnAccount, &actor.scope)?;
    Ok(())
}

impl App {
    /// The actor's channels.
    #[tracing::instrument(skip_all)]
    pub async fn my_channels(&self, actor: &Actor) -> AppResult<ChannelsView> {
        own(actor)?;
        let chosen = self.store.user_channels(actor.user_id).await?;
        let available = self.outbound_channels();
        let mut channels = Vec::new();
        for channel in Channel::ALL {
            let found = chosen.iter().find(|c| c.channel == channel);
            let address = match found {
                Some(c) => Some(self.keys.open_contact(actor.user_id, channel, &c.address)?),
                None => None,
            };
            channels.push(ChannelView {
                channel,
                available: available.contains(&channel),
                chosen: found.is_some(),
                address,
                lang: found.map(|c| c.lang),
            });
        }
        Ok(ChannelsView { channels })
    }

    /// Chooses `channel` (a key, `email` or `sms`) for the actor with the address and
    /// language of `input`, replacing what was given before.
    #[tracing::instrument(skip_all)]
    pub async fn set_my_channel(
        &self,
        actor: &Actor,
        origin: &Origin,
        channel: &str,
        input: &ChannelInput,
    ) -> AppResult<()> {
        own(actor)?;
        let channel = Channel::parse(channel).map_err(|_| AppError::NotFound)?;
        let mut problems = Vec::new();
        if !self.outbound_channels().contains(&channel) {
            problems.push(Problem::new("channel", "invalid.channel_unavailable"));
        }
        let contact = Contact::parse(channel, &input.address)
            .map_err(|e| problems.push(Problem::new("address", e.key)))
            .ok();
        let lang = Lang::parse(input.lang.as_deref().unwrap_or("id"))
            .map_err(|e| problems.push(Problem::new("lang", e.key)))
            .ok();
        let (Some(contact), Some(lang), true) = (contact, lang, problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let choice = ChannelChoice {
            user_id: actor.user_id,
            channel,
            address: self
                .keys
                .seal_contact(actor.user_id, channel, contact.address()),
            lang,
            updated_at: self.now(),
        };
        let detail = json!({ "channel": channel.key(), "lang": lang.key() });
        let event = self.event(
            Some(actor),
            "user.channel_set",
            self_record(actor),
            origin,
            detail,
        );
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.set_channel(&choice).await?;
                tx.audit(event);
                Ok(())
            })
        })
        .await
    }

    /// Drops `channel` of the actor; what was still waiting to go out on it is given
    /// up. Dropping a channel not chosen changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn remove_my_channel(
        &self,
        actor: &Actor,
        origin: &Origin,
        channel: &str,
    ) -> AppResult<()> {
        own(actor)?;
        let channel = Channel::parse(channel).map_err(|_| AppError::NotFound)?;
        let (user, at) = (actor.user_id, self.now());
        let detail = json!({ "channel": channel.key() });
        let event = self.event(
            Some(actor),
            "user.channel_removed",
            self_record(actor),
            origin,
            detail,
        );
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                if tx.remove_channel(user, channel, at).await? {
                    tx.audit(event);
                }
                Ok(())
            })
        })
        .await
    }
}

fn self_record(actor: &Actor) -> Record<'_> {
    Record {
        kind: "user",
        id: Some(actor.user_id.to_string()),
        region: actor.scope.as_str(),
    }
}
