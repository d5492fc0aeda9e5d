//! Each user's worklist: what needs doing, computed from the data, never a manual to-do
//! list. For now: the agents of the coordinator's units who are not trained yet.

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_store::UntrainedAgent;

use crate::{App, AppResult};

/// What needs doing, by section; a section the user's role has nothing to do with is empty.
#[derive(Debug, Clone, Default)]
pub struct Worklist {
    /// Active agents in the coordinator's scope without a bimtek certificate.
    pub untrained_agents: Vec<UntrainedAgent>,
}

impl App {
    /// The worklist of `actor`.
    pub async fn worklist(&self, actor: &Actor) -> AppResult<Worklist> {
        let mut list = Worklist::default();
        if authorize(actor, Action::ManageUnits, &actor.scope).is_ok() {
            list.untrained_agents = self.store.untrained_agents(&actor.scope).await?;
        }
        Ok(list)
    }
}
