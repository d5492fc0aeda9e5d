//! The server's keys: the master keyring, which comes from outside the database, and the
//! NIK index key, which is stored sealed under it; the keys of the audit chain's links and
//! of its checkpoints' signatures are derived from the latter. Each client has its own
//! data key, sealed under the master key; destroying it erases the client
//! (crypto-shredding).

use pulih_crypto::totp::Totp;
use pulih_crypto::{CryptoError, DataKey, KeyId, Keyring, WrappedKey};
use pulih_domain::audit::ChainKey;
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::nik::Nik;
use pulih_domain::outbound::Channel;
use pulih_store::{ClientRow, SealedKey, Store, StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::{AppError, AppResult};

/// The purpose under which the NIK index key is stored.
const NIK_INDEX: &str = "nik_index";
/// The purpose under which the account key is stored: it seals two-factor secrets and
/// keys the hashes of recovery codes and half-done logins.
const ACCOUNT: &str = "account";

/// Why the server's keys could not be opened at start-up.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The configured master key is not the one the database's keys are sealed with.
    #[error(
        "the master key (id {given}) does not open this database: its keys are sealed with master key {stored}. \
         Start with the key file that belongs to this database (restore it from your key backup); \
         during a rotation list the old key under previous_master_key_files"
    )]
    Mismatch {
        /// Id of the key given.
        given: String,
        /// Id of the key the database needs.
        stored: String,
    },
    /// The database could not be read.
    #[error("reading the database's sealed keys failed: {0}")]
    Store(#[from] StoreError),
}

/// The opened keys, held by the application for its lifetime.
pub struct Keys {
    keyring: Keyring,
    nik_index: DataKey,
    account: DataKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("keyring", &self.keyring)
            .finish_non_exhaustive()
    }
}

fn stored(key: &SealedKey) -> WrappedKey {
    WrappedKey {
        key_id: KeyId::new(key.key_id.clone()),
        bytes: key.bytes.clone(),
    }
}

fn sealed(key: WrappedKey) -> SealedKey {
    SealedKey {
        key_id: key.key_id.as_str().to_owned(),
        bytes: key.bytes,
    }
}

fn crypto(e: CryptoError) -> AppError {
    AppError::Internal(format!("sealed data could not be opened: {e}"))
}

impl Keys {
    /// Whether the database already holds keys sealed under some master key, i.e.
    /// whether starting with a new master key would orphan data.
    pub async fn database_has_keys(store: &dyn Store) -> Result<bool, KeyError> {
        Ok(store.server_key(NIK_INDEX).await?.is_some())
    }

    /// Opens the keys: creates the NIK index key on first start, and refuses a master key
    /// that cannot open the stored one, with a message that says what to do.
    pub async fn open(store: &dyn Store, keyring: Keyring) -> Result<Self, KeyError> {
        let fresh = sealed(keyring.wrap(&DataKey::generate(), NIK_INDEX));
        let account = sealed(keyring.wrap(&DataKey::generate(), ACCOUNT));
        store
            .write(None, move |tx| {
                Box::pin(async move {
                    tx.init_server_key(NIK_INDEX, &fresh).await?;
                    tx.init_server_key(ACCOUNT, &account).await.map(|_| ())
                })
            })
            .await?;
        let key = store
            .server_key(NIK_INDEX)
            .await?
            .ok_or(StoreError::NotFound)?;
        let nik_index =
            keyring
                .unwrap(&stored(&key), NIK_INDEX)
                .map_err(|_| KeyError::Mismatch {
                    given: keyring.current_id().to_string(),
                    stored: key.key_id.clone(),
                })?;
        let key = store
            .server_key(ACCOUNT)
            .await?
            .ok_or(StoreError::NotFound)?;
        let account = keyring
            .unwrap(&stored(&key), ACCOUNT)
            .map_err(|_| KeyError::Mismatch {
                given: keyring.current_id().to_string(),
                stored: key.key_id.clone(),
            })?;
        store.set_chain_key(ChainKey::new(*nik_index.derive("audit-chain")))?;
        Ok(Self {
            keyring,
            nik_index,
            account,
        })
    }

