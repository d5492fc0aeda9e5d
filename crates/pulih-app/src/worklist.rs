//! Each user's worklist: what needs doing, computed from the data, never a manual to-do
//! list. Referrals waiting for an answer (as partner and as sender), escalated referrals,
//! TAT assessments near their six-day deadline, consents about to end, clients nobody
//! has seen for 30 days, aftercare follow-ups due and overdue, retention checks of the vocational track due, coordinators' view
//! of their workers' caseloads, and agents of the coordinator's units not trained yet.
//! Clients are named by code only; nothing names a substance or a diagnosis.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::referral::ReferralStatus;
use pulih_store::{ClientFilter, ClientReach, ReferralQuery, UntrainedAgent};
use serde::Serialize;

use crate::clients::reach_of;
use crate::referrals::{LIST_LIMIT, ReferralLine};
use crate::{App, AppResult, DueCheck, FollowUpWork};

/// Days before a TAT assessment's deadline it shows.
const TAT_WARNING_DAYS: i64 = 2;
/// Days before a consent ends it shows.
const CONSENT_WARNING_DAYS: i64 = 14;
/// Days without any record after which a client shows as not contacted.
pub const NO_CONTACT_DAYS: i64 = 30;

/// A client with something due.
#[derive(Debug, Clone, Serialize)]
pub struct DueItem {
    /// The client.
    pub client_id: ClientId,
    /// Its code.
    pub client_code: ClientCode,
    /// The day it is due (the deadline, the consent's end, the last contact).
    pub due_on: NaiveDate,
    /// Past due.
    pub overdue: bool,
}

/// One worker's caseload, for coordinators.
#[derive(Debug, Clone, Serialize)]
pub struct Caseload {
    /// The worker.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// Clients assigned.
    pub clients: usize,
    /// Of those, not contacted for 30 days.
    pub no_contact: usize,
    /// TAT assessments past their deadline.
    pub tat_overdue: usize,
}

/// What needs doing, by section; a section the user's role has nothing to do with is empty.
#[derive(Debug, Clone, Default)]
pub struct Worklist {
    /// The user's local date the list was computed for.
    pub today: Option<NaiveDate>,
    /// Referrals to the partner's organisation waiting for its answer.
    pub referrals_to_answer: Vec<ReferralLine>,
    /// Referrals the partner accepted or started, whose outcome it should record.
    pub referrals_in_service: Vec<ReferralLine>,
    /// Referrals the user sent that wait for an answer.
    pub referrals_waiting: Vec<ReferralLine>,
    /// Unanswered referrals escalated in the coordinator's scope.
    pub referrals_escalated: Vec<ReferralLine>,
    /// TAT assessments due within two days or overdue.
    pub tat_due: Vec<DueItem>,
    /// Consents ending within 14 days.
    pub consents_expiring: Vec<DueItem>,
    /// The user's own clients with nothing recorded for 30 days.
    pub no_contact: Vec<DueItem>,
    /// Coordinators: each worker's caseload in scope.
    pub caseloads: Vec<Caseload>,
    /// Active agents in the coordinator's scope without a bimtek certificate.
    pub untrained_agents: Vec<UntrainedAgent>,
    /// Retention checks of placements open now (due within two weeks or overdue), for the
    /// clients the user works with.
    pub due_retention_checks: Vec<DueCheck>,
    /// Aftercare follow-ups due and overdue (own clients; by worker for coordinators).
    pub follow_ups: FollowUpWork,
}

