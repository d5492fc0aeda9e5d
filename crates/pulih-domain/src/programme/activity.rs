//! Activities of an IBM unit: awareness sessions (sosialisasi) at a level from the whole
//! desa down to an RT, or in a school, workplace or place of worship, with counts of the
//! audience by sex and, when known, by age band. Counts only: no one in an audience is
//! named.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::clinical::FieldError;
use crate::keyed::keyed_enum;

keyed_enum! {
    /// Where an awareness session was held.
    pub enum ActivityLevel {
        /// The whole desa or kelurahan.
        Desa = "desa",
        /// A dusun (hamlet).
        Dusun = "dusun",
        /// A rukun tetangga.
        Rt = "rt",
        /// A rukun warga.
        Rw = "rw",
        /// A school.
        School = "school",
        /// A workplace.
        Workplace = "workplace",
        /// A mosque, church, temple or other place of worship.
        PlaceOfWorship = "place_of_worship",
    }
    invalid = "invalid.activity_level"
}

keyed_enum! {
    /// An age band of an audience, in years.
    pub enum AgeBand {
        /// Under 15.
        Under15 = "under_15",
        /// 15 to 24.
        From15To24 = "15_24",
        /// 25 to 44.
        From25To44 = "25_44",
        /// 45 and over.
        From45 = "45_plus",
    }
    invalid = "invalid.age_band"
}

/// Largest audience of one session.
pub const MAX_AUDIENCE: u32 = 100_000;

/// A validated audience: 1–100,000 people, split by sex, and by age band when given.
/// Serialised with its total, and re-checked when read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredAudience", into = "StoredAudience")]
pub struct Audience {
    male: u32,
    female: u32,
    by_age_band: BTreeMap<AgeBand, u32>,
}

/// The stored form, re-checked on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredAudience {
    total: u32,
    male: u32,
    female: u32,
    #[serde(default)]
    by_age_band: BTreeMap<AgeBand, u32>,
}

impl Audience {
    /// Validates counts, reporting every problem at once: a total of 1–100,000
    /// (`total`, `invalid.audience_total`); men and women adding up to it (`sex`,
    /// `invalid.audience_sum`); an unknown age band (`age_bands.<key>`,
    /// `invalid.age_band`); age bands, when any is given, adding up to it (`age_bands`,
    /// `invalid.audience_sum`). Bands left out count as none.
    pub fn parse(
        total: u32,
        male: u32,
        female: u32,
        bands: &BTreeMap<String, u32>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=MAX_AUDIENCE).contains(&total) {
            errors.push(FieldError::new("total", "invalid.audience_total"));
        }
        if u64::from(male) + u64::from(female) != u64::from(total) {
            errors.push(FieldError::new("sex", "invalid.audience_sum"));
        }
        let mut by_age_band = BTreeMap::new();
        for (key, &count) in bands {
            match AgeBand::ALL.into_iter().find(|b| b.key() == key) {
                Some(band) => {
                    by_age_band.insert(band, count);
                }
                None => errors.push(FieldError::new(
                    format!("age_bands.{key}"),
                    "invalid.age_band",
                )),
            }
        }
        let banded: u64 = by_age_band.values().map(|&n| u64::from(n)).sum();
        if !by_age_band.is_empty() && banded != u64::from(total) {
            errors.push(FieldError::new("age_bands", "invalid.audience_sum"));
        }
        if errors.is_empty() {
            Ok(Self {
                male,
                female,
                by_age_band,
            })
        } else {
            Err(errors)
        }
    }

    /// How many attended, 1–100,000.
    pub fn total(&self) -> u32 {
        // Both are at most the checked total, so this cannot overflow.
        self.male + self.female
    }

    /// How many men and boys.
    pub fn male(&self) -> u32 {
        self.male
    }

    /// How many women and girls.
    pub fn female(&self) -> u32 {
        self.female
    }

    /// Counts by age band; empty when not recorded, else adding up to the total.
    pub fn by_age_band(&self) -> &BTreeMap<AgeBand, u32> {
        &self.by_age_band
    }
}

impl TryFrom<StoredAudience> for Audience {
    type Error = Invalid;
    fn try_from(s: StoredAudience) -> Result<Self, Invalid> {
        let bands = s
            .by_age_band
            .iter()
            .map(|(b, &n)| (b.key().to_owned(), n))
            .collect();
        Self::parse(s.total, s.male, s.female, &bands).map_err(|e| Invalid::new(e[0].key))
    }
}

