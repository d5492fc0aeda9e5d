//! Teman Sebaya, the school peer-educator programme: schools of a village, how many
//! trained peer educators each has by sex and grade band, and the sessions they hold with
//! their audience counted the same way.
//!
//! The peer educators and their audiences are children, so nothing here can hold a
//! student's name or any other detail of one person: only counts. Inputs collect the
//! fields they do not know (see [`unknown_fields`]) so that a `name` sent along is
//! refused rather than silently dropped.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::clinical::FieldError;
use crate::keyed::{keyed_enum, optional_text};

keyed_enum! {
    /// The level of a school, as in Dapodik (the Ministry of Education's school register)
    /// and the Ministry of Religious Affairs' madrasah register.
    pub enum SchoolLevel {
        /// Sekolah Dasar, grades 1–6.
        Sd = "sd",
        /// Madrasah Ibtidaiyah, grades 1–6.
        Mi = "mi",
        /// Sekolah Menengah Pertama, grades 7–9.
        Smp = "smp",
        /// Madrasah Tsanawiyah, grades 7–9.
        Mts = "mts",
        /// Sekolah Menengah Atas, grades 10–12.
        Sma = "sma",
        /// Sekolah Menengah Kejuruan, grades 10–12.
        Smk = "smk",
        /// Madrasah Aliyah, grades 10–12.
        Ma = "ma",
        /// Any other school (e.g. a one-roof school or a pesantren), any grade.
        Other = "other",
    }
    invalid = "invalid.school_level"
}

keyed_enum! {
    /// A band of school grades.
    pub enum GradeBand {
        /// Grades 1–3.
        Grades1To3 = "1_3",
        /// Grades 4–6.
        Grades4To6 = "4_6",
        /// Grades 7–9.
        Grades7To9 = "7_9",
        /// Grades 10–12.
        Grades10To12 = "10_12",
    }
    invalid = "invalid.grade_band"
}

impl SchoolLevel {
    /// The grade bands a school of this level teaches.
    pub const fn grade_bands(self) -> &'static [GradeBand] {
        use GradeBand::*;
        match self {
            Self::Sd | Self::Mi => &[Grades1To3, Grades4To6],
            Self::Smp | Self::Mts => &[Grades7To9],
            Self::Sma | Self::Smk | Self::Ma => &[Grades10To12],
            Self::Other => &GradeBand::ALL,
        }
    }
}

/// Shortest school name, in characters.
pub const NAME_MIN: usize = 2;
/// Longest school name, in characters.
pub const NAME_MAX: usize = 200;
/// Longest session topic, in characters.
pub const TOPIC_MAX: usize = 200;
/// Most peer educators one school can have.
pub const MAX_EDUCATORS: u32 = 1_000;
/// Largest audience of one session (a whole school's assembly).
pub const MAX_AUDIENCE: u32 = 10_000;

/// A school as registered: its name, level and, when known, its NPSN (Nomor Pokok Sekolah
/// Nasional, eight digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    name: String,
    level: SchoolLevel,
    npsn: Option<String>,
}

impl School {
    /// Validates a school, reporting every problem at once: a name of 2–200 characters on
    /// one line (`name`, `invalid.school_name`), a known level (`level`,
    /// `invalid.school_level`), an NPSN of exactly eight digits when given (`npsn`,
    /// `invalid.npsn`).
    pub fn parse(name: &str, level: &str, npsn: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = line(name, NAME_MIN, NAME_MAX, "invalid.school_name");
        if name.is_err() {
            errors.push(FieldError::new("name", "invalid.school_name"));
        }
        let level = SchoolLevel::parse(level);
        if let Err(e) = &level {
            errors.push(FieldError::new("level", e.key));
        }
        let npsn = match npsn.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Some(s.to_owned()))
            }
            Some(_) => Err(FieldError::new("npsn", "invalid.npsn")),
        };
        if let Err(e) = &npsn {
            errors.push(e.clone());
        }
        match (name, level, npsn) {
            (Ok(name), Ok(level), Ok(npsn)) => Ok(Self { name, level, npsn }),
            _ => Err(errors),
        }
    }

    /// The school's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its level.
    pub fn level(&self) -> SchoolLevel {
        self.level
    }

    /// Its NPSN, eight digits.
    pub fn npsn(&self) -> Option<&str> {
        self.npsn.as_deref()
    }
}

/// What a peer session was about: 2–200 characters on one line
/// (`invalid.sebaya_topic`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic(String);

impl Topic {
    /// Validates a topic.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        line(input, NAME_MIN, TOPIC_MAX, "invalid.sebaya_topic").map(Self)
    }

    /// The topic.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One trimmed line of `min`–`max` characters.
