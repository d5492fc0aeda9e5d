//! Planning a re-import of the region tree: what is new, renamed, retired or back.
//! Codes are never deleted, so history and records placed in old codes stay readable.

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
    fn the_first_import_adds_everything() {
        let plan = ImportPlan::new(vec![region("21", "Kepulauan Riau")], &HashMap::new());
        assert!(plan.first);
        assert_eq!(plan.summary().added, 1);
    }
}
