//! Name hashes for clients registered before they were kept (migration 0025): their
//! sealed identity is opened with each client's own key and the keyed hashes of the name,
//! and of the name with the birth date, are stored, so that a search by name and the
//! duplicate check at registration find them too. Run by `pulih clients reindex`; a
//! second run finds nothing left to do. Clients without a name keep none.

use pulih_domain::client::ClientIdentity;
use pulih_domain::ids::ClientId;
use pulih_store::{ClientRow, Store};
use serde_json::json;

use crate::keys::open_json;
use crate::{App, AppResult, Origin, Record};

/// Clients read and written at once.
const BATCH: i64 = 500;

/// What a re-index did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Reindexed {
    /// Clients looked at (not erased, holding an identity but no name hash).
    pub checked: u64,
    /// Clients given name hashes.
    pub indexed: u64,
}

impl App {
    /// Gives name hashes to the clients that lack them, in batches; `progress` hears the
    /// running totals after each batch. Audited once, with the totals.
    #[tracing::instrument(skip_all)]
    pub async fn reindex_clients(&self, progress: &dyn Fn(Reindexed)) -> AppResult<Reindexed> {
        let mut done = Reindexed::default();
        let mut after = None;
        loop {
            let batch = self.store.clients_to_index(after, BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = Some(last.id);
            done.checked += batch.len() as u64;
            let hashes = batch
                .iter()
                .map(|row| self.name_hashes(row))
                .filter_map(Result::transpose)
                .collect::<AppResult<Vec<_>>>()?;
            done.indexed += set_name_hashes(self.store.as_ref(), hashes).await?;
            progress(done);
        }
        let record = Record {
            kind: "clients",
            id: None,
            region: "ID",
        };
        let detail = json!({ "checked": done.checked, "indexed": done.indexed });
        let event = self.event(None, "clients.reindex", record, &Origin::local(), detail);
        self.store.append_audit(&event).await?;
        Ok(done)
    }

    /// The client's name hashes, opened from its sealed identity; none without a name.
    fn name_hashes(
        &self,
        row: &ClientRow,
    ) -> AppResult<Option<(ClientId, String, Option<String>)>> {
        let (Some(key), Some(sealed)) = (self.keys.client_key(row)?, &row.identity) else {
            return Ok(None);
        };
        let identity: ClientIdentity =
            open_json(&key, sealed, &format!("client:{}:identity", row.id))?;
        Ok(identity.name.map(|name| {
            let both = identity
                .birth_date
                .map(|d| self.keys.name_birth_hash(&name, d));
            (row.id, self.keys.name_hash(&name), both)
        }))
    }
}

/// Stores one batch's hashes as one write; no audit entry of its own (the re-index
/// appends one for all of them).
async fn set_name_hashes(
    store: &dyn Store,
    hashes: Vec<(ClientId, String, Option<String>)>,
) -> pulih_store::StoreResult<u64> {
    if hashes.is_empty() {
        return Ok(0);
    }
    store
        .write(None, move |tx| {
            Box::pin(async move { tx.set_name_hashes(&hashes).await })
        })
        .await
        .map(|written| written.value)
}