    /// The key of the audit chain's links (the store was given it when the keys opened).
    pub(crate) fn chain_key(&self) -> ChainKey {
        ChainKey::new(*self.nik_index.derive("audit-chain"))
    }

    /// The seed of the key that signs the audit checkpoints.
    pub(crate) fn checkpoint_seed(&self) -> zeroize::Zeroizing<[u8; 32]> {
        self.nik_index.derive("audit-checkpoint")
    }

    /// The keyed hash of a NIK, the same for clients and enforcement hand-offs.
    pub fn nik_hash(&self, nik: &Nik) -> String {
        self.nik_index.blind_index("nik", nik.as_str())
    }

    /// The keyed hash of a full name (normalised), for finding a client by name.
    pub fn name_hash(&self, name: &str) -> String {
        self.nik_index
            .blind_index("name", &pulih_domain::client::normalised_name(name))
    }

    /// The keyed hash of a full name (normalised) with a birth date, for duplicate checks.
    pub fn name_birth_hash(&self, name: &str, birth_date: chrono::NaiveDate) -> String {
        let name = pulih_domain::client::normalised_name(name);
        self.nik_index
            .blind_index("name-birth", &format!("{name}\n{birth_date}"))
    }

    /// A keyed fingerprint of a request's digest, kept to recognise a repeated idempotent
    /// request: a plain digest of a body holding a NIK could be reversed by trying every
    /// NIK, this one not without the server's key.
    pub fn request_fingerprint(&self, digest: &str) -> String {
        self.nik_index.blind_index("request", digest)
    }

    /// The stored form of an `Idempotency-Key`: a keyed hash of what the client sent.
    pub fn idempotency_key(&self, key: &str) -> String {
        self.nik_index.blind_index("idempotency-key", key)
    }

    /// A device token for `username`: a random identity and its keyed tag, given to a
    /// device at each successful login so that later failed logins from it are counted
    /// apart from everyone else's (see [`crate::throttle`]).
    pub fn device_token(&self, username: &str) -> String {
        let device = crate::secrets::random_token();
        let tag = self.device_tag(username, &device);
        format!("{device}.{tag}")
    }

