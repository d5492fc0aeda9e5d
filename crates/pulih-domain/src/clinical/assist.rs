//! WHO ASSIST v3.1: validated answers, involvement scores, risk levels and the
//! recommended intervention.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FieldError;
use super::typology::Typology;
use crate::Invalid;
use crate::keyed::keyed_enum;

keyed_enum! {
    /// A substance class asked about in ASSIST.
    pub enum Substance {
        /// Tobacco products; Q5 is not asked.
        Tobacco = "tobacco",
        /// Alcoholic beverages; has its own risk thresholds.
        Alcohol = "alcohol",
        /// Cannabis (ganja).
        Cannabis = "cannabis",
        /// Cocaine.
        Cocaine = "cocaine",
        /// Amphetamine-type stimulants (shabu, ekstasi).
        Amphetamines = "amphetamines",
        /// Inhalants (lem, thinner).
        Inhalants = "inhalants",
        /// Sedatives and sleeping pills.
        Sedatives = "sedatives",
        /// Hallucinogens.
        Hallucinogens = "hallucinogens",
        /// Opioids (heroin, morphine, methadone misuse).
        Opioids = "opioids",
        /// Anything else, e.g. tramadol or synthetic cannabinoids.
        Other = "other",
    }
    invalid = "invalid.assist_substance"
}

keyed_enum! {
    /// Answer to Q2–Q5: how often, in the past three months.
    pub enum Frequency {
        /// Never.
        Never = "never",
        /// Once or twice.
        OnceOrTwice = "once_or_twice",
        /// Monthly.
        Monthly = "monthly",
        /// Weekly.
        Weekly = "weekly",
        /// Daily or almost daily.
        Daily = "daily",
    }
    invalid = "invalid.assist_answer"
}

keyed_enum! {
    /// Answer to Q6–Q8: never, yes in the past three months, or yes but earlier.
    pub enum Recency {
        /// No, never.
        Never = "never",
        /// Yes, in the past three months.
        Past3Months = "past_3_months",
        /// Yes, but not in the past three months.
        Earlier = "earlier",
    }
    invalid = "invalid.assist_answer"
}

keyed_enum! {
    /// Risk level of one substance's involvement score, from least to most severe.
    pub enum Risk {
        /// Low risk.
        Low = "low",
        /// Moderate risk.
        Moderate = "moderate",
        /// High risk.
        High = "high",
    }
    invalid = "invalid.assist_answer"
}

keyed_enum! {
    /// The intervention ASSIST recommends, from least to most intensive.
    pub enum Recommendation {
        /// General health advice.
        Advice = "advice",
        /// A brief intervention.
        BriefIntervention = "brief_intervention",
        /// Referral to specialist assessment and treatment.
        Referral = "referral",
    }
    invalid = "invalid.care_step"
}

/// Points for Q2–Q5, indexed by [`Frequency`] in declaration order.
const Q2: [u8; 5] = [0, 2, 3, 4, 6];
const Q3: [u8; 5] = [0, 3, 4, 5, 6];
const Q4: [u8; 5] = [0, 4, 5, 6, 7];
const Q5: [u8; 5] = [0, 5, 6, 7, 8];
/// Score from which a substance's risk is high, for every substance.
const HIGH_FROM: u8 = 27;

impl Substance {
    /// Highest possible involvement score: 31 for tobacco (no Q5), 39 otherwise.
    pub const fn max_score(self) -> u8 {
        match self {
            Self::Tobacco => 31,
            _ => 39,
        }
    }

    /// Risk level of an involvement score for this substance.
    pub const fn risk(self, score: u8) -> Risk {
        let moderate_from = match self {
            Self::Alcohol => 11,
            _ => 4,
        };
        match score {
            HIGH_FROM.. => Risk::High,
            _ if score >= moderate_from => Risk::Moderate,
            _ => Risk::Low,
        }
    }
}

/// Raw answers for one substance as they arrive (strings), so unknown values become
/// field errors, not parse failures.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubstance {
    /// Frequency of use, past three months.
    pub q2: Option<String>,
    /// Frequency of strong desire or urge.
    pub q3: Option<String>,
    /// Frequency of health, social, legal or financial problems.
    pub q4: Option<String>,
    /// Frequency of failing expected obligations (not asked for tobacco).
    pub q5: Option<String>,
    /// Whether others expressed concern.
    pub q6: Option<String>,
    /// Whether a cut-down attempt failed.
    pub q7: Option<String>,
}

