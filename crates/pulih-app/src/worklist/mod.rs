//! Each user's worklist: what needs doing, computed from the data, never a manual to-do
//! list. Referrals waiting for an answer (as partner and as sender), escalated referrals,
//! TAT assessments near their six-day deadline, consents about to end, clients nobody
//! has seen for 30 days, aftercare follow-ups due and overdue, retention checks of the
//! vocational track due, coordinators' view of their workers' caseloads ([`caseloads`]),
//! agents of the coordinator's units not trained yet, overdue rakor action items and MoUs
//! ending within 60 days (`crate::coordination`); clients whose latest ASSIST proposes a
//! referral with no step of care recorded yet (an IBM unit handles mild use only) and
//! care-plan reviews due; coordinators' programme work ([`programme`]): units to train,
//! IKN re-assessments and Bersinar targets at risk; and idle agents: active agents of the
//! coordinator's units with no activity for 30 days
//! (`pulih_domain::programme::supervision::idle_since`).
//! Clients are named by code only; nothing names a substance or a diagnosis.

mod caseloads;
mod programme;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::programme::supervision::idle_since;
use pulih_domain::referral::ReferralStatus;
use pulih_store::{
    ClientFilter, ClientReach, DueFact, IdleAgent, ReferralQuery, TrainingRow, Unit, UntrainedAgent,
};
use serde::Serialize;

pub use caseloads::Caseload;
pub use programme::{ProgrammeWork, TargetAtRisk};

use crate::clients::reach_of;
use crate::referrals::{LIST_LIMIT, ReferralLine};
use crate::{App, AppResult, DueCheck, FollowUpWork, MouLine, OverdueLine};

/// Days before a TAT assessment's deadline it shows.
const TAT_WARNING_DAYS: i64 = 2;
/// Days before a consent ends it shows.
const CONSENT_WARNING_DAYS: i64 = 14;
/// Days before a care plan's review date it shows.
const REVIEW_WARNING_DAYS: i64 = 7;
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
    /// Coordinators: each worker's caseload in scope, with what is overdue.
    pub caseloads: Vec<Caseload>,
    /// Active agents in the coordinator's scope without a bimtek certificate.
    pub untrained_agents: Vec<UntrainedAgent>,
    /// Retention checks of placements open now (due within two weeks or overdue), for the
    /// clients the user works with.
    pub due_retention_checks: Vec<DueCheck>,
    /// The user's own clients' aftercare follow-ups due and overdue.
    pub follow_ups: FollowUpWork,
    /// Coordinators: open rakor action items past due that their organisation owns or
    /// whose rakor it convened.
    pub action_items_overdue: Vec<OverdueLine>,
    /// Coordinators: signed MoUs in scope or naming their organisation ending within 60
    /// days.
    pub mous_ending: Vec<MouLine>,
    /// Clients whose latest ASSIST proposes a referral and who have no step of care for
    /// it yet: every such client in a coordinator's scope, a worker's own.
    pub referral_needed: Vec<DueItem>,
    /// Care plans to review within seven days or overdue, not revised since: the user's
    /// own clients (a coordinator's workers' show on their lists).
    pub care_plan_reviews: Vec<DueItem>,
    /// Coordinators: units to train, IKN re-assessments due, Bersinar targets at risk.
    pub programme: ProgrammeWork,
    /// Coordinators: active agents of units in scope with no activity for 30 days.
    pub idle_agents: Vec<IdleAgent>,
}

impl Worklist {
    /// The key of every section the digest and the home page count, in order.
    pub const SECTIONS: [&'static str; 20] = [
        "referrals_to_answer",
        "referrals_in_service",
        "referrals_waiting",
        "referrals_escalated",
        "tat_due",
        "consents_expiring",
        "no_contact",
        "tat_overdue_in_caseloads",
        "follow_ups_due",
        "follow_ups_overdue",
        "retention_due",
        "untrained_agents",
        "action_items_overdue",
        "mous_ending",
        "referral_needed",
        "care_plan_reviews",
        "trainings_due",
        "ikn_due",
        "targets_at_risk",
        "idle_agents",
    ];

