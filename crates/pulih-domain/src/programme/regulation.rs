//! Local regulations on narcotics of a province, regency or city, or village: a Perda
//! being revised in the city council (Kota Batam, article-004), a Perbup/Perwali, a
//! decree (SK) forming a team, a circular (Surat Edaran), a village regulation (Perdes).
//! Each has a number (once enacted), a title and a [`Topic`], and a dated lifecycle:
//!
//! ```text
//! draft ──submit──▶ in council ──enact──▶ enacted ──revise──▶ revised ──revise──▶ revised
//!   │                                 ▲      │                   │
//!   └───────────enact─────────────────┘      └──────revoke───────┴──▶ revoked (terminal)
//! ```
//!
//! Only a regulation a council passes ([`Kind::needs_council`]: a Perda in the DPRD, a
//! Perdes in the BPD) goes through the council, and it must: it is enacted from there,
//! never straight from a draft. A regulation already in force when it is recorded
//! starts as enacted. Every step is dated, never after today nor before the step before.
//!
//! A regulation in force ([`Status::in_force`]) of a regency or city, or of its
//! province, is evidence for the IKOTAN variables it bears on ([`EVIDENCE_FOR`]).

use chrono::NaiveDate;

use crate::Invalid;
use crate::keyed::{keyed_enum, optional_text};
use crate::programme::ikotan::Variable;
use crate::region::RegionLevel;

/// Longest number, in characters.
pub const NUMBER_MAX: usize = 100;
/// Longest title, in characters.
pub const TITLE_MAX: usize = 300;
/// Longest note of a step, in characters.
pub const NOTE_MAX: usize = 300;

/// The IKOTAN variables a regulation in force is evidence for: local government
/// institutions and law.
pub const EVIDENCE_FOR: [Variable; 2] = [Variable::Institutions, Variable::Law];

keyed_enum! {
    /// What kind of instrument a regulation is.
    pub enum Kind {
        /// Peraturan Daerah of a province, regency or city, passed by its DPRD.
        Perda = "perda",
        /// Peraturan Gubernur, Bupati or Wali Kota.
        Perkada = "perkada",
        /// Surat Keputusan (decree) of the head of a region or village.
        Sk = "sk",
        /// Surat Edaran (circular).
        SuratEdaran = "surat_edaran",
        /// Peraturan Desa, passed with the village's BPD.
        Perdes = "perdes",
    }
    invalid = "invalid.regulation_kind"
}

impl Kind {
    /// Whether a council passes it (DPRD or BPD), so it goes through "in council".
    pub const fn needs_council(self) -> bool {
        matches!(self, Self::Perda | Self::Perdes)
    }

    /// Whether a region of `level` issues this kind: Perda and Perkada a province or a
    /// regency/city; Perdes a village; SK and Surat Edaran any of the three.
    pub const fn issued_at(self, level: RegionLevel) -> bool {
        match self {
            Self::Perda | Self::Perkada => {
                matches!(level, RegionLevel::Province | RegionLevel::Regency)
            }
            Self::Perdes => matches!(level, RegionLevel::Village),
            Self::Sk | Self::SuratEdaran => matches!(
                level,
                RegionLevel::Province | RegionLevel::Regency | RegionLevel::Village
            ),
        }
    }
}

keyed_enum! {
    /// What a regulation is about.
    pub enum Topic {
        /// Prevention and eradication of narcotics abuse (fasilitasi P4GN).
        P4gn = "p4gn",
        /// Rehabilitation and post-rehabilitation.
        Rehabilitation = "rehabilitation",
        /// Desa/Kelurahan Bersinar and the village programme.
        Bersinar = "bersinar",
        /// A team or body against narcotics (tim terpadu, satgas).
        Team = "team",
        /// Anything else on narcotics.
        Other = "other",
    }
    invalid = "invalid.regulation_topic"
}

