//! Each user's worklist: what needs doing, computed from the data, never a manual to-do
//! list: the agents of the coordinator's units who are not trained yet, and follow-ups of
//! aftercare due and overdue.

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_store::UntrainedAgent;

use crate::{App, AppResult, FollowUpWork};

/// What needs doing, by section; a section the user's role has nothing to do with is empty.
#[derive(Debug, Clone, Default)]
pub struct Worklist {
    /// Active agents in the coordinator's scope without a bimtek certificate.
    pub untrained_agents: Vec<UntrainedAgent>,
    /// Aftercare follow-ups due and overdue (own clients; by worker for coordinators).
    pub follow_ups: FollowUpWork,
}

impl App {
    /// The worklist of `actor`.
    pub async fn worklist(&self, actor: &Actor) -> AppResult<Worklist> {
        let mut list = Worklist::default();
        if authorize(actor, Action::ManageUnits, &actor.scope).is_ok() {
            list.untrained_agents = self.store.untrained_agents(&actor.scope).await?;
        }
        list.follow_ups = self.follow_up_work(actor).await?;
        Ok(list)
    }
}