    /// How many items each non-empty section holds, by section key: the digest.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let overdue_cases: usize = self.caseloads.iter().map(|c| c.tat_overdue).sum();
        let sizes = [
            self.referrals_to_answer.len(),
            self.referrals_in_service.len(),
            self.referrals_waiting.len(),
            self.referrals_escalated.len(),
            self.tat_due.len(),
            self.consents_expiring.len(),
            self.no_contact.len(),
            overdue_cases,
            self.follow_ups.due.len(),
            self.follow_ups.overdue.len(),
            self.due_retention_checks.len(),
            self.untrained_agents.len(),
            self.action_items_overdue.len(),
            self.mous_ending.len(),
            self.referral_needed.len(),
            self.care_plan_reviews.len(),
            self.programme.trainings_due.len(),
            self.programme.ikn_due.len(),
            self.programme.targets_at_risk.len(),
            self.idle_agents.len(),
        ];
        Self::SECTIONS
            .into_iter()
            .zip(sizes)
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// The referral sections of a worklist.
#[derive(Default)]
struct ReferralSections {
    to_answer: Vec<ReferralLine>,
    in_service: Vec<ReferralLine>,
    waiting: Vec<ReferralLine>,
    escalated: Vec<ReferralLine>,
}

/// The client sections of a worklist.
#[derive(Default)]
struct ClientSections {
    tat_due: Vec<DueItem>,
    consents_expiring: Vec<DueItem>,
    no_contact: Vec<DueItem>,
    caseloads: Vec<Caseload>,
    referral_needed: Vec<DueItem>,
    care_plan_reviews: Vec<DueItem>,
}

/// The worklist page of one user: the list, and the agent's own unit and its coming bimtek.
/// A section the user's role has nothing to do with is empty.
#[derive(Debug, Clone)]
pub struct WorklistPage {
    /// What needs doing.
    pub list: Worklist,
    /// An agent's own IBM unit, if any.
    pub my_unit: Option<Unit>,
    /// The bimtek of that unit not over yet, soonest first.
    pub coming_trainings: Vec<TrainingRow>,
}

impl App {
    /// The worklist page of `actor`, its sections read concurrently.
    #[tracing::instrument(skip_all)]
    pub async fn worklist_page(&self, actor: &Actor) -> AppResult<WorklistPage> {
        let (list, my_unit) = futures::try_join!(self.worklist(actor), self.my_unit(actor))?;
        let mut coming_trainings = match (&my_unit, list.today) {
            (Some(unit), Some(today)) => {
                let mut all = self.store.trainings(unit.id).await?;
                all.retain(|t| t.ends_on >= today);
                all
            }
            _ => Vec::new(),
        };
        coming_trainings.sort_by_key(|t| t.starts_on);
        Ok(WorklistPage {
            list,
            my_unit,
            coming_trainings,
        })
    }

    /// The worklist of `actor`.
    #[tracing::instrument(skip_all)]
    pub async fn worklist(&self, actor: &Actor) -> AppResult<Worklist> {
        let today = self.today_for(actor).await?;
        if actor.disabled {
            return Ok(Worklist {
                today: Some(today),
                ..Worklist::default()
            });
        }
        let clients = async {
            match reach_of(actor) {
                Some(reach) => self.client_sections(actor, reach, today).await,
                None => Ok(ClientSections::default()),
            }
        };
        let untrained = async {
            if authorize(actor, Action::ManageUnits, &actor.scope).is_err() {
                return Ok(Vec::new());
            }
            Ok(self.store.untrained_agents(&actor.scope).await?)
        };
        let (referrals, clients, untrained_agents, due_retention_checks, follow_ups) = futures::try_join!(
            self.referral_sections(actor, today),
            clients,
            untrained,
            self.due_retention_checks(actor),
            self.follow_up_work(actor)
        )?;
        let idle = async {
            if authorize(actor, Action::SuperviseAgents, &actor.scope).is_err() {
                return Ok(Vec::new());
            }
            let since = idle_since(today);
            AppResult::Ok(self.store.idle_agents(&actor.scope, since).await?)
        };
        let (action_items_overdue, mous_ending, programme, idle_agents) = futures::try_join!(
            self.overdue_action_items(actor, today),
            self.mous_ending(actor, today),
            self.programme_work(actor, today),
            idle
        )?;
        Ok(Worklist {
            today: Some(today),
            referrals_to_answer: referrals.to_answer,
            referrals_in_service: referrals.in_service,
            referrals_waiting: referrals.waiting,
            referrals_escalated: referrals.escalated,
            tat_due: clients.tat_due,
            consents_expiring: clients.consents_expiring,
            no_contact: clients.no_contact,
            caseloads: clients.caseloads,
            untrained_agents,
            due_retention_checks,
            follow_ups,
            action_items_overdue,
            mous_ending,
            referral_needed: clients.referral_needed,
            care_plan_reviews: clients.care_plan_reviews,
            programme,
            idle_agents,
        })
    }