keyed_enum! {
    /// Where a regulation stands.
    pub enum Status {
        /// Being drafted.
        Draft = "draft",
        /// Being discussed in the council.
        InCouncil = "in_council",
        /// Enacted and in force.
        Enacted = "enacted",
        /// In force, amended at least once.
        Revised = "revised",
        /// No longer in force; terminal.
        Revoked = "revoked",
    }
    invalid = "invalid.regulation_status"
}

keyed_enum! {
    /// A step of a regulation's lifecycle.
    pub enum Step {
        /// Submit the draft to the council.
        Submit = "submit",
        /// Enact it (it needs a number by then).
        Enact = "enact",
        /// Record an amendment.
        Revise = "revise",
        /// Revoke it.
        Revoke = "revoke",
    }
    invalid = "invalid.regulation_step"
}

impl Status {
    /// Whether the regulation is in force: enacted or revised.
    pub const fn in_force(self) -> bool {
        matches!(self, Self::Enacted | Self::Revised)
    }

    /// The statuses a regulation of `kind` may be recorded in: a draft, in council if a
    /// council passes it, or already enacted.
    pub fn initial(self, kind: Kind) -> Result<Self, Invalid> {
        match self {
            Self::Draft | Self::Enacted => Ok(self),
            Self::InCouncil if kind.needs_council() => Ok(self),
            _ => Err(Invalid::new("invalid.regulation_initial")),
        }
    }

    /// The status after `step` for a regulation of `kind`, or
    /// `invalid.regulation_transition` if the step is not open from here.
    pub fn apply(self, step: Step, kind: Kind) -> Result<Self, Invalid> {
        use Status::*;
        match (self, step) {
            (Draft, Step::Submit) if kind.needs_council() => Ok(InCouncil),
            (Draft, Step::Enact) if !kind.needs_council() => Ok(Enacted),
            (InCouncil, Step::Enact) => Ok(Enacted),
            (Enacted | Revised, Step::Revise) => Ok(Revised),
            (Enacted | Revised, Step::Revoke) => Ok(Revoked),
            _ => Err(Invalid::new("invalid.regulation_transition")),
        }
    }

    /// The steps open from here for a regulation of `kind`, in the order offered.
    pub fn steps(self, kind: Kind) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| self.apply(*s, kind).is_ok())
            .collect()
    }
}

/// A regulation's number, e.g. `Perda No. 11 Tahun 2013`: one line of 1–100 characters.
pub fn parse_number(raw: &str) -> Result<String, Invalid> {
    one_line(raw, NUMBER_MAX, "invalid.regulation_number")
}

/// A regulation's title: one line of 1–300 characters.
pub fn parse_title(raw: &str) -> Result<String, Invalid> {
    one_line(raw, TITLE_MAX, "invalid.regulation_title")
}

/// A step's note, e.g. what amended it: none, or one line of at most 300 characters.
pub fn parse_note(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    match optional_text(raw, NOTE_MAX, "invalid.regulation_note")? {
        Some(note) if note.contains('\n') => Err(Invalid::new("invalid.regulation_note")),
        note => Ok(note),
    }
}

fn one_line(raw: &str, max: usize, invalid: &'static str) -> Result<String, Invalid> {
    match optional_text(Some(raw), max, invalid)? {
        Some(s) if !s.contains('\n') => Ok(s),
        _ => Err(Invalid::new(invalid)),
    }
}

/// The date of a step: not after `today` (`invalid.regulation_date_future`), nor before
/// the date of the step before it (`invalid.regulation_date_order`).
pub fn step_date(
    on: NaiveDate,
    previous: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    if on > today {
        Err(Invalid::new("invalid.regulation_date_future"))
    } else if previous.is_some_and(|p| on < p) {
        Err(Invalid::new("invalid.regulation_date_order"))
    } else {
        Ok(on)
    }
}

#[cfg(test)]
#[path = "regulation_tests.rs"]
mod tests;
