//! Rollups: how many of each figure happened where and when, kept as counters per
//! (figure, node of the region tree, calendar period) in the same transaction as the
//! write that changes them, so a dashboard reads a few rows at any level instead of
//! scanning records.
//!
//! A write states its [`Tally`]s: a figure, the most precise place it happened (a
//! village, or a district or regency when the record is kept there), the day and ±1.
//! [`Tally::cells`] spreads it to the place and every node above it up to the nation,
//! in each of the four periods holding the day, so a node's count is the sum of its
//! children's plus what was recorded at the node itself.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

use crate::Invalid;
use crate::clinical::typology::Typology;
use crate::keyed::keyed_enum;
use crate::programme::activity_detail::ActivityKind;
use crate::programme::office_activity::{AudienceGroup, OfficeCounts};
use crate::referral::ServiceType;
use crate::region::RegionCode;

/// The node key of the nation, above the provinces.
pub const NATION: &str = "ID";

keyed_enum! {
    /// A figure the rollups count. Each counts events (records of one kind) by the day
    /// they happened; the rule for each is where the record is written (see
    /// `docs/FIGURES.md`).
    pub enum Figure {
        /// IBM units formed (by the day of their decree).
        UnitsFormed = "units_formed",
        /// Awareness sessions (sosialisasi) held.
        AwarenessSessions = "awareness_sessions",
        /// People attending awareness sessions.
        AwarenessAudience = "awareness_audience",
        /// Outreach activities held.
        OutreachActivities = "outreach_activities",
        /// People reached by outreach.
        OutreachReached = "outreach_reached",
        /// Coordination meetings held.
        CoordinationMeetings = "coordination_meetings",
        /// Relawan anti-narkoba in the audiences of a BNN office's awareness sessions.
        RelawanReached = "relawan_reached",
        /// School counsellors (guru BK) in the audiences of a BNN office's awareness
        /// sessions.
        SchoolCounsellorsReached = "school_counsellors_reached",
        /// Episodes of care opened, any pathway.
        Intakes = "intakes",
        /// Episodes opened through IBM outreach.
        IntakeIbmOutreach = "intake_ibm_outreach",
        /// Episodes opened by compulsory self-report (Wajib Lapor).
        IntakeWajibLapor = "intake_wajib_lapor",
        /// Episodes opened after arrest (TAT).
        IntakeTat = "intake_tat",
        /// Episodes opened at release from prison.
        IntakeLapasRelease = "intake_lapas_release",
        /// Episodes opened on a family's referral.
        IntakeFamilyReferral = "intake_family_referral",
        /// Episodes opened on a community referral.
        IntakeCommunityReferral = "intake_community_referral",
        /// TAT assessments that took place.
        TatAssessments = "tat_assessments",
        /// ASSIST screenings.
        AssistScreenings = "assist_screenings",
        /// ASSIST screenings whose client was judged to have tried once or twice (coba
        /// pakai, BNN's user typology).
        TypologyCobaPakai = "typology_coba_pakai",
        /// ASSIST screenings whose client was judged a regular user (teratur pakai).
        TypologyTeraturPakai = "typology_teratur_pakai",
        /// ASSIST screenings whose client was judged dependent (pecandu).
        TypologyPecandu = "typology_pecandu",
        /// Referrals sent to partner services.
        ReferralsSent = "referrals_sent",
        /// Referrals the partner accepted.
        ReferralsAccepted = "referrals_accepted",
        /// Referrals the partner declined.
        ReferralsDeclined = "referrals_declined",
        /// Referrals whose service was completed.
        ReferralsCompleted = "referrals_completed",
        /// Consents withdrawn.
        ConsentsWithdrawn = "consents_withdrawn",
        /// Aftercare plans made at discharge.
        AftercarePlans = "aftercare_plans",
        /// Aftercare follow-up visits.
        FollowUps = "follow_ups",
        /// Relapses recorded.
        Relapses = "relapses",
        /// Enrolments in vocational training.
        VocationalEnrolments = "vocational_enrolments",
        /// Placements in work or an own business.
        Placements = "placements",
        /// Clients referred to residential rehabilitation and waiting (sent or accepted,
        /// not started): a stock, whose counters hold its changes in each period.
        WaitingRehabInpatient = "waiting_rehab_inpatient",
        /// Clients referred to outpatient rehabilitation and waiting, as above.
        WaitingRehabOutpatient = "waiting_rehab_outpatient",
    }
    invalid = "invalid.figure"
}

