//! IKN, the Indeks Kawasan Rawan Narkoba: a village's vulnerability to drugs, mapped by
//! its IBM unit on BNN's 8 core and 5 supporting indicators, each present or absent with
//! evidence and its source, and put into a [`Category`] by configurable [`Thresholds`].
//!
//! The category rules, from most to least severe (first match wins):
//!
//! | category | default rule | origin |
//! |---|---|---|
//! | Bahaya | ≥ 5 core **and** ≥ 4 supporting | published by BNN (BNNK Banda Aceh, 2021: "lima indikator pokok minimal dan empat indikator pendukung") |
//! | Waspada | ≥ 3 core | Pulih's interpolation |
//! | Siaga | ≥ 1 core | Pulih's interpolation |
//! | Aman | everything else | Pulih's interpolation |
//!
//! Only the Bahaya rule is published; BNN names the other categories but, as far as we
//! found, not their cut-offs, so Pulih interpolates: core indicators are evidence of drug
//! activity itself, supporting indicators only of conditions that favour it, so the lower
//! categories count core indicators alone, and a village with no core indicator is Aman
//! whatever its supporting ones. An administrator can replace every rule
//! ([`Thresholds::parse`]).

mod thresholds;

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::clinical::FieldError;
use crate::keyed::{keyed_enum, optional_text};

pub use thresholds::{Rule, Thresholds};

keyed_enum! {
    /// One of the 8 core (pokok) indicators: signs of drug activity itself.
    pub enum CoreIndicator {
        /// Drug crime cases.
        DrugCases = "drug_cases",
        /// Crime and violence.
        CrimeViolence = "crime_violence",
        /// Dealers (bandar, pengedar).
        Dealers = "dealers",
        /// Drug production.
        Production = "production",
        /// People who use drugs.
        Users = "users",
        /// Seized evidence (barang bukti).
        Seizures = "seizures",
        /// Entry points (pintu masuk).
        EntryPoints = "entry_points",
        /// Couriers.
        Couriers = "couriers",
    }
    invalid = "invalid.ikn_indicator"
}

keyed_enum! {
    /// One of the 5 supporting (pendukung) indicators: conditions that favour drug activity.
    pub enum SupportingIndicator {
        /// Entertainment venues.
        EntertainmentVenues = "entertainment_venues",
        /// Boarding houses and other high-privacy lodging (kos-kosan).
        PrivateLodging = "private_lodging",
        /// Poverty.
        Poverty = "poverty",
        /// Lack of public facilities.
        LackingPublicFacilities = "lacking_public_facilities",
        /// Low social interaction.
        LowSocialInteraction = "low_social_interaction",
    }
    invalid = "invalid.ikn_indicator"
}

keyed_enum! {
    /// A village's IKN category; `Ord` runs from most severe (`Bahaya`) to least (`Aman`).
    pub enum Category {
        /// Danger.
        Bahaya = "bahaya",
        /// Alert.
        Waspada = "waspada",
        /// Standby.
        Siaga = "siaga",
        /// Safe.
        Aman = "aman",
    }
    invalid = "invalid.ikn_category"
}

/// Number of core indicators.
pub const CORE_COUNT: u8 = CoreIndicator::ALL.len() as u8;
/// Number of supporting indicators.
pub const SUPPORTING_COUNT: u8 = SupportingIndicator::ALL.len() as u8;
/// Longest evidence note, in characters.
pub const EVIDENCE_MAX: usize = 500;
/// Longest source, in characters.
pub const SOURCE_MAX: usize = 200;

/// One indicator's answer as it arrives; leaving `present` out leaves it unanswered.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFinding {
    /// Whether the indicator is present in the village.
    pub present: Option<bool>,
    /// What shows it, free text.
    pub evidence: Option<String>,
    /// Where that comes from, e.g. a police report or the village head.
    pub source: Option<String>,
}

/// A validated answer for one indicator.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndicatorFinding {
    present: bool,
    evidence: Option<String>,
    source: Option<String>,
}

impl IndicatorFinding {
    /// Whether the indicator is present.
    pub fn present(&self) -> bool {
        self.present
    }

    /// What shows it, at most [`EVIDENCE_MAX`] characters.
    pub fn evidence(&self) -> Option<&str> {
        self.evidence.as_deref()
    }

