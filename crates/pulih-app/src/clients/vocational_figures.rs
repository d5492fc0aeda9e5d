//! Reads over many clients' vocational tracks, each one query whatever the number of
//! clients: the placement and 6-month retention figures of a region and period, and the
//! retention checks due on a worker's worklist. Only plain parts are read: no client
//! record is opened, so nothing here is an audited read of one.

use std::collections::HashMap;

use chrono::NaiveDate;
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::figures::{Count, share};
use pulih_domain::ids::ClientId;
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_domain::vocational::{Period, RetentionMonth, Step, TRACK_KINDS, Tally, Track};
use pulih_store::{ClientReach, ReachedFact};
use serde::Serialize;

use super::read::reach_of;
use super::vocational_view::step;
use crate::PeriodInput;
use crate::{App, AppError, AppResult};

/// Vocational placement and 6-month retention in a region over a period.
#[derive(Debug, Clone, Serialize)]
pub struct VocationalOutcomes {
    /// The region.
    pub region: RegionCode,
    /// The period.
    pub period: Period,
    /// The local date the figures were computed for.
    pub today: NaiveDate,
    /// Whether counts from 1 to 4 are shown as "<5".
    pub suppressed: bool,
    /// Clients who completed training in the period.
    pub completed: Count,
    /// Of those, the clients placed in a job or own business after it.
    pub placed: Count,
    /// `placed` of `completed`, in per cent.
    pub placement_share: Option<f64>,
    /// Clients placed in the period at least six months ago.
    pub placed_6m: Count,
    /// Of those, the clients whose 6-month check was recorded.
    pub checked_6m: Count,
    /// Of those placed, the clients still working at the 6-month check.
    pub working_6m: Count,
    /// `working_6m` of `placed_6m`, in per cent.
    pub retention_share: Option<f64>,
}

/// A retention check due, on a worklist: the client's code, the due date, the kind.
#[derive(Debug, Clone, Serialize)]
pub struct DueCheck {
    /// The client, for the link to the record.
    pub client_id: ClientId,
    /// The client's pseudonymous code.
    pub client_code: ClientCode,
    /// When the check falls due.
    pub due_on: NaiveDate,
    /// Always `retention_check`.
    pub kind: FactKind,
    /// Which check.
    pub month: RetentionMonth,
}

/// Each client's steps, oldest first, from facts ordered by client.
fn per_client(facts: &[ReachedFact]) -> impl Iterator<Item = (&ReachedFact, Vec<Step>)> {
    facts
        .chunk_by(|a, b| a.fact.client_id == b.fact.client_id)
        .filter_map(|chunk| {
            let first = chunk.first()?;
            Some((first, chunk.iter().map(|f| step(&f.fact)).collect()))
        })
}

impl App {
    /// The period of `input` ending no later than `today`.
    fn period(input: &PeriodInput, today: NaiveDate) -> AppResult<Period> {
        let (from, to) = input.days(today, crate::outcomes::twelve_months_to)?;
        Period::new(from, to).map_err(|e| AppError::invalid("to", e.key))
    }

    /// Vocational placement and 6-month retention of the clients registered in `region`
    /// or below it, over a period. Analysts get small counts suppressed.
    #[tracing::instrument(skip_all, fields(region = %region))]
    pub async fn vocational_outcomes(
        &self,
        actor: &Actor,
        region: &RegionCode,
        input: PeriodInput,
    ) -> AppResult<VocationalOutcomes> {
        let scope = Scope::Region(region.clone());
        authorize(actor, Action::ViewOutcomes, &scope)?;
        if self.region_row(region).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let today = self.today_in(region).await?;
        let period = Self::period(&input, today)?;
        let facts = self
            .store
            .facts_in_reach(&ClientReach::Scope(scope), &TRACK_KINDS)
            .await?;
        let mut tally = Tally::default();
        for (_, steps) in per_client(&facts) {
            tally.add(&steps, period, today);
        }
        let suppressed = actor.role == Role::Analyst;
        let count = |n| Count::of(n, suppressed);
        let (completed, placed) = (count(tally.completed), count(tally.placed));
        let (placed_6m, working_6m) = (count(tally.placed_6m), count(tally.working_6m));
        Ok(VocationalOutcomes {
            region: region.clone(),
            period,
            today,
            suppressed,
            completed,
            placed,
            placement_share: share(placed, completed),
            placed_6m,
            checked_6m: count(tally.checked_6m),
            working_6m,
            retention_share: share(working_6m, placed_6m),
        })
    }

    /// The retention checks open for the clients `actor` works with, earliest first.
    pub(crate) async fn due_retention_checks(&self, actor: &Actor) -> AppResult<Vec<DueCheck>> {
        let Some(reach) = reach_of(actor) else {
            return Ok(Vec::new());
        };
        let facts = self.store.facts_in_reach(&reach, &TRACK_KINDS).await?;
        let mut days: HashMap<Option<RegionCode>, NaiveDate> = HashMap::new();
        let mut due = Vec::new();
        for (client, steps) in per_client(&facts).filter(|(c, _)| !c.erased) {
            let regency = client.region.at_level(RegionLevel::Regency);
            let today = match days.get(&regency) {
                Some(day) => *day,
                None => *days
                    .entry(regency)
                    .or_insert(self.today_in(&client.region).await?),
            };
            for (month, due_on) in Track::fold(&steps).due_checks(today) {
                due.push(DueCheck {
                    client_id: client.fact.client_id,
                    client_code: client.code.clone(),
                    due_on,
                    kind: FactKind::RetentionCheck,
                    month,
                });
            }
        }
        due.sort_by(|a, b| {
            (a.due_on, a.client_code.as_str()).cmp(&(b.due_on, b.client_code.as_str()))
        });
        Ok(due)
    }
}
