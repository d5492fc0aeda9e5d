//! The addresses a user gives for a channel: an e-mail address or an Indonesian mobile
//! number, parsed once at the edge.

use super::Channel;
use crate::Invalid;

/// An e-mail address: one `@`, a local part, a domain with a dot, no spaces; at most 254
/// characters. Kept as given, without surrounding spaces; the domain in lower case.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let bad = Invalid::new("invalid.email");
        let s = s.trim();
        let (local, domain) = s.split_once('@').ok_or(bad.clone())?;
        let ok_char = |c: char| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'
                )
        };
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if s.len() > 254
            || local.is_empty()
            || local.len() > 64
            || !local.chars().all(ok_char)
            || !domain.contains('.')
            || !labels_ok
        {
            return Err(bad);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An Indonesian mobile number in international form, `+628…` with 9 to 13 digits
/// after the country code; given as `08…`, `628…` or `+628…`, with spaces, dots or
/// dashes.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let bad = Invalid::new("invalid.mobile");
        let s = s.trim();
        let (plus, rest) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if !rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.'))
        {
            return Err(bad);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let national = match (plus, digits.strip_prefix("62"), digits.strip_prefix('0')) {
            (_, Some(n), _) => n,
            (false, None, Some(n)) => n,
            _ => return Err(bad),
        };
        if !national.starts_with('8') || !(9..=13).contains(&national.len()) {
            return Err(bad);
        }
        Ok(Self(format!("+62{national}")))
    }

    /// The number, `+628…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::redacted_debug!(EmailAddress, PhoneNumber, Contact);

/// A channel with the address a user gave for it.
#[derive(Clone, PartialEq, Eq)]
pub struct Contact {
    channel: Channel,
    address: String,
}

impl Contact {
    /// Parses `address` for `channel`.
    pub fn parse(channel: Channel, address: &str) -> Result<Self, Invalid> {
        let address = match channel {
            Channel::Email => EmailAddress::parse(address)?.0,
            Channel::Sms => PhoneNumber::parse(address)?.0,
        };
        Ok(Self { channel, address })
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The address, normalised.
    pub fn address(&self) -> &str {
        &self.address
    }
}
