//! The worklist's follow-ups: visits of open aftercare plans due within a week or past due
//! for the user's own clients (coordinators see their scope's overdue visits by worker in
//! the caseloads). Items name the client's code, the date and the kind only, never a
//! substance or diagnosis; one query whatever the caseload.

use chrono::{Days, NaiveDate};
use pulih_domain::account::Role;
use pulih_domain::authz::Actor;
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::client_access::works_with_clients;
use pulih_domain::ids::ClientId;
use pulih_store::{ClientReach, DueVisit};
use serde::Serialize;

use crate::{App, AppResult};

/// How far ahead a visit counts as due.
const DUE_WITHIN_DAYS: u64 = 7;

/// Something due for a client.
#[derive(Debug, Clone, Serialize)]
pub struct WorkItem {
    /// The client.
    pub client_id: ClientId,
    /// The client's code.
    pub code: ClientCode,
    /// When it is due.
    pub due_on: NaiveDate,
    /// What is due: `follow_up`.
    pub kind: FactKind,
}

impl From<DueVisit> for WorkItem {
    fn from(d: DueVisit) -> Self {
        Self {
            client_id: d.client_id,
            code: d.code,
            due_on: d.due_on,
            kind: FactKind::FollowUp,
        }
    }
}

/// The follow-up sections of a worklist.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FollowUpWork {
    /// The local date the list was made for.
    pub today: Option<NaiveDate>,
    /// Own clients' visits due today or within a week.
    pub due: Vec<WorkItem>,
    /// Own clients' visits past due.
    pub overdue: Vec<WorkItem>,
}

impl App {
    /// The follow-up sections of `actor`'s worklist; empty for roles without clients.
    pub(crate) async fn follow_up_work(&self, actor: &Actor) -> AppResult<FollowUpWork> {
        if actor.disabled || !works_with_clients(actor.role) {
            return Ok(FollowUpWork::default());
        }
        let today = self.today_for(actor).await?;
        let own = match actor.role {
            Role::Counsellor => {
                ClientReach::OrgOrAssigned(actor.scope.clone(), actor.org_id, actor.user_id)
            }
            _ => ClientReach::Assigned(actor.user_id),
        };
        let horizon = today + Days::new(DUE_WITHIN_DAYS);
        let (overdue, due): (Vec<WorkItem>, Vec<WorkItem>) = self
            .store
            .follow_ups_due(&own, horizon)
            .await?
            .into_iter()
            .map(WorkItem::from)
            .partition(|i| i.due_on < today);
        Ok(FollowUpWork {
            today: Some(today),
            due,
            overdue,
        })
    }
}
