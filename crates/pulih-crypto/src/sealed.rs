//! The sealed-blob format shared by data keys and key wrapping:
//! `[version = 1][24-byte nonce][ciphertext + 16-byte tag]`.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;

use crate::CryptoError;

/// Length of every symmetric key in this crate.
pub(crate) const KEY_LEN: usize = 32;
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Encrypts `plaintext` under `key` with `aad` as associated data and a fresh random nonce.
#[expect(
    clippy::expect_used,
    reason = "XChaCha20-Poly1305 fails only for inputs beyond 256 GiB"
)]
pub(crate) fn seal(key: &[u8; KEY_LEN], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let ciphertext = XChaCha20Poly1305::new(key.into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("XChaCha20-Poly1305 encryption fails only for inputs beyond 256 GiB");
    let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    sealed.push(VERSION);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    sealed
}

/// Decrypts a blob made by [`seal`]; any mismatch is reported as [`CryptoError::Decrypt`].
pub(crate) fn open(key: &[u8; KEY_LEN], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != VERSION {
        return Err(CryptoError::Decrypt);
    }
    let (nonce, ciphertext) = sealed[1..].split_at(NONCE_LEN);
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; KEY_LEN] = [7; KEY_LEN];

    #[test]
    fn a_sealed_blob_starts_with_the_version_and_holds_nonce_and_tag() {
        let sealed = seal(&KEY, b"abc", b"ctx");
        assert_eq!(sealed[0], VERSION);
        assert_eq!(sealed.len(), 1 + NONCE_LEN + 3 + TAG_LEN);
    }

    #[test]
    fn sealing_twice_uses_different_nonces() {
        assert_ne!(seal(&KEY, b"abc", b"ctx"), seal(&KEY, b"abc", b"ctx"));
    }

    #[test]
    fn an_unknown_version_byte_does_not_open() {
        let mut sealed = seal(&KEY, b"abc", b"ctx");
        sealed[0] = 2;
        assert!(matches!(
            open(&KEY, &sealed, b"ctx"),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn a_truncated_blob_does_not_open() {
        let sealed = seal(&KEY, b"", b"ctx");
        assert_eq!(open(&KEY, &sealed, b"ctx").unwrap(), b"");
        for len in 0..sealed.len() {
            assert!(matches!(
                open(&KEY, &sealed[..len], b"ctx"),
                Err(CryptoError::Decrypt)
            ));
        }
    }
}
