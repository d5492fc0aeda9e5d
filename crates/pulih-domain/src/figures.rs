//! Figures shown outside care: counts with small cells suppressed for the roles that
//! see aggregates only (a count of 1–4 is shown as "<5", and a share built on such a
//! count is not shown), so that nobody is singled out of a small number.

use serde::{Serialize, Serializer};

use crate::account::Role;

/// The smallest count shown as it is (besides zero) to those who get suppressed figures.
pub const SMALL_CELL: u64 = 5;

/// Whether `role` sees aggregates with small cells suppressed: analysts and police
/// liaisons. Care roles see exact figures of their own scope.
pub fn suppresses(role: Role) -> bool {
    matches!(role, Role::Analyst | Role::PoliceLiaison)
}

/// A count as shown: exact, or "<5".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// The count.
    Exact(u64),
    /// A count from 1 to 4, withheld.
    Small,
}

impl Count {
    /// `n` as shown to someone who gets suppressed figures (`suppress`) or not.
    pub const fn of(n: u64, suppress: bool) -> Self {
        if suppress && n > 0 && n < SMALL_CELL {
            Self::Small
        } else {
            Self::Exact(n)
        }
    }

    /// The count, unless withheld.
    pub const fn exact(self) -> Option<u64> {
        match self {
            Self::Exact(n) => Some(n),
            Self::Small => None,
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(n) => write!(f, "{n}"),
            Self::Small => write!(f, "<{SMALL_CELL}"),
        }
    }
}

/// A number in JSON, or the string `"<5"`.
impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Exact(n) => s.serialize_u64(*n),
            Self::Small => s.serialize_str("<5"),
        }
    }
}

/// `part` of `whole` in per cent with one decimal; none when `whole` is zero or either
/// count is withheld.
pub fn share(part: Count, whole: Count) -> Option<f64> {
    match (part.exact(), whole.exact()) {
        (Some(p), Some(w)) if w > 0 => {
            let tenths = (p * 1000 + w / 2) / w;
            Some(f64::from(u32::try_from(tenths).unwrap_or(u32::MAX)) / 10.0)
        }
        _ => None,
    }
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
    fn counts_from_one_to_four_are_withheld_for_those_who_get_suppressed_figures() {
        assert_eq!(Count::of(0, true), Count::Exact(0));
        for n in 1..=4 {
            assert_eq!(Count::of(n, true), Count::Small);
            assert_eq!(Count::of(n, false), Count::Exact(n));
        }
        assert_eq!(Count::of(5, true), Count::Exact(5));
        assert_eq!(Count::Small.to_string(), "<5");
        assert_eq!(
            serde_json::to_string(&Count::Small).expect("json"),
            "\"<5\""
        );
        assert_eq!(serde_json::to_string(&Count::Exact(7)).expect("json"), "7");
        assert!(suppresses(Role::Analyst) && suppresses(Role::PoliceLiaison));
        assert!(!suppresses(Role::Coordinator));
    }

    #[test]
    fn a_share_on_a_withheld_count_is_not_shown() {
        assert_eq!(share(Count::Exact(2), Count::Exact(3)), Some(66.7));
        assert_eq!(share(Count::Exact(1), Count::Exact(3)), Some(33.3));
        assert_eq!(share(Count::Small, Count::Exact(9)), None);
        assert_eq!(share(Count::Exact(9), Count::Small), None);
        assert_eq!(share(Count::Exact(0), Count::Exact(0)), None);
        assert_eq!(share(Count::Exact(6), Count::Exact(8)), Some(75.0));
    }

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
