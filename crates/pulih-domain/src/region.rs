//! The Kemendagri region tree: codes `PP`, `PP.KK`, `PP.KK.CC`, `PP.KK.CC.DDDD`, and
//! the user's region scope (a node of the tree, or the whole nation).

use std::fmt;
use std::str::FromStr;

use crate::Invalid;

/// Depth of a node in the region tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// Provinsi.
    Province,
    /// Kabupaten or kota.
    Regency,
    /// Kecamatan (distrik in Papua).
    District,
    /// Desa or kelurahan.
    Village,
}

impl RegionLevel {
    /// The level's name in the API and in translation keys.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Regency => "regency",
            Self::District => "district",
            Self::Village => "village",
        }
    }
}

/// Administrative kind of a regency or village, derived from its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// Regency code `KK` 01–69.
    Kabupaten,
    /// Regency code `KK` 71–99.
    Kota,
    /// Village code starting with `2`.
    Desa,
    /// Village code starting with `1`.
    Kelurahan,
}

impl RegionKind {
    /// The kind's name in the API and in translation keys.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Kabupaten => "kabupaten",
            Self::Kota => "kota",
            Self::Desa => "desa",
            Self::Kelurahan => "kelurahan",
        }
    }
}

/// A syntactically valid region code such as `21.71.01.1001`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl TryFrom<String> for RegionCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(code: RegionCode) -> Self {
        code.0
    }
}

impl RegionCode {
    /// Parses a dotted code; each part must have the right number of digits.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        let widths: Vec<usize> = s.split('.').map(str::len).collect();
        let shape_ok = matches!(widths.as_slice(), [2] | [2, 2] | [2, 2, 2] | [2, 2, 2, 4]);
        if shape_ok && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            Ok(Self(s.to_owned()))
        } else {
            Err(Invalid::new("invalid.region_code"))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Province, regency, district or village, from the number of parts.
    pub fn level(&self) -> RegionLevel {
        match self.0.matches('.').count() {
            0 => RegionLevel::Province,
            1 => RegionLevel::Regency,
            2 => RegionLevel::District,
            _ => RegionLevel::Village,
        }
    }

    /// Kabupaten/kota for regencies, desa/kelurahan for villages, none otherwise.
    pub fn kind(&self) -> Option<RegionKind> {
        let last = self.0.rsplit('.').next().unwrap_or_default();
        match self.level() {
            RegionLevel::Regency if last.as_bytes()[0] >= b'7' => Some(RegionKind::Kota),
            RegionLevel::Regency => Some(RegionKind::Kabupaten),
            RegionLevel::Village if last.starts_with('1') => Some(RegionKind::Kelurahan),
            RegionLevel::Village => Some(RegionKind::Desa),
            _ => None,
        }
    }

    /// The parent node's code, none for a province.
    pub fn parent(&self) -> Option<Self> {
        self.0
            .rsplit_once('.')
            .map(|(head, _)| Self(head.to_owned()))
    }

    /// The ancestors from the province down, excluding this code.
    pub fn ancestors(&self) -> Vec<Self> {
        let mut out = Vec::new();
        let mut cur = self.parent();
        while let Some(code) = cur {
            cur = code.parent();
            out.push(code);
        }
        out.reverse();
        out
    }

    /// This node or its ancestor at `level` (its regency, its province); none when this
    /// node lies above `level`.
    pub fn at_level(&self, level: RegionLevel) -> Option<Self> {
        std::iter::once(self.clone())
            .chain(self.ancestors())
            .find(|c| c.level() == level)
    }

    /// Whether `other` is this node or lies below it.
    pub fn contains(&self, other: &Self) -> bool {
        other.0 == self.0
            || (other.0.starts_with(&self.0) && other.0.as_bytes().get(self.0.len()) == Some(&b'.'))
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RegionCode {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::parse(s)
    }
}

/// What part of the tree a user may see: the whole nation or one node and below.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// All of Indonesia (BNN headquarters).
    National,
    /// One region node and everything under it.
    Region(RegionCode),
}

impl Scope {
    /// Text form used in storage and the API: `ID` for national, else the region code.
    pub fn as_str(&self) -> &str {
        match self {
            Self::National => "ID",
            Self::Region(code) => code.as_str(),
        }
    }

