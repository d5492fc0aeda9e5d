//! Fuzz tests of the region CSV and boundary GeoJSON readers, bounded so that they run
//! with the suite: random bytes, and valid files with bytes changed, cut or repeated,
//! are read or refused with an error, never a panic or a hang.
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use proptest::prelude::*;

/// The start of the official file: valid, with parents before children.
fn valid_csv() -> Vec<u8> {
    let rows: Vec<String> = pulih_regions::embedded()
        .expect("embedded")
        .iter()
        .take(40)
        .map(|r| format!("{},{},1.5,104.1,7,29411", r.code.as_str(), r.name))
        .collect();
    format!(
        "code,name,latitude,longitude,utc_offset,postal_code\n{}\n",
        rows.join("\n")
    )
    .into_bytes()
}

const GEOJSON: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kode":"21.71"},"geometry":{"type":"Polygon","coordinates":[[[104.0,1.0],[104.1,1.0],[104.1,1.1],[104.0,1.0]]]}},
{"type":"Feature","properties":{"KDEPUM":"2171051001"},"geometry":{"type":"MultiPolygon","coordinates":[[[[104.0,1.0],[104.1,1.0],[104.1,1.1],[104.0,1.0]]]]}}]}"#;

/// `bytes` with a few changes: some bytes replaced, a range cut, a range repeated.
fn mutated(bytes: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = bytes.len();
    (
        prop::collection::vec((0..len, any::<u8>()), 0..6),
        0..len,
        0..len,
        any::<bool>(),
    )
        .prop_map(move |(edits, a, b, repeat)| {
            let mut out = bytes.clone();
            for (at, byte) in edits {
                out[at] = byte;
            }
            let (from, to) = (a.min(b), a.max(b));
            if repeat {
                let piece = out[from..to].to_vec();
                out.splice(to..to, piece);
            } else {
                out.drain(from..to);
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = pulih_regions::read(&bytes);
        let gzip: Vec<u8> = [0x1f, 0x8b].iter().chain(&bytes).copied().collect();
        let _ = pulih_regions::read(&gzip);
        let _ = pulih_regions::boundaries::read(bytes.as_slice(), None);
        let _ = pulih_regions::boundaries::read(bytes.as_slice(), Some("kode"));
    }

    #[test]
    fn a_damaged_region_file_is_read_or_refused(bytes in mutated(valid_csv())) {
        if let Ok(regions) = pulih_regions::read(&bytes) {
            // what is read is whole: every row's parent is in the file
            let codes: std::collections::HashSet<&str> =
                regions.iter().map(|r| r.code.as_str()).collect();
            for r in &regions {
                if let Some((parent, _)) = r.code.as_str().rsplit_once('.') {
                    prop_assert!(codes.contains(parent), "{} without {}", r.code.as_str(), parent);
                }
            }
        }
    }

    #[test]
    fn a_damaged_boundary_file_is_read_or_refused(bytes in mutated(GEOJSON.as_bytes().to_vec())) {
        let _ = pulih_regions::boundaries::read(bytes.as_slice(), None);
    }
}
