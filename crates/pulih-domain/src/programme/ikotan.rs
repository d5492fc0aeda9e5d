//! IKOTAN, the index of a Kota Tanggap Ancaman Narkoba: a regency or city scored once a
//! year on five variables, each 1.000–4.000, whose mean falls into a [`Band`].
//!
//! Scores are kept as integer thousandths (3.533 is 3533), never as floats. The three
//! upper bands are fixed by RAN P4GN as DESIGN.md gives them: Sangat Tanggap
//! 3.533–4.000, Tanggap 3.065–3.532, Cukup Tanggap 2.600–3.064. What lies below is left
//! open there, so Pulih's default continues with a band of the same width (≈ 0.465):
//! Kurang Tanggap 2.135–2.599 and Tidak Tanggap below 2.135. An administrator can move
//! that cut-off ([`Bands::parse`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::clinical::FieldError;
use crate::keyed::keyed_enum;

keyed_enum! {
    /// One of the five IKOTAN variables.
    pub enum Variable {
        /// Family resilience.
        Family = "family",
        /// Community participation.
        Community = "community",
        /// Territorial security.
        Territory = "territory",
        /// Local government institutions.
        Institutions = "institutions",
        /// Law enforcement.
        Law = "law",
    }
    invalid = "invalid.ikotan_variable"
}

keyed_enum! {
    /// The band of an index, from most to least responsive.
    pub enum Band {
        /// Very responsive, 3.533–4.000.
        SangatTanggap = "sangat_tanggap",
        /// Responsive, 3.065–3.532.
        Tanggap = "tanggap",
        /// Fairly responsive, 2.600–3.064.
        CukupTanggap = "cukup_tanggap",
        /// Not responsive enough: from the configured cut-off to 2.599.
        KurangTanggap = "kurang_tanggap",
        /// Not responsive: below the configured cut-off.
        TidakTanggap = "tidak_tanggap",
    }
    invalid = "invalid.ikotan_band"
}

/// A score or index from 1.000 to 4.000, in thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Score(u16);

impl Score {
    /// Lowest score, 1.000.
    pub const MIN: Self = Self(1000);
    /// Highest score, 4.000.
    pub const MAX: Self = Self(4000);

    /// Parses text such as `3`, `3.5` or `3.533` (a comma is read as the decimal point,
    /// as Indonesian writes it): at most three decimals, 1.000–4.000.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let invalid = Invalid::new("invalid.ikotan_score");
        let (whole, decimals) = match input.trim().split_once(['.', ',']) {
            Some((w, d)) => (w, Some(d)),
            None => (input.trim(), None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let decimals_ok = decimals.is_none_or(|d| d.len() <= 3 && digits(d));
        if whole.len() != 1 || !digits(whole) || !decimals_ok {
            return Err(invalid);
        }
        let decimals = decimals.unwrap_or("");
        let pad = format!("{decimals:0<3}");
        let thousandths = whole.parse::<u16>().ok().zip(pad.parse::<u16>().ok());
        thousandths
            .and_then(|(w, d)| Self::from_thousandths(w * 1000 + d).ok())
            .ok_or(invalid)
    }

    /// A score of `n` thousandths, 1000–4000.
    pub fn from_thousandths(n: u16) -> Result<Self, Invalid> {
        if (Self::MIN.0..=Self::MAX.0).contains(&n) {
            Ok(Self(n))
        } else {
            Err(Invalid::new("invalid.ikotan_score"))
        }
    }

    /// The score in thousandths, 1000–4000.
    pub fn thousandths(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Score {
    /// Three decimals with a point, e.g. `3.533`, which [`Score::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

impl TryFrom<u16> for Score {
    type Error = Invalid;
    fn try_from(n: u16) -> Result<Self, Invalid> {
        Self::from_thousandths(n)
    }
}

impl From<Score> for u16 {
    fn from(s: Score) -> Self {
        s.0
    }
}

/// A validated assessment: a score for each of the five variables. Serialised as a map
/// from variable key to thousandths, and re-checked when read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<Variable, Score>",
    into = "BTreeMap<Variable, Score>"
)]
pub struct IkotanScores {
    scores: [Score; Variable::ALL.len()],
}

impl IkotanScores {
    /// Validates scores keyed by variable key, reporting every problem at once under
    /// `scores.<key>`: an unknown variable, a score that is not 1–4 with at most three
    /// decimals, a variable missing or left blank.
    pub fn parse(raw: &BTreeMap<String, String>) -> Result<Self, Vec<FieldError>> {
        let mut errors: Vec<FieldError> = raw
            .keys()
            .filter(|k| !Variable::ALL.iter().any(|v| v.key() == k.as_str()))
            .map(|k| FieldError::new(format!("scores.{k}"), "invalid.ikotan_variable"))
            .collect();
        let scores = Variable::ALL.map(|v| {
            let field = || format!("scores.{}", v.key());
            match raw.get(v.key()).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                None => errors.push(FieldError::new(field(), "invalid.ikotan_missing")),
                Some(text) => match Score::parse(text) {
                    Ok(score) => return score,
                    Err(e) => errors.push(FieldError::new(field(), e.key)),
                },
            }
            Score::MIN
        });
        if errors.is_empty() {
            Ok(Self { scores })
        } else {
            Err(errors)
        }
    }

    /// The score of one variable.
    pub fn score(&self, variable: Variable) -> Score {
        // Variants are declared in the order of the array.
        self.scores[variable as usize]
    }

    /// The index: the mean of the five scores, rounded half up to a thousandth.
    pub fn index(&self) -> Score {
        let n = self.scores.len() as u32;
        let sum: u32 = self.scores.iter().map(|s| u32::from(s.0)).sum();
        // The mean of values in 1000..=4000 stays in range, so this cannot truncate.
        Score(((2 * sum + n) / (2 * n)) as u16)
    }
}

impl TryFrom<BTreeMap<Variable, Score>> for IkotanScores {
    type Error = Invalid;
    fn try_from(map: BTreeMap<Variable, Score>) -> Result<Self, Invalid> {
        let mut scores = [Score::MIN; Variable::ALL.len()];
        for (slot, v) in scores.iter_mut().zip(Variable::ALL) {
            *slot = *map.get(&v).ok_or(Invalid::new("invalid.ikotan_missing"))?;
        }
        Ok(Self { scores })
    }
}

impl From<IkotanScores> for BTreeMap<Variable, Score> {
    fn from(s: IkotanScores) -> Self {
        Variable::ALL.into_iter().zip(s.scores).collect()
    }
}

/// Where the bands lie: the upper three fixed, the lower cut-off configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands {
    kurang_tanggap_from: Score,
}

