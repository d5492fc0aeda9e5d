//! Small-cell suppression: analysts see counts of 1–4 as "<5", so a small figure cannot
//! point at a person.

/// Counts from 1 up to this value are hidden from analysts.
const SMALLEST_SHOWN: u64 = 5;

/// A count as shown to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The count itself.
    Exact(u64),
    /// A count of 1–4, hidden.
    UnderFive,
}

impl Shown {
    /// `n` as shown: hidden when `suppress` and it is 1–4.
    pub const fn new(n: u64, suppress: bool) -> Self {
        if suppress && n > 0 && n < SMALLEST_SHOWN {
            Self::UnderFive
        } else {
            Self::Exact(n)
        }
    }

    /// Whether the count is hidden.
    pub const fn hidden(self) -> bool {
        matches!(self, Self::UnderFive)
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(n) => write!(f, "{n}"),
            Self::UnderFive => f.write_str("<5"),
        }
    }
}

/// A number, or the text `"<5"` when hidden.
impl serde::Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Exact(n) => s.serialize_u64(*n),
            Self::UnderFive => s.serialize_str("<5"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_counts_of_one_to_four_are_hidden_and_only_when_asked() {
        let shown: Vec<String> = [0, 1, 4, 5, 12]
            .into_iter()
            .map(|n| Shown::new(n, true).to_string())
            .collect();
        assert_eq!(shown, ["0", "<5", "<5", "5", "12"]);
        assert_eq!(Shown::new(3, false), Shown::Exact(3));
        assert_eq!(
            serde_json::to_string(&[Shown::new(3, true), Shown::new(7, true)]).expect("json"),
            r#"["<5",7]"#
        );
    }
}
