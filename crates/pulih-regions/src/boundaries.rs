//! The reader of official boundary files: a GeoJSON `FeatureCollection` of `Polygon` or
//! `MultiPolygon` features, each naming its region's Kemendagri code in a property.
//!
//! The file is read as a stream, one feature at a time, and each geometry is checked and
//! simplified ([`Geometry::parse`]) before the next is read, so a province's villages
//! (hundreds of megabytes) need only the memory of their simplified shapes. Features that
//! name the same code are merged (islands of one village published as separate features).

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use pulih_domain::boundary::{Geometry, RawGeometry};
use pulih_domain::region::RegionCode;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Properties tried, in this order and ignoring case, when no property is named: generic
/// names first, then those of BIG's administrative boundary layers (`KDEPUM` village,
/// `KDCPUM` district, `KDPKAB` regency, `KDPPUM` province: Kemendagri codes), then the
/// OCHA/HDX common operational data set (`ADM4_PCODE` …, codes prefixed `ID`).
pub const CODE_PROPERTIES: [&str; 13] = [
    "code",
    "kode",
    "kode_desa",
    "kd_desa",
    "kode_wilayah",
    "kdepum",
    "kdcpum",
    "kdpkab",
    "kdppum",
    "adm4_pcode",
    "adm3_pcode",
    "adm2_pcode",
    "adm1_pcode",
];

/// Why a whole file was refused; nothing is imported then.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Not JSON, or cut short; with the line where reading stopped.
    #[error("line {line}: not valid JSON ({reason})")]
    Syntax {
        /// Line of the problem.
        line: usize,
        /// What the parser said.
        reason: String,
    },
    /// JSON, but not a GeoJSON `FeatureCollection` with a `features` list.
    #[error("not a GeoJSON FeatureCollection")]
    NotCollection,
    /// A collection without features.
    #[error("the collection has no features")]
    Empty,
}

/// One feature that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureError {
    /// Position in `features`, counted from 0.
    pub index: usize,
    /// The code it names, as written, if any.
    pub code: Option<String>,
    /// Translation key of the reason, e.g. `invalid.boundary_ring_open`.
    pub key: &'static str,
}

/// A region's boundary read from the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Position in `features` of its first feature.
    pub index: usize,
    /// The region.
    pub code: RegionCode,
    /// Its geometry, checked and simplified, all its features merged.
    pub geometry: Geometry,
}

/// What a file holds: boundaries by region in file order, and the features refused.
#[derive(Debug, Clone, Default)]
pub struct BoundaryFile {
    /// One boundary per region.
    pub boundaries: Vec<Feature>,
    /// Features that cannot be imported.
    pub errors: Vec<FeatureError>,
    /// How many features the file has.
    pub features: usize,
}

/// Reads a boundary file. `property` names the property holding the code; none tries
/// [`CODE_PROPERTIES`]. Per-feature problems are collected, not fatal.
pub fn read(reader: impl Read, property: Option<&str>) -> Result<BoundaryFile, FileError> {
    let mut out = BoundaryFile::default();
    let mut seen: HashMap<RegionCode, usize> = HashMap::new();
    let mut on_feature = |index: usize, value: Value| {
        out.features += 1;
        match feature(index, value, property) {
            Ok(f) => match seen.get(&f.code) {
                Some(&at) => out.boundaries[at].geometry.merge(f.geometry),
                None => {
                    seen.insert(f.code.clone(), out.boundaries.len());
                    out.boundaries.push(f);
                }
            },
            Err(e) => out.errors.push(e),
        }
    };
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let found = Collection {
        on_feature: &mut on_feature,
    }
    .deserialize(&mut de)
    .and_then(|found| de.end().map(|()| found))
    .map_err(|e| match e.classify() {
        serde_json::error::Category::Data => FileError::NotCollection,
        _ => FileError::Syntax {
            line: e.line(),
            reason: e.to_string(),
        },
    })?;
    if !found {
        return Err(FileError::NotCollection);
    }
    if out.features == 0 {
        return Err(FileError::Empty);
    }
    Ok(out)
}

/// Reads one feature: its code, then its geometry.
fn feature(index: usize, value: Value, property: Option<&str>) -> Result<Feature, FeatureError> {
    let fail = |code: Option<String>, key| FeatureError { index, code, key };
    let Value::Object(mut object) = value else {
        return Err(fail(None, "invalid.boundary_feature"));
    };
    if object.get("type").is_some_and(|t| t != "Feature") {
        return Err(fail(None, "invalid.boundary_feature"));
    }
    let written = match object.get("properties") {
        Some(Value::Object(props)) => code_value(props, property),
        _ => None,
    };
    let Some(written) = written else {
        return Err(fail(None, "invalid.boundary_code_missing"));
    };
    let Some(code) = normalise_code(&written) else {
        return Err(fail(Some(written), "invalid.boundary_code"));
    };
    let raw = match object.remove("geometry") {
        Some(Value::Object(mut geometry)) => {
            let coordinates = geometry.remove("coordinates").unwrap_or(Value::Null);
            match geometry.get("type").and_then(Value::as_str) {
                Some("Polygon") => serde_json::from_value(coordinates).map(RawGeometry::Polygon),
                Some("MultiPolygon") => {
                    serde_json::from_value(coordinates).map(RawGeometry::MultiPolygon)
                }
                _ => return Err(fail(Some(written), "invalid.boundary_type")),
            }
            .map_err(|_| fail(Some(written.clone()), "invalid.boundary_geometry"))?
        }
        _ => return Err(fail(Some(written), "invalid.boundary_geometry")),
    };
    let geometry = Geometry::parse(&raw).map_err(|e| fail(Some(written), e.key))?;
    Ok(Feature {
        index,
        code,
        geometry,
    })
}

