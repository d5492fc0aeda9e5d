//! BARC-10, the Brief Assessment of Recovery Capital: ten items scored 1–6.

use serde::{Deserialize, Serialize};

use super::FieldError;
use crate::Invalid;

/// Totals from this value up are flagged as strong recovery capital.
pub const STRONG_THRESHOLD: u8 = 47;

/// Number of items in the questionnaire.
const ITEMS: usize = 10;

/// A validated BARC-10 response: ten items, each 1 (strongly disagree) to 6 (strongly agree).
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredBarc10")]
pub struct Barc10 {
    items: [u8; ITEMS],
}

/// The stored form, re-checked on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredBarc10 {
    items: [u8; ITEMS],
}

impl TryFrom<StoredBarc10> for Barc10 {
    type Error = Invalid;
    fn try_from(s: StoredBarc10) -> Result<Self, Invalid> {
        if s.items.iter().all(|i| (1..=6).contains(i)) {
            Ok(Self { items: s.items })
        } else {
            Err(Invalid::new("invalid.barc_item"))
        }
    }
}

impl Barc10 {
    /// Validates the answers in questionnaire order, reporting every rejected item.
    pub fn parse(items: &[i64]) -> Result<Self, Vec<FieldError>> {
        if items.len() != ITEMS {
            return Err(vec![FieldError::new("items", "invalid.barc_count")]);
        }
        let mut out = [0; ITEMS];
        let mut errors = Vec::new();
        for (n, (&raw, slot)) in items.iter().zip(&mut out).enumerate() {
            match u8::try_from(raw) {
                Ok(v @ 1..=6) => *slot = v,
                _ => errors.push(FieldError::new(
                    format!("items.{}", n + 1),
                    "invalid.barc_item",
                )),
            }
        }
        if errors.is_empty() {
            Ok(Self { items: out })
        } else {
            Err(errors)
        }
    }

    /// The ten answers, each 1–6.
    pub fn items(&self) -> [u8; ITEMS] {
        self.items
    }

    /// Sum of the items, 10–60.
    pub fn total(&self) -> u8 {
        self.items.iter().sum()
    }

    /// Whether the total reaches [`STRONG_THRESHOLD`] (strong recovery capital).
    pub fn strong(&self) -> bool {
        self.total() >= STRONG_THRESHOLD
    }
}

crate::redacted_debug!(Barc10);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn items_with_total(total: i64) -> Vec<i64> {
        // Fill from the front with 6s, then the remainder, keeping every item ≥ 1.
        let mut rest = total - 10;
        (0..10)
            .map(|_| {
                let extra = rest.min(5);
                rest -= extra;
                1 + extra
            })
            .collect()
    }

    #[test]
    fn a_total_of_46_is_not_strong() {
        let b = Barc10::parse(&items_with_total(46)).unwrap();
        assert_eq!((b.total(), b.strong()), (46, false));
    }

    #[test]
    fn a_total_of_47_is_strong() {
        let b = Barc10::parse(&items_with_total(47)).unwrap();
        assert_eq!((b.total(), b.strong()), (47, true));
    }

    #[test]
    fn all_ones_total_10_and_all_sixes_total_60() {
        assert_eq!(Barc10::parse(&[1; 10]).unwrap().total(), 10);
        let max = Barc10::parse(&[6; 10]).unwrap();
        assert_eq!(
            (max.total(), max.strong(), max.items()),
            (60, true, [6; 10])
        );
    }

    #[test]
    fn nine_or_eleven_items_are_rejected_as_a_count_error() {
        for items in [vec![3; 9], vec![3; 11], vec![]] {
            let errors = Barc10::parse(&items).unwrap_err();
            assert_eq!(errors, vec![FieldError::new("items", "invalid.barc_count")]);
        }
    }

    #[test]
    fn items_outside_one_to_six_are_each_reported_by_position() {
        let mut items = vec![3; 10];
        items[0] = 0;
        items[4] = 7;
        items[9] = -1;
        let errors = Barc10::parse(&items).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            fields,
            [
                ("items.1", "invalid.barc_item"),
                ("items.5", "invalid.barc_item"),
                ("items.10", "invalid.barc_item")
            ]
        );
    }

    #[test]
    fn stored_responses_are_rechecked_when_read_back() {
        let b = Barc10::parse(&[2; 10]).unwrap();
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<Barc10>(&json).unwrap(), b);
        let bad = r#"{"items":[0,2,2,2,2,2,2,2,2,2]}"#;
        assert!(serde_json::from_str::<Barc10>(bad).is_err());
    }

    proptest! {
        #[test]
        fn any_valid_response_totals_between_10_and_60(items in prop::collection::vec(1i64..=6, 10)) {
            let b = Barc10::parse(&items).unwrap();
            prop_assert!((10..=60).contains(&b.total()));
            prop_assert_eq!(b.strong(), b.total() >= 47);
        }
    }
}
