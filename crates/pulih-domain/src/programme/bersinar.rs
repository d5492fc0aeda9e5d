//! Desa/Kelurahan Bersinar (Bersih Narkoba): a village's designation by decree of the
//! Bupati or Wali Kota, its lifecycle, and the yearly targets of a regency or city
//! (Kota Batam: 5 in one year, 15 the next).
//!
//! ```text
//! candidate ──designate──▶ designated ──evaluate──▶ evaluated ──evaluate──▶ evaluated
//!                               │                       │
//!                               └───────revoke──────────┴──▶ revoked (terminal)
//! ```
//!
//! A designated village is evaluated periodically, so evaluation may repeat. Revocation
//! needs a reason and ends the designation for good: a village designated again later
//! starts a new designation as a candidate.

use chrono::{Datelike, NaiveDate};

use crate::Invalid;
use crate::clinical::FieldError;
use crate::keyed::{keyed_enum, optional_text};
use crate::programme::one_line;

keyed_enum! {
    /// Where a village's designation stands.
    pub enum Status {
        /// Proposed, not yet decreed.
        Candidate = "candidate",
        /// Decreed Bersinar.
        Designated = "designated",
        /// Designated and evaluated at least once since.
        Evaluated = "evaluated",
        /// Designation withdrawn; terminal.
        Revoked = "revoked",
    }
    invalid = "invalid.bersinar_status"
}

/// Longest revocation reason, in characters.
pub const REASON_MAX: usize = 500;

/// Why a designation was revoked: trimmed, 1–500 characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RevocationReason(String);

impl RevocationReason {
    /// Validates a reason (`invalid.bersinar_reason`).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        match optional_text(Some(input), REASON_MAX, "invalid.bersinar_reason")? {
            Some(reason) => Ok(Self(reason)),
            None => Err(Invalid::new("invalid.bersinar_reason")),
        }
    }

    /// The reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A step in a designation's lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Candidate → designated, by decree.
    Designate,
    /// Designated or evaluated → evaluated.
    Evaluate,
    /// Designated or evaluated → revoked, for a reason.
    Revoke(RevocationReason),
}

impl Transition {
    /// The key of the step in storage and translations: `designate`, `evaluate`, `revoke`.
    pub const fn key(&self) -> &'static str {
        match self {
            Self::Designate => "designate",
            Self::Evaluate => "evaluate",
            Self::Revoke(_) => "revoke",
        }
    }
}

impl Status {
    /// Where every designation starts.
    pub const INITIAL: Self = Self::Candidate;

    /// The status after `transition`, or `invalid.bersinar_transition` if it is not
    /// allowed from here.
    pub fn apply(self, transition: &Transition) -> Result<Self, Invalid> {
        use Status::*;
        match (self, transition) {
            (Candidate, Transition::Designate) => Ok(Designated),
            (Designated | Evaluated, Transition::Evaluate) => Ok(Evaluated),
            (Designated | Evaluated, Transition::Revoke(_)) => Ok(Revoked),
            _ => Err(Invalid::new("invalid.bersinar_transition")),
        }
    }

    /// Whether the village counts as Bersinar (towards a target): designated or evaluated.
    pub const fn is_bersinar(self) -> bool {
        matches!(self, Self::Designated | Self::Evaluated)
    }
}

/// Longest decree number, in characters.
pub const DECREE_NUMBER_MAX: usize = 100;
/// Longest issuer, in characters.
pub const DECREE_ISSUER_MAX: usize = 200;

/// A decree (surat keputusan): its number, date and who issued it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decree {
    number: String,
    date: NaiveDate,
    issuer: String,
}

impl Decree {
    /// Validates a decree, reporting every problem at once: a number of 1–100 characters
    /// (`number`, `invalid.decree_number`), a date not after `today`
    /// (`date`, `invalid.decree_date_future`), an issuer of 1–200 characters
    /// (`issuer`, `invalid.decree_issuer`).
    pub fn parse(
        number: &str,
        date: NaiveDate,
        issuer: &str,
        today: NaiveDate,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let number = one_line(
            number,
            DECREE_NUMBER_MAX,
            "number",
            "invalid.decree_number",
            &mut errors,
        );
        if date > today {
            errors.push(FieldError::new("date", "invalid.decree_date_future"));
        }
        let issuer = one_line(
            issuer,
            DECREE_ISSUER_MAX,
            "issuer",
            "invalid.decree_issuer",
            &mut errors,
        );
        if errors.is_empty() {
            Ok(Self {
                number,
                date,
                issuer,
            })
        } else {
            Err(errors)
        }
    }

