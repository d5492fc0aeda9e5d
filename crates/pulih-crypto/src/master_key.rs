//! The server's master key: generated once, kept in a file outside the database.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::sealed::KEY_LEN;
use crate::{CryptoError, KeyId};

/// The server's master key (32 bytes). Zeroized on drop; `Debug` prints
/// `MasterKey(<id>)` only.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; KEY_LEN]);

impl MasterKey {
    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Self {
        let mut key = Self([0; KEY_LEN]);
        OsRng.fill_bytes(&mut key.0);
        key
    }

    /// Parses standard base64 of exactly 32 bytes; surrounding whitespace is ignored.
    ///
    /// # Errors
    /// [`CryptoError::BadKeyEncoding`] for anything else.
    pub fn from_encoded(text: &str) -> Result<Self, CryptoError> {
        let decoded = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| CryptoError::BadKeyEncoding)?,
        );
        let bytes: [u8; KEY_LEN] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::BadKeyEncoding)?;
        Ok(Self(bytes))
    }

    /// The key as standard base64, for writing a key file.
    pub fn encoded(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The id stored next to every key this master key wraps.
    pub fn id(&self) -> KeyId {
        let digest = Sha256::new()
            .chain_update(b"pulih-master-key-id")
            .chain_update(self.0)
            .finalize();
        KeyId::new(hex::encode(&digest[..8]))
    }

    /// Reads a key file written by [`MasterKey::write_new_file`].
    ///
    /// # Errors
    /// [`CryptoError::Io`] if the file cannot be read, [`CryptoError::BadKeyEncoding`]
    /// if it does not hold a key.
    pub fn read_file(path: &Path) -> Result<Self, CryptoError> {
        let text = Zeroizing::new(fs::read_to_string(path)?);
        Self::from_encoded(&text)
    }

    /// Writes the key to a new file readable only by its owner (mode 0600 on Unix).
    ///
    /// # Errors
    /// [`CryptoError::Io`]; an existing file is never overwritten and gives an
    /// [`std::io::ErrorKind::AlreadyExists`] error.
    pub fn write_new_file(&self, path: &Path) -> Result<(), CryptoError> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path)?;
        let mut content = Zeroizing::new(self.encoded());
        content.push('\n');
        file.write_all(content.as_bytes())?;
        file.sync_all()?;
        Ok(())
    }

    /// The raw key, for wrapping data keys.
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey({})", self.id())
    }
}

#[cfg(test)]
mod tests {
    use std::io::ErrorKind;
    use std::path::PathBuf;

    use super::*;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            let name = format!("pulih-crypto-{}-{}", std::process::id(), OsRng.next_u64());
            let dir = std::env::temp_dir().join(name);
            fs::create_dir(&dir).unwrap();
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn an_encoded_key_parses_back_to_the_same_key() {
        let key = MasterKey::generate();
        let parsed = MasterKey::from_encoded(&format!("  {}\n", key.encoded())).unwrap();
        assert_eq!(parsed.bytes(), key.bytes());
        assert_eq!(parsed.id(), key.id());
    }

    #[test]
    fn from_encoded_rejects_31_bytes_and_non_base64() {
        let short = STANDARD.encode([1u8; 31]);
        let long = STANDARD.encode([1u8; 33]);
        for text in [short.as_str(), long.as_str(), "not base64!", "", "AAAA-AAA"] {
            assert!(matches!(
                MasterKey::from_encoded(text),
                Err(CryptoError::BadKeyEncoding)
            ));
        }
    }

    #[test]
    fn the_id_is_16_hex_chars_of_the_domain_separated_hash() {
        let key = MasterKey::from_encoded(&STANDARD.encode([0u8; 32])).unwrap();
        let expected = Sha256::new()
            .chain_update(b"pulih-master-key-id")
            .chain_update([0u8; 32])
            .finalize();
        assert_eq!(key.id().as_str(), &hex::encode(expected)[..16]);
        assert_ne!(key.id(), MasterKey::generate().id());
    }

    #[test]
    fn a_written_key_file_reads_back_as_the_same_key() {
        let dir = TempDir::new();
        let path = dir.0.join("master.key");
        let key = MasterKey::generate();
        key.write_new_file(&path).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{}\n", key.encoded())
        );
        assert_eq!(MasterKey::read_file(&path).unwrap().id(), key.id());
    }

    #[test]
    fn write_new_file_refuses_to_overwrite_an_existing_file() {
        let dir = TempDir::new();
        let path = dir.0.join("master.key");
        let first = MasterKey::generate();
        first.write_new_file(&path).unwrap();
        let err = MasterKey::generate().write_new_file(&path).unwrap_err();
        assert!(matches!(err, CryptoError::Io(e) if e.kind() == ErrorKind::AlreadyExists));
        assert_eq!(MasterKey::read_file(&path).unwrap().id(), first.id());
    }

    #[cfg(unix)]
    #[test]
    fn write_new_file_makes_the_file_readable_only_by_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new();
        let path = dir.0.join("master.key");
        MasterKey::generate().write_new_file(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn reading_a_missing_key_file_is_an_io_error() {
        let dir = TempDir::new();
        let err = MasterKey::read_file(&dir.0.join("absent.key")).unwrap_err();
        assert!(matches!(err, CryptoError::Io(e) if e.kind() == ErrorKind::NotFound));
    }

    #[test]
    fn debug_of_a_master_key_shows_only_its_id() {
        let key = MasterKey::generate();
        let debug = format!("{key:?}");
        assert_eq!(debug, format!("MasterKey({})", key.id()));
        assert!(!debug.contains(&key.encoded()));
        assert!(!debug.contains(&hex::encode(key.bytes())));
    }
}
