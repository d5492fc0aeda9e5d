//! The vocational track of a client: training enrolment → completion (with certificate)
//! → job placement or own business → retention checks 3, 6 and 12 months after the
//! placement, and the outcome coding on exit. Pure rules: which step may follow which,
//! when a retention check falls due, and the placement and 6-month retention figures.

use chrono::{Days, Months, NaiveDate};

use crate::client::FactKind;
use crate::ids::FactId;
use crate::keyed::keyed_enum;

keyed_enum! {
    /// A job with an employer, or a business of one's own.
    pub enum PlacementKind {
        /// Employed.
        Job = "job",
        /// Self-employed: an own business.
        OwnBusiness = "own_business",
    }
    invalid = "invalid.placement_kind"
}

keyed_enum! {
    /// The sector of a placement: the KBLI 2020 sections grouped to what BLK courses and
    /// small businesses lead to, short enough for a phone form. Each names its sections.
    pub enum Sector {
        /// A: agriculture, forestry, fisheries.
        Agriculture = "agriculture",
        /// C: manufacturing and crafts (food processing, garments, furniture).
        Manufacturing = "manufacturing",
        /// F: construction (masonry, welding, electrical installation).
        Construction = "construction",
        /// G: trade, and repair of vehicles (workshops, shops, online selling).
        TradeRepair = "trade_repair",
        /// H: transport and storage (drivers, couriers).
        Transport = "transport",
        /// I: accommodation and food service (cooks, stalls, cafés).
        FoodLodging = "food_lodging",
        /// J: information and communication (phone repair counts under G).
        Ict = "ict",
        /// P, Q: education, health and social work.
        EducationHealth = "education_health",
        /// S, T: personal and household services (barbers, salons, laundry).
        PersonalServices = "personal_services",
        /// Any other section.
        Other = "other",
    }
    invalid = "invalid.sector"
}

keyed_enum! {
    /// Monthly income, in bands (rupiah), so that no amount is recorded.
    pub enum IncomeBand {
        /// Under Rp 1 million.
        Under1m = "under_1m",
        /// Rp 1–2 million.
        From1mTo2m = "1m_2m",
        /// Rp 2–3 million.
        From2mTo3m = "2m_3m",
        /// Rp 3–5 million.
        From3mTo5m = "3m_5m",
        /// Rp 5 million or more.
        Over5m = "over_5m",
    }
    invalid = "invalid.income_band"
}

keyed_enum! {
    /// When after a placement its retention is checked.
    pub enum RetentionMonth {
        /// Three months.
        Three = "3",
        /// Six months.
        Six = "6",
        /// Twelve months.
        Twelve = "12",
    }
    invalid = "invalid.retention_month"
}

keyed_enum! {
    /// Why a client left the programme.
    pub enum ExitReason {
        /// Finished it.
        CompletedProgramme = "completed_programme",
        /// Moved away.
        Moved = "moved",
        /// Could no longer be reached.
        LostContact = "lost_contact",
        /// Died.
        Died = "died",
        /// Declined to continue.
        Declined = "declined",
        /// Anything else.
        Other = "other",
    }
    invalid = "invalid.exit_reason"
}

/// The kinds of fact that make up the track, in the order they usually come.
pub const TRACK_KINDS: [FactKind; 5] = [
    FactKind::VocationalEnrolment,
    FactKind::VocationalCompletion,
    FactKind::Placement,
    FactKind::RetentionCheck,
    FactKind::ProgrammeExit,
];

/// How many days before its due date a retention check may be recorded (and shows on
/// the worklist).
pub const EARLY_DAYS: u64 = 14;

impl RetentionMonth {
    /// The number of months.
    pub const fn months(self) -> u32 {
        match self {
            Self::Three => 3,
            Self::Six => 6,
            Self::Twelve => 12,
        }
    }

    /// The month for a number of months: 3, 6 or 12.
    pub fn from_months(n: u32) -> Result<Self, crate::Invalid> {
        Self::ALL
            .into_iter()
            .find(|m| m.months() == n)
            .ok_or(crate::Invalid::new("invalid.retention_month"))
    }

