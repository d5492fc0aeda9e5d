//! The record page of one client, read in one call: the record (its read audited), and
//! for who may coordinate the client (assign it, erase it) the workers it may be
//! assigned to. The handler only renders.

use pulih_domain::account::Role;
use pulih_domain::authz::Actor;
use pulih_domain::client::ClientPlace;
use pulih_domain::client_access::{ClientAction, authorize_client};
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::region::{RegionCode, Scope};

use super::{ClientRecord, View};
use crate::{App, AppResult, Origin};

/// An agent or counsellor a client may be assigned to.
pub struct Worker {
    /// Id.
    pub id: UserId,
    /// Display name.
    pub name: String,
}

/// What the record page of a client shows one user.
pub struct ClientPage {
    /// The record.
    pub record: ClientRecord,
    /// Whether the user may assign the client and ask for its erasure (never once erased).
    pub may_coordinate: bool,
    /// Those it may be assigned to, when the user may coordinate it.
    pub workers: Vec<Worker>,
}

/// Whether an account may take a client of `region`: an enabled agent or counsellor whose
/// scope covers it.
pub(super) fn may_take(role: Role, disabled: bool, scope: &Scope, region: &RegionCode) -> bool {
    matches!(role, Role::Agent | Role::Counsellor) && !disabled && scope.covers(region)
}

impl App {
    /// The record page of client `id` as `actor` may see it.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn client_page(
        &self,
        actor: &Actor,
        id: ClientId,
        origin: &Origin,
    ) -> AppResult<ClientPage> {
        let record = self.client_record(actor, id, View::Page, origin).await?;
        let summary = &record.summary;
        let place = ClientPlace {
            region: summary.region.clone(),
            org: summary.org_id,
            assigned_to: summary.assigned_to,
        };
        let may_coordinate = record.identity.is_some()
            && authorize_client(actor, ClientAction::Assign, &place, false).is_ok();
        let workers = if may_coordinate {
            self.list_users(actor)
                .await?
                .into_iter()
                .filter(|u| may_take(u.role, u.disabled, &u.scope, &summary.region))
                .map(|u| Worker {
                    id: u.id,
                    name: u.display_name,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(ClientPage {
            record,
            may_coordinate,
            workers,
        })
    }
}
