//! Each user's worklist: what needs doing, computed from the data, never a manual to-do
//! list: the agents of the coordinator's units who are not trained yet, and the
//! retention checks due for the clients the user works with.

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_store::UntrainedAgent;

use crate::{App, AppResult, DueCheck};

/// What needs doing, by section; a section the user's role has nothing to do with is empty.
#[derive(Debug, Clone, Default)]
pub struct Worklist {
    /// Active agents in the coordinator's scope without a bimtek certificate.
    pub untrained_agents: Vec<UntrainedAgent>,
    /// Retention checks of placements open now (due within two weeks or overdue), for the
    /// clients the user works with.
    pub due_retention_checks: Vec<DueCheck>,
}

impl App {
    /// The worklist of `actor`.
    pub async fn worklist(&self, actor: &Actor) -> AppResult<Worklist> {
        let mut list = Worklist::default();
        if authorize(actor, Action::ManageUnits, &actor.scope).is_ok() {
            list.untrained_agents = self.store.untrained_agents(&actor.scope).await?;
        }
        list.due_retention_checks = self.due_retention_checks(actor).await?;
        Ok(list)
    }
}