    /// When this check of a placement on `placed_on` falls due; a placement on the 31st
    /// is checked on the last day of shorter months.
    pub fn due(self, placed_on: NaiveDate) -> NaiveDate {
        placed_on
            .checked_add_months(Months::new(self.months()))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The first day a check falling due on `due` may be recorded.
    pub fn opens(due: NaiveDate) -> NaiveDate {
        due.checked_sub_days(Days::new(EARLY_DAYS)).unwrap_or(due)
    }
}

/// One step of a client's track as stored (plain parts only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The fact.
    pub id: FactId,
    /// Which step.
    pub kind: FactKind,
    /// Its date.
    pub on: NaiveDate,
    /// The fact it follows: the enrolment completed, the placement checked.
    pub refers_to: Option<FactId>,
    /// For a retention check: which one.
    pub month: Option<RetentionMonth>,
    /// For a retention check: whether the client was still working.
    pub working: bool,
}

/// Why a step may not be taken now: a conflict with the track (409) or a field (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The track is not in a state for this step.
    Conflict(&'static str),
    /// A field's value does not fit the track, e.g. a date before the step it follows.
    Field(&'static str, &'static str),
}

/// A placement and the retention checks made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The placement fact.
    pub id: FactId,
    /// Its date.
    pub on: NaiveDate,
    /// The checks made: which, when, still working.
    pub checks: Vec<(RetentionMonth, NaiveDate, bool)>,
}

/// Where a client's track stands, folded from its steps in date order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Track {
    /// The latest enrolment not yet completed, with its start.
    pub enrolment: Option<(FactId, NaiveDate)>,
    /// The latest completion.
    pub completion: Option<(FactId, NaiveDate)>,
    /// The latest placement.
    pub placement: Option<Placed>,
    /// The exit, unless a step came after it.
    pub exited_on: Option<NaiveDate>,
    /// The date of the latest step.
    pub last_on: Option<NaiveDate>,
}

