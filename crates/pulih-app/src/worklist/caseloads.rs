//! Coordinators' view of their workers, in one table: each worker's clients in scope,
//! how many of them nobody has seen for 30 days, TAT assessments past their deadline and
//! aftercare follow-ups past due. Clients assigned to nobody get a row of their own.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use pulih_domain::ids::UserId;
use pulih_domain::region::Scope;
use pulih_store::{CaseloadCount, ClientReach, DueVisit};
use serde::Serialize;

use crate::{App, AppResult, WorkItem};

/// One worker's caseload in the coordinator's scope, with what is overdue.
#[derive(Debug, Clone, Serialize)]
pub struct Caseload {
    /// The worker; none for the clients assigned to nobody.
    pub user_id: Option<UserId>,
    /// The worker's name; none for nobody, or for a worker outside the coordinator's scope.
    pub name: Option<String>,
    /// Clients assigned.
    pub clients: u64,
    /// Of those, not contacted for 30 days.
    pub no_contact: u64,
    /// TAT assessments past their deadline.
    pub tat_overdue: usize,
    /// Aftercare follow-ups past due: client code, date and kind only.
    pub follow_ups_overdue: Vec<WorkItem>,
}

impl Caseload {
    fn of(user_id: Option<UserId>, names: &HashMap<UserId, String>) -> Self {
        Self {
            user_id,
            name: user_id.and_then(|u| names.get(&u).cloned()),
            clients: 0,
            no_contact: 0,
            tat_overdue: 0,
            follow_ups_overdue: Vec::new(),
        }
    }
}

impl App {
    /// The caseloads of every worker with clients in `scope` (`counts`), the most overdue
    /// first; `tat_overdue` holds the worker of each client whose TAT deadline has passed.
    pub(super) async fn caseloads(
        &self,
        scope: &Scope,
        today: NaiveDate,
        counts: Vec<CaseloadCount>,
        tat_overdue: &[Option<UserId>],
    ) -> AppResult<Vec<Caseload>> {
        let visits = match today.pred_opt() {
            Some(yesterday) => {
                let reach = ClientReach::Scope(scope.clone());
                self.store.follow_ups_due(&reach, yesterday).await?
            }
            None => Vec::new(),
        };
        let names: HashMap<UserId, String> = self
            .store
            .list_users(scope)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        Ok(group(counts, tat_overdue, visits, &names))
    }
}

/// One row per worker (and one for nobody) from the counts and the overdue items.
fn group(
    counts: Vec<CaseloadCount>,
    tat_overdue: &[Option<UserId>],
    visits: Vec<DueVisit>,
    names: &HashMap<UserId, String>,
) -> Vec<Caseload> {
    let mut rows: BTreeMap<Option<UserId>, Caseload> = BTreeMap::new();
    for c in counts {
        let load = row(&mut rows, c.worker, names);
        load.clients = c.clients;
        load.no_contact = c.no_contact;
    }
    for worker in tat_overdue {
        row(&mut rows, *worker, names).tat_overdue += 1;
    }
    for visit in visits {
        let worker = visit.assigned_to;
        row(&mut rows, worker, names)
            .follow_ups_overdue
            .push(visit.into());
    }
    let mut out: Vec<Caseload> = rows.into_values().collect();
    out.sort_by_key(|c| {
        (
            Reverse(c.follow_ups_overdue.len() + c.tat_overdue),
            c.name.clone(),
            c.user_id,
        )
    });
    out
}

/// The row of `worker`, started empty.
fn row<'a>(
    rows: &'a mut BTreeMap<Option<UserId>, Caseload>,
    worker: Option<UserId>,
    names: &HashMap<UserId, String>,
) -> &'a mut Caseload {
    rows.entry(worker)
        .or_insert_with(|| Caseload::of(worker, names))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::NaiveDate;
    use pulih_domain::client::ClientCode;
    use pulih_domain::ids::{ClientId, UserId};
    use pulih_store::{CaseloadCount, DueVisit};

    use super::group;

    #[test]
    fn each_worker_and_nobody_get_one_row_with_the_most_overdue_first() {
        let (ana, budi) = (UserId::new(), UserId::new());
        let counts = vec![
            CaseloadCount {
                worker: None,
                clients: 1,
                no_contact: 0,
            },
            CaseloadCount {
                worker: Some(ana),
                clients: 2,
                no_contact: 1,
            },
            CaseloadCount {
                worker: Some(budi),
                clients: 1,
                no_contact: 1,
            },
        ];
        let visit = DueVisit {
            client_id: ClientId::new(),
            code: ClientCode::parse("2171-00042").expect("code"),
            assigned_to: Some(budi),
            due_on: NaiveDate::from_ymd_opt(2026, 2, 1).expect("day"),
        };
        let names = HashMap::from([(ana, "Ana".to_owned()), (budi, "Budi".to_owned())]);
        let rows = group(counts, &[Some(ana)], vec![visit], &names);
        let seen: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.name.as_deref(),
                    r.clients,
                    r.no_contact,
                    r.tat_overdue,
                    r.follow_ups_overdue.len(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (Some("Ana"), 2, 1, 1, 0),
                (Some("Budi"), 1, 1, 0, 1),
                (None, 1, 0, 0, 0),
            ]
        );
    }
}
