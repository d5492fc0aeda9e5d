//! The partner directory as Open Referral HSDS 3.0 tables (see `docs/HSDS.md`): the CSV
//! files of an export, written into one zip, and the files of an import, read into rows
//! that remember their file, line and column so every problem can be named there.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use pulih_domain::csv_cell;
use pulih_domain::referral::ServiceType;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Problem;

/// The organisations offering the services.
pub const ORGANIZATIONS: &str = "organizations.csv";
/// The services.
pub const SERVICES: &str = "services.csv";
/// The regions each service serves, one row per region.
pub const SERVICE_AREAS: &str = "service_areas.csv";
/// A service's contact when it is not an e-mail address.
pub const PHONES: &str = "phones.csv";
/// A service's opening hours, as free text.
pub const SCHEDULES: &str = "schedules.csv";
/// The one taxonomy of service types.
pub const TAXONOMIES: &str = "taxonomies.csv";
/// Its terms, one per service type, `code` being the type's key.
pub const TAXONOMY_TERMS: &str = "taxonomy_terms.csv";
/// Which term each service has.
pub const ATTRIBUTES: &str = "attributes.csv";

/// How a service area names its Kemendagri region: this prefix, then the code.
pub const AREA_URI: &str = "urn:kemendagri:wilayah:";
/// The taxonomy's name.
pub const TAXONOMY_NAME: &str = "Pulih service types";
/// The tables an import reads; anything else in a zip is left packed.
const IMPORTED: [&str; 7] = [
    ORGANIZATIONS,
    SERVICES,
    SERVICE_AREAS,
    PHONES,
    SCHEDULES,
    TAXONOMY_TERMS,
    ATTRIBUTES,
];
/// Most entries a zip may hold (an export has eight).
const MAX_ENTRIES: usize = 64;
/// Most bytes the imported tables of a zip may unpack to, together.
const MAX_UNPACKED: u64 = 32 * 1024 * 1024;