/// The code as written in the named property, or the first of [`CODE_PROPERTIES`].
fn code_value(props: &Map<String, Value>, property: Option<&str>) -> Option<String> {
    let find = |name: &str| {
        props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    match property {
        Some(name) => find(name),
        None => CODE_PROPERTIES.iter().find_map(|name| find(name)),
    }
}

/// A Kemendagri code written dotted (`32.01.01.2001`), plain (`3201012001`) or with the
/// `ID` prefix of OCHA p-codes (`ID3201012001`).
pub fn normalise_code(written: &str) -> Option<RegionCode> {
    let s = written.trim();
    let s = s
        .strip_prefix("ID")
        .or_else(|| s.strip_prefix("id"))
        .unwrap_or(s);
    if s.contains('.') {
        return RegionCode::parse(s).ok();
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let dotted = match s.len() {
        2 => s.to_owned(),
        4 => format!("{}.{}", &s[..2], &s[2..]),
        6 => format!("{}.{}.{}", &s[..2], &s[2..4], &s[4..]),
        10 => format!("{}.{}.{}.{}", &s[..2], &s[2..4], &s[4..6], &s[6..]),
        _ => return None,
    };
    RegionCode::parse(&dotted).ok()
}

/// The top-level object: remembers its `type` and hands each feature over as it is read.
/// Yields whether it was a `FeatureCollection` with a `features` list.
struct Collection<'a, F> {
    on_feature: &'a mut F,
}

impl<'de, F: FnMut(usize, Value)> DeserializeSeed<'de> for Collection<'_, F> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(usize, Value)> Visitor<'de> for Collection<'_, F> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let (mut collection, mut features) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => collection = map.next_value::<Value>()? == "FeatureCollection",
                "features" => {
                    map.next_value_seed(Features {
                        on_feature: &mut *self.on_feature,
                    })?;
                    features = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(collection && features)
    }
}

/// The `features` list, read one element at a time.
struct Features<'a, F> {
    on_feature: &'a mut F,
}

impl<'de, F: FnMut(usize, Value)> DeserializeSeed<'de> for Features<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, Value)> Visitor<'de> for Features<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of GeoJSON features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(value) = seq.next_element::<Value>()? {
            (self.on_feature)(index, value);
            index += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, lon: f64, lat: f64) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"KDEPUM":"{code}","WADMKD":"X"}},"geometry":{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{e},{lat}],[{e},{n}],[{lon},{n}],[{lon},{lat}]]]}}}}"#,
            e = lon + 0.01,
            n = lat + 0.01
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","name":"desa","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn codes_are_read_dotted_plain_numeric_or_as_p_codes() {
        let want = RegionCode::parse("32.01.01.2001").ok();
        for written in [
            "32.01.01.2001",
            "3201012001",
            "ID3201012001",
            " 3201012001 ",
        ] {
            assert_eq!(normalise_code(written), want, "{written}");
        }
        assert_eq!(normalise_code("3201"), RegionCode::parse("32.01").ok());
        for bad in ["320101200", "32.1", "desa", ""] {
            assert_eq!(normalise_code(bad), None, "{bad}");
        }
        let props: Map<String, Value> =
            serde_json::from_str(r#"{"KDPKAB":"32.01","KDEPUM":3201012001}"#).unwrap();
        assert_eq!(code_value(&props, None).as_deref(), Some("3201012001"));
        assert_eq!(code_value(&props, Some("kdpkab")).as_deref(), Some("32.01"));
        assert_eq!(code_value(&props, Some("nama")), None);
    }

    #[test]
    fn features_are_read_merged_by_code_and_refused_one_by_one() {
        let mut open = square("21.71.01.1002", 104.0, 1.1);
        open = open.replacen("[104,1.1]]]", "[104,1.2]]]", 1);
        let point = r#"{"type":"Feature","properties":{"code":"21.71.01.1003"},"geometry":{"type":"Point","coordinates":[104,1]}}"#;
        let text = collection(&[
            square("21.71.01.1001", 104.0, 1.0),
            open,
            square("21.71.01.1001", 104.2, 1.0),
            point.to_owned(),
            r#"{"type":"Feature","properties":{},"geometry":null}"#.to_owned(),
        ]);
        let file = read(text.as_bytes(), None).expect("reads");
        assert_eq!(file.features, 5);
        assert_eq!(file.boundaries.len(), 1);
        assert_eq!(file.boundaries[0].geometry.polygons().len(), 2, "merged");
        let errors: Vec<(usize, Option<&str>, &str)> = file
            .errors
            .iter()
            .map(|e| (e.index, e.code.as_deref(), e.key))
            .collect();
        assert_eq!(
            errors,
            [
                (1, Some("21.71.01.1002"), "invalid.boundary_ring_open"),
                (3, Some("21.71.01.1003"), "invalid.boundary_type"),
                (4, None, "invalid.boundary_code_missing"),
            ]
        );
    }

    #[test]
    fn files_that_are_not_collections_are_refused_whole() {
        let kind = |text: &str| match read(text.as_bytes(), None) {
            Err(FileError::Syntax { .. }) => "syntax",
            Err(FileError::NotCollection) => "not a collection",
            Err(FileError::Empty) => "empty",
            Ok(_) => "read",
        };
        let cases = [
            ("{\"type\":\"FeatureCollection\",\"features\":[", "syntax"),
            ("[1,2]", "not a collection"),
            (r#"{"type":"Feature","geometry":null}"#, "not a collection"),
            (
                r#"{"type":"FeatureCollection","features":{}}"#,
                "not a collection",
            ),
            (r#"{"type":"FeatureCollection","features":[]}"#, "empty"),
        ];
        for (text, expected) in cases {
            assert_eq!(kind(text), expected, "{text}");
        }
    }
}
