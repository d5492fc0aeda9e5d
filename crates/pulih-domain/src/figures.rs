//! Figures shown outside care: counts with small cells suppressed for the roles that
//! see aggregates only (a count of 1–4 is shown as "<5", and a share computed over fewer
//! than 5 is not shown), so that nobody is recognised from a small number.

use crate::account::Role;

/// Counts below this (and above zero) are suppressed.
pub const SMALL_CELL: u64 = 5;

/// Whether `role` sees aggregates with small cells suppressed: analysts and police
/// liaisons. Care roles see exact figures of their own scope.
pub fn suppresses(role: Role) -> bool {
    matches!(role, Role::Analyst | Role::PoliceLiaison)
}

/// A count as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Count {
    /// The exact number.
    Exact(u64),
    /// Between 1 and 4, shown as "<5".
    Small(&'static str),
}

impl Count {
    /// `n`, suppressed when `suppress` and 1–4.
    pub fn of(n: u64, suppress: bool) -> Self {
        if suppress && (1..SMALL_CELL).contains(&n) {
            Self::Small("<5")
        } else {
            Self::Exact(n)
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(n) => write!(f, "{n}"),
            Self::Small(s) => f.write_str(s),
        }
    }
}

/// `part` of `whole` in percent, one decimal; none when `whole` is zero, or when
/// suppressing and `whole` is below 5.
pub fn share(part: u64, whole: u64, suppress: bool) -> Option<f64> {
    if whole == 0 || (suppress && whole < SMALL_CELL) {
        return None;
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    Some(f64::from(u32::try_from(tenths).unwrap_or(u32::MAX)) / 10.0)
}

/// The median of some values; none when there are none.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        f64::midpoint(values[mid - 1], values[mid])
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed_only_when_asked() {
        assert_eq!(Count::of(0, true), Count::Exact(0));
        assert_eq!(Count::of(3, true).to_string(), "<5");
        assert_eq!(Count::of(5, true), Count::Exact(5));
        assert_eq!(Count::of(3, false), Count::Exact(3));
        assert_eq!(
            serde_json::to_string(&Count::of(4, true)).unwrap(),
            "\"<5\""
        );
        assert!(suppresses(Role::Analyst) && suppresses(Role::PoliceLiaison));
        assert!(!suppresses(Role::Coordinator));
    }

    #[test]
    fn shares_need_a_large_enough_whole_when_suppressing() {
        assert_eq!(share(1, 3, false), Some(33.3));
        assert_eq!(share(1, 3, true), None);
        assert_eq!(share(2, 3, false), Some(66.7));
        assert_eq!(share(0, 0, false), None);
        assert_eq!(share(5, 5, true), Some(100.0));
    }

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
