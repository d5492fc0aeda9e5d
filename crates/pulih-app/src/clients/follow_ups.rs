//! The worklist's follow-ups: visits of open aftercare plans due within a week or past due
//! for the user's own clients, and for coordinators the overdue visits of their scope by
//! worker with each worker's caseload. Items name the client's code, the date and the
//! kind only, never a substance or diagnosis; a few queries whatever the caseload.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use pulih_domain::account::Role;
use pulih_domain::authz::Actor;
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::client_access::works_with_clients;
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::region::Scope;
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

/// A worker's overdue follow-ups and caseload, for coordinators.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerLoad {
    /// The worker; none for clients assigned to nobody.
    pub worker: Option<UserId>,
    /// The worker's name, when in the coordinator's scope.
    pub name: Option<String>,
    /// Clients assigned.
    pub caseload: u64,
    /// Overdue follow-ups of those clients.
    pub overdue: Vec<WorkItem>,
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
    /// Coordinators: workers in scope, most overdue first.
    pub by_worker: Vec<WorkerLoad>,
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
        let by_worker = if actor.role == Role::Coordinator {
            self.workers_overdue(&actor.scope, today).await?
        } else {
            Vec::new()
        };
        Ok(FollowUpWork {
            today: Some(today),
            due,
            overdue,
            by_worker,
        })
    }

    /// Overdue follow-ups inside `scope` grouped by assigned worker, with caseloads.
    async fn workers_overdue(&self, scope: &Scope, today: NaiveDate) -> AppResult<Vec<WorkerLoad>> {
        let Some(yesterday) = today.pred_opt() else {
            return Ok(Vec::new());
        };
        let overdue = self
            .store
            .follow_ups_due(&ClientReach::Scope(scope.clone()), yesterday)
            .await?;
        let loads = self.store.caseloads(scope).await?;
        let names: HashMap<UserId, String> = self
            .store
            .list_users(scope)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        let mut by: HashMap<Option<UserId>, WorkerLoad> = loads
            .into_iter()
            .map(|(w, caseload)| {
                let load = WorkerLoad {
                    worker: Some(w),
                    name: names.get(&w).cloned(),
                    caseload,
                    overdue: Vec::new(),
                };
                (Some(w), load)
            })
            .collect();
        for visit in overdue {
            let worker = visit.assigned_to;
            by.entry(worker)
                .or_insert_with(|| WorkerLoad {
                    worker,
                    name: worker.and_then(|w| names.get(&w).cloned()),
                    caseload: 0,
                    overdue: Vec::new(),
                })
                .overdue
                .push(visit.into());
        }
        let mut out: Vec<WorkerLoad> = by.into_values().collect();
        out.sort_by(|a, b| {
            b.overdue
                .len()
                .cmp(&a.overdue.len())
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.worker.cmp(&b.worker))
        });
        Ok(out)
    }
}