    async fn referral_sections(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> AppResult<ReferralSections> {
        let mut list = ReferralSections::default();
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
            list.to_answer = lines(ReferralQuery {
                statuses: states(&[ReferralStatus::Sent]),
                ..mine()
            })
            .await?;
            list.in_service = lines(ReferralQuery {
                statuses: states(&[ReferralStatus::Accepted, ReferralStatus::Started]),
                ..mine()
            })
            .await?;
            return Ok(list);
        }
        list.waiting = lines(ReferralQuery {
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
            // Asked for by their mark: the newest unanswered referrals of a busy scope
            // would crowd out the old, escalated ones.
            list.escalated = lines(ReferralQuery {
                within,
                statuses: states(&[ReferralStatus::Sent]),
                escalated_only: true,
                ..ReferralQuery::default()
            })
            .await?;
        }
        Ok(list)
    }

    async fn client_sections(
        &self,
        actor: &Actor,
        reach: ClientReach,
        today: NaiveDate,
    ) -> AppResult<ClientSections> {
        let mut list = ClientSections::default();
        let filter = |reach| ClientFilter {
            reach,
            granted: None,
            before: None,
            limit: 0,
        };
        let coordinator = actor.role == Role::Coordinator;
        let in_reach = filter(reach);
        let tat_until = today + Duration::days(TAT_WARNING_DAYS);
        let review_until = today + Duration::days(REVIEW_WARNING_DAYS);
        let consent_until = today + Duration::days(CONSENT_WARNING_DAYS);
        let due = self
            .store
            .due_facts(
                &in_reach,
                &[
                    FactKind::Episode,
                    FactKind::Consent,
                    FactKind::Assist,
                    FactKind::CarePlan,
                ],
                consent_until,
            )
            .await?;
        let item = |f: &DueFact| DueItem {
            client_id: f.client_id,
            client_code: f.code.clone(),
            due_on: f.due_on,
            overdue: f.due_on < today,
        };
        // Coordinators see every TAT deadline in scope, but only their own clients'
        // consents and silences; their workers' show as counts in the caseloads.
        let mine = |f: &DueFact| !coordinator || f.assigned_to == Some(actor.user_id);
        for f in &due {
            match f.kind {
                FactKind::Episode if f.due_on <= tat_until => list.tat_due.push(item(f)),
                FactKind::Consent if f.due_on >= today && mine(f) => {
                    list.consents_expiring.push(item(f));
                }
                FactKind::Assist => list.referral_needed.push(item(f)),
                FactKind::CarePlan if f.due_on <= review_until && mine(f) => {
                    list.care_plan_reviews.push(item(f));
                }
                _ => {}
            }
        }
        let quiet_since = today - Duration::days(NO_CONTACT_DAYS);
        let own = if coordinator {
            filter(ClientReach::Assigned(actor.user_id))
        } else {
            in_reach.clone()
        };
        list.no_contact = self
            .store
            .client_contacts(&own)
            .await?
            .into_iter()
            .filter_map(|c| {
                let last = c.last_fact_on.unwrap_or_else(|| c.created_at.date_naive());
                (last <= quiet_since).then_some(DueItem {
                    client_id: c.id,
                    client_code: c.code,
                    due_on: last,
                    overdue: true,
                })
            })
            .collect();
        if coordinator {
            let counts = self.store.caseload_counts(&in_reach, quiet_since).await?;
            let tat_overdue: Vec<Option<UserId>> = due
                .iter()
                .filter(|f| f.kind == FactKind::Episode && f.due_on < today)
                .map(|f| f.assigned_to)
                .collect();
            list.caseloads = self
                .caseloads(&actor.scope, today, counts, &tat_overdue)
                .await?;
        }
        Ok(list)
    }
}
