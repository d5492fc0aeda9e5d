//! Aftercare after rehabilitation: the monitoring schedule and its due dates, follow-up
//! visits, the end of aftercare and relapse as an event that restarts a step of care.

use chrono::{Days, NaiveDate};

use crate::Invalid;
use crate::client::FactKind;
use crate::clinical::assist::Recommendation;
use crate::ids::FactId;
use crate::keyed::keyed_enum;

/// The schedule used when a plan names none: weeks after discharge.
pub const DEFAULT_WEEKS: [u16; 6] = [1, 2, 4, 8, 12, 26];

/// Aftercare lasts three to six months: the last visit falls in one of these weeks.
const LAST_WEEK: std::ops::RangeInclusive<u16> = 13..=26;

/// Weeks at which a BARC-10 is due besides the last visit of the plan.
const BARC_WEEKS: [u16; 2] = [4, 12];

/// A monitoring schedule: visits at strictly increasing weeks after discharge, the last
/// between week 13 and week 26 (three to six months).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<u16>", into = "Vec<u16>")]
pub struct Schedule(Vec<u16>);

impl Default for Schedule {
    fn default() -> Self {
        Self(DEFAULT_WEEKS.to_vec())
    }
}

impl TryFrom<Vec<u16>> for Schedule {
    type Error = Invalid;
    fn try_from(weeks: Vec<u16>) -> Result<Self, Invalid> {
        Self::new(weeks)
    }
}

impl From<Schedule> for Vec<u16> {
    fn from(s: Schedule) -> Self {
        s.0
    }
}

impl Schedule {
    /// A schedule from weeks in order; refused unless strictly increasing from week 1 on
    /// and ending between week 13 and 26.
    pub fn new(weeks: Vec<u16>) -> Result<Self, Invalid> {
        let increasing = weeks.windows(2).all(|w| w[0] < w[1]);
        match (weeks.first(), weeks.last()) {
            (Some(&first), Some(last)) if first >= 1 && increasing => {
                if LAST_WEEK.contains(last) {
                    Ok(Self(weeks))
                } else {
                    Err(Invalid::new("invalid.schedule_length"))
                }
            }
            _ => Err(Invalid::new("invalid.schedule_weeks")),
        }
    }

    /// A schedule typed as numbers separated by commas or spaces; empty is the default.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let parts: Vec<&str> = input
            .split([',', ' ', ';'])
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            return Ok(Self::default());
        }
        let weeks = parts
            .iter()
            .map(|p| p.parse::<u16>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| Invalid::new("invalid.schedule_weeks"))?;
        Self::new(weeks)
    }

    /// The weeks, in order.
    pub fn weeks(&self) -> &[u16] {
        &self.0
    }

    /// The date of each visit: `week` weeks after discharge.
    pub fn dates(&self, discharged_on: NaiveDate) -> Vec<NaiveDate> {
        self.0
            .iter()
            .map(|w| discharged_on + Days::new(u64::from(*w) * 7))
            .collect()
    }

    /// The first visit date, due once the plan is made.
    pub fn first_due(&self, discharged_on: NaiveDate) -> Option<NaiveDate> {
        self.dates(discharged_on).first().copied()
    }

    /// The visit due after one made on `visited_on` while `due` was the pending date: the
    /// first scheduled date after both, so a late visit catches up on the dates it passed
    /// and an early one still answers the pending date. None when the schedule is done.
    pub fn next_due(
        &self,
        discharged_on: NaiveDate,
        due: NaiveDate,
        visited_on: NaiveDate,
    ) -> Option<NaiveDate> {
        let after = due.max(visited_on);
        self.dates(discharged_on).into_iter().find(|d| *d > after)
    }

    /// The scheduled week of a due date, if it is one.
    pub fn week_of(&self, discharged_on: NaiveDate, due: NaiveDate) -> Option<u16> {
        self.dates(discharged_on)
            .into_iter()
            .zip(self.0.iter().copied())
            .find_map(|(d, w)| (d == due).then_some(w))
    }

    /// Whether the visit for the pending date `due` should take a BARC-10: at weeks 4
    /// and 12 and at the last visit, so recovery capital is seen early, midway and at
    /// the end.
    pub fn barc10_due(&self, discharged_on: NaiveDate, due: NaiveDate) -> bool {
        self.week_of(discharged_on, due)
            .is_some_and(|w| BARC_WEEKS.contains(&w) || Some(&w) == self.0.last())
    }
}

