//! Client records as stored: the plaintext needed to place, list and count them, and
//! sealed blobs that only the application can open with the client's data key.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, FactId, GrantId, OrgId, UserId};
use pulih_domain::region::{RegionCode, Scope};

use crate::StoreResult;

/// Most clients one NIK lookup returns.
pub const NIK_MATCHES: i64 = 20;

/// A key sealed under a master key, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedKey {
    /// Id of the master key that sealed it.
    pub key_id: String,
    /// Nonce and ciphertext.
    pub bytes: Vec<u8>,
}

/// A client to store; the store assigns the code.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClient {
    /// Id.
    pub id: ClientId,
    /// Where the client is registered (regency or below).
    pub region: RegionCode,
    /// Responsible organisation.
    pub org_id: OrgId,
    /// Assigned worker.
    pub assigned_to: Option<UserId>,
    /// Keyed hash of the NIK, if one was given.
    pub nik_hash: Option<String>,
    /// Keyed hash of the normalised full name, if one was given.
    pub name_hash: Option<String>,
    /// Keyed hash of the normalised full name with the birth date, if both were given.
    pub name_birth_hash: Option<String>,
    /// Sealed identity fields.
    pub identity: Vec<u8>,
    /// The client's data key, sealed.
    pub key: SealedKey,
    /// Who registered the client.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A stored client.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientRow {
    /// Id.
    pub id: ClientId,
    /// Pseudonymous code.
    pub code: ClientCode,
    /// Where the client is registered.
    pub region: RegionCode,
    /// Responsible organisation.
    pub org_id: OrgId,
    /// Assigned worker.
    pub assigned_to: Option<UserId>,
    /// Sealed identity fields; none once erased.
    pub identity: Option<Vec<u8>>,
    /// The sealed data key; none once erased.
    pub key: Option<SealedKey>,
    /// Who registered the client.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the client's data was erased on request.
    pub erased_at: Option<DateTime<Utc>>,
    /// Version, raised by every change.
    pub version: i64,
}

/// One fact about a client. Plain fields hold no names, NIK, substances, diagnoses or
/// notes; those are in `sealed`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientFact {
    /// Id.
    pub id: FactId,
    /// The client.
    pub client_id: ClientId,
    /// Kind of fact.
    pub kind: FactKind,
    /// The date it happened.
    pub occurred_on: NaiveDate,
    /// A deadline it sets: TAT assessment, plan review, consent expiry.
    pub due_on: Option<NaiveDate>,
    /// A plain code for lists and counts, e.g. the pathway or the recommendation.
    pub status: Option<String>,
    /// An earlier fact this one refers to (the consent withdrawn, the plan revised…).
    pub refers_to: Option<FactId>,
    /// Plain JSON details (consent terms, pathway…).
    pub detail: String,
    /// Sealed JSON details; none once erased.
    pub sealed: Option<Vec<u8>>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A fact with the client it is about, for lists and counts over many clients.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachedFact {
    /// The client's code.
    pub code: ClientCode,
    /// Where the client is registered.
    pub region: RegionCode,
    /// The worker the client is assigned to.
    pub assigned_to: Option<UserId>,
    /// Whether the client's data was erased.
    pub erased: bool,
    /// The fact.
    pub fact: ClientFact,
}

/// A fact still due, with just what a worklist shows of it and its client.
#[derive(Debug, Clone, PartialEq)]
pub struct DueFact {
    /// The client.
    pub client_id: ClientId,
    /// The client's code.
    pub code: ClientCode,
    /// The worker the client is assigned to.
    pub assigned_to: Option<UserId>,
    /// What is due.
    pub kind: FactKind,
    /// When.
    pub due_on: NaiveDate,
}

/// One worker's share of the clients a filter reaches, for coordinators' caseloads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseloadCount {
    /// The worker; none for the clients assigned to nobody.
    pub worker: Option<UserId>,
    /// Clients assigned (not erased).
    pub clients: u64,
    /// Of those, the ones with nothing recorded after the day asked about.
    pub no_contact: u64,
}

/// Which clients a list may show, by the role asking.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientReach {
    /// Every client inside the scope (coordinators).
    Scope(Scope),
    /// Clients inside the scope of the organisation or assigned to the user (counsellors).
    OrgOrAssigned(Scope, OrgId, UserId),
    /// Clients assigned to the user (agents).
    Assigned(UserId),
}

