//! Encryption for Pulih's sensitive fields.
//!
//! Each client record has its own [`DataKey`]; fields are sealed with it
//! (XChaCha20-Poly1305, the record's context as associated data, so a blob copied to
//! another record does not open). The data key is stored only wrapped by the server's
//! [`MasterKey`], held in a [`Keyring`] that also accepts older master keys during a
//! rotation. Destroying the wrapped data key erases the client (crypto-shredding).
//! Values that must be matched without decrypting, such as NIK, are stored as a
//! keyed [`DataKey::blind_index`]. [`totp`] computes and checks two-factor login codes.

mod data_key;
mod keyring;
mod master_key;
mod sealed;
pub mod totp;

use std::fmt;

pub use data_key::DataKey;
pub use keyring::{Keyring, WrappedKey};
pub use master_key::MasterKey;

/// Errors. Messages never contain key material or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The text is not standard base64 of exactly 32 bytes.
    #[error("a key must be standard base64 of exactly 32 bytes")]
    BadKeyEncoding,
    /// A wrapped key names a master key id this keyring does not hold.
    #[error("the wrapped key needs master key {0}, which this keyring does not hold")]
    UnknownKey(KeyId),
    /// Authentication failed: wrong key, wrong context or tampered data.
    #[error("decryption failed: wrong key, wrong context or tampered data")]
    Decrypt,
    /// Reading or writing a key file failed.
    #[error("key file input/output failed")]
    Io(#[from] std::io::Error),
}

/// Identifies a master key without revealing it: the first 16 hex characters of
/// SHA-256(`"pulih-master-key-id"` || key bytes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// Wraps an id as stored next to a wrapped key.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The id as text, for storing next to a wrapped key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
