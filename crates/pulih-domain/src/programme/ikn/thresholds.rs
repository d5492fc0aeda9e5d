//! The configurable rules that put an assessment into a [`Category`].

use serde::{Deserialize, Serialize};

use super::{CORE_COUNT, Category, IknAnswers, SUPPORTING_COUNT};
use crate::Invalid;

/// One rule: an assessment with at least `min_core` core and at least `min_supporting`
/// supporting indicators present is in `category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The category given; never Aman, which is what no rule matches.
    pub category: Category,
    /// Core indicators needed, 0–8.
    pub min_core: u8,
    /// Supporting indicators needed, 0–5.
    pub min_supporting: u8,
}

impl Rule {
    /// Whether an assessment meets this rule.
    pub fn matches(&self, answers: &IknAnswers) -> bool {
        answers.core_present() >= self.min_core
            && answers.supporting_present() >= self.min_supporting
    }

    fn counts(&self) -> (u8, u8) {
        (self.min_core, self.min_supporting)
    }
}

/// Validated category rules, from most to least severe; the first that matches wins and
/// an assessment no rule matches is Aman. Serialised as the list of rules and re-checked
/// when read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Rule>", into = "Vec<Rule>")]
pub struct Thresholds {
    rules: Vec<Rule>,
}

impl Default for Thresholds {
    /// Bahaya as published by BNN, the rest Pulih's interpolation (see the module docs).
    fn default() -> Self {
        let rule = |category, min_core, min_supporting| Rule {
            category,
            min_core,
            min_supporting,
        };
        Self {
            rules: vec![
                rule(Category::Bahaya, 5, 4),
                rule(Category::Waspada, 3, 0),
                rule(Category::Siaga, 1, 0),
            ],
        }
    }
}

impl Thresholds {
    /// Validates rules given in any order. Refused: no rule, a rule for Aman or two for
    /// one category (`invalid.ikn_thresholds`); more than 8 core or 5 supporting
    /// (`invalid.ikn_threshold_range`); a more severe category needing fewer core or
    /// fewer supporting indicators than a less severe one, or exactly as many of both,
    /// which would leave the less severe one unreachable (`invalid.ikn_threshold_order`).
    pub fn parse(mut rules: Vec<Rule>) -> Result<Self, Invalid> {
        rules.sort_by_key(|r| r.category);
        let malformed = rules.is_empty()
            || rules.iter().any(|r| r.category == Category::Aman)
            || rules.windows(2).any(|w| w[0].category == w[1].category);
        if malformed {
            return Err(Invalid::new("invalid.ikn_thresholds"));
        }
        if rules
            .iter()
            .any(|r| r.min_core > CORE_COUNT || r.min_supporting > SUPPORTING_COUNT)
        {
            return Err(Invalid::new("invalid.ikn_threshold_range"));
        }
        // Checking neighbours suffices: requiring at least as much is transitive.
        let monotonic = rules.windows(2).all(|w| {
            let (more, less) = (w[0].counts(), w[1].counts());
            more.0 >= less.0 && more.1 >= less.1 && more != less
        });
        if !monotonic {
            return Err(Invalid::new("invalid.ikn_threshold_order"));
        }
        Ok(Self { rules })
    }

    /// The rules, from most to least severe.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The category of an assessment: that of the first rule it meets, else Aman.
    pub fn categorise(&self, answers: &IknAnswers) -> Category {
        self.rules
            .iter()
            .find(|r| r.matches(answers))
            .map_or(Category::Aman, |r| r.category)
    }
}

impl TryFrom<Vec<Rule>> for Thresholds {
    type Error = Invalid;
    fn try_from(rules: Vec<Rule>) -> Result<Self, Invalid> {
        Self::parse(rules)
    }
}

