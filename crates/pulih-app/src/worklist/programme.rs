//! Coordinators' programme work on the worklist: IBM units whose active agents are not
//! all trained and that have no bimtek planned, villages whose latest IKN assessment is
//! more than a year old, and regencies whose villages Bersinar are below the share of the
//! yearly target that the elapsed part of the year calls for
//! (`pulih_domain::programme::bersinar::due_by`). Each section is read only by a user
//! whose role may act on it, inside the user's scope.

use chrono::{Datelike, Months, NaiveDate};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::programme::bersinar::{due_by, target_at_risk};
use pulih_domain::region::RegionCode;
use pulih_store::{IknDue, UnitToTrain};
use serde::Serialize;

use crate::{App, AppResult};

/// How long an IKN assessment stands before the village is to be assessed again.
const IKN_VALID_MONTHS: u32 = 12;

/// A regency behind its Bersinar target for the year.
#[derive(Debug, Clone, Serialize)]
pub struct TargetAtRisk {
    /// The regency or city.
    pub regency: RegionCode,
    /// The year.
    pub year: i32,
    /// The target.
    pub target: i64,
    /// Villages Bersinar now.
    pub designated: i64,
    /// How many the elapsed part of the year calls for.
    pub due_by_now: i64,
}

/// The programme sections of a coordinator's worklist.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeWork {
    /// Units with untrained active agents and no bimtek planned.
    pub trainings_due: Vec<UnitToTrain>,
    /// Villages whose latest IKN assessment is more than a year old.
    pub ikn_due: Vec<IknDue>,
    /// Regencies behind their Bersinar target.
    pub targets_at_risk: Vec<TargetAtRisk>,
}

impl App {
    /// The programme work `actor` may act on, seen on `today`.
    pub(super) async fn programme_work(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> AppResult<ProgrammeWork> {
        let may = |action| authorize(actor, action, &actor.scope).is_ok();
        let scope = &actor.scope;
        let trainings = async {
            if !may(Action::ManageUnits) {
                return Ok(Vec::new());
            }
            self.store.units_to_train(scope, today).await
        };
        let ikn = async {
            if !may(Action::ApproveAssessment) {
                return Ok(Vec::new());
            }
            let before = today
                .checked_sub_months(Months::new(IKN_VALID_MONTHS))
                .unwrap_or(today);
            self.store.ikn_due(scope, before).await
        };
        let targets = async {
            if !may(Action::ManageBersinar) {
                return Ok(Vec::new());
            }
            self.store.target_progress(scope, today.year()).await
        };
        let (trainings_due, ikn_due, targets) = futures::try_join!(trainings, ikn, targets)?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let targets_at_risk = targets
            .into_iter()
            .filter(|t| target_at_risk(count(t.target), count(t.designated), today))
            .map(|t| TargetAtRisk {
                due_by_now: i64::try_from(due_by(count(t.target), today)).unwrap_or(i64::MAX),
                regency: t.regency,
                year: today.year(),
                target: t.target,
                designated: t.designated,
            })
            .collect();
        Ok(ProgrammeWork {
            trainings_due,
            ikn_due,
            targets_at_risk,
        })
    }
}