fn line(input: &str, min: usize, max: usize, invalid: &'static str) -> Result<String, Invalid> {
    match optional_text(Some(input), max, invalid)? {
        Some(s) if s.chars().count() >= min && !s.contains('\n') => Ok(s),
        _ => Err(Invalid::new(invalid)),
    }
}

/// Counts as sent: totals by sex and by grade band. Every field is optional here so that
/// each missing or wrong one is reported by name; fields it does not know are kept in
/// `unknown` to be refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawCounts {
    /// How many in all.
    #[serde(default)]
    pub total: Option<i64>,
    /// How many boys (and men).
    #[serde(default)]
    pub male: Option<i64>,
    /// How many girls (and women).
    #[serde(default)]
    pub female: Option<i64>,
    /// How many per grade band key.
    #[serde(default)]
    pub by_grade_band: BTreeMap<String, i64>,
    /// Anything else sent, refused by [`unknown_fields`].
    #[serde(flatten)]
    pub unknown: BTreeMap<String, IgnoredAny>,
}

/// The fields of an input that it does not know, each refused as
/// `<prefix><name>` with `invalid.unknown_field` (e.g. a student's `name`).
pub fn unknown_fields(prefix: &str, unknown: &BTreeMap<String, IgnoredAny>) -> Vec<FieldError> {
    unknown
        .keys()
        .map(|k| FieldError::new(format!("{prefix}{k}"), "invalid.unknown_field"))
        .collect()
}

/// People counted by sex and, when known, by grade band; the counts add up. No one
/// counted is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "Shown")]
pub struct Counts {
    male: u32,
    female: u32,
    /// Only bands with someone in them; empty when not broken down.
    by_grade_band: BTreeMap<GradeBand, u32>,
}

/// How counts are shown: with their total.
#[derive(Serialize)]
struct Shown {
    total: u32,
    male: u32,
    female: u32,
    by_grade_band: BTreeMap<GradeBand, u32>,
}

impl From<Counts> for Shown {
    fn from(c: Counts) -> Self {
        Self {
            total: c.total(),
            male: c.male,
            female: c.female,
            by_grade_band: c.by_grade_band,
        }
    }
}

/// What a kind of count allows.
struct Rule {
    /// Smallest and largest total.
    min: u32,
    max: u32,
    /// Translation key of a total out of range.
    total_key: &'static str,
    /// Whether the grade bands must be given (they must add up to the total).
    bands_required: bool,
}

const EDUCATORS: Rule = Rule {
    min: 0,
    max: MAX_EDUCATORS,
    total_key: "invalid.sebaya_educators_total",
    bands_required: true,
};

const AUDIENCE: Rule = Rule {
    min: 1,
    max: MAX_AUDIENCE,
    total_key: "invalid.sebaya_audience_total",
    bands_required: false,
};

impl Counts {
    /// Validates the peer educators of a school of `level`: 0–1,000 in all, boys and
    /// girls adding up to the total, and grade bands, all of them taught at the school,
    /// adding up to it too. Fields are reported under `prefix` (e.g. `educators.`).
    pub fn educators(
        raw: &RawCounts,
        level: SchoolLevel,
        prefix: &str,
    ) -> Result<Self, Vec<FieldError>> {
        Self::parse(raw, level, prefix, &EDUCATORS)
    }

    /// Validates the audience of a session at a school of `level`: 1–10,000 in all, boys
    /// and girls adding up to the total, and grade bands, when given, taught at the school
    /// and adding up to it (teachers and parents may attend, so they are optional).
    pub fn audience(
        raw: &RawCounts,
        level: SchoolLevel,
        prefix: &str,
    ) -> Result<Self, Vec<FieldError>> {
        Self::parse(raw, level, prefix, &AUDIENCE)
    }