impl From<Thresholds> for Vec<Rule> {
    fn from(t: Thresholds) -> Self {
        t.rules
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::tests::{all_keys, raw_with};
    use super::*;

    /// An assessment with the first `core` core and first `supporting` supporting present.
    fn answers(core: usize, supporting: usize) -> IknAnswers {
        let keys = all_keys();
        let present: Vec<_> = keys[..core]
            .iter()
            .chain(&keys[CORE_COUNT as usize..][..supporting])
            .copied()
            .collect();
        IknAnswers::parse(&raw_with(&present)).unwrap()
    }

    fn rule(category: Category, min_core: u8, min_supporting: u8) -> Rule {
        Rule {
            category,
            min_core,
            min_supporting,
        }
    }

    #[test]
    fn five_core_and_four_supporting_is_bahaya_by_the_published_rule() {
        let t = Thresholds::default();
        assert_eq!(t.categorise(&answers(5, 4)), Category::Bahaya);
        assert_eq!(t.categorise(&answers(8, 5)), Category::Bahaya);
    }

    #[test]
    fn default_lower_categories_count_core_indicators_only() {
        let t = Thresholds::default();
        let cases = [
            ((8, 3), Category::Waspada),
            ((4, 5), Category::Waspada),
            ((3, 0), Category::Waspada),
            ((2, 5), Category::Siaga),
            ((1, 0), Category::Siaga),
            ((0, 5), Category::Aman),
            ((0, 0), Category::Aman),
        ];
        for ((core, supporting), want) in cases {
            assert_eq!(t.categorise(&answers(core, supporting)), want);
        }
    }

    #[test]
    fn rules_are_sorted_by_severity_whatever_order_they_come_in() {
        let t = Thresholds::parse(vec![
            rule(Category::Siaga, 1, 1),
            rule(Category::Bahaya, 6, 5),
        ])
        .unwrap();
        let order: Vec<_> = t.rules().iter().map(|r| r.category).collect();
        assert_eq!(order, [Category::Bahaya, Category::Siaga]);
        assert_eq!(t.categorise(&answers(6, 5)), Category::Bahaya);
        assert_eq!(t.categorise(&answers(7, 0)), Category::Aman);
    }

    #[test]
    fn rules_that_are_empty_repeated_or_for_aman_are_refused() {
        let refused = [
            vec![],
            vec![rule(Category::Aman, 0, 0)],
            vec![rule(Category::Siaga, 1, 0), rule(Category::Siaga, 2, 0)],
        ];
        for rules in refused {
            assert_eq!(
                Thresholds::parse(rules),
                Err(Invalid::new("invalid.ikn_thresholds"))
            );
        }
    }

    #[test]
    fn counts_beyond_the_indicators_are_refused() {
        for rules in [
            vec![rule(Category::Bahaya, 9, 0)],
            vec![rule(Category::Bahaya, 8, 6)],
        ] {
            let key = Thresholds::parse(rules).unwrap_err().key;
            assert_eq!(key, "invalid.ikn_threshold_range");
        }
    }

    #[test]
    fn a_more_severe_category_needing_fewer_indicators_is_refused() {
        let refused = [
            [rule(Category::Bahaya, 2, 4), rule(Category::Waspada, 3, 0)],
            [rule(Category::Bahaya, 5, 0), rule(Category::Siaga, 1, 1)],
            [rule(Category::Waspada, 3, 1), rule(Category::Siaga, 3, 1)],
        ];
        for rules in refused {
            let key = Thresholds::parse(rules.to_vec()).unwrap_err().key;
            assert_eq!(key, "invalid.ikn_threshold_order");
        }
    }

    #[test]
    fn thresholds_round_trip_through_json_and_are_rechecked() {
        let json = serde_json::to_string(&Thresholds::default()).unwrap();
        assert_eq!(
            serde_json::from_str::<Thresholds>(&json).unwrap(),
            Thresholds::default()
        );
        let bad = r#"[{"category":"siaga","min_core":9,"min_supporting":0}]"#;
        assert!(serde_json::from_str::<Thresholds>(bad).is_err());
    }

    /// Any valid thresholds: three descending pairs, kept when they parse.
    fn any_thresholds() -> impl Strategy<Value = Thresholds> {
        let desc = |max: u8| {
            prop::collection::vec(0..=max, 3).prop_map(|mut v| {
                v.sort_unstable_by(|a, b| b.cmp(a));
                v
            })
        };
        let categories = [Category::Bahaya, Category::Waspada, Category::Siaga];
        (
            desc(8),
            desc(5),
            prop::sample::subsequence(categories.to_vec(), 1..=3),
        )
            .prop_filter_map("not strictly monotonic", move |(core, supp, used)| {
                let rules = categories
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| used.contains(c))
                    .map(|(n, &c)| rule(c, core[n], supp[n]))
                    .collect();
                Thresholds::parse(rules).ok()
            })
    }

    proptest! {
        #[test]
        fn adding_a_present_indicator_never_makes_the_category_less_severe(
            thresholds in prop_oneof![Just(Thresholds::default()), any_thresholds()],
            present in prop::collection::vec(any::<bool>(), 13),
            added in 0..13usize,
        ) {
            let keys = |p: &[bool]| -> Vec<&str> {
                all_keys().into_iter().zip(p).filter(|(_, on)| **on).map(|(k, _)| k).collect()
            };
            let before = IknAnswers::parse(&raw_with(&keys(&present))).unwrap();
            let mut more = present.clone();
            more[added] = true;
            let after = IknAnswers::parse(&raw_with(&keys(&more))).unwrap();
            let (was, is) = (thresholds.categorise(&before), thresholds.categorise(&after));
            prop_assert!(is <= was, "{was:?} became {is:?}");
            prop_assert!(Category::ALL.contains(&is));
        }
    }
}
