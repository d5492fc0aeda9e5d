//! Planning a re-import of the region tree: what is new, renamed, retired or back.
//! Codes are never deleted, so history and records placed in old codes stay readable.
//!
//! A partial file would retire most of the country, so an import that retires more than
//! a small share of the live codes, or any code that records or scopes still use, is
//! applied only when the operator confirms the exact number it retires
//! ([`ImportPlan::needs_confirmation`]); the codes in use are named first.

use std::collections::{HashMap, HashSet};

use crate::region::RegionCode;

/// One region as published in the official source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRegion {
    /// Official code.
    pub code: RegionCode,
    /// Official name.
    pub name: String,
    /// Centroid latitude, where known.
    pub latitude: Option<f64>,
    /// Centroid longitude, where known.
    pub longitude: Option<f64>,
    /// Hours east of UTC (7, 8 or 9), for provinces and regencies.
    pub utc_offset: Option<i32>,
    /// Postal code, for villages.
    pub postal_code: Option<String>,
}

/// What is stored now for a code, as far as planning needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRegion {
    /// Stored name.
    pub name: String,
    /// Whether the code was retired by an earlier import.
    pub retired: bool,
}

/// A rename found by the import.
#[derive(Debug, Clone, PartialEq)]
pub struct Rename {
    /// The region with its new data.
    pub region: SourceRegion,
    /// The name it had.
    pub old_name: String,
}

/// Records or scopes placed at a code: how many of one kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegionUse {
    /// The code.
    pub code: RegionCode,
    /// What is placed there: `users`, `organisations`, `clients`, `units`…
    pub what: String,
    /// How many.
    pub count: i64,
}

/// The share of the live codes, in thousandths, an import may retire unconfirmed.
pub const RETIRE_UNCONFIRMED_PER_MILLE: usize = 10;

/// The changes one import makes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    /// Codes not stored before.
    pub added: Vec<SourceRegion>,
    /// Stored codes whose name changed.
    pub renamed: Vec<Rename>,
    /// Stored, retired codes that are published again.
    pub restored: Vec<SourceRegion>,
    /// Stored, live codes no longer published.
    pub retired: Vec<RegionCode>,
    /// Stored codes with other changes only (centroid, postal code): refreshed quietly.
    pub refreshed: Vec<SourceRegion>,
    /// Whether this is the first import (then additions are not written to history).
    pub first: bool,
}

/// Counts of an import, as reported to the user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Regions added.
    pub added: usize,
    /// Regions renamed.
    pub renamed: usize,
    /// Regions brought back.
    pub restored: usize,
    /// Regions retired.
    pub retired: usize,
    /// Regions already up to date.
    pub unchanged: usize,
}

impl ImportPlan {
    /// Compares the published list with what is stored.
    pub fn new(source: Vec<SourceRegion>, stored: &HashMap<RegionCode, StoredRegion>) -> Self {
        let mut plan = Self {
            first: stored.is_empty(),
            ..Self::default()
        };
        let mut seen = HashSet::with_capacity(source.len());
        for region in source {
            seen.insert(region.code.clone());
            match stored.get(&region.code) {
                None => plan.added.push(region),
                Some(old) if old.retired => plan.restored.push(region),
                Some(old) if old.name != region.name => plan.renamed.push(Rename {
                    old_name: old.name.clone(),
                    region,
                }),
                Some(_) => plan.refreshed.push(region),
            }
        }
        plan.retired = stored
            .iter()
            .filter(|(code, old)| !old.retired && !seen.contains(*code))
            .map(|(code, _)| code.clone())
            .collect();
        plan.retired.sort();
        plan
    }

    /// Every region to insert or update, parents before children.
    pub fn upserts(&self) -> Vec<&SourceRegion> {
        let mut all: Vec<&SourceRegion> = self
            .added
            .iter()
            .chain(&self.restored)
            .chain(&self.refreshed)
            .collect();
        all.extend(self.renamed.iter().map(|r| &r.region));
        all.sort_by(|a, b| {
            a.code
                .level()
                .cmp(&b.code.level())
                .then(a.code.cmp(&b.code))
        });
        all
    }

