//! Notifications by e-mail and SMS/WhatsApp: every in-app notification (the daily digest
//! included) that its user wants on another channel becomes a delivery in the outbox,
//! queued in the notification's own transaction ([`pulih_store::ReferralTx::notify`]);
//! the worker ([`App::deliver_due`]) sends what is due and retries with backoff
//! ([`pulih_domain::outbound::next_attempt_in`]), giving up after a few attempts; the
//! administrators see the counts per channel and the last error kind.
//!
//! What leaves the machine is the generic text of the notification's kind
//! ([`pulih_domain::outbound::message`]) and the address the user gave; never a name,
//! code or clinical word. A channel is offered only when it is configured
//! ([`OutboundConfig`]); addresses are sealed under the account key.

mod channels;
mod senders;
mod worker;

pub use channels::{ChannelInput, ChannelView, ChannelsView};
pub use senders::{HttpGateway, SendError, Sender, SmtpSender};
pub use worker::{DeliveryCountView, DeliveryRun};

use pulih_domain::outbound::Channel;

/// A setting that must not reach logs (a password, a token).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(***)")
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same machine (localhost).
    None,
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    #[default]
    StartTls,
    /// TLS from the start (port 465).
    Tls,
}

impl SmtpTls {
    /// Parses `none`, `starttls` or `tls`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Self::None),
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }
}

/// The SMTP server e-mails go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name (also the name its TLS certificate must carry).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Connection protection.
    pub tls: SmtpTls,
    /// User name and password, when the server asks for them.
    pub credentials: Option<(String, SecretText)>,
    /// The sender address, e.g. `Pulih <pulih@bnn.go.id>`.
    pub from: String,
}

/// The SMS/WhatsApp gateway: Pulih POSTs `{"to", "text"}` as JSON with the bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySettings {
    /// The gateway's URL.
    pub url: String,
    /// The bearer token.
    pub token: SecretText,
}

/// The channels besides the app, as configured; none configured sends nothing out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundConfig {
    /// The address of Pulih as users reach it, for the link in e-mails.
    pub base_url: Option<String>,
    /// E-mail, when configured.
    pub smtp: Option<SmtpSettings>,
    /// SMS/WhatsApp, when configured.
    pub gateway: Option<GatewaySettings>,
}

/// The senders of the configured channels.
#[derive(Default)]
pub(crate) struct Senders {
    email: Option<Box<dyn Sender>>,
    sms: Option<Box<dyn Sender>>,
}

impl Senders {
    /// Builds the senders of `config`; a channel whose sender cannot be built (a TLS
    /// set-up failure) is left out and logged. [`check`] tells the operator at start.
    pub(crate) fn new(config: &OutboundConfig) -> Self {
        let email = config.smtp.as_ref().and_then(|s| {
            SmtpSender::new(s, config.base_url.as_deref())
                .map(|s| Box::new(s) as Box<dyn Sender>)
                .map_err(|e| tracing::error!(error = %e, "the SMTP settings cannot be used"))
                .ok()
        });
        let sms = config.gateway.as_ref().and_then(|g| {
            HttpGateway::new(g)
                .map(|g| Box::new(g) as Box<dyn Sender>)
                .map_err(|e| tracing::error!(error = %e, "the gateway settings cannot be used"))
                .ok()
        });
        Self { email, sms }
    }

    /// The sender of `channel`, if it is configured.
    pub(crate) fn of(&self, channel: Channel) -> Option<&dyn Sender> {
        match channel {
            Channel::Email => self.email.as_deref(),
            Channel::Sms => self.sms.as_deref(),
        }
    }

    /// The configured channels.
    pub(crate) fn channels(&self) -> Vec<Channel> {
        Channel::ALL
            .into_iter()
            .filter(|c| self.of(*c).is_some())
            .collect()
    }
}

/// Checks that the configured channels can be used (addresses parse, TLS can be set
/// up), for a clear message at start-up.
pub fn check(config: &OutboundConfig) -> Result<(), SendError> {
    if let Some(s) = &config.smtp {
        SmtpSender::new(s, config.base_url.as_deref())?;
    }
    if let Some(g) = &config.gateway {
        HttpGateway::new(g)?;
    }
    Ok(())
}

impl crate::App {
    /// The channels besides the app that notifications are queued on.
    pub(crate) fn outbound_channels(&self) -> Vec<Channel> {
        self.senders.channels()
    }
}
