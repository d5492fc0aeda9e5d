//! How re-arrest linkage figures are published. The police liaisons who record the
//! hand-offs are the linkage's inputs, so whoever can write them must never read a
//! figure that isolates one record: one hand-off with a NIK on a quiet day, read back,
//! would tell whether that person was ever a client. Hence:
//!
//! - only coordinators and analysts read linkage figures (`authz::Action::ViewLinkage`);
//! - only for a whole closed semester ([`semester`]), the period RAN P4GN reports in,
//!   never an open one, whose figures change as hand-offs arrive;
//! - only for a regency, a province or the nation ([`published_at`]);
//! - the matched and re-arrest counts of a kind with fewer than [`MIN_RECORDS`]
//!   hand-offs are withheld from everyone ([`matched`]); analysts also get counts of
//!   1–4 as "<5" (`crate::figures`).

use chrono::NaiveDate;

use crate::Invalid;
use crate::figures::Count;
use crate::region::{RegionLevel, Scope};
use crate::rollup::Period;

/// The fewest hand-offs of one kind, in one region and semester, whose match to past
/// clients is shown. Below it a matched or re-arrest count is withheld, for
/// coordinators too: with few hand-offs one more matched person is one known person.
pub const MIN_RECORDS: u64 = 10;

/// The semester a linkage answer covers: the one `text` names (`2026-S1`), which must
/// be over by `today`; the last closed semester when `text` is empty.
pub fn semester(text: Option<&str>, today: NaiveDate) -> Result<Period, Invalid> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Period::semester_of(today)
            .previous()
            .ok_or(Invalid::new("invalid.period_name"));
    };
    let period = Period::parse(text)?;
    if !matches!(period, Period::Semester(..)) {
        return Err(Invalid::new("invalid.linkage_period"));
    }
    if !period.closed(today) {
        return Err(Invalid::new("invalid.linkage_period_open"));
    }
    Ok(period)
}

/// Whether linkage figures are published for `place`: the nation, a province, a regency
/// or city; never a district or a village.
pub fn published_at(place: &Scope) -> bool {
    match place {
        Scope::National => true,
        Scope::Region(code) => matches!(code.level(), RegionLevel::Province | RegionLevel::Regency),
    }
}

/// A count derived from the match (`matched` of `recorded` hand-offs of one kind) as
/// shown: none (withheld) below [`MIN_RECORDS`] hand-offs, else the count, small cells
/// suppressed when `suppress`.
pub fn matched(recorded: u64, matched: u64, suppress: bool) -> Option<Count> {
    (recorded >= MIN_RECORDS).then(|| Count::of(matched, suppress))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::RegionCode;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn only_a_closed_semester_is_a_linkage_period_and_the_last_one_is_the_default() {
        let today = day("2026-12-03");
        assert_eq!(semester(None, today), Ok(Period::Semester(2026, 1)));
        assert_eq!(
            semester(Some(" "), day("2026-03-01")),
            Ok(Period::Semester(2025, 2))
        );
        assert_eq!(
            semester(Some("2025-S2"), today),
            Ok(Period::Semester(2025, 2))
        );
        let refused = |text| semester(Some(text), today).map_err(|e| e.key);
        assert_eq!(refused("2026-S2"), Err("invalid.linkage_period_open"));
        assert_eq!(refused("2027-S1"), Err("invalid.linkage_period_open"));
        for other in ["2025", "2025-Q3", "2025-07"] {
            assert_eq!(refused(other), Err("invalid.linkage_period"), "{other}");
        }
        assert_eq!(refused("2025-09-01"), Err("invalid.period_name"));
        assert_eq!(
            semester(Some("2026-S1"), day("2026-06-30")).map_err(|e| e.key),
            Err("invalid.linkage_period_open"),
            "not over on its last day"
        );
    }

    #[test]
    fn linkage_is_published_from_the_regency_up() {
        let at = |code: &str| published_at(&Scope::Region(RegionCode::parse(code).expect("code")));
        assert!(published_at(&Scope::National) && at("21") && at("21.71"));
        assert!(!at("21.71.01") && !at("21.71.01.1001"));
    }

    proptest! {
        /// One more or one fewer matched hand-off below the minimum changes nothing that
        /// anyone is shown.
        #[test]
        fn below_the_minimum_the_answer_does_not_depend_on_any_match(
            recorded in 0..MIN_RECORDS, a in 0..MIN_RECORDS, b in 0..MIN_RECORDS,
            suppress in any::<bool>(),
        ) {
            prop_assert_eq!(
                matched(recorded, a.min(recorded), suppress),
                matched(recorded, b.min(recorded), suppress)
            );
        }

        #[test]
        fn from_the_minimum_the_count_is_shown_as_figures_are(
            recorded in MIN_RECORDS..1000, m in 0u64..1000, suppress in any::<bool>(),
        ) {
            let m = m.min(recorded);
            prop_assert_eq!(matched(recorded, m, suppress), Some(Count::of(m, suppress)));
        }
    }
}
