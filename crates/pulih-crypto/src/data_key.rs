//! Per-record data keys: seal and open fields, compute blind indexes.

use std::fmt;

use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CryptoError;
use crate::sealed::{self, KEY_LEN};

/// A per-record data key (32 random bytes). Zeroized on drop; `Debug` is redacted.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; KEY_LEN]);

impl DataKey {
    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Self {
        let mut key = Self([0; KEY_LEN]);
        OsRng.fill_bytes(&mut key.0);
        key
    }

    /// Rebuilds a key from bytes that were just unwrapped.
    pub(crate) fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw key, for wrapping.
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Encrypts `plaintext`. `context` (for example `client:<uuid>:identity`) is bound as
    /// associated data, so the result opens only with the same context.
    ///
    /// Format: `[1][24-byte nonce][ciphertext + tag]`.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Vec<u8> {
        sealed::seal(&self.0, plaintext, context.as_bytes())
    }

    /// Decrypts what [`DataKey::seal`] produced with the same key and context.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] for a wrong key or context, an unknown version, a
    /// too-short blob or any tampering.
    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>, CryptoError> {
        sealed::open(&self.0, sealed, context.as_bytes())
    }

    /// A key of its own for `purpose`, derived from this one (HMAC-SHA-256 of 0x01 ||
    /// `derive` || 0x00 || `purpose`, which no blind index's input starts with): what one
    /// purpose's key reveals says nothing of another's.
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    pub fn derive(&self, purpose: &str) -> zeroize::Zeroizing<[u8; KEY_LEN]> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(b"\x01derive\0");
        mac.update(purpose.as_bytes());
        zeroize::Zeroizing::new(mac.finalize().into_bytes().into())
    }

    /// A deterministic keyed hash of `value`, as lower-case hex of
    /// HMAC-SHA256(key, `purpose` || 0x00 || `value`). Different purposes give unrelated
    /// indexes for the same value.
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    pub fn blind_index(&self, purpose: &str, value: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    const CONTEXT: &str = "client:0190a3c4-0000-7000-8000-000000000001:identity";

    #[test]
    fn sealed_data_opens_with_the_same_key_and_context() {
        let key = DataKey::generate();
        let sealed = key.seal(b"NIK 3171234567890001", CONTEXT);
        assert_eq!(key.open(&sealed, CONTEXT).unwrap(), b"NIK 3171234567890001");
    }

    #[test]
    fn sealed_data_does_not_open_with_another_key() {
        let sealed = DataKey::generate().seal(b"secret", CONTEXT);
        let other = DataKey::generate();
        assert!(matches!(
            other.open(&sealed, CONTEXT),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn sealed_data_does_not_open_under_another_context() {
        let key = DataKey::generate();
        let sealed = key.seal(b"secret", CONTEXT);
        let moved = "client:0190a3c4-0000-7000-8000-000000000002:identity";
        assert!(matches!(
            key.open(&sealed, moved),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn sealed_data_with_any_flipped_byte_does_not_open() {
        let key = DataKey::generate();
        let sealed = key.seal(b"secret", CONTEXT);
        for i in 0..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assert!(matches!(
                key.open(&tampered, CONTEXT),
                Err(CryptoError::Decrypt)
            ));
        }
    }

    #[test]
    fn a_cloned_key_opens_what_the_original_sealed() {
        let key = DataKey::generate();
        let sealed = key.seal(b"secret", CONTEXT);
        assert_eq!(key.clone().open(&sealed, CONTEXT).unwrap(), b"secret");
    }

    #[test]
    fn blind_index_is_deterministic_lower_hex() {
        let key = DataKey::generate();
        let index = key.blind_index("nik", "3171234567890001");
        assert_eq!(index, key.blind_index("nik", "3171234567890001"));
        assert_eq!(index.len(), 64);
        assert!(
            index
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
    }

    #[test]
    fn blind_index_differs_per_purpose_and_per_key() {
        let key = DataKey::generate();
        let nik = key.blind_index("nik", "3171234567890001");
        assert_ne!(nik, key.blind_index("phone", "3171234567890001"));
        assert_ne!(
            nik,
            DataKey::generate().blind_index("nik", "3171234567890001")
        );
    }

    #[test]
    fn blind_index_separates_purpose_from_value() {
        let key = DataKey::generate();
        assert_ne!(key.blind_index("ab", "c"), key.blind_index("a", "bc"));
    }

    #[test]
    fn debug_of_a_data_key_shows_no_key_material() {
        let key = DataKey::generate();
        let debug = format!("{key:?}");
        assert_eq!(debug, "DataKey(<redacted>)");
        assert!(!debug.contains(&STANDARD.encode(key.bytes())));
        assert!(!debug.contains(&hex::encode(key.bytes())));
    }
}