    /// Reports every problem at once: `total` (missing, negative or out of range),
    /// `male`/`female` (missing or negative, `invalid.count`), `sex` (not adding up,
    /// `invalid.sebaya_sum`), `by_grade_band.<key>` (unknown band, a band the school does
    /// not teach, or negative), `by_grade_band` (not adding up, `invalid.sebaya_band_sum`),
    /// and unknown fields.
    fn parse(
        raw: &RawCounts,
        level: SchoolLevel,
        prefix: &str,
        rule: &Rule,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = unknown_fields(prefix, &raw.unknown);
        let at = |field: &str| format!("{prefix}{field}");
        let total = raw
            .total
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (rule.min..=rule.max).contains(n));
        if total.is_none() {
            errors.push(FieldError::new(at("total"), rule.total_key));
        }
        let mut count = |field: &str, value: Option<i64>| {
            let parsed = value.and_then(|n| u32::try_from(n).ok());
            if parsed.is_none() {
                errors.push(FieldError::new(at(field), "invalid.count"));
            }
            parsed
        };
        let male = count("male", raw.male);
        let female = count("female", raw.female);
        let adds_up = match (total, male, female) {
            (Some(t), Some(m), Some(f)) => u64::from(m) + u64::from(f) == u64::from(t),
            _ => true,
        };
        if !adds_up {
            errors.push(FieldError::new(at("sex"), "invalid.sebaya_sum"));
        }
        let mut by_grade_band = BTreeMap::new();
        let mut bands_ok = true;
        for (key, &n) in &raw.by_grade_band {
            let field = at(&format!("by_grade_band.{key}"));
            let band = GradeBand::ALL.into_iter().find(|b| b.key() == key);
            let refused = match (band, u32::try_from(n)) {
                (None, _) => Some("invalid.grade_band"),
                (Some(_), Err(_)) => Some("invalid.count"),
                (Some(_), Ok(0)) => None,
                (Some(b), Ok(_)) if !level.grade_bands().contains(&b) => {
                    Some("invalid.grade_band_level")
                }
                (Some(b), Ok(n)) => {
                    by_grade_band.insert(b, n);
                    None
                }
            };
            if let Some(reason) = refused {
                errors.push(FieldError::new(field, reason));
                bands_ok = false;
            }
        }
        let banded: u64 = by_grade_band.values().map(|&n| u64::from(n)).sum();
        let given = !raw.by_grade_band.is_empty();
        let checked = bands_ok && (given || rule.bands_required);
        if total.is_some_and(|t| checked && banded != u64::from(t)) {
            errors.push(FieldError::new(
                at("by_grade_band"),
                "invalid.sebaya_band_sum",
            ));
        }
        match (total, male, female) {
            (Some(_), Some(male), Some(female)) if errors.is_empty() => Ok(Self {
                male,
                female,
                by_grade_band,
            }),
            _ => Err(errors),
        }
    }

    /// Counts read back from storage as stored by [`Counts::band_columns`], checked
    /// again: a total of men and women, and bands (none given, or all) adding up to it.
    pub fn from_columns(
        total: i64,
        male: i64,
        female: i64,
        bands: [Option<i64>; 4],
    ) -> Result<Self, Invalid> {
        let corrupt = || Invalid::new("invalid.stored_counts");
        let number = |n: i64| u32::try_from(n).map_err(|_| corrupt());
        let (male, female) = (number(male)?, number(female)?);
        if u64::from(male) + u64::from(female) != u64::try_from(total).map_err(|_| corrupt())? {
            return Err(corrupt());
        }
        let mut by_grade_band = BTreeMap::new();
        if bands.iter().any(Option::is_some) {
            for (band, n) in GradeBand::ALL.into_iter().zip(bands) {
                let n = number(n.ok_or_else(corrupt)?)?;
                if n > 0 {
                    by_grade_band.insert(band, n);
                }
            }
            let banded: u64 = by_grade_band.values().map(|&n| u64::from(n)).sum();
            if banded != u64::from(male) + u64::from(female) {
                return Err(corrupt());
            }
        }
        Ok(Self {
            male,
            female,
            by_grade_band,
        })
    }

    /// The count of each band in [`GradeBand::ALL`] order, for storage: none at all when
    /// the counts are not broken down by grade, else every band (zero included).
    pub fn band_columns(&self) -> [Option<i64>; 4] {
        let broken_down = !self.by_grade_band.is_empty() || self.total() == 0;
        GradeBand::ALL.map(|b| broken_down.then(|| i64::from(self.band(b))))
    }

    /// How many in all.
    pub fn total(&self) -> u32 {
        // Both were checked against a total of at most MAX_AUDIENCE.
        self.male + self.female
    }

    /// How many boys.
    pub fn male(&self) -> u32 {
        self.male
    }

    /// How many girls.
    pub fn female(&self) -> u32 {
        self.female
    }

    /// How many in `band` (zero when not broken down).
    pub fn band(&self, band: GradeBand) -> u32 {
        self.by_grade_band.get(&band).copied().unwrap_or(0)
    }

    /// The bands with someone in them; empty when not broken down by grade.
    pub fn by_grade_band(&self) -> &BTreeMap<GradeBand, u32> {
        &self.by_grade_band
    }
}

#[cfg(test)]
#[path = "peers_tests.rs"]
mod tests;