impl Figure {
    /// Whether the figure counts client records: shown only to roles that may see the
    /// clients of their area, never to analysts or police liaisons as live figures.
    pub const fn about_clients(self) -> bool {
        !matches!(
            self,
            Self::UnitsFormed
                | Self::AwarenessSessions
                | Self::AwarenessAudience
                | Self::OutreachActivities
                | Self::OutreachReached
                | Self::CoordinationMeetings
                | Self::RelawanReached
                | Self::SchoolCounsellorsReached
        )
    }

    /// Whether the figure is a stock (how many are waiting now): its counters hold its
    /// changes, so a period's value is no figure to show; the stock is their sum over
    /// every year.
    pub const fn is_stock(self) -> bool {
        matches!(
            self,
            Self::WaitingRehabInpatient | Self::WaitingRehabOutpatient
        )
    }

    /// The stock of clients waiting for a service of `service`'s type, where one is kept.
    pub const fn waiting_for(service: ServiceType) -> Option<Self> {
        match service {
            ServiceType::RehabInpatient => Some(Self::WaitingRehabInpatient),
            ServiceType::RehabOutpatient => Some(Self::WaitingRehabOutpatient),
            _ => None,
        }
    }

    /// The figure counting screenings with `typology`.
    pub const fn of_typology(typology: Typology) -> Self {
        match typology {
            Typology::CobaPakai => Self::TypologyCobaPakai,
            Typology::TeraturPakai => Self::TypologyTeraturPakai,
            Typology::Pecandu => Self::TypologyPecandu,
        }
    }

    /// The figures a dashboard charts over twelve months.
    pub const TREND: [Self; 4] = [
        Self::AwarenessSessions,
        Self::OutreachReached,
        Self::Intakes,
        Self::AftercarePlans,
    ];
}

/// `n` per 100,000 of `population`, to two decimals; none without a population.
pub fn per_100k(n: i64, population: Option<u64>) -> Option<f64> {
    let people = population.filter(|p| *p > 0)? as f64;
    Some((n as f64 * 100_000.0 / people * 100.0).round() / 100.0)
}

/// A figure changed by a write: `delta` at `place` on `day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The figure.
    pub figure: Figure,
    /// The most precise region the record is kept at.
    pub place: RegionCode,
    /// The day it happened.
    pub day: NaiveDate,
    /// How much it adds (negative to take back).
    pub delta: i64,
}

/// One counter a tally adds to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    /// The figure.
    pub figure: Figure,
    /// The node: a region code, or [`NATION`].
    pub node: String,
    /// The period's key.
    pub period: String,
}

impl Cell {
    /// The node above this cell's node: the region's parent, [`NATION`] above a province,
    /// empty above the nation.
    pub fn parent(&self) -> &str {
        match self.node.rsplit_once('.') {
            Some((parent, _)) => parent,
            None if self.node == NATION => "",
            None => NATION,
        }
    }
}

impl Tally {
    /// A tally of one.
    pub fn one(figure: Figure, place: &RegionCode, day: NaiveDate) -> Self {
        Self {
            figure,
            place: place.clone(),
            day,
            delta: 1,
        }
    }

    /// The tallies of an IBM unit formed in `village`, by its decree's day.
    pub fn of_unit(village: &RegionCode, decreed_on: NaiveDate) -> Self {
        Self::one(Figure::UnitsFormed, village, decreed_on)
    }

    /// The tallies of an activity of `kind` reaching `people` in `village` on `day`:
    /// the activity and, for awareness and outreach, the people.
    pub fn of_activity(
        kind: ActivityKind,
        people: i64,
        village: &RegionCode,
        day: NaiveDate,
    ) -> Vec<Self> {
        let (held, reached) = match kind {
            ActivityKind::Awareness => (Figure::AwarenessSessions, Some(Figure::AwarenessAudience)),
            ActivityKind::Outreach => (Figure::OutreachActivities, Some(Figure::OutreachReached)),
            ActivityKind::Coordination => (Figure::CoordinationMeetings, None),
        };
        let mut out = vec![Self::one(held, village, day)];
        if let Some(figure) = reached {
            out.push(Self {
                delta: people,
                ..Self::one(figure, village, day)
            });
        }
        out
    }

    /// The tallies of the audience groups of a BNN office's awareness session at `place`
    /// on `day`: the relawan and the school counsellors reached, where any were.
    pub fn of_office_counts(
        counts: &OfficeCounts,
        place: &RegionCode,
        day: NaiveDate,
    ) -> Vec<Self> {
        [
            (Figure::RelawanReached, AudienceGroup::Relawan),
            (
                Figure::SchoolCounsellorsReached,
                AudienceGroup::SchoolCounsellors,
            ),
        ]
        .into_iter()
        .filter_map(|(figure, group)| {
            let n = counts.reached(group);
            (n > 0).then(|| Self {
                delta: i64::from(n),
                ..Self::one(figure, place, day)
            })
        })
        .collect()
    }