/// Raw answers to the whole questionnaire, keyed by substance key.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssist {
    /// Answers per substance ever used; substances not listed were never used.
    #[serde(default)]
    pub substances: BTreeMap<String, RawSubstance>,
    /// Injecting drug use.
    pub q8: Option<String>,
    /// BNN's user typology as the worker judges it (`coba_pakai`, `teratur_pakai`,
    /// `pecandu`); not part of the score.
    #[serde(default)]
    pub typology: Option<String>,
}

/// Validated answers for one substance; `None` means unanswered (scores 0).
#[derive(Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubstanceAnswers {
    /// Frequency of use, past three months.
    pub q2: Option<Frequency>,
    /// Strong desire or urge; only when Q2 is answered and not "never".
    pub q3: Option<Frequency>,
    /// Problems caused; only when Q2 is answered and not "never".
    pub q4: Option<Frequency>,
    /// Failed obligations; only when Q2 is answered and not "never", never for tobacco.
    pub q5: Option<Frequency>,
    /// Others expressed concern.
    pub q6: Option<Recency>,
    /// Failed to cut down.
    pub q7: Option<Recency>,
}

/// A validated ASSIST questionnaire.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredAssist")]
pub struct AssistAnswers {
    substances: BTreeMap<Substance, SubstanceAnswers>,
    q8: Option<Recency>,
    typology: Option<Typology>,
}

/// The stored form, re-checked on the way in so sealed data cannot break the invariants.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredAssist {
    substances: BTreeMap<Substance, SubstanceAnswers>,
    q8: Option<Recency>,
    // screenings sealed before the typology was asked have none
    #[serde(default)]
    typology: Option<Typology>,
}

impl TryFrom<StoredAssist> for AssistAnswers {
    type Error = Invalid;
    fn try_from(s: StoredAssist) -> Result<Self, Invalid> {
        for (&substance, a) in &s.substances {
            if substance == Substance::Tobacco && a.q5.is_some() {
                return Err(Invalid::new("invalid.assist_tobacco_q5"));
            }
            let later = a.q3.is_some() || a.q4.is_some() || a.q5.is_some();
            if later && matches!(a.q2, None | Some(Frequency::Never)) {
                return Err(Invalid::new("invalid.assist_skipped"));
            }
        }
        Ok(Self {
            substances: s.substances,
            q8: s.q8,
            typology: s.typology,
        })
    }
}

/// Involvement score and risk level of one substance.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubstanceScore {
    /// Q2 + … + Q7.
    pub score: u8,
    /// Risk level from the substance's thresholds.
    pub risk: Risk,
}

/// The scored questionnaire.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AssistResult {
    /// Score of every substance answered.
    pub scores: BTreeMap<Substance, SubstanceScore>,
    /// Injected in the past three months (Q8).
    pub injecting_recent: bool,
    /// Referral if injecting recently, else by the worst substance risk.
    pub recommendation: Recommendation,
    /// BNN's user typology recorded with the screening, if any.
    pub typology: Option<Typology>,
}