keyed_enum! {
    /// How a follow-up took place.
    pub enum FollowUpMode {
        /// Face to face.
        InPerson = "in_person",
        /// By phone.
        Phone = "phone",
        /// At the client's home.
        HomeVisit = "home_visit",
    }
    invalid = "invalid.follow_up_mode"
}

keyed_enum! {
    /// What a follow-up found.
    pub enum FollowUpStatus {
        /// Doing well.
        Well = "well",
        /// Struggling but not using.
        Struggling = "struggling",
        /// Using again: the worker records the relapse.
        Relapsed = "relapsed",
        /// Could not be reached: the visit stays due.
        Unreachable = "unreachable",
        /// Moved away: aftercare ends.
        Moved = "moved",
        /// Died: aftercare ends.
        Died = "died",
    }
    invalid = "invalid.follow_up_status"
}

impl FollowUpStatus {
    /// Whether the client was reached, so the visit answers the pending date.
    pub const fn reached(self) -> bool {
        !matches!(self, Self::Unreachable)
    }

    /// How aftercare ends because of this finding, if it does.
    pub const fn ends(self) -> Option<AftercareEndStatus> {
        match self {
            Self::Moved => Some(AftercareEndStatus::Moved),
            Self::Died => Some(AftercareEndStatus::Died),
            _ => None,
        }
    }
}

keyed_enum! {
    /// How aftercare ended.
    pub enum AftercareEndStatus {
        /// The schedule was done.
        Completed = "completed",
        /// The client stopped taking part.
        DroppedOut = "dropped_out",
        /// The client died.
        Died = "died",
        /// The client moved away.
        Moved = "moved",
    }
    invalid = "invalid.aftercare_end_status"
}

keyed_enum! {
    /// What was done after a relapse.
    pub enum RelapseResponse {
        /// A brief intervention (IBM or counsellor).
        BriefIntervention = "brief_intervention",
        /// Referred again to a service.
        ReReferral = "re_referral",
        /// Readmitted to rehabilitation.
        RehabReadmission = "rehab_readmission",
        /// Nothing decided yet.
        NoneYet = "none_yet",
    }
    invalid = "invalid.relapse_response"
}

impl RelapseResponse {
    /// The step of care a relapse puts the client back on: a brief intervention, or a
    /// referral for re-referral and readmission; none while nothing is decided, so the
    /// client has no step in force until one is recorded.
    pub const fn step(self) -> Option<Recommendation> {
        match self {
            Self::BriefIntervention => Some(Recommendation::BriefIntervention),
            Self::ReReferral | Self::RehabReadmission => Some(Recommendation::Referral),
            Self::NoneYet => None,
        }
    }
}

/// A follow-up must lie on or after discharge and not in the future.
pub fn follow_up_date(
    date: NaiveDate,
    discharged_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    if date < discharged_on {
        Err(Invalid::new("invalid.follow_up_before_discharge"))
    } else {
        crate::client::past_date(date, today)
    }
}

/// The share of clients finishing aftercare who did not relapse during it, in percent
/// rounded down; none when nobody finished.
pub const fn share_not_relapsed(finished: u64, relapsed: u64) -> Option<u64> {
    (finished.saturating_sub(relapsed) * 100).checked_div(finished)
}

/// BNN's target for the share not relapsed, in percent.
pub const TARGET_NOT_RELAPSED: u64 = 50;

#[cfg(test)]
#[path = "aftercare_tests.rs"]
mod tests;

/// Whether a client has an open aftercare plan: among its facts (kind, id, the fact it
/// refers to), a plan that no `aftercare_end` refers to. A client has one at most.
pub fn plan_open(facts: &[(FactKind, FactId, Option<FactId>)]) -> bool {
    facts
        .iter()
        .filter(|(kind, _, _)| *kind == FactKind::AftercarePlan)
        .any(|(_, plan, _)| {
            !facts
                .iter()
                .any(|(kind, _, to)| *kind == FactKind::AftercareEnd && *to == Some(*plan))
        })
}