    /// The device identity a token carries, when the token was given for `username`.
    pub fn known_device<'a>(&self, username: &str, token: &'a str) -> Option<&'a str> {
        let (device, tag) = token.split_once('.')?;
        let expected = self.device_tag(username, device);
        bool::from(expected.as_bytes().ct_eq(tag.as_bytes())).then_some(device)
    }

    /// A user's two-factor secret sealed for storage, bound to the user.
    pub(crate) fn seal_totp(&self, user: UserId, totp: &Totp) -> Vec<u8> {
        self.account.seal(totp.bytes(), &totp_context(user))
    }

    /// Opens what [`Keys::seal_totp`] sealed for the same user.
    pub(crate) fn open_totp(&self, user: UserId, sealed: &[u8]) -> AppResult<Totp> {
        let bytes = self
            .account
            .open(sealed, &totp_context(user))
            .map_err(crypto)?;
        Ok(Totp::from_bytes(bytes))
    }

    /// A user's address for a channel sealed for storage, bound to the user and channel.
    pub(crate) fn seal_contact(&self, user: UserId, channel: Channel, address: &str) -> Vec<u8> {
        self.account
            .seal(address.as_bytes(), &contact_context(user, channel))
    }

    /// Opens what [`Keys::seal_contact`] sealed for the same user and channel.
    pub(crate) fn open_contact(
        &self,
        user: UserId,
        channel: Channel,
        sealed: &[u8],
    ) -> AppResult<String> {
        let bytes = self
            .account
            .open(sealed, &contact_context(user, channel))
            .map_err(crypto)?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The stored form of a user's recovery code (normalised first).
    pub(crate) fn recovery_hash(&self, user: UserId, code: &str) -> String {
        self.account
            .blind_index("totp-recovery", &format!("{user}\n{code}"))
    }

    /// The keyed tag of a half-done login (see `crate::two_factor::PendingLogin`).
    pub(crate) fn pending_login_tag(&self, text: &str) -> String {
        self.account.blind_index("pending-login", text)
    }

    fn device_tag(&self, username: &str, device: &str) -> String {
        self.nik_index
            .blind_index("device", &format!("{username}\n{device}"))
    }

    /// A new data key for a client, and the same key sealed for storage.
    pub(crate) fn new_client_key(&self, client: ClientId) -> (DataKey, SealedKey) {
        let key = DataKey::generate();
        let wrapped = self.keyring.wrap(&key, &client_context(client));
        (key, sealed(wrapped))
    }

    /// A client's data key; none once the client was erased.
    pub(crate) fn client_key(&self, client: &ClientRow) -> AppResult<Option<DataKey>> {
        client
            .key
            .as_ref()
            .map(|k| {
                self.keyring
                    .unwrap(&stored(k), &client_context(client.id))
                    .map_err(crypto)
            })
            .transpose()
    }

    /// Rewraps every sealed key under the current master key, in batches; returns how
    /// many keys were rewrapped.
    pub(crate) async fn rotate(&self, store: &dyn Store) -> AppResult<u64> {
        let current = self.keyring.current_id();
        let mut done = 0;
        for purpose in [NIK_INDEX, ACCOUNT] {
            if let Some(key) = store.server_key(purpose).await?
                && key.key_id != current.as_str()
            {
                let new = self
                    .keyring
                    .rewrap(&stored(&key), purpose)
                    .map_err(crypto)?;
                let server = [(purpose.to_owned(), key.key_id.clone(), sealed(new))];
                done += rewrap(store, Vec::new(), server.to_vec()).await?;
            }
        }
        loop {
            let batch = store.keys_not_under(current.as_str(), 500).await?;
            if batch.is_empty() {
                return Ok(done);
            }
            let mut rewrapped = Vec::with_capacity(batch.len());
            for (id, key) in batch {
                let new = self
                    .keyring
                    .rewrap(&stored(&key), &client_context(id))
                    .map_err(crypto)?;
                rewrapped.push((id, key.key_id, sealed(new)));
            }
            done += rewrap(store, rewrapped, Vec::new()).await?;
        }
    }

    /// The id of the master key new keys are sealed with.
    pub fn current_key_id(&self) -> String {
        self.keyring.current_id().to_string()
    }
}

fn contact_context(user: UserId, channel: Channel) -> String {
    format!("user:{user}:contact:{}", channel.key())
}

fn totp_context(user: UserId) -> String {
    format!("user:{user}:totp")
}

fn client_context(client: ClientId) -> String {
    format!("client:{client}")
}

/// Seals a value as JSON with a data key; `context` binds it to its record.
pub(crate) fn seal_json<T: Serialize>(
    key: &DataKey,
    value: &T,
    context: &str,
) -> AppResult<Vec<u8>> {
    let json = serde_json::to_vec(value)
        .map_err(|_| AppError::Internal(format!("sealing {context} failed")))?;
    Ok(key.seal(&json, context))
}

/// Opens a value sealed by [`seal_json`].
pub(crate) fn open_json<T: DeserializeOwned>(
    key: &DataKey,
    sealed: &[u8],
    context: &str,
) -> AppResult<T> {
    let json = key.open(sealed, context).map_err(crypto)?;
    // The parser's message may quote the plaintext; only the context reaches the log.
    serde_json::from_slice(&json)
        .map_err(|_| AppError::Internal(format!("sealed data of {context} does not parse")))
}

/// Replaces sealed keys as one write (see `ClientTx::rewrap_keys`); no audit entry of its
/// own: the rotation appends one for all of them.
async fn rewrap(
    store: &dyn Store,
    clients: Vec<(ClientId, String, SealedKey)>,
    server: Vec<(String, String, SealedKey)>,
) -> pulih_store::StoreResult<u64> {
    store
        .write(None, move |tx| {
            Box::pin(async move { tx.rewrap_keys(&clients, &server).await })
        })
        .await
        .map(|written| written.value)
}