/// A stable id for a row that exists only in the export (a phone, an area, a term),
/// made from what it belongs to: a version-8 UUID from a SHA-256 of the parts, so the
/// same directory always exports the same ids.
pub fn derived_id(parts: &[&str]) -> Uuid {
    let mut hash = Sha256::new();
    for p in parts {
        hash.update(p.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The id of the taxonomy of service types.
pub fn taxonomy_id() -> Uuid {
    derived_id(&["pulih", "taxonomy", "service_type"])
}

/// The id of a service type's term.
pub fn term_id(service: ServiceType) -> Uuid {
    derived_id(&["pulih", "taxonomy_term", service.key()])
}

/// A service type's term: English name and Indonesian description.
pub fn term_texts(service: ServiceType) -> (&'static str, &'static str) {
    match service {
        ServiceType::RehabInpatient => ("Inpatient rehabilitation", "Rehabilitasi rawat inap"),
        ServiceType::RehabOutpatient => ("Outpatient rehabilitation", "Rehabilitasi rawat jalan"),
        ServiceType::Counselling => ("Counselling", "Konseling"),
        ServiceType::VocationalTraining => ("Vocational training", "Pelatihan kerja"),
        ServiceType::JobPlacement => ("Job placement", "Penempatan kerja"),
        ServiceType::SocialAssistance => ("Social assistance", "Bantuan sosial"),
        ServiceType::HealthCare => ("Health care", "Layanan kesehatan"),
        ServiceType::LegalAid => ("Legal aid", "Bantuan hukum"),
        ServiceType::FamilyProtection => (
            "Family and child protection",
            "Perlindungan keluarga dan anak",
        ),
        ServiceType::Mentoring => (
            "Religious or community mentoring",
            "Pendampingan keagamaan atau kemasyarakatan",
        ),
        ServiceType::CorrectionalGuidance => (
            "Guidance after release from prison",
            "Pembimbingan kemasyarakatan setelah bebas",
        ),
        ServiceType::Education => ("Return to school", "Kembali bersekolah"),
        ServiceType::VillageReintegration => (
            "Reintegration in the village",
            "Pendampingan reintegrasi di desa",
        ),
    }
}

/// Whether a contact is an e-mail address (exported as the service's `email`, anything
/// else as a phone row).
pub fn is_email(contact: &str) -> bool {
    contact.contains('@') && !contact.contains(char::is_whitespace)
}

/// One CSV table being written.
pub struct TableWriter {
    name: &'static str,
    csv: csv::Writer<Vec<u8>>,
}

impl TableWriter {
    /// A table with its header row.
    pub fn new(name: &'static str, header: &[&str]) -> Result<Self, csv::Error> {
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(header)?;
        Ok(Self { name, csv })
    }

    /// Appends a row, its cells neutralised for spreadsheets ([`csv_cell`]).
    pub fn row(&mut self, values: &[&str]) -> Result<(), csv::Error> {
        self.csv
            .write_record(values.iter().map(|v| csv_cell::neutralise(v).into_owned()))
    }
}

/// Packs the tables into one zip, in the order given.
pub fn zip(tables: Vec<TableWriter>) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for t in tables {
        let bytes = t.csv.into_inner().map_err(|e| e.to_string())?;
        zip.start_file(t.name, options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    let cursor = zip.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}

/// The files of an import, by base name (`services.csv`).
#[derive(Debug, Default, Clone)]
pub struct HsdsFiles(BTreeMap<String, Vec<u8>>);

impl HsdsFiles {
    /// Adds a file; only its base name counts.
    pub fn insert(&mut self, name: &str, bytes: Vec<u8>) {
        self.0.insert(base_name(name), bytes);
    }

    /// The tables an import reads, from a zip, in any folder of it; other entries are
    /// not unpacked. A zip that declares more than [`MAX_ENTRIES`] entries is refused
    /// before its directory is read, and one whose tables unpack to more than
    /// [`MAX_UNPACKED`] bytes as soon as they do.
    pub(crate) fn from_zip(bytes: &[u8]) -> Result<Self, Problem> {
        let refused = || Problem::new("file", "invalid.hsds_zip");
        let declared = declared_entries(bytes).ok_or_else(refused)?;
        if usize::from(declared) > MAX_ENTRIES {
            return Err(too_many());
        }
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| refused())?;
        if archive.len() > MAX_ENTRIES {
            return Err(too_many());
        }
        let mut files = Self::default();
        let mut budget = MAX_UNPACKED;
        for i in 0..archive.len() {
            let file = archive.by_index(i).map_err(|_| refused())?;
            let name = file.name().to_owned();
            if file.is_dir() || !IMPORTED.contains(&base_name(&name).as_str()) {
                continue;
            }
            let mut content = Vec::new();
            file.take(budget + 1)
                .read_to_end(&mut content)
                .map_err(|_| refused())?;
            budget = budget
                .checked_sub(content.len() as u64)
                .ok_or_else(too_large)?;
            files.insert(&name, content);
        }
        Ok(files)
    }

    /// Whether no file was given at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A file's name without its folders, lower-case.
fn base_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.to_ascii_lowercase()
}

/// The refusal of a zip of more than [`MAX_ENTRIES`] entries.
fn too_many() -> Problem {
    let mut p = Problem::new("file", "invalid.hsds_zip_entries");
    p.args = vec![("max", MAX_ENTRIES.to_string())];
    p
}

/// The refusal of a zip whose tables unpack to more than [`MAX_UNPACKED`] bytes.
fn too_large() -> Problem {
    let mut p = Problem::new("file", "invalid.hsds_zip_too_large");
    p.args = vec![("max", (MAX_UNPACKED / (1024 * 1024)).to_string())];
    p
}

/// The number of entries a zip's end record declares, read before the archive is opened
/// so that a zip declaring too many is refused before its directory is parsed; none when
/// there is no end record. The last record in the file counts, as for readers of zips;
/// a ZIP64 archive declares 0xFFFF here, which is more than any import may hold.
fn declared_entries(bytes: &[u8]) -> Option<u16> {
    const END: [u8; 4] = [b'P', b'K', 5, 6];
    const END_LEN: usize = 22;
    let tail = bytes.len().saturating_sub(END_LEN + usize::from(u16::MAX));
    let at = tail + bytes[tail..].windows(END.len()).rposition(|w| w == END)?;
    let count = bytes.get(at + 10..at + 12)?;
    Some(u16::from_le_bytes([count[0], count[1]]))
}

/// A problem at a place in the files: `services.csv:3:name` (line 1 is the header).
pub fn at(file: &str, line: u64, column: &str, key: &'static str) -> Problem {
    let mut p = Problem::new(format!("{file}:{line}:{column}"), key);
    p.args = vec![
        ("file", file.to_owned()),
        ("line", line.to_string()),
        ("column", column.to_owned()),
    ];
    p
}

/// One row of a table, with its line in the file.
pub struct Row {
    /// The line, counting the header as 1.
    pub line: u64,
    values: Vec<String>,
}

/// A table read from an import.
pub struct Table {
    /// Its file name.
    pub file: &'static str,
    columns: Vec<String>,
    /// Its rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// The value of `column` in `row` as exported ([`csv_cell::restore`]), trimmed; empty
    /// when the column is absent.
    pub fn get<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| row.values.get(i))
            .map_or("", |v| csv_cell::restore(v).trim())
    }
}

/// Reads table `file` (an empty table when it is optional and absent), checking that it
/// has the `required` columns; problems are added and none is returned when it cannot
/// be read.
pub fn read(
    files: &HsdsFiles,
    file: &'static str,
    required: &[&str],
    optional_file: bool,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let Some(bytes) = files.0.get(file) else {
        if optional_file {
            return Some(Table {
                file,
                columns: Vec::new(),
                rows: Vec::new(),
            });
        }
        let mut p = Problem::new(file, "invalid.hsds_file_missing");
        p.args = vec![("file", file.to_owned())];
        problems.push(p);
        return None;
    };
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let columns: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(_) => {
            problems.push(at(file, 1, "-", "invalid.hsds_csv"));
            return None;
        }
    };
    let missing: Vec<&&str> = required
        .iter()
        .filter(|c| !columns.iter().any(|h| h == *c))
        .collect();
    for c in &missing {
        problems.push(at(file, 1, c, "invalid.hsds_column_missing"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push(Row {
                line: r.position().map_or(0, csv::Position::line),
                values: r.iter().map(str::to_owned).collect(),
            }),
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.push(at(file, line, "-", "invalid.hsds_csv"));
                return None;
            }
        }
    }
    missing.is_empty().then_some(Table {
        file,
        columns,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        assert_eq!(derived_id(&["a", "b"]), derived_id(&["a", "b"]));
        assert_ne!(derived_id(&["a", "b"]), derived_id(&["ab", ""]));
        assert_ne!(
            term_id(ServiceType::Counselling),
            term_id(ServiceType::LegalAid)
        );
    }

    #[test]
    fn a_zip_round_trips_its_tables_by_base_name() {
        let mut t = TableWriter::new(SERVICES, &["id", "name"]).expect("table");
        t.row(&["1", "Pelatihan Las, Batam"]).expect("row");
        let bytes = zip(vec![t]).expect("zip");
        let files = HsdsFiles::from_zip(&bytes).expect("read");
        let mut problems = Vec::new();
        let table = read(&files, SERVICES, &["id", "name"], false, &mut problems).expect("table");
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.get(&table.rows[0], "name"), "Pelatihan Las, Batam");
        assert!(read(&files, PHONES, &["number"], true, &mut problems).is_some());
        assert!(read(&files, ATTRIBUTES, &["id"], false, &mut problems).is_none());
        assert_eq!(problems[0].key, "invalid.hsds_file_missing");
    }

    #[test]
    fn a_missing_column_is_named_on_the_header_line() {
        let mut files = HsdsFiles::default();
        files.insert("x/Services.csv", b"id\n1\n".to_vec());
        let mut problems = Vec::new();
        assert!(read(&files, SERVICES, &["id", "name"], false, &mut problems).is_none());
        assert_eq!(problems[0].field, "services.csv:1:name");
        assert_eq!(problems[0].key, "invalid.hsds_column_missing");
        assert!(HsdsFiles::from_zip(b"not a zip").is_err());
    }

    #[test]
    fn a_zip_is_counted_by_its_end_record_before_it_is_opened() {
        let tables = [SERVICES, PHONES, TAXONOMIES]
            .map(|name| TableWriter::new(name, &["id"]).expect("table"))
            .into();
        let mut bytes = zip(tables).expect("zip");
        assert_eq!(declared_entries(&bytes), Some(3));
        assert_eq!(declared_entries(b"PK\x05\x06"), None, "cut short");
        let end = bytes.len() - 22;
        bytes[end + 10..end + 12].copy_from_slice(&u16::MAX.to_le_bytes());
        let refused = HsdsFiles::from_zip(&bytes).expect_err("too many");
        assert_eq!(refused.key, "invalid.hsds_zip_entries");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// A fuzz test of the HSDS zip reader, bounded so that it runs with the suite:
        /// random bytes, and a valid zip with bytes changed or cut, are read or refused,
        /// never a panic, and what is read goes through the row checks the same way.
        #[test]
        fn a_damaged_zip_is_read_or_refused(
            noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            edits in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 0..8),
            cut in 0usize..4096,
        ) {
            let _ = HsdsFiles::from_zip(&noise);
            let mut t = TableWriter::new(SERVICES, &["id", "name"]).expect("table");
            t.row(&["1", "Pelatihan Las, Batam"]).expect("row");
            let mut bytes = zip(vec![t]).expect("zip");
            for (at, byte) in edits {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            bytes.truncate(cut.max(1));
            if let Ok(files) = HsdsFiles::from_zip(&bytes) {
                let _ = super::super::rows::read_drafts(&files);
            }
        }
    }
}
