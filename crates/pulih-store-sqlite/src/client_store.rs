//! [`ClientStore`] for SQLite: reads on the reader pool, writes through the writer task.

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

use crate::{SqliteStore, clients, reach_facts};

#[async_trait]
impl ClientStore for SqliteStore {
    async fn create_client(
        &self,
        client: &NewClient,
        event: &AuditEvent,
    ) -> StoreResult<ClientRow> {
        let (client, event) = (client.clone(), event.clone());
        self.writer
            .write(move |c| {
                Box::pin(async move { clients::create_client(c, &client, &event).await })
            })
            .await
    }
    async fn client(&self, id: ClientId) -> StoreResult<Option<ClientRow>> {
        clients::client_where(&self.reader, "c.id = ?1", id.as_uuid()).await
    }
    async fn client_by_code(&self, code: &ClientCode) -> StoreResult<Option<ClientRow>> {
        clients::client_where(&self.reader, "c.code = ?1", code.to_string()).await
    }
    async fn client_by_nik_hash(&self, nik_hash: &str) -> StoreResult<Option<ClientRow>> {
        clients::client_where(&self.reader, "c.nik_hash = ?1", nik_hash.to_owned()).await
    }
    async fn list_clients(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientRow>> {
        clients::list_clients(&self.reader, filter).await
    }
    async fn assign_client(
        &self,
        id: ClientId,
        expected_version: i64,
        assigned_to: Option<UserId>,
        event: &AuditEvent,
    ) -> StoreResult<ClientRow> {
        let event = event.clone();
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    clients::assign_client(c, id, expected_version, assigned_to, &event).await
                })
            })
            .await
    }
    async fn add_fact(&self, fact: &ClientFact, event: &AuditEvent) -> StoreResult<()> {
        let (fact, event) = (fact.clone(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { clients::add_fact(c, &fact, &event).await }))
            .await
    }
    async fn facts(
        &self,
        clients: &[ClientId],
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ClientFact>> {
        clients::facts(&self.reader, clients, kinds).await
    }
    async fn client_contacts(&self, filter: &ClientFilter) -> StoreResult<Vec<ClientContact>> {
        clients::client_contacts(&self.reader, filter).await
    }
    async fn due_facts(
        &self,
        filter: &ClientFilter,
        kinds: &[FactKind],
        until: NaiveDate,
    ) -> StoreResult<Vec<DueFact>> {
        clients::due_facts(&self.reader, filter, kinds, until).await
    }
    async fn caseload_counts(
        &self,
        filter: &ClientFilter,
        quiet_since: NaiveDate,
    ) -> StoreResult<Vec<CaseloadCount>> {
        clients::caseload_counts(&self.reader, filter, quiet_since).await
    }
    async fn facts_in_reach(
        &self,
        reach: &ClientReach,
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ReachedFact>> {
        reach_facts::facts_in_reach(&self.reader, reach, kinds).await
    }
    async fn erase_client(&self, id: ClientId, event: &AuditEvent) -> StoreResult<ClientRow> {
        let event = event.clone();
        self.writer
            .write(move |c| Box::pin(async move { clients::erase_client(c, id, &event).await }))
            .await
    }
    async fn create_grant(&self, grant: &Grant, event: &AuditEvent) -> StoreResult<()> {
        let (grant, event) = (grant.clone(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { clients::create_grant(c, &grant, &event).await }))
            .await
    }
    async fn grant(&self, id: GrantId) -> StoreResult<Option<Grant>> {
        clients::grant(&self.reader, id).await
    }
    async fn live_grant(
        &self,
        client: ClientId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Grant>> {
        clients::live_grant(&self.reader, client, user, at).await
    }
    async fn grants(&self, scope: &Scope, unreviewed_only: bool) -> StoreResult<Vec<Grant>> {
        clients::grants(&self.reader, scope, unreviewed_only).await
    }
    async fn review_grant(
        &self,
        id: GrantId,
        review: &GrantReview,
        event: &AuditEvent,
    ) -> StoreResult<Grant> {
        let (review, event) = (review.clone(), event.clone());
        self.writer
            .write(move |c| {
                Box::pin(async move { clients::review_grant(c, id, &review, &event).await })
            })
            .await
    }
    async fn server_key(&self, purpose: &str) -> StoreResult<Option<SealedKey>> {
        clients::server_key(&self.reader, purpose).await
    }
    async fn init_server_key(&self, purpose: &str, key: &SealedKey) -> StoreResult<SealedKey> {
        let (purpose, key) = (purpose.to_owned(), key.clone());
        self.writer
            .write(move |c| {
                Box::pin(async move { clients::init_server_key(c, &purpose, &key).await })
            })
            .await
    }
    async fn keys_not_under(
        &self,
        key_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(ClientId, SealedKey)>> {
        clients::keys_not_under(&self.reader, key_id, limit).await
    }
    async fn rewrap_keys(
        &self,
        clients: &[(ClientId, String, SealedKey)],
        server: &[(String, String, SealedKey)],
    ) -> StoreResult<u64> {
        let (list, server) = (clients.to_vec(), server.to_vec());
        self.writer
            .write(move |c| Box::pin(async move { clients::rewrap_keys(c, &list, &server).await }))
            .await
    }
}
