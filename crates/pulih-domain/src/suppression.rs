//! Small-cell suppression for analysts: a count from 1 to 4 is shown as "<5", and a share
//! built on such a count is not shown, so that a person cannot be singled out of a figure.

use serde::{Serialize, Serializer};

/// The smallest count shown as it is (besides zero).
pub const THRESHOLD: u64 = 5;

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
        if suppress && n > 0 && n < THRESHOLD {
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
            Self::Small => write!(f, "<{THRESHOLD}"),
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
            let per_mille = (p * 1000) as f64 / w as f64;
            Some(per_mille.round() / 10.0)
        }
        _ => None,
    }
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
    }

    #[test]
    fn a_share_on_a_withheld_count_is_not_shown() {
        assert_eq!(share(Count::Exact(2), Count::Exact(3)), Some(66.7));
        assert_eq!(share(Count::Small, Count::Exact(9)), None);
        assert_eq!(share(Count::Exact(9), Count::Small), None);
        assert_eq!(share(Count::Exact(0), Count::Exact(0)), None);
        assert_eq!(share(Count::Exact(6), Count::Exact(8)), Some(75.0));
    }
}
