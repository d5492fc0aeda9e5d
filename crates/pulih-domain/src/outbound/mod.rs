//! Notifications that leave the app: the channels a user may choose besides the app
//! (e-mail, SMS/WhatsApp through a gateway), the addresses they give (parsed here), the
//! generic text every outgoing message carries, and the retry policy of the outbox.
//!
//! What leaves the machine is only ever a sentence that a notification of some kind is
//! waiting in Pulih: never who or what it is about. The text is chosen from the
//! notification's kind alone ([`message`]); the details stay in the app.

mod address;
mod message;
mod retry;

#[cfg(test)]
mod tests;

pub use address::{Contact, EmailAddress, PhoneNumber};
pub use message::{KINDS, Outgoing, message};
pub use retry::{MAX_ATTEMPTS, next_attempt_in};

use crate::Invalid;

/// A channel besides the app, which every user has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// E-mail over SMTP.
    Email,
    /// SMS or WhatsApp through the configured gateway.
    Sms,
}

impl Channel {
    /// Every channel, in the order they are shown.
    pub const ALL: [Self; 2] = [Self::Email, Self::Sms];

    /// The stored key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    /// Parses a stored key.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s {
            "email" => Ok(Self::Email),
            "sms" => Ok(Self::Sms),
            _ => Err(Invalid::new("invalid.channel")),
        }
    }
}

/// The language of a user's outgoing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Bahasa Indonesia (the default).
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The stored key, as the `lang` cookie spells it.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::En => "en",
        }
    }

    /// Parses a key.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s {
            "id" => Ok(Self::Id),
            "en" => Ok(Self::En),
            _ => Err(Invalid::new("invalid.lang")),
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    /// Accepted by the mail server or the gateway.
    Sent,
    /// Given up after [`MAX_ATTEMPTS`].
    Failed,
}

impl DeliveryState {
    /// The stored key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// Parses a stored key.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s {
            "pending" => Ok(Self::Pending),
            "sent" => Ok(Self::Sent),
            "failed" => Ok(Self::Failed),
            _ => Err(Invalid::new("invalid.delivery_state")),
        }
    }
}