impl AssistAnswers {
    /// Validates raw answers, reporting every rejected answer at once.
    pub fn parse(raw: &RawAssist) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut substances = BTreeMap::new();
        for (key, answers) in &raw.substances {
            match Substance::parse(key) {
                Ok(s) if substances.contains_key(&s) => errors.push(FieldError::new(
                    format!("substances.{key}"),
                    "invalid.assist_substance_twice",
                )),
                Ok(s) => {
                    substances.insert(s, parse_substance(s, answers, &mut errors));
                }
                Err(_) => errors.push(FieldError::new(
                    format!("substances.{key}"),
                    "invalid.assist_substance",
                )),
            }
        }
        let q8 = answer(raw.q8.as_deref(), "q8", Recency::parse, &mut errors);
        let typology = given(raw.typology.as_deref()).and_then(|t| {
            Typology::parse(t)
                .map_err(|e| errors.push(FieldError::new("typology", e.key)))
                .ok()
        });
        if errors.is_empty() {
            Ok(Self {
                substances,
                q8,
                typology,
            })
        } else {
            Err(errors)
        }
    }

    /// Answers per substance ever used.
    pub fn substances(&self) -> &BTreeMap<Substance, SubstanceAnswers> {
        &self.substances
    }

    /// Injecting drug use, if answered.
    pub fn q8(&self) -> Option<Recency> {
        self.q8
    }

    /// BNN's user typology recorded with the screening, if any.
    pub fn typology(&self) -> Option<Typology> {
        self.typology
    }

    /// Involvement scores, risks and the recommended intervention.
    pub fn score(&self) -> AssistResult {
        let scores: BTreeMap<_, _> = self
            .substances
            .iter()
            .map(|(&s, a)| {
                let score = involvement(a);
                let risk = s.risk(score);
                (s, SubstanceScore { score, risk })
            })
            .collect();
        let injecting_recent = self.q8 == Some(Recency::Past3Months);
        let worst = scores.values().map(|s| s.risk).max().unwrap_or(Risk::Low);
        let recommendation = match worst {
            _ if injecting_recent => Recommendation::Referral,
            Risk::High => Recommendation::Referral,
            Risk::Moderate => Recommendation::BriefIntervention,
            Risk::Low => Recommendation::Advice,
        };
        AssistResult {
            scores,
            injecting_recent,
            recommendation,
            typology: self.typology,
        }
    }
}

/// Q2 + … + Q7 of validated answers; unanswered questions score 0.
fn involvement(a: &SubstanceAnswers) -> u8 {
    // Frequency's variants are declared in the order of the point tables.
    let freq = |table: &[u8; 5], f: Option<Frequency>| f.map_or(0, |f| table[f as usize]);
    let recency = |r: Option<Recency>| match r {
        None | Some(Recency::Never) => 0,
        Some(Recency::Past3Months) => 6,
        Some(Recency::Earlier) => 3,
    };
    freq(&Q2, a.q2)
        + freq(&Q3, a.q3)
        + freq(&Q4, a.q4)
        + freq(&Q5, a.q5)
        + recency(a.q6)
        + recency(a.q7)
}

fn parse_substance(
    s: Substance,
    raw: &RawSubstance,
    errors: &mut Vec<FieldError>,
) -> SubstanceAnswers {
    let field = |q: &str| format!("substances.{}.{q}", s.key());
    let q2 = answer(raw.q2.as_deref(), &field("q2"), Frequency::parse, errors);
    // An unparseable Q2 is already reported; skip-checking against it would only add noise.
    let q2_valid = q2.is_some() || given(raw.q2.as_deref()).is_none();
    let skipped = q2_valid && matches!(q2, None | Some(Frequency::Never));
    let mut later = |q: &str, value: &Option<String>| {
        // Q5 is not asked for tobacco: sending it at all, even blank, is refused.
        let reason = if s == Substance::Tobacco && q == "q5" && value.is_some() {
            "invalid.assist_tobacco_q5"
        } else if skipped {
            given(value.as_deref())?;
            "invalid.assist_skipped"
        } else {
            let value = given(value.as_deref())?;
            return answer(Some(value), &field(q), Frequency::parse, errors);
        };
        errors.push(FieldError::new(field(q), reason));
        None
    };
    let q3 = later("q3", &raw.q3);
    let q4 = later("q4", &raw.q4);
    let q5 = later("q5", &raw.q5);
    let q6 = answer(raw.q6.as_deref(), &field("q6"), Recency::parse, errors);
    let q7 = answer(raw.q7.as_deref(), &field("q7"), Recency::parse, errors);
    SubstanceAnswers {
        q2,
        q3,
        q4,
        q5,
        q6,
        q7,
    }
}

/// A raw answer that was actually given: blank counts as unanswered.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Parses a given answer, recording `invalid.assist_answer` at `field` if it is not allowed.
fn answer<T>(
    value: Option<&str>,
    field: &str,
    parse: fn(&str) -> Result<T, Invalid>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let parsed = parse(given(value)?).ok();
    if parsed.is_none() {
        errors.push(FieldError::new(field, "invalid.assist_answer"));
    }
    parsed
}

crate::redacted_debug!(
    RawSubstance,
    RawAssist,
    SubstanceAnswers,
    AssistAnswers,
    SubstanceScore,
    AssistResult
);

#[cfg(test)]
#[path = "assist_tests.rs"]
mod tests;
