//! The NIK check of a registration, which tells a worker nothing about clients outside
//! their reach (DESIGN, "No oracles"). A client the worker may see that holds the NIK is
//! named and the registration refused. A client they may not see changes nothing in the
//! answer: the registration goes ahead as for a stranger's NIK, and in the same write the
//! match is audited (`client.nik_match`) against that client and its nearest
//! coordinators are told of a possible duplicate. Only a registration valid in every
//! other field is looked up, so a refusal for another reason never depends on the NIK.
//!
//! Look-ups are limited per user and day: past the limit every registration with a NIK
//! is refused with one message whatever the NIK, and the administrators over the user
//! are alerted once that day. Timing: an unseen match adds a few reads and inserts; with
//! the limit, and since a second registration of a NIK finds the worker's own first
//! record, a worker gets one sample per NIK, which the network's jitter hides.

use chrono::{DateTime, Utc};
use pulih_domain::account::Role;
use pulih_domain::audit::AuditEvent;
use pulih_domain::authz::Actor;
use pulih_domain::client::ClientCode;
use pulih_domain::client_access::{ClientAction, authorize_client};
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::nik::Nik;
use pulih_domain::region::Scope;
use pulih_store::{ClientRow, StoreResult, Tx};
use serde_json::json;

use super::{client_record, place_of};
use crate::notifications::notices;
use crate::{App, AppError, AppResult, Origin, Problem};

/// A NIK that may be registered.
pub(super) struct NikCheck {
    /// Its keyed hash, stored with the client.
    pub(super) hash: String,
    /// Clients outside the worker's reach that hold it.
    unseen: Vec<Unseen>,
    /// The channels besides the app that notifications go out on.
    outbound: Vec<pulih_domain::outbound::Channel>,
}

/// A client outside the worker's reach holding the NIK, and whom to tell.
struct Unseen {
    client: ClientRow,
    coordinators: Vec<UserId>,
    event: AuditEvent,
}

impl NikCheck {
    /// Inside the registration's write of client `id` (given `code`): audits each match
    /// outside the worker's reach and tells its coordinators of a possible duplicate.
    pub(super) async fn record(
        self,
        tx: &mut dyn Tx,
        id: ClientId,
        code: &ClientCode,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        for unseen in self.unseen {
            let detail = json!({
                "client": unseen.client.id.to_string(),
                "client_code": unseen.client.code.to_string(),
                "duplicate_code": code.to_string(),
            });
            let kind = "client.possible_duplicate";
            let told = notices(&unseen.coordinators, kind, &id.to_string(), &detail, at);
            tx.notify(&told, &self.outbound).await?;
            tx.audit(unseen.event);
        }
        Ok(())
    }
}

impl App {
    /// Checks the NIK of the registration of client `id` by `actor` (see the module):
    /// refused when a client the actor may see holds it, or past the day's look-ups.
    pub(super) async fn check_nik(
        &self,
        actor: &Actor,
        nik: &Nik,
        id: ClientId,
        origin: &Origin,
    ) -> AppResult<NikCheck> {
        let refused = ("nik", "invalid.nik_lookup_limit");
        self.take_daily(
            &self.nik_lookups,
            actor,
            "user.nik_lookup_limit",
            refused,
            origin,
        )
        .await?;
        let hash = self.keys.nik_hash(nik);
        let (seen, unseen): (Vec<ClientRow>, Vec<ClientRow>) = self
            .store
            .clients_by_nik_hash(&hash)
            .await?
            .into_iter()
            .partition(|c| {
                authorize_client(actor, ClientAction::View, &place_of(c), false).is_ok()
            });
        let match_event = |client: &ClientRow, detail| {
            self.event(
                Some(actor),
                "client.nik_match",
                client_record(client),
                origin,
                detail,
            )
        };
        if let Some(first) = seen.first() {
            // Finding that a NIK belongs to a client is itself a disclosure: it is audited
            // against each client found, where its coordinators and administrators see it.
            for client in seen.iter().chain(&unseen) {
                let event = match_event(client, json!({}));
                self.store.append_audit(&event).await?;
            }
            return Err(AppError::Invalid(vec![self.nik_exists(first).await?]));
        }
        let mut found = Vec::with_capacity(unseen.len());
        for client in unseen {
            let place = Scope::Region(client.region.clone());
            let coordinators = self.nearest_over(Role::Coordinator, &place).await?;
            let event = match_event(&client, json!({ "possible_duplicate": id.to_string() }));
            found.push(Unseen {
                client,
                coordinators,
                event,
            });
        }
        Ok(NikCheck {
            hash,
            unseen: found,
            outbound: self.outbound_channels(),
        })
    }

    /// Where a NIK is registered already, for a worker who may see that client.
    async fn nik_exists(&self, seen: &ClientRow) -> AppResult<Problem> {
        let region = self.region_row(&seen.region).await?;
        let org = self.store.org(seen.org_id).await?;
        let mut problem = Problem::new("nik", "invalid.nik_exists");
        problem.args = vec![
            ("code", seen.code.to_string()),
            (
                "region",
                region.map_or_else(|| seen.region.to_string(), |r| r.name),
            ),
            ("org", org.map(|o| o.name).unwrap_or_default()),
        ];
        Ok(problem)
    }
}