    /// The decree's number, e.g. `188.45/KPTS/2023`.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The date it was signed.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Who issued it, e.g. `Wali Kota Batam`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
}

/// Highest yearly target a regency may set.
pub const TARGET_MAX: u32 = 10_000;

/// A regency's target of Bersinar villages by the end of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct YearTarget {
    year: i32,
    count: u32,
}

impl YearTarget {
    /// Validates a target: not for a year already closed, i.e. before `current_year`
    /// (`year`, `invalid.target_year_closed`), nor more than ten years ahead (`year`,
    /// `invalid.target_year`); at most the regency's `villages` (`count`,
    /// `invalid.target_above_villages`) and never above 10,000 (`count`,
    /// `invalid.target_count`): a target counts villages Bersinar by the end of the year,
    /// so it cannot exceed the villages there are.
    pub fn parse(
        year: i32,
        count: u32,
        current_year: i32,
        villages: u32,
    ) -> Result<Self, FieldError> {
        if year < current_year {
            Err(FieldError::new("year", "invalid.target_year_closed"))
        } else if year > current_year.saturating_add(10) {
            Err(FieldError::new("year", "invalid.target_year"))
        } else if count > TARGET_MAX {
            Err(FieldError::new("count", "invalid.target_count"))
        } else if count > villages {
            Err(FieldError::new("count", "invalid.target_above_villages"))
        } else {
            Ok(Self { year, count })
        }
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// How many villages are to be Bersinar by its end.
    pub fn count(&self) -> u32 {
        self.count
    }
}

keyed_enum! {
    /// How a year's Bersinar villages stand against its target, judged only once the
    /// year is over: a year in progress or still ahead is not "below target".
    pub enum Standing {
        /// A closed year that reached its target.
        Met = "met",
        /// A closed year that fell short.
        Missed = "missed",
        /// The current year: so many of the target so far.
        InProgress = "in_progress",
        /// A year still ahead.
        Planned = "planned",
    }
    invalid = "invalid.target_standing"
}

impl Standing {
    /// The standing of `year` with `designated` villages against `target`, seen in
    /// `current_year`.
    pub fn of(year: i32, current_year: i32, designated: u64, target: u64) -> Self {
        match year.cmp(&current_year) {
            std::cmp::Ordering::Greater => Self::Planned,
            std::cmp::Ordering::Equal => Self::InProgress,
            std::cmp::Ordering::Less if designated >= target => Self::Met,
            std::cmp::Ordering::Less => Self::Missed,
        }
    }
}

/// How many villages a regency should have Bersinar on `today` to be on course for its
/// `target` at the end of the year: the target's share for the part of the year elapsed
/// (today included), rounded down, so none on the first day and the whole target on the
/// last.
pub fn due_by(target: u64, today: NaiveDate) -> u64 {
    let days = NaiveDate::from_ymd_opt(today.year(), 12, 31).map_or(365, |d| d.ordinal());
    target * u64::from(today.ordinal()) / u64::from(days)
}

/// Whether a regency with `designated` villages Bersinar on `today` is behind its yearly
/// `target`: below what the elapsed part of the year calls for ([`due_by`]).
pub fn target_at_risk(target: u64, designated: u64, today: NaiveDate) -> bool {
    designated < due_by(target, today)
}

keyed_enum! {
    /// A step a coordinator takes in a village's Bersinar lifecycle.
    pub enum Step {
        /// Propose the village as a candidate (a new designation).
        Nominate = "nominate",
        /// Designate it by decree.
        Designate = "designate",
        /// Record an evaluation.
        Evaluate = "evaluate",
        /// Revoke the designation, for a reason.
        Revoke = "revoke",
    }
    invalid = "invalid.bersinar_step"
}

impl Step {
    /// The steps open from `current` (none: no history yet), in the order offered: a
    /// village without a designation, or whose designation was revoked, can only be
    /// nominated; a candidate designated; a Bersinar village evaluated or revoked.
    pub fn allowed(current: Option<Status>) -> &'static [Self] {
        match current {
            None | Some(Status::Revoked) => &[Self::Nominate],
            Some(Status::Candidate) => &[Self::Designate],
            Some(Status::Designated | Status::Evaluated) => &[Self::Evaluate, Self::Revoke],
        }
    }

    /// Whether the step needs a decree (number, date, issuer).
    pub const fn needs_decree(self) -> bool {
        matches!(self, Self::Designate)
    }

    /// Whether the step needs a reason.
    pub const fn needs_reason(self) -> bool {
        matches!(self, Self::Revoke)
    }
}

#[cfg(test)]
#[path = "bersinar_tests.rs"]
mod tests;