/// Lowest index that is Sangat Tanggap.
const SANGAT_TANGGAP_FROM: u16 = 3533;
/// Lowest index that is Tanggap.
const TANGGAP_FROM: u16 = 3065;
/// Lowest index that is Cukup Tanggap.
const CUKUP_TANGGAP_FROM: u16 = 2600;

impl Default for Bands {
    /// Kurang Tanggap from 2.135, Pulih's default (see the module docs).
    fn default() -> Self {
        Self {
            kurang_tanggap_from: Score(2135),
        }
    }
}

impl Bands {
    /// Validates the lowest index that is still Kurang Tanggap, written like a score,
    /// 1.000–2.600 (`invalid.ikotan_cutoff`). At 1.000 no index is Tidak Tanggap; at
    /// 2.600 none is Kurang Tanggap.
    pub fn parse(kurang_tanggap_from: &str) -> Result<Self, Invalid> {
        match Score::parse(kurang_tanggap_from) {
            Ok(s) if s.0 <= CUKUP_TANGGAP_FROM => Ok(Self {
                kurang_tanggap_from: s,
            }),
            _ => Err(Invalid::new("invalid.ikotan_cutoff")),
        }
    }

    /// The lowest index that is Kurang Tanggap; store it as text and read it back with
    /// [`Bands::parse`].
    pub fn kurang_tanggap_from(&self) -> Score {
        self.kurang_tanggap_from
    }

    /// Where each band that some index falls into starts (its lowest index), from the
    /// most responsive down: a cut-off of 1.000 leaves out Tidak Tanggap, one of 2.600
    /// Kurang Tanggap.
    pub fn starts(&self) -> Vec<(Band, Score)> {
        let mut out = vec![
            (Band::SangatTanggap, Score(SANGAT_TANGGAP_FROM)),
            (Band::Tanggap, Score(TANGGAP_FROM)),
            (Band::CukupTanggap, Score(CUKUP_TANGGAP_FROM)),
        ];
        if self.kurang_tanggap_from.0 < CUKUP_TANGGAP_FROM {
            out.push((Band::KurangTanggap, self.kurang_tanggap_from));
        }
        if self.kurang_tanggap_from > Score::MIN {
            out.push((Band::TidakTanggap, Score::MIN));
        }
        out
    }

    /// The band of an index.
    pub fn band(&self, index: Score) -> Band {
        match index.0 {
            SANGAT_TANGGAP_FROM.. => Band::SangatTanggap,
            TANGGAP_FROM.. => Band::Tanggap,
            CUKUP_TANGGAP_FROM.. => Band::CukupTanggap,
            n if n >= self.kurang_tanggap_from.0 => Band::KurangTanggap,
            _ => Band::TidakTanggap,
        }
    }
}

#[cfg(test)]
#[path = "ikotan_tests.rs"]
mod tests;
