//! [`ClientStore`] for PostgreSQL: every call runs on the pool, each write in its own
//! transaction.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, GrantId, UserId};
use pulih_domain::region::Scope;
use pulih_store::{
    CaseloadCount, ClientContact, ClientFact, ClientFilter, ClientReach, ClientRow, ClientStore,
    DueFact, Grant, GrantReview, NewClient, ReachedFact, SealedKey, StoreResult,
};

use crate::{PostgresStore, clients, grants, keys, reach_facts};

#[async_trait]
impl ClientStore for PostgresStore {
    async fn create_client(
        &self,
        client: &NewClient,
        event: &AuditEvent,
    ) -> StoreResult<ClientRow> {
        clients::create_client(&self.pool, client, event).await
    }
    async fn client(&self, id: ClientId) -> StoreResult<Option<ClientRow>> {
        clients::client_where(&self.pool, "c.id = $1", id.as_uuid()).await
    }
    async fn client_by_code(&self, code: &ClientCode) -> StoreResult<Option<ClientRow>> {
        clients::client_where(&self.pool, "c.code = $1", code.to_string()).await
    }
    async fn client_by_nik_hash(&self, nik_hash: &str) -> StoreResult<Option<ClientRow>> {
        clients::client_where(&self.pool, "c.nik_hash = $1", nik_hash.to_owned()).await
    }
    async fn list_clients(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientRow>> {
        clients::list_clients(&self.pool, filter).await
    }
    async fn assign_client(
        &self,
        id: ClientId,
        expected_version: i64,
        assigned_to: Option<UserId>,
        event: &AuditEvent,
    ) -> StoreResult<ClientRow> {
        clients::assign_client(&self.pool, id, expected_version, assigned_to, event).await
    }
    async fn add_fact(&self, fact: &ClientFact, event: &AuditEvent) -> StoreResult<()> {
        clients::add_fact(&self.pool, fact, event).await
    }
    async fn facts(
        &self,
        clients: &[ClientId],
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ClientFact>> {
        clients::facts(&self.pool, clients, kinds).await
    }
    async fn client_contacts(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientContact>> {
        clients::client_contacts(&self.pool, filter).await
    }
    async fn due_facts(
        &self,
        filter: &ClientFilter,
        kinds: &[FactKind],
        until: NaiveDate,
    ) -> StoreResult<Vec<DueFact>> {
        clients::due_facts(&self.pool, filter, kinds, until).await
    }
    async fn caseload_counts(
        &self,
        filter: &ClientFilter,
        quiet_since: NaiveDate,
    ) -> StoreResult<Vec<CaseloadCount>> {
        clients::caseload_counts(&self.pool, filter, quiet_since).await
    }
    async fn facts_in_reach(
        &self,
        reach: &ClientReach,
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ReachedFact>> {
        reach_facts::facts_in_reach(&self.pool, reach, kinds).await
    }
    async fn erase_client(&self, id: ClientId, event: &AuditEvent) -> StoreResult<ClientRow> {
        clients::erase_client(&self.pool, id, event).await
    }
    async fn create_grant(&self, grant: &Grant, event: &AuditEvent) -> StoreResult<()> {
        grants::create_grant(&self.pool, grant, event).await
    }
    async fn grant(&self, id: GrantId) -> StoreResult<Option<Grant>> {
        grants::grant(&self.pool, id).await
    }
    async fn live_grant(
        &self,
        client: ClientId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Grant>> {
        grants::live_grant(&self.pool, client, user, at).await
    }
    async fn grants(&self, scope: &Scope, unreviewed_only: bool) -> StoreResult<Vec<Grant>> {
        grants::grants(&self.pool, scope, unreviewed_only).await
    }
    async fn review_grant(
        &self,
        id: GrantId,
        review: &GrantReview,
        event: &AuditEvent,
    ) -> StoreResult<Grant> {
        grants::review_grant(&self.pool, id, review, event).await
    }
    async fn server_key(&self, purpose: &str) -> StoreResult<Option<SealedKey>> {
        keys::server_key(&self.pool, purpose).await
    }
    async fn init_server_key(&self, purpose: &str, key: &SealedKey) -> StoreResult<SealedKey> {
        keys::init_server_key(&self.pool, purpose, key).await
    }
    async fn keys_not_under(
        &self,
        key_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(ClientId, SealedKey)>> {
        keys::keys_not_under(&self.pool, key_id, limit).await
    }
    async fn rewrap_keys(
        &self,
        clients: &[(ClientId, String, SealedKey)],
        server: &[(String, String, SealedKey)],
    ) -> StoreResult<u64> {
        keys::rewrap_keys(&self.pool, clients, server).await
    }
}