impl From<Audience> for StoredAudience {
    fn from(a: Audience) -> Self {
        Self {
            total: a.total(),
            male: a.male,
            female: a.female,
            by_age_band: a.by_age_band,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn bands(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|&(k, n)| (k.to_owned(), n)).collect()
    }

    #[test]
    fn counts_that_add_up_are_accepted_with_or_without_age_bands() {
        let a = Audience::parse(40, 22, 18, &BTreeMap::new()).unwrap();
        assert_eq!((a.total(), a.male(), a.female()), (40, 22, 18));
        assert!(a.by_age_band().is_empty());
        let a = Audience::parse(40, 22, 18, &bands(&[("15_24", 30), ("45_plus", 10)])).unwrap();
        assert_eq!(a.by_age_band().get(&AgeBand::From15To24), Some(&30));
        assert_eq!(a.by_age_band().get(&AgeBand::Under15), None);
    }

    #[test]
    fn counts_that_do_not_add_up_are_refused_field_by_field() {
        let errors = Audience::parse(40, 20, 18, &bands(&[("under_15", 39)])).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            got,
            [
                ("sex", "invalid.audience_sum"),
                ("age_bands", "invalid.audience_sum"),
            ]
        );
    }

    #[test]
    fn an_empty_or_huge_audience_and_unknown_bands_are_refused() {
        let key = |t, m, f, b: &[(&str, u32)]| {
            let e = Audience::parse(t, m, f, &bands(b)).unwrap_err();
            e.iter()
                .map(|e| (e.field.clone(), e.key))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            key(0, 0, 0, &[]),
            [("total".into(), "invalid.audience_total")]
        );
        let huge = MAX_AUDIENCE + 1;
        assert_eq!(
            key(huge, huge, 0, &[]),
            [("total".into(), "invalid.audience_total")]
        );
        assert_eq!(
            key(3, 1, 2, &[("25_44", 2), ("60_plus", 1)]),
            [
                ("age_bands.60_plus".into(), "invalid.age_band"),
                ("age_bands".into(), "invalid.audience_sum"),
            ]
        );
        assert!(Audience::parse(MAX_AUDIENCE, 0, MAX_AUDIENCE, &BTreeMap::new()).is_ok());
    }

    #[test]
    fn counts_near_the_integer_limit_do_not_overflow() {
        assert!(Audience::parse(10, u32::MAX, 11, &bands(&[("under_15", u32::MAX)])).is_err());
    }

    #[test]
    fn audiences_round_trip_through_json_and_are_rechecked() {
        let a = Audience::parse(5, 2, 3, &bands(&[("under_15", 5)])).unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Audience>(&json).unwrap(), a);
        let bad = r#"{"total":5,"male":2,"female":2}"#;
        assert!(serde_json::from_str::<Audience>(bad).is_err());
    }

    #[test]
    fn levels_and_age_bands_parse_by_key() {
        assert_eq!(ActivityLevel::parse("rw"), Ok(ActivityLevel::Rw));
        assert_eq!(AgeBand::parse("45_plus"), Ok(AgeBand::From45));
        assert_eq!(ActivityLevel::ALL.len(), 7);
    }

    /// Counts that mostly add up, sometimes off by a little: (total, male, female, bands).
    fn counts() -> impl Strategy<Value = (u32, u32, u32, BTreeMap<String, u32>)> {
        let skew = || prop_oneof![3 => Just(0i64), 1 => -2i64..=2];
        let cuts = prop::collection::vec(any::<prop::sample::Index>(), 0..4);
        let sex = (0u32..60_000, 0u32..60_000);
        (sex, skew(), cuts, any::<bool>(), skew()).prop_map(
            |((male, female), off, cuts, banded, band_off)| {
                let total = (i64::from(male + female) + off).max(0) as u32;
                let mut bounds: Vec<u32> = cuts
                    .iter()
                    .map(|i| i.index(total as usize + 1) as u32)
                    .collect();
                bounds.extend([0, total]);
                bounds.sort_unstable();
                let mut parts: Vec<u32> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
                if let Some(last) = parts.last_mut() {
                    *last = (i64::from(*last) + band_off).max(0) as u32;
                }
                let bands = AgeBand::ALL.iter().zip(&parts).filter(|_| banded);
                let bands = bands.map(|(b, &n)| (b.key().to_owned(), n)).collect();
                (total, male, female, bands)
            },
        )
    }

    proptest! {
        #[test]
        fn an_audience_is_accepted_exactly_when_its_counts_add_up(
            (total, male, female, bands) in counts(),
        ) {
            let band_sum: u32 = bands.values().sum();
            let ok = (1..=MAX_AUDIENCE).contains(&total)
                && male + female == total
                && (bands.is_empty() || band_sum == total);
            let parsed = Audience::parse(total, male, female, &bands);
            prop_assert_eq!(parsed.is_ok(), ok);
            if let Ok(a) = parsed {
                prop_assert_eq!(a.total(), total);
                prop_assert_eq!(a.by_age_band().len(), bands.len());
            }
        }
    }
}
