//! The master keys a server holds, and wrapping data keys with them.

use std::fmt;

use zeroize::Zeroizing;

use crate::sealed::{self, KEY_LEN};
use crate::{CryptoError, DataKey, KeyId, MasterKey};

/// A data key sealed under a master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// The master key that sealed `bytes`.
    pub key_id: KeyId,
    /// The sealed data key: `[1][24-byte nonce][ciphertext + tag]`.
    pub bytes: Vec<u8>,
}

/// The current master key plus older ones still accepted for unwrapping during a
/// rotation. `Debug` prints only key ids.
pub struct Keyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl Keyring {
    /// A keyring that wraps with `current` and also unwraps with `previous`.
    pub fn new(current: MasterKey, previous: Vec<MasterKey>) -> Self {
        Self { current, previous }
    }

    /// The id of the key new wraps use.
    pub fn current_id(&self) -> KeyId {
        self.current.id()
    }

    /// Whether this keyring can unwrap keys wrapped under `id`.
    pub fn knows(&self, id: &KeyId) -> bool {
        self.find(id).is_some()
    }

    /// Seals `key` under the current master key; `context` (for example `client:<uuid>`)
    /// is bound as associated data `wrap:<context>`.
    pub fn wrap(&self, key: &DataKey, context: &str) -> WrappedKey {
        WrappedKey {
            key_id: self.current.id(),
            bytes: sealed::seal(self.current.bytes(), key.bytes(), &wrap_aad(context)),
        }
    }

    /// Opens a wrapped key with the master key it names.
    ///
    /// # Errors
    /// [`CryptoError::UnknownKey`] if this keyring lacks that master key,
    /// [`CryptoError::Decrypt`] for a wrong context or tampered bytes.
    pub fn unwrap(&self, wrapped: &WrappedKey, context: &str) -> Result<DataKey, CryptoError> {
        let master = self
            .find(&wrapped.key_id)
            .ok_or_else(|| CryptoError::UnknownKey(wrapped.key_id.clone()))?;
        let opened = Zeroizing::new(sealed::open(
            master.bytes(),
            &wrapped.bytes,
            &wrap_aad(context),
        )?);
        let bytes: [u8; KEY_LEN] = opened
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Decrypt)?;
        Ok(DataKey::from_bytes(bytes))
    }

    /// Unwraps with whichever master key `wrapped` names and wraps again with the
    /// current one; the data key itself is unchanged.
    ///
    /// # Errors
    /// As [`Keyring::unwrap`].
    pub fn rewrap(&self, wrapped: &WrappedKey, context: &str) -> Result<WrappedKey, CryptoError> {
        Ok(self.wrap(&self.unwrap(wrapped, context)?, context))
    }

    fn find(&self, id: &KeyId) -> Option<&MasterKey> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.id() == *id)
    }
}

fn wrap_aad(context: &str) -> Vec<u8> {
    format!("wrap:{context}").into_bytes()
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let previous: Vec<KeyId> = self.previous.iter().map(MasterKey::id).collect();
        f.debug_struct("Keyring")
            .field("current", &self.current.id())
            .field("previous", &previous)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: &str = "client:0190a3c4-0000-7000-8000-000000000001";

    fn copy(key: &MasterKey) -> MasterKey {
        MasterKey::from_encoded(&key.encoded()).unwrap()
    }

    #[test]
    fn a_wrapped_key_unwraps_to_the_same_data_key() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let key = DataKey::generate();
        let wrapped = ring.wrap(&key, CONTEXT);
        assert_eq!(wrapped.key_id, ring.current_id());
        assert_eq!(ring.unwrap(&wrapped, CONTEXT).unwrap().bytes(), key.bytes());
    }

    #[test]
    fn a_wrapped_key_does_not_unwrap_under_another_context() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let wrapped = ring.wrap(&DataKey::generate(), CONTEXT);
        let other = "client:0190a3c4-0000-7000-8000-000000000002";
        assert!(matches!(
            ring.unwrap(&wrapped, other),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn unwrapping_with_a_keyring_lacking_the_key_is_unknown_key() {
        let wrapped =
            Keyring::new(MasterKey::generate(), vec![]).wrap(&DataKey::generate(), CONTEXT);
        let stranger = Keyring::new(MasterKey::generate(), vec![MasterKey::generate()]);
        assert!(!stranger.knows(&wrapped.key_id));
        match stranger.unwrap(&wrapped, CONTEXT) {
            Err(CryptoError::UnknownKey(id)) => assert_eq!(id, wrapped.key_id),
            other => panic!("expected UnknownKey, got {other:?}"),
        }
    }

    #[test]
    fn a_wrapped_key_claiming_another_known_id_does_not_unwrap() {
        let (a, b) = (MasterKey::generate(), MasterKey::generate());
        let ring = Keyring::new(copy(&b), vec![copy(&a)]);
        let mut wrapped = Keyring::new(a, vec![]).wrap(&DataKey::generate(), CONTEXT);
        wrapped.key_id = b.id();
        assert!(matches!(
            ring.unwrap(&wrapped, CONTEXT),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn rewrap_after_rotation_moves_to_the_new_key_and_keeps_the_data_key() {
        let (a, b) = (MasterKey::generate(), MasterKey::generate());
        let (a_id, b_id) = (a.id(), b.id());
        let old_ring = Keyring::new(copy(&a), vec![]);
        let data_key = DataKey::generate();
        let field = data_key.seal(b"diagnosis", "client:1:health");
        let wrapped = old_ring.wrap(&data_key, CONTEXT);
        drop(data_key);

        let ring = Keyring::new(copy(&b), vec![a]);
        assert!(ring.knows(&a_id) && ring.knows(&b_id));
        let rewrapped = ring.rewrap(&wrapped, CONTEXT).unwrap();
        assert_eq!(rewrapped.key_id, b_id);
        assert!(!old_ring.knows(&rewrapped.key_id));

        let only_b = Keyring::new(b, vec![]);
        let reopened = only_b.unwrap(&rewrapped, CONTEXT).unwrap();
        assert_eq!(
            reopened.open(&field, "client:1:health").unwrap(),
            b"diagnosis"
        );
    }

    #[test]
    fn debug_of_a_keyring_shows_only_key_ids() {
        let (a, b) = (MasterKey::generate(), MasterKey::generate());
        let secrets = [
            a.encoded(),
            hex::encode(a.bytes()),
            b.encoded(),
            hex::encode(b.bytes()),
        ];
        let ring = Keyring::new(a, vec![b]);
        let debug = format!("{ring:?}");
        assert!(debug.contains(ring.current_id().as_str()));
        for secret in &secrets {
            assert!(!debug.contains(secret.as_str()));
        }
    }
}