    /// Where the evidence comes from, at most [`SOURCE_MAX`] characters.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }
}

/// A validated assessment: every one of the 13 indicators answered. It serialises as
/// a map from indicator key to finding, the shape [`IknAnswers::parse`] reads, and is
/// re-checked when read back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "BTreeMap<String, RawFinding>")]
pub struct IknAnswers {
    core: [IndicatorFinding; CoreIndicator::ALL.len()],
    supporting: [IndicatorFinding; SupportingIndicator::ALL.len()],
}

impl IknAnswers {
    /// Validates answers keyed by indicator key, reporting every problem at once: an
    /// unknown key, an unanswered indicator, an evidence note or source too long.
    pub fn parse(raw: &BTreeMap<String, RawFinding>) -> Result<Self, Vec<FieldError>> {
        let mut errors: Vec<FieldError> = raw
            .keys()
            .filter(|k| !known(k))
            .map(|k| FieldError::new(format!("indicators.{k}"), "invalid.ikn_indicator"))
            .collect();
        let core = CoreIndicator::ALL.map(|i| finding(raw, i.key(), &mut errors));
        let supporting = SupportingIndicator::ALL.map(|i| finding(raw, i.key(), &mut errors));
        if errors.is_empty() {
            Ok(Self { core, supporting })
        } else {
            Err(errors)
        }
    }

    /// The answer for a core indicator.
    pub fn core(&self, indicator: CoreIndicator) -> &IndicatorFinding {
        // Variants are declared in the order of the array.
        &self.core[indicator as usize]
    }

    /// The answer for a supporting indicator.
    pub fn supporting(&self, indicator: SupportingIndicator) -> &IndicatorFinding {
        &self.supporting[indicator as usize]
    }

    /// How many core indicators are present, 0–8.
    pub fn core_present(&self) -> u8 {
        count(&self.core)
    }

    /// How many supporting indicators are present, 0–5.
    pub fn supporting_present(&self) -> u8 {
        count(&self.supporting)
    }
}

impl TryFrom<BTreeMap<String, RawFinding>> for IknAnswers {
    type Error = Invalid;
    fn try_from(raw: BTreeMap<String, RawFinding>) -> Result<Self, Invalid> {
        Self::parse(&raw).map_err(|e| Invalid::new(e[0].key))
    }
}

impl Serialize for IknAnswers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.core.len() + self.supporting.len()))?;
        for i in CoreIndicator::ALL {
            map.serialize_entry(i.key(), self.core(i))?;
        }
        for i in SupportingIndicator::ALL {
            map.serialize_entry(i.key(), self.supporting(i))?;
        }
        map.end()
    }
}

// Evidence may name people (a dealer, a user): keep it out of logs.
crate::redacted_debug!(RawFinding, IndicatorFinding);

fn known(key: &str) -> bool {
    CoreIndicator::ALL.iter().any(|i| i.key() == key)
        || SupportingIndicator::ALL.iter().any(|i| i.key() == key)
}

fn count(findings: &[IndicatorFinding]) -> u8 {
    findings.iter().filter(|f| f.present).count() as u8
}

/// The finding for `key`, pushing any problem onto `errors`.
fn finding(
    raw: &BTreeMap<String, RawFinding>,
    key: &str,
    errors: &mut Vec<FieldError>,
) -> IndicatorFinding {
    let Some(r) = raw.get(key).filter(|r| r.present.is_some()) else {
        errors.push(FieldError::new(
            format!("indicators.{key}"),
            "invalid.ikn_missing",
        ));
        return IndicatorFinding::default();
    };
    let mut text = |value: &Option<String>, max, part: &str, invalid| {
        optional_text(value.as_deref(), max, invalid).unwrap_or_else(|e| {
            errors.push(FieldError::new(format!("indicators.{key}.{part}"), e.key));
            None
        })
    };
    IndicatorFinding {
        present: r.present == Some(true),
        evidence: text(
            &r.evidence,
            EVIDENCE_MAX,
            "evidence",
            "invalid.ikn_evidence",
        ),
        source: text(&r.source, SOURCE_MAX, "source", "invalid.ikn_source"),
    }
}

#[cfg(test)]
pub(crate) mod tests;
