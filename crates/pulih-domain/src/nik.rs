//! The Indonesian national identity number (NIK, Nomor Induk Kependudukan):
//! `PPKKCC DDMMYY SSSS` — region of registration, birth date (day + 40 for women)
//! and a sequence number.

use std::fmt;

use crate::Invalid;

/// Province codes that can start a NIK. 91–97 covers both the Kemendagri and the BPS
/// numbering of the Papua provinces, so no genuine number is turned away.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97,
];

/// Days in each month; February allows the 29th because the century is unknown.
const MONTH_DAYS: [u8; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// A plausible NIK: 16 digits with a real province, regency and district code, a
/// possible birth date and a non-zero sequence. `Debug` hides the number; there is no
/// `Display`, so it cannot slip into a log or a page by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Nik(String);

impl Nik {
    /// Parses a NIK, ignoring surrounding whitespace and inner spaces and dots
    /// (`3171 0117 0845 0001`, `31.71.01.170845.0001`).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new("invalid.nik_digits"));
        }
        if digits.len() != 16 {
            return Err(Invalid::new("invalid.nik_length"));
        }
        let pair = |i: usize| {
            let b = &digits.as_bytes()[i..i + 2];
            (b[0] - b'0') * 10 + (b[1] - b'0')
        };
        let (province, regency, district) = (pair(0), pair(2), pair(4));
        if !PROVINCES.contains(&province) || regency == 0 || district == 0 {
            return Err(Invalid::new("invalid.nik_region"));
        }
        let (day, month) = (pair(6), pair(8));
        let day = if day > 40 { day - 40 } else { day };
        let month_days = MONTH_DAYS.get(usize::from(month).wrapping_sub(1));
        if day == 0 || month_days.is_none_or(|&max| day > max) {
            return Err(Invalid::new("invalid.nik_date"));
        }
        if &digits[12..] == "0000" {
            return Err(Invalid::new("invalid.nik_sequence"));
        }
        Ok(Self(digits))
    }

    /// The 16 digits, without spaces or dots.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nik(****)")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn reason(input: &str) -> &'static str {
        Nik::parse(input).unwrap_err().key
    }

    #[test]
    fn a_plain_nik_is_accepted_as_its_digits() {
        assert_eq!(
            Nik::parse("3171011708450001").unwrap().as_str(),
            "3171011708450001"
        );
    }

    #[test]
    fn spaces_dots_and_surrounding_whitespace_are_ignored() {
        for input in [
            " 3171 0117 0845 0001\n",
            "31.71.01.170845.0001",
            "3171\t011708450001",
        ] {
            assert_eq!(Nik::parse(input).unwrap().as_str(), "3171011708450001");
        }
    }

    #[test]
    fn debug_hides_the_number() {
        let nik = Nik::parse("3171011708450001").unwrap();
        assert_eq!(format!("{nik:?}"), "Nik(****)");
        assert_eq!(format!("{:?}", Some(nik)), "Some(Nik(****))");
    }

    #[test]
    fn fifteen_or_seventeen_digits_are_the_wrong_length() {
        assert_eq!(reason("317101170845001"), "invalid.nik_length");
        assert_eq!(reason("31710117084500011"), "invalid.nik_length");
        assert_eq!(reason("   "), "invalid.nik_length");
    }

    #[test]
    fn letters_or_dashes_are_not_digits() {
        assert_eq!(reason("31710117084500O1"), "invalid.nik_digits");
        assert_eq!(reason("3171-0117-0845-0001"), "invalid.nik_digits");
        assert_eq!(reason("３１71011708450001"), "invalid.nik_digits");
    }

    #[test]
    fn an_unknown_province_or_a_zero_regency_or_district_is_rejected() {
        for nik in ["2071011708450001", "9871011708450001", "0071011708450001"] {
            assert_eq!(reason(nik), "invalid.nik_region", "{nik}");
        }
        assert_eq!(reason("3100011708450001"), "invalid.nik_region");
        assert_eq!(reason("3171001708450001"), "invalid.nik_region");
        for province in ["11", "21", "36", "53", "65", "76", "82", "91", "97"] {
            assert!(
                Nik::parse(&format!("{province}71011708450001")).is_ok(),
                "{province}"
            );
        }
    }

    #[test]
    fn a_womans_birth_day_is_stored_plus_40() {
        assert!(Nik::parse("3171015708450002").is_ok());
        assert!(Nik::parse("3171017101450002").is_ok(), "31 January");
        assert_eq!(reason("3171017204450002"), "invalid.nik_date", "day 32");
        assert_eq!(reason("3171017104450002"), "invalid.nik_date", "31 April");
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for nik in [
            "3171010008450001", // day 00
            "3171013208450001", // day 32
            "3171014008450001", // day 40 (neither a man's nor a woman's day)
            "3171011700450001", // month 00
            "3171011713450001", // month 13
            "3171013104450001", // 31 April
            "3171013002450001", // 30 February
        ] {
            assert_eq!(reason(nik), "invalid.nik_date", "{nik}");
        }
    }

    #[test]
    fn the_29th_of_february_is_accepted_in_any_year() {
        assert!(Nik::parse("3171012902010001").is_ok());
        assert!(Nik::parse("3171016902010001").is_ok());
    }

    #[test]
    fn sequence_0000_is_rejected() {
        assert_eq!(reason("3171011708450000"), "invalid.nik_sequence");
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics(input in "\\PC{0,24}") {
            let _ = Nik::parse(&input);
        }

        #[test]
        fn every_well_formed_nik_is_accepted(
            province in prop::sample::select(PROVINCES),
            regency in 1u8..=99, district in 1u8..=99,
            month in 1u8..=12, day in 1u8..=28, woman: bool,
            year in 0u8..=99, sequence in 1u16..=9999,
        ) {
            let day = if woman { day + 40 } else { day };
            let nik = format!("{province}{regency:02}{district:02}{day:02}{month:02}{year:02}{sequence:04}");
            let parsed = Nik::parse(&nik).unwrap();
            prop_assert_eq!(parsed.as_str(), nik.as_str());
        }
    }
}
