//! Erasure of a client's data on request (UU 27/2022).

use pulih_domain::authz::Actor;
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::client_access::ClientAction;
use pulih_domain::ids::ClientId;
use pulih_store::{ClientRow, StoreError};
use serde_json::json;

use super::client_record;
use crate::{App, AppError, AppResult, Origin};

impl App {
    /// Erases a client's data on the client's request: the data key is destroyed and
    /// sealed fields cleared, so identity and clinical details can never be read again;
    /// the pseudonymous rows stay so counts remain right, and the audit log keeps that
    /// the erasure happened. `confirm_code` must repeat the client's code.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn erase_client(
        &self,
        actor: &Actor,
        id: ClientId,
        confirm_code: &str,
        origin: &Origin,
    ) -> AppResult<ClientRow> {
        let reached = self.reach_client(actor, id, ClientAction::Erase).await?;
        if ClientCode::parse(confirm_code).ok().as_ref() != Some(&reached.row.code) {
            return Err(AppError::invalid("confirm_code", "invalid.erase_confirm"));
        }
        if reached.row.erased_at.is_some() {
            return Err(AppError::Conflict("conflict.client_erased"));
        }
        let event = self.event(
            Some(actor),
            "client.erase",
            client_record(&reached.row),
            origin,
            json!({ "code": reached.row.code.as_str() }),
        );
        // an erased client counts in no figure: what its facts added is taken back, as
        // read inside the write, so a fact recorded meanwhile is taken back too
        let key = self.keys.client_key(&reached.row)?;
        let place = reached.row.region.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let facts = tx.lock_client(id, &FactKind::ALL).await?;
                let added = super::tallies::of_facts(&facts, key.as_ref(), &place)
                    .map_err(|e| StoreError::Backend(e.to_string().into()))?;
                match tx.erase_client(id, event.at).await {
                    Err(StoreError::Conflict) => Err(StoreError::Refused("conflict.client_erased")),
                    other => other,
                }?;
                for tally in added {
                    tx.tally(tally.negated());
                }
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        // the erasure stands either way; what the files still hold goes at the next
        // checkpoint or vacuum
        if let Err(e) = self.store.scrub_erased().await {
            tracing::warn!(error = %e, "clearing erased data from the database files failed");
        }
        self.store.client(id).await?.ok_or(AppError::NotFound)
    }
}

/// A client unknown or erased by the time a write about it runs: erasure won the race.
pub(crate) fn erased(e: StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::Refused("conflict.client_erased"),
        other => other,
    }
}