/// A page of clients: those the reach allows plus those under a live grant to `user`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientFilter {
    /// What the role reaches.
    pub reach: ClientReach,
    /// Include clients with a break-glass grant to this user live at this time.
    pub granted: Option<(UserId, DateTime<Utc>)>,
    /// Only clients with ids below this (newest first paging).
    pub before: Option<ClientId>,
    /// At most this many.
    pub limit: i64,
}

/// What a client search matches, all given criteria together; identity only through
/// keyed hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientSearch {
    /// The client's code, exactly.
    pub code: Option<String>,
    /// The keyed hash of a NIK.
    pub nik_hash: Option<String>,
    /// The keyed hash of a normalised full name.
    pub name_hash: Option<String>,
    /// Registered at or below this region (a village, a district…).
    pub place: Option<RegionCode>,
}

/// A client on a worklist: where it is, who follows it, and when anything was last
/// recorded about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientContact {
    /// Id.
    pub id: ClientId,
    /// Pseudonymous code.
    pub code: ClientCode,
    /// Where the client is registered.
    pub region: RegionCode,
    /// Assigned worker.
    pub assigned_to: Option<UserId>,
    /// When the client was registered.
    pub created_at: DateTime<Utc>,
    /// The date of the latest fact recorded, if any.
    pub last_fact_on: Option<NaiveDate>,
}

/// A break-glass grant.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// Id.
    pub id: GrantId,
    /// The client reached.
    pub client_id: ClientId,
    /// The client's code, for the reviewer.
    pub client_code: ClientCode,
    /// The client's region.
    pub region: RegionCode,
    /// The user who broke the glass.
    pub user_id: UserId,
    /// The user's scope, so its own administrators see the grant too.
    pub user_scope: Scope,
    /// The stated reason, sealed with the client's key.
    pub reason: Option<Vec<u8>>,
    /// When access began.
    pub granted_at: DateTime<Utc>,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
    /// The administrator's finding, once reviewed.
    pub review: Option<GrantReview>,
}

/// An administrator's review of a grant.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantReview {
    /// Who reviewed.
    pub reviewer: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// `signed_off` or `escalated`.
    pub outcome: String,
    /// What the reviewer wrote (about the access, not the client).
    pub note: Option<String>,
}

