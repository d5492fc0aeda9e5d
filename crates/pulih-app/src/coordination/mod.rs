//! Coordination across agencies: rakor with action items ([`rakor`]) and MoUs
//! ([`mous`]). What they share lives here: naming the organisations a record holds, the
//! reach of a user's lists, and the one access decision
//! ([`pulih_domain::coordination::access`]) under which a record out of reach is
//! answered exactly like one that does not exist.

mod mous;
mod rakor;

use std::collections::HashMap;

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::coordination::Party;
use pulih_domain::ids::OrgId;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::CoordinationReach;
use serde::Serialize;

pub use mous::{MouInput, MouLine, MouStatusInput, MouView, ReferralLinkInput};
pub use rakor::{
    ActionItemInput, ActionItemView, ItemStatusInput, MeetingLine, MeetingView, OverdueLine,
    RakorInput,
};

use crate::error::Fields;
use crate::{App, AppError, AppResult};

/// Most records a list shows.
const LIST_LIMIT: i64 = 200;

/// An organisation as a record names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyView {
    /// The registered organisation's id; none for one named by hand.
    pub org_id: Option<OrgId>,
    /// Its name.
    pub name: String,
}

impl App {
    /// The names of registered organisations by id; an id the directory lacks is left out.
    pub(crate) async fn org_names(&self, ids: &[OrgId]) -> AppResult<HashMap<OrgId, String>> {
        let mut unique = ids.to_vec();
        unique.sort();
        unique.dedup();
        let found =
            futures::future::try_join_all(unique.iter().map(|id| self.store.org(*id))).await?;
        Ok(found
            .into_iter()
            .flatten()
            .map(|o| (o.id, o.name))
            .collect())
    }

    /// Refuses at `field` each registered organisation the directory lacks.
    pub(crate) async fn check_orgs(
        &self,
        f: &mut Fields,
        named: &[(String, OrgId)],
    ) -> AppResult<()> {
        let ids: Vec<OrgId> = named.iter().map(|(_, id)| *id).collect();
        let known = self.org_names(&ids).await?;
        for (field, id) in named {
            if !known.contains_key(id) {
                f.add(field.clone(), "invalid.org_unknown");
            }
        }
        Ok(())
    }

    /// A live region of any level inside the actor's scope where it may manage
    /// coordination, as the field `region`.
    pub(crate) async fn coordination_region(
        &self,
        actor: &Actor,
        text: &str,
    ) -> AppResult<RegionCode> {
        let code = RegionCode::parse(text).map_err(|e| AppError::invalid("region", e.key))?;
        let live = self.region_row(&code).await?.is_some_and(|r| !r.retired);
        if !live {
            return Err(AppError::invalid("region", "invalid.region_unknown"));
        }
        authorize(
            actor,
            Action::ManageCoordination,
            &Scope::Region(code.clone()),
        )?;
        Ok(code)
    }
}

/// The records a user's lists hold: those in its scope (when its role may see them
/// there), and those naming its organisation. A role that may not see coordination at
/// all is refused.
fn reach_of(actor: &Actor) -> AppResult<CoordinationReach> {
    authorize(actor, Action::ViewCoordination, &actor.scope)?;
    Ok(CoordinationReach {
        scope: Some(actor.scope.clone()),
        org: actor.org_id,
    })
}

/// The party as shown, named from `names`.
fn party_view(party: &Party, names: &HashMap<OrgId, String>) -> PartyView {
    match party {
        Party::Registered { org_id } => PartyView {
            org_id: Some(*org_id),
            name: names.get(org_id).cloned().unwrap_or_default(),
        },
        Party::Named { name } => PartyView {
            org_id: None,
            name: name.clone(),
        },
    }
}

/// A registered organisation as shown.
fn org_view(id: OrgId, names: &HashMap<OrgId, String>) -> PartyView {
    party_view(&Party::Registered { org_id: id }, names)
}
