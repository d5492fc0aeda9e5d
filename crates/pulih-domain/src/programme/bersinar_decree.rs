//! The Bupati's or Wali Kota's programme decree: one decree names the year's Desa
//! Bersinar programme villages of a regency (SK Bupati Sanggau Nomor 19/DPMPemdes/2023,
//! article-003), and each named village becomes a candidate in the same step.
//!
//! The decree follows the lifecycle of [`bersinar`](super::bersinar): a village without a
//! designation, or whose designation was revoked, is nominated; a village that is a
//! candidate already, or beyond (designated, evaluated), is left as it is and reported
//! ([`Effect`]), never silently changed.

use crate::Invalid;
use crate::keyed::keyed_enum;
use crate::programme::bersinar::{Decree, Status};

/// Most villages one decree may name.
pub const VILLAGES_MAX: usize = 500;

keyed_enum! {
    /// What a programme decree does to one village it names.
    pub enum Effect {
        /// Nominated: the village is a candidate now.
        Nominated = "nominated",
        /// A candidate already: left as it is.
        AlreadyCandidate = "already_candidate",
        /// Designated or evaluated: beyond candidate, left as it is.
        BeyondCandidate = "beyond_candidate",
    }
    invalid = "invalid.decree_effect"
}

impl Effect {
    /// What the decree does to a village whose status is `current` (none: no history).
    pub const fn of(current: Option<Status>) -> Self {
        match current {
            None | Some(Status::Revoked) => Self::Nominated,
            Some(Status::Candidate) => Self::AlreadyCandidate,
            Some(Status::Designated | Status::Evaluated) => Self::BeyondCandidate,
        }
    }
}

/// The programme year a decree signed in `decree_year` may name: that year or the next
/// (a decree signed in December for the year ahead), `invalid.decree_year` otherwise.
pub fn programme_year(year: i32, decree: &Decree) -> Result<i32, Invalid> {
    use chrono::Datelike;
    let signed = decree.date().year();
    if year == signed || year == signed.saturating_add(1) {
        Ok(year)
    } else {
        Err(Invalid::new("invalid.decree_year"))
    }
}

/// The villages named, each once, in the order first named: at least one
/// (`invalid.decree_villages_none`), at most 500 (`invalid.decree_villages_many`).
pub fn named_villages<T: PartialEq + Clone>(named: &[T]) -> Result<Vec<T>, Invalid> {
    let mut out: Vec<T> = Vec::new();
    for v in named {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    if out.is_empty() {
        Err(Invalid::new("invalid.decree_villages_none"))
    } else if out.len() > VILLAGES_MAX {
        Err(Invalid::new("invalid.decree_villages_many"))
    } else {
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn decree(date: &str) -> Decree {
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date");
        Decree::parse("19/DPMPemdes/2023", date, "Bupati Sanggau", date).expect("decree")
    }

    #[test]
    fn only_villages_without_a_live_designation_are_nominated() {
        assert_eq!(Effect::of(None), Effect::Nominated);
        assert_eq!(Effect::of(Some(Status::Revoked)), Effect::Nominated);
        assert_eq!(
            Effect::of(Some(Status::Candidate)),
            Effect::AlreadyCandidate
        );
        for s in [Status::Designated, Status::Evaluated] {
            assert_eq!(Effect::of(Some(s)), Effect::BeyondCandidate);
        }
    }

    #[test]
    fn the_programme_year_is_the_decrees_year_or_the_next() {
        let d = decree("2023-01-16");
        assert_eq!(programme_year(2023, &d), Ok(2023));
        assert_eq!(programme_year(2024, &d), Ok(2024));
        assert!(programme_year(2022, &d).is_err());
        assert!(programme_year(2025, &d).is_err());
    }

    #[test]
    fn villages_are_named_once_and_at_least_one() {
        assert_eq!(named_villages(&["a", "b", "a"]), Ok(vec!["a", "b"]));
        assert_eq!(
            named_villages::<&str>(&[]).map_err(|e| e.key),
            Err("invalid.decree_villages_none")
        );
        let many: Vec<usize> = (0..=VILLAGES_MAX).collect();
        assert!(named_villages(&many).is_err());
    }
}