    /// The same tally taken back.
    #[must_use]
    pub fn negated(mut self) -> Self {
        self.delta = -self.delta;
        self
    }

    /// The counters it adds to: the place and each node above it, in each period
    /// holding the day.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        let nodes = self
            .place
            .ancestors()
            .into_iter()
            .map(String::from)
            .chain([self.place.to_string(), NATION.to_owned()]);
        let periods = Period::holding(self.day).map(|p| p.to_string());
        nodes.flat_map(move |node| {
            periods.clone().into_iter().map(move |period| Cell {
                figure: self.figure,
                node: node.clone(),
                period,
            })
        })
    }
}

/// A calendar period the rollups count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A month: year and month 1–12.
    Month(i32, u32),
    /// A quarter: year and quarter 1–4.
    Quarter(i32, u32),
    /// A semester, as RAN P4GN reports: year and half 1–2.
    Semester(i32, u32),
    /// A year.
    Year(i32),
}

impl Period {
    /// The month, quarter, semester and year holding `day`.
    pub fn holding(day: NaiveDate) -> [Self; 4] {
        let (y, m) = (day.year(), day.month());
        [
            Self::Month(y, m),
            Self::Quarter(y, (m - 1) / 3 + 1),
            Self::Semester(y, (m - 1) / 6 + 1),
            Self::Year(y),
        ]
    }

    /// The semester holding `day`: the default period of a dashboard.
    pub fn semester_of(day: NaiveDate) -> Self {
        Self::holding(day)[2]
    }

    /// Parses `2026-07`, `2026-Q3`, `2026-S2` or `2026`.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let bad = || Invalid::new("invalid.period_name");
        let s = s.trim();
        let (year, rest) = s.split_once('-').unwrap_or((s, ""));
        if year.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number = |t: &str, max: u32| match t.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) && !t.starts_with('+') => Ok(n),
            _ => Err(bad()),
        };
        let period = match rest.as_bytes().first() {
            None => Self::Year(year),
            Some(b'Q') => Self::Quarter(year, number(&rest[1..], 4)?),
            Some(b'S') => Self::Semester(year, number(&rest[1..], 2)?),
            Some(_) if rest.len() == 2 => Self::Month(year, number(rest, 12)?),
            Some(_) => return Err(bad()),
        };
        // a day must exist in it (years far out of range do not)
        period.first_day().ok_or_else(bad)?;
        Ok(period)
    }

    fn months(self) -> (i32, u32, u32) {
        match self {
            Self::Month(y, m) => (y, m, 1),
            Self::Quarter(y, q) => (y, 3 * q - 2, 3),
            Self::Semester(y, s) => (y, 6 * s - 5, 6),
            Self::Year(y) => (y, 1, 12),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> Option<NaiveDate> {
        let (y, m, _) = self.months();
        NaiveDate::from_ymd_opt(y, m, 1)
    }

    /// Its last day.
    pub fn last_day(self) -> Option<NaiveDate> {
        let (_, _, n) = self.months();
        self.first_day()?
            .checked_add_months(Months::new(n))?
            .pred_opt()
    }

    /// The period of the same kind just before.
    pub fn previous(self) -> Option<Self> {
        let (_, _, n) = self.months();
        let day = self.first_day()?.checked_sub_months(Months::new(n))?;
        Some(self.same_kind_holding(day))
    }

    /// The period of the same kind just after.
    pub fn next(self) -> Option<Self> {
        let day = self.last_day()?.succ_opt()?;
        Some(self.same_kind_holding(day))
    }

    fn same_kind_holding(self, day: NaiveDate) -> Self {
        let [month, quarter, semester, year] = Self::holding(day);
        match self {
            Self::Month(..) => month,
            Self::Quarter(..) => quarter,
            Self::Semester(..) => semester,
            Self::Year(_) => year,
        }
    }

    /// The twelve months up to and including this period's last month, oldest first.
    pub fn trend(self) -> Vec<Self> {
        let Some(last) = self.last_day() else {
            return Vec::new();
        };
        (0..12)
            .rev()
            .filter_map(|back| last.checked_sub_months(Months::new(back)))
            .map(|day| Self::holding(day)[0])
            .collect()
    }

    /// Whether the period is over by `today`.
    pub fn closed(self, today: NaiveDate) -> bool {
        self.last_day().is_some_and(|last| last < today)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Self::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Self::Semester(y, s) => write!(f, "{y:04}-S{s}"),
            Self::Year(y) => write!(f, "{y:04}"),
        }
    }
}

#[cfg(test)]
#[path = "rollup_tests.rs"]
mod tests;
