//! Enforcement hand-offs and re-arrest linkage: a police liaison records an arrest, a TAT
//! assessment or a release from Lapas with the person's NIK, which becomes the same keyed
//! hash as a client's NIK at once. Hand-offs are linked to past clients only when counted,
//! and only counts leave the match, small ones suppressed for those who see aggregates.

use crate::keyed::keyed_enum;

keyed_enum! {
    /// What the police liaison hands over.
    pub enum HandoffKind {
        /// An arrest.
        Arrest = "arrest",
        /// An integrated assessment (TAT) after an arrest.
        TatAssessment = "tat_assessment",
        /// A release from prison (Lapas).
        LapasRelease = "lapas_release",
    }
    invalid = "invalid.handoff_kind"
}

/// How many months after finishing aftercare an arrest counts as a re-arrest.
pub const REARREST_MONTHS: u32 = 12;

/// Most rows one bulk entry takes.
pub const MAX_BULK_ROWS: usize = 1_000;

/// One row of a bulk entry as typed, before its values are checked.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BulkRow {
    /// The kind's key.
    pub kind: String,
    /// The NIK as typed.
    pub nik: String,
    /// The date, `YYYY-MM-DD`.
    pub occurred_on: String,
    /// The regency or city code; blank for the liaison's own.
    pub region: String,
}

crate::redacted_debug!(BulkRow);

/// Splits a bulk entry into rows: one hand-off per line as `kind,nik,date,region` (the
/// region may be left off), separated by commas or semicolons; blank lines and a header
/// line starting with `kind` are skipped. Too many rows or none at all is
/// `invalid.bulk_rows`.
pub fn bulk_rows(text: &str) -> Result<Vec<BulkRow>, crate::Invalid> {
    let rows: Vec<BulkRow> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("kind"))
        .map(|line| {
            let mut cells = line.split([',', ';']).map(|c| c.trim().to_owned());
            BulkRow {
                kind: cells.next().unwrap_or_default(),
                nik: cells.next().unwrap_or_default(),
                occurred_on: cells.next().unwrap_or_default(),
                region: cells.next().unwrap_or_default(),
            }
        })
        .collect();
    if rows.is_empty() || rows.len() > MAX_BULK_ROWS {
        return Err(crate::Invalid::new("invalid.bulk_rows"));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_the_three_hand_offs() {
        assert_eq!(
            HandoffKind::parse(" lapas_release "),
            Ok(HandoffKind::LapasRelease)
        );
        assert_eq!(
            HandoffKind::parse("raid").map_err(|e| e.key),
            Err("invalid.handoff_kind")
        );
    }

    #[test]
    fn bulk_rows_skip_the_header_and_blank_lines() {
        let rows = bulk_rows(
            "kind,nik,occurred_on,region\n\narrest, 3171011708450001 ,2026-01-02,21.71\nlapas_release;3171011708450002;2026-01-03\n",
        )
        .expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].nik.as_str(), rows[0].region.as_str()),
            ("3171011708450001", "21.71")
        );
        assert_eq!(
            (rows[1].kind.as_str(), rows[1].region.as_str()),
            ("lapas_release", "")
        );
        assert!(bulk_rows("kind,nik\n \n").is_err());
        assert!(!format!("{:?}", rows[0]).contains("3171"));
    }
}