/// Storage of clients, their facts, break-glass grants and wrapped keys.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Clears what erasures left in the database's files beside their rows, after they
    /// committed: SQLite copies its WAL into the main file (where `secure_delete` zeroed
    /// the freed bytes) and truncates it; PostgreSQL vacuums the tables an erasure
    /// clears, in the background, so old row versions go. Best effort.
    async fn scrub_erased(&self) -> StoreResult<()>;
    /// One client by id.
    async fn client(&self, id: ClientId) -> StoreResult<Option<ClientRow>>;
    /// One client by code.
    async fn client_by_code(&self, code: &ClientCode) -> StoreResult<Option<ClientRow>>;
    /// The clients holding a NIK hash (several when a registration matched a client its
    /// worker could not reach), oldest first, at most [`NIK_MATCHES`].
    async fn clients_by_nik_hash(&self, nik_hash: &str) -> StoreResult<Vec<ClientRow>>;
    /// The clients (not erased) whose name and birth date have this keyed hash, oldest
    /// first, at most [`NIK_MATCHES`].
    async fn clients_by_name_birth_hash(&self, hash: &str) -> StoreResult<Vec<ClientRow>>;
    /// Clients not erased that hold an identity but no name hash (registered before name
    /// hashes were kept), by id, after `after`, at most `limit`.
    async fn clients_to_index(
        &self,
        after: Option<ClientId>,
        limit: i64,
    ) -> StoreResult<Vec<ClientRow>>;
    /// The clients (not erased) the filter reaches that match `search`, newest first, at
    /// most `filter.limit`; `before` pages as in [`Self::list_clients`].
    async fn search_clients(
        &self,
        filter: &ClientFilter,
        search: &ClientSearch,
    ) -> StoreResult<Vec<ClientRow>>;
    /// Clients the filter allows, newest first.
    async fn list_clients(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientRow>>;
    /// The facts of the given kinds (all kinds when empty) about the given clients, by
    /// client, then date, then recording time.
    async fn facts(&self, clients: &[ClientId], kinds: &[FactKind])
    -> StoreResult<Vec<ClientFact>>;
    /// The clients the filter reaches that are not erased, with the date of their latest
    /// fact, by code; `limit` and `before` are ignored.
    async fn client_contacts(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientContact>>;
    /// Facts of the given kinds about the clients (not erased) the filter reaches, due on
    /// or before `until`, that no later fact answers (refers to): TAT assessments still to
    /// do, consents not withdrawn. By due date, each with its client's code and worker.
    async fn due_facts(
        &self,
        filter: &ClientFilter,
        kinds: &[FactKind],
        until: NaiveDate,
    ) -> StoreResult<Vec<DueFact>>;
    /// Per worker (and one row for nobody), the clients (not erased) the filter reaches
    /// and how many of them were last heard of on or before `quiet_since`: their latest
    /// fact, or their registration (UTC date) before any. Counted in the database, so a
    /// scope of thousands of clients returns one row per worker.
    async fn caseload_counts(
        &self,
        filter: &ClientFilter,
        quiet_since: NaiveDate,
    ) -> StoreResult<Vec<CaseloadCount>>;
    /// The facts of the given kinds about every client the reach allows (no grants), by
    /// client, then date, then recording time: one query whatever the number of clients.
    async fn facts_in_reach(
        &self,
        reach: &ClientReach,
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ReachedFact>>;

    /// One grant by id.
    async fn grant(&self, id: GrantId) -> StoreResult<Option<Grant>>;
    /// A grant to `user` for `client` live at `at`.
    async fn live_grant(
        &self,
        client: ClientId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Grant>>;
    /// Grants whose client region or user scope lies in `scope`, newest first.
    async fn grants(&self, scope: &Scope, unreviewed_only: bool) -> StoreResult<Vec<Grant>>;

    /// A server-wide key (e.g. `nik_index`) sealed under the master key.
    async fn server_key(&self, purpose: &str) -> StoreResult<Option<SealedKey>>;
    /// Client keys not sealed under `key_id`, at most `limit`.
    async fn keys_not_under(
        &self,
        key_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(ClientId, SealedKey)>>;
}

/// Writes of clients inside a [`Tx`](crate::Tx).
#[async_trait]
pub trait ClientTx: Send {
    /// Stores a client with its key, assigning the next code of its regency, which it
    /// returns. A NIK hash may be held by other clients too.
    async fn insert_client(&mut self, client: &NewClient) -> StoreResult<ClientCode>;
    /// Locks a client for the rest of the write and reads its facts of `kinds`, by date
    /// (none read when `kinds` is empty). Checks that a write depends on (consent in
    /// force, one open plan) read here first, so no write about the same client can land
    /// between the check and the write. On PostgreSQL the client's row is locked and an
    /// unknown client is `NotFound`; SQLite runs one write at a time, so there is nothing
    /// to lock, and an unknown client is `NotFound` at the write's `insert_fact`.
    async fn lock_client(
        &mut self,
        id: ClientId,
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ClientFact>>;
    /// Appends a fact about a client; an unknown or erased client is `NotFound`. A second
    /// retention check of the same month is `Duplicate("retention_check")`.
    async fn insert_fact(&mut self, fact: &ClientFact) -> StoreResult<()>;
    /// Assigns a client to a worker (or none) if still at `expected_version`; returns
    /// the new version. Stale is `Conflict`.
    async fn assign_client(
        &mut self,
        id: ClientId,
        expected_version: i64,
        assigned_to: Option<UserId>,
    ) -> StoreResult<i64>;
    /// Destroys a client's key and sealed data, and the stored answers of writes about
    /// it, keeping the plain rows for counts; returns the erased record. Erased already
    /// is `Conflict`.
    async fn erase_client(&mut self, id: ClientId, at: DateTime<Utc>) -> StoreResult<ClientRow>;
    /// Stores a break-glass grant; an unknown or erased client is `NotFound`.
    async fn insert_grant(&mut self, grant: &Grant) -> StoreResult<()>;
    /// Records the review of a grant; reviewed already is `Conflict`.
    async fn review_grant(&mut self, id: GrantId, review: &GrantReview) -> StoreResult<()>;
    /// Stores a server-wide key unless one exists; returns the stored one.
    async fn init_server_key(&mut self, purpose: &str, key: &SealedKey) -> StoreResult<SealedKey>;
    /// Sets the name hash and the name-and-birth-date hash of clients that have no name
    /// hash yet and are not erased; returns how many were set.
    async fn set_name_hashes(
        &mut self,
        hashes: &[(ClientId, String, Option<String>)],
    ) -> StoreResult<u64>;
    /// Replaces sealed keys (client keys by id, server keys by purpose) if each is still
    /// sealed under the key id it was read with; returns how many were replaced.
    async fn rewrap_keys(
        &mut self,
        clients: &[(ClientId, String, SealedKey)],
        server: &[(String, String, SealedKey)],
    ) -> StoreResult<u64>;
}