    /// The uses of the codes this plan retires, from the uses of every code.
    pub fn retired_in_use(&self, uses: Vec<RegionUse>) -> Vec<RegionUse> {
        let retired: HashSet<&RegionCode> = self.retired.iter().collect();
        let mut found: Vec<RegionUse> = uses
            .into_iter()
            .filter(|u| retired.contains(&u.code))
            .collect();
        found.sort_by(|a, b| a.code.cmp(&b.code).then_with(|| a.what.cmp(&b.what)));
        found
    }

    /// Whether the operator must confirm the number of codes retired before this plan
    /// is applied: it retires more than [`RETIRE_UNCONFIRMED_PER_MILLE`] of the `live`
    /// codes, or codes still in use.
    pub fn needs_confirmation(&self, live: usize, retired_in_use: &[RegionUse]) -> bool {
        self.retired.len() * 1000 > live * RETIRE_UNCONFIRMED_PER_MILLE
            || !retired_in_use.is_empty()
    }

    /// The counts this plan will report.
    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            added: self.added.len(),
            renamed: self.renamed.len(),
            restored: self.restored.len(),
            retired: self.retired.len(),
            unchanged: self.refreshed.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str) -> SourceRegion {
        SourceRegion {
            code: RegionCode::parse(code).expect("valid"),
            name: name.into(),
            latitude: None,
            longitude: None,
            utc_offset: None,
            postal_code: None,
        }
    }

    fn stored(code: &str, name: &str, retired: bool) -> (RegionCode, StoredRegion) {
        (
            RegionCode::parse(code).expect("valid"),
            StoredRegion {
                name: name.into(),
                retired,
            },
        )
    }

    #[test]
    fn a_reimport_finds_renames_retirements_and_returns() {
        let now: HashMap<_, _> = [
            stored("21", "Kepulauan Riau", false),
            stored("21.71", "Kota Batam", false),
            stored("21.72", "Kota Tanjung Pinang", false),
            stored("21.73", "Kota Lama", true),
        ]
        .into();
        let plan = ImportPlan::new(
            vec![
                region("21", "Kepulauan Riau"),
                region("21.71", "Kota Batam Baru"),
                region("21.73", "Kota Lama"),
                region("21.74", "Kota Baru"),
            ],
            &now,
        );
        assert!(!plan.first);
        assert_eq!(
            plan.summary(),
            ImportSummary {
                added: 1,
                renamed: 1,
                restored: 1,
                retired: 1,
                unchanged: 1
            }
        );
        assert_eq!(plan.renamed[0].old_name, "Kota Batam");
        assert_eq!(plan.retired, [RegionCode::parse("21.72").expect("valid")]);
    }

    #[test]
    fn retiring_much_or_codes_in_use_needs_confirming() {
        let live: HashMap<_, _> = (1..=200)
            .map(|n| stored(&format!("{}", 10 + n % 80), "P", false))
            .chain((0..300).map(|n| stored(&format!("21.{:02}", n % 100), "K", false)))
            .collect();
        let keep_all: Vec<SourceRegion> = live.keys().map(|c| region(c.as_str(), "x")).collect();
        let all = ImportPlan::new(keep_all.clone(), &live);
        assert!(!all.needs_confirmation(live.len(), &[]));
        let dropped = keep_all
            .iter()
            .filter(|r| r.code.as_str() != "21.05")
            .cloned()
            .collect();
        let one = ImportPlan::new(dropped, &live);
        assert_eq!(one.retired.len(), 1);
        assert!(
            !one.needs_confirmation(live.len(), &[]),
            "1 of 180 is under 1 %"
        );
        let used = |code: &str| RegionUse {
            code: RegionCode::parse(code).expect("valid"),
            what: "users".into(),
            count: 2,
        };
        let in_use = one.retired_in_use(vec![used("21.05"), used("21.06")]);
        assert_eq!(in_use, [used("21.05")]);
        assert!(one.needs_confirmation(live.len(), &in_use));
        let partial = ImportPlan::new(keep_all[..10].to_vec(), &live);
        assert!(partial.needs_confirmation(live.len(), &[]));
    }

    #[test]
    fn the_first_import_adds_everything() {
        let plan = ImportPlan::new(vec![region("21", "Kepulauan Riau")], &HashMap::new());
        assert!(plan.first);
        assert_eq!(plan.summary().added, 1);
    }
}