impl Worklist {
    /// How many items each non-empty section holds, by section key: the digest.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let overdue_cases: usize = self.caseloads.iter().map(|c| c.tat_overdue).sum();
        [
            ("referrals_to_answer", self.referrals_to_answer.len()),
            ("referrals_in_service", self.referrals_in_service.len()),
            ("referrals_waiting", self.referrals_waiting.len()),
            ("referrals_escalated", self.referrals_escalated.len()),
            ("tat_due", self.tat_due.len()),
            ("consents_expiring", self.consents_expiring.len()),
            ("no_contact", self.no_contact.len()),
            ("tat_overdue_in_caseloads", overdue_cases),
            ("follow_ups_due", self.follow_ups.due.len()),
            ("follow_ups_overdue", self.follow_ups.overdue.len()),
            ("retention_due", self.due_retention_checks.len()),
            ("untrained_agents", self.untrained_agents.len()),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

impl App {
    /// The worklist of `actor`.
    pub async fn worklist(&self, actor: &Actor) -> AppResult<Worklist> {
        let today = self.today_for(actor).await?;
        let mut list = Worklist {
            today: Some(today),
            ..Worklist::default()
        };
        if actor.disabled {
            return Ok(list);
        }
        self.referral_sections(actor, today, &mut list).await?;
        if let Some(reach) = reach_of(actor) {
            self.client_sections(actor, reach, today, &mut list).await?;
        }
        if authorize(actor, Action::ManageUnits, &actor.scope).is_ok() {
            list.untrained_agents = self.store.untrained_agents(&actor.scope).await?;
        }
        list.due_retention_checks = self.due_retention_checks(actor).await?;
        list.follow_ups = self.follow_up_work(actor).await?;
        Ok(list)
    }

    async fn referral_sections(
        &self,
        actor: &Actor,
        today: NaiveDate,
        list: &mut Worklist,
    ) -> AppResult<()> {
        let lines = |q: ReferralQuery| async move {
            let rows = self
                .store
                .referrals(&ReferralQuery {
                    limit: LIST_LIMIT,
                    ..q
                })
                .await?;
            AppResult::Ok(rows.iter().map(|r| ReferralLine::of(r, today)).collect())
        };
        let states = |s: &[ReferralStatus]| s.iter().map(|s| s.key().to_owned()).collect();
        if actor.role == Role::Partner {
            let mine = || ReferralQuery {
                partner_org: Some(actor.org_id),
                ..ReferralQuery::default()
            };
            list.referrals_to_answer = lines(ReferralQuery {
                statuses: states(&[ReferralStatus::Sent]),
                ..mine()
            })
            .await?;
            list.referrals_in_service = lines(ReferralQuery {
                statuses: states(&[ReferralStatus::Accepted, ReferralStatus::Started]),
                ..mine()
            })
            .await?;
            return Ok(());
        }
        list.referrals_waiting = lines(ReferralQuery {
            sender: Some(actor.user_id),
            statuses: states(&[ReferralStatus::Sent]),
            ..ReferralQuery::default()
        })
        .await?;
        if actor.role == Role::Coordinator {
            let within = match &actor.scope {
                pulih_domain::region::Scope::Region(code) => Some(code.clone()),
                pulih_domain::region::Scope::National => None,
            };
            let waiting: Vec<ReferralLine> = lines(ReferralQuery {
                within,
                statuses: states(&[ReferralStatus::Sent]),
                ..ReferralQuery::default()
            })
            .await?;
            list.referrals_escalated = waiting.into_iter().filter(|r| r.escalated).collect();
        }
        Ok(())
    }

    async fn client_sections(
        &self,
        actor: &Actor,
        reach: ClientReach,
        today: NaiveDate,
        list: &mut Worklist,
    ) -> AppResult<()> {
        let filter = ClientFilter {
            reach,
            granted: None,
            before: None,
            limit: 0,
        };
        let tat_until = today + Duration::days(TAT_WARNING_DAYS);
        let consent_until = today + Duration::days(CONSENT_WARNING_DAYS);
        let due = self
            .store
            .due_facts(
                &filter,
                &[FactKind::Episode, FactKind::Consent],
                consent_until,
            )
            .await?;
        let contacts = self.store.client_contacts(&filter).await?;
        let codes: BTreeMap<ClientId, &pulih_store::ClientContact> =
            contacts.iter().map(|c| (c.id, c)).collect();
        let item = |client: ClientId, due_on: NaiveDate| {
            codes.get(&client).map(|c| DueItem {
                client_id: client,
                client_code: c.code.clone(),
                due_on,
                overdue: due_on < today,
            })
        };
        let mine = |client: ClientId| {
            actor.role != Role::Coordinator
                || codes
                    .get(&client)
                    .is_some_and(|c| c.assigned_to == Some(actor.user_id))
        };
        for f in &due {
            let Some(due_on) = f.due_on else { continue };
            match f.kind {
                FactKind::Episode if due_on <= tat_until => {
                    list.tat_due.extend(item(f.client_id, due_on));
                }
                FactKind::Consent if due_on >= today && mine(f.client_id) => {
                    list.consents_expiring.extend(item(f.client_id, due_on));
                }
                _ => {}
            }
        }
        let quiet_since = today - Duration::days(NO_CONTACT_DAYS);
        let quiet = |c: &pulih_store::ClientContact| {
            c.last_fact_on.unwrap_or_else(|| c.created_at.date_naive()) <= quiet_since
        };
        list.no_contact = contacts
            .iter()
            .filter(|c| quiet(c) && mine(c.id))
            .map(|c| DueItem {
                client_id: c.id,
                client_code: c.code.clone(),
                due_on: c.last_fact_on.unwrap_or_else(|| c.created_at.date_naive()),
                overdue: true,
            })
            .collect();
        if actor.role == Role::Coordinator {
            let mut by_worker: BTreeMap<UserId, Caseload> = BTreeMap::new();
            for c in &contacts {
                let Some(worker) = c.assigned_to else {
                    continue;
                };
                let load = by_worker.entry(worker).or_insert_with(|| Caseload {
                    user_id: worker,
                    name: String::new(),
                    clients: 0,
                    no_contact: 0,
                    tat_overdue: 0,
                });
                load.clients += 1;
                load.no_contact += usize::from(quiet(c));
            }
            for item in list.tat_due.iter().filter(|i| i.overdue) {
                let worker = codes.get(&item.client_id).and_then(|c| c.assigned_to);
                if let Some(load) = worker.and_then(|w| by_worker.get_mut(&w)) {
                    load.tat_overdue += 1;
                }
            }
            let names: BTreeMap<UserId, String> = self
                .store
                .list_users(&actor.scope)
                .await?
                .into_iter()
                .map(|u| (u.id, u.display_name))
                .collect();
            list.caseloads = by_worker
                .into_values()
                .map(|mut c| {
                    c.name = names.get(&c.user_id).cloned().unwrap_or_default();
                    c
                })
                .collect();
        }
        Ok(())
    }
}