    /// Parses `ID` or a region code.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s.trim() {
            "ID" | "id" => Ok(Self::National),
            other => RegionCode::parse(other)
                .map(Self::Region)
                .map_err(|_| Invalid::new("invalid.scope")),
        }
    }

    /// Whether a record placed at `code` lies inside this scope.
    pub fn covers(&self, code: &RegionCode) -> bool {
        match self {
            Self::National => true,
            Self::Region(root) => root.contains(code),
        }
    }

    /// Whether every place inside `other` also lies inside this scope.
    pub fn includes(&self, other: &Self) -> bool {
        match other {
            Self::National => *self == Self::National,
            Self::Region(code) => self.covers(code),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Hours east of UTC of the local time zone, as in the official data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TimeZone {
    /// WIB, UTC+7.
    Wib,
    /// WITA, UTC+8.
    Wita,
    /// WIT, UTC+9.
    Wit,
}

impl TimeZone {
    /// From the whole-hour UTC offset; none for offsets outside Indonesia.
    pub const fn from_offset(hours: i32) -> Option<Self> {
        match hours {
            7 => Some(Self::Wib),
            8 => Some(Self::Wita),
            9 => Some(Self::Wit),
            _ => None,
        }
    }

    /// The zone of a province, by the first part of its code (Permendagri 2/1987 and the
    /// provinces made since): WIB for Sumatra, Java, and West and Central Kalimantan;
    /// WITA for Bali, the Nusa Tenggara, South, East and North Kalimantan and Sulawesi;
    /// WIT for Maluku and Papua. A code outside these lists is placed in WIB.
    pub fn of_region(code: &RegionCode) -> Self {
        match code.as_str().get(..2) {
            Some(
                "51" | "52" | "53" | "63" | "64" | "65" | "71" | "72" | "73" | "74" | "75" | "76",
            ) => Self::Wita,
            Some("81" | "82" | "91" | "92" | "93" | "94" | "95" | "96" | "97") => Self::Wit,
            _ => Self::Wib,
        }
    }

    /// The zone a user with `scope` works in: its province's, WIB for the nation (where
    /// the capital's time is the one national offices keep).
    pub fn of_scope(scope: &Scope) -> Self {
        match scope {
            Scope::National => Self::Wib,
            Scope::Region(code) => Self::of_region(code),
        }
    }

    /// Hours east of UTC.
    pub const fn hours(self) -> i32 {
        match self {
            Self::Wib => 7,
            Self::Wita => 8,
            Self::Wit => 9,
        }
    }

    /// Its abbreviation as Indonesians write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Wib => "WIB",
            Self::Wita => "WITA",
            Self::Wit => "WIT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("valid code")
    }

    #[test]
    fn levels_and_kinds_come_from_the_code() {
        assert_eq!(code("21").level(), RegionLevel::Province);
        assert_eq!(code("21.71").kind(), Some(RegionKind::Kota));
        assert_eq!(code("12.05").kind(), Some(RegionKind::Kabupaten));
        assert_eq!(code("21.71.01").kind(), None);
        assert_eq!(code("21.71.01.1001").kind(), Some(RegionKind::Kelurahan));
        assert_eq!(code("12.05.05.2001").kind(), Some(RegionKind::Desa));
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in [
            "",
            "2",
            "21.7",
            "21.71.01.100",
            "21-71",
            "21.71.01.1001.1",
            "ab",
            "21..71",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn containment_respects_part_boundaries() {
        assert!(code("21.71").contains(&code("21.71.01.1001")));
        assert!(!code("21.71").contains(&code("21.72.01")));
        assert!(!code("12").contains(&code("21.71")));
        assert!(Scope::National.covers(&code("61.03")));
        assert!(!Scope::Region(code("21.71")).includes(&Scope::National));
    }

    #[test]
    fn ancestors_run_from_province_down() {
        let names: Vec<String> = code("21.71.01.1001")
            .ancestors()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(names, ["21", "21.71", "21.71.01"]);
    }

    #[test]
    fn batam_is_wib_makassar_wita_jayapura_wit_and_the_nation_wib() {
        assert_eq!(TimeZone::of_region(&code("21.71.05.1002")), TimeZone::Wib);
        assert_eq!(TimeZone::of_region(&code("73.71")), TimeZone::Wita);
        assert_eq!(TimeZone::of_region(&code("91.71")), TimeZone::Wit);
        assert_eq!(TimeZone::of_scope(&Scope::National), TimeZone::Wib);
        assert_eq!(
            TimeZone::of_scope(&Scope::Region(code("64"))),
            TimeZone::Wita
        );
    }

    #[test]
    fn kalimantan_is_split_between_wib_and_wita() {
        for (province, zone) in [
            ("61", TimeZone::Wib),
            ("62", TimeZone::Wib),
            ("63", TimeZone::Wita),
            ("64", TimeZone::Wita),
            ("65", TimeZone::Wita),
        ] {
            assert_eq!(TimeZone::of_region(&code(province)), zone, "{province}");
        }
    }

    #[test]
    fn every_province_has_the_zone_the_official_tree_gives_it() {
        // the utc_offset column of data/regions/regions.csv.gz, one entry per province
        let tree = [
            (11, 7),
            (12, 7),
            (13, 7),
            (14, 7),
            (15, 7),
            (16, 7),
            (17, 7),
            (18, 7),
            (19, 7),
            (21, 7),
            (31, 7),
            (32, 7),
            (33, 7),
            (34, 7),
            (35, 7),
            (36, 7),
            (51, 8),
            (52, 8),
            (53, 8),
            (61, 7),
            (62, 7),
            (63, 8),
            (64, 8),
            (65, 8),
            (71, 8),
            (72, 8),
            (73, 8),
            (74, 8),
            (75, 8),
            (76, 8),
            (81, 9),
            (82, 9),
            (91, 9),
            (92, 9),
            (93, 9),
            (94, 9),
            (95, 9),
            (96, 9),
        ];
        for (province, hours) in tree {
            let zone = TimeZone::of_region(&code(&province.to_string()));
            assert_eq!(zone.hours(), hours, "{province}");
            assert_eq!(TimeZone::from_offset(hours), Some(zone));
        }
    }

    proptest! {
        #[test]
        fn a_code_is_contained_by_each_of_its_ancestors(p in 11u32..99, k in 1u32..99, c in 1u32..99, d in 1000u32..2999) {
            let village = code(&format!("{p:02}.{k:02}.{c:02}.{d:04}"));
            for a in village.ancestors() {
                prop_assert!(a.contains(&village));
                prop_assert!(!village.contains(&a));
            }
            let other = code(&format!("{:02}", if p == 98 { 11 } else { p + 1 }));
            prop_assert!(!other.contains(&village));
        }
    }
}