impl Track {
    /// Folds steps given oldest first; facts of other kinds are ignored.
    pub fn fold<'a>(steps: impl IntoIterator<Item = &'a Step>) -> Self {
        let mut t = Self::default();
        for s in steps {
            match s.kind {
                FactKind::VocationalEnrolment => {
                    t.enrolment = Some((s.id, s.on));
                    t.exited_on = None;
                }
                FactKind::VocationalCompletion => {
                    t.enrolment = None;
                    t.completion = Some((s.id, s.on));
                }
                FactKind::Placement => {
                    t.placement = Some(Placed {
                        id: s.id,
                        on: s.on,
                        checks: Vec::new(),
                    });
                    t.exited_on = None;
                }
                FactKind::RetentionCheck => {
                    if let (Some(p), Some(m)) = (&mut t.placement, s.month)
                        && s.refers_to.is_none_or(|r| r == p.id)
                    {
                        p.checks.push((m, s.on, s.working));
                    }
                }
                FactKind::ProgrammeExit => t.exited_on = Some(s.on),
                _ => continue,
            }
            t.last_on = Some(t.last_on.map_or(s.on, |l| l.max(s.on)));
        }
        t
    }

    /// A completion on `on`: it needs an open enrolment begun on or before that date.
    /// Returns the enrolment it completes.
    pub fn completion(&self, on: NaiveDate) -> Result<FactId, Refusal> {
        let (id, started) = self
            .enrolment
            .ok_or(Refusal::Conflict("conflict.vocational_no_enrolment"))?;
        if on < started {
            return Err(Refusal::Field("completed_on", "invalid.before_enrolment"));
        }
        Ok(id)
    }

    /// A placement on `on` follows the latest completion, if any (a job found without
    /// training counts too); it may not be dated before that completion.
    pub fn placement(&self, on: NaiveDate) -> Result<Option<FactId>, Refusal> {
        match self.completion {
            Some((_, done)) if on < done => {
                Err(Refusal::Field("placed_on", "invalid.before_completion"))
            }
            other => Ok(other.map(|(id, _)| id)),
        }
    }

    /// A retention check `month` on `on`: it needs a placement not left since, no
    /// earlier check of that month, and a date no earlier than the placement nor more
    /// than [`EARLY_DAYS`] before the check is due. Returns the placement and due date.
    pub fn retention(
        &self,
        month: RetentionMonth,
        on: NaiveDate,
    ) -> Result<(FactId, NaiveDate), Refusal> {
        let p = self
            .placement
            .as_ref()
            .ok_or(Refusal::Conflict("conflict.vocational_no_placement"))?;
        if self.exited_on.is_some() {
            return Err(Refusal::Conflict("conflict.vocational_exited"));
        }
        if p.checks.iter().any(|(m, _, _)| *m == month) {
            return Err(Refusal::Conflict("conflict.retention_checked"));
        }
        let due = month.due(p.on);
        if on < p.on {
            return Err(Refusal::Field("checked_on", "invalid.before_placement"));
        }
        if on < RetentionMonth::opens(due) {
            return Err(Refusal::Field("checked_on", "invalid.retention_too_early"));
        }
        Ok((p.id, due))
    }

    /// An exit on `on`: not twice, and not dated before the latest step.
    pub fn exit(&self, on: NaiveDate) -> Result<(), Refusal> {
        if self.exited_on.is_some() {
            return Err(Refusal::Conflict("conflict.vocational_exited"));
        }
        match self.last_on {
            Some(last) if on < last => Err(Refusal::Field("exited_on", "invalid.before_last_step")),
            _ => Ok(()),
        }
    }

    /// The retention checks of the latest placement that are open on `today` (due within
    /// [`EARLY_DAYS`] or overdue) and not yet made, with their due dates; none after an
    /// exit.
    pub fn due_checks(&self, today: NaiveDate) -> Vec<(RetentionMonth, NaiveDate)> {
        let Some(p) = self.placement.as_ref().filter(|_| self.exited_on.is_none()) else {
            return Vec::new();
        };
        RetentionMonth::ALL
            .into_iter()
            .filter(|m| !p.checks.iter().any(|(c, _, _)| c == m))
            .map(|m| (m, m.due(p.on)))
            .filter(|(_, due)| RetentionMonth::opens(*due) <= today)
            .collect()
    }
}

/// A period of dates, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// A period that does not end before it starts.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, crate::Invalid> {
        if to < from {
            Err(crate::Invalid::new("invalid.period"))
        } else {
            Ok(Self { from, to })
        }
    }

    /// Whether `day` lies in the period.
    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// The counts behind the vocational figures of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Clients who completed training in the period.
    pub completed: u64,
    /// Of those, the clients placed (job or own business) on or after that completion.
    pub placed: u64,
    /// Clients placed in the period at least six months before today.
    pub placed_6m: u64,
    /// Of those, the clients whose 6-month check was recorded.
    pub checked_6m: u64,
    /// Of those, the clients still working at the 6-month check.
    pub working_6m: u64,
}

impl Tally {
    /// Adds one client's steps, oldest first.
    pub fn add(&mut self, steps: &[Step], period: Period, today: NaiveDate) {
        let of = |kind: FactKind| steps.iter().filter(move |s| s.kind == kind);
        let placements = || of(FactKind::Placement);
        if let Some(done) = of(FactKind::VocationalCompletion).find(|s| period.contains(s.on)) {
            self.completed += 1;
            if placements().any(|p| p.on >= done.on && p.on <= today) {
                self.placed += 1;
            }
        }
        let placed = placements()
            .rev()
            .find(|p| period.contains(p.on) && RetentionMonth::Six.due(p.on) <= today);
        if let Some(p) = placed {
            self.placed_6m += 1;
            let check = of(FactKind::RetentionCheck)
                .find(|c| c.refers_to == Some(p.id) && c.month == Some(RetentionMonth::Six));
            if let Some(c) = check {
                self.checked_6m += 1;
                self.working_6m += u64::from(c.working);
            }
        }
    }
}

#[cfg(test)]
#[path = "vocational_tests.rs"]
mod tests;
