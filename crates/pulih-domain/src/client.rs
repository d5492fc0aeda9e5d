//! Clients: a readable pseudonymous code, identity fields that are sealed at rest, and the
//! place (region, organisation, assigned worker) that decides who may see them.

use chrono::NaiveDate;

use crate::Invalid;
use crate::ids::{OrgId, UserId};
use crate::keyed::{keyed_enum, optional_text};
use crate::region::{RegionCode, RegionLevel};

pub use crate::client_code::ClientCode;

/// Where a client is registered: a regency or a place below it.
pub fn client_region(code: RegionCode) -> Result<RegionCode, Invalid> {
    if code.level() == RegionLevel::Province {
        Err(Invalid::new("invalid.client_region"))
    } else {
        Ok(code)
    }
}

keyed_enum! {
    /// Where a client stands, to search clients by.
    pub enum ClientStatus {
        /// No consent to services in force.
        NoConsent = "no_consent",
        /// An aftercare plan that has not ended.
        Aftercare = "aftercare",
        /// A referral sent, accepted or started.
        Referred = "referred",
    }
    invalid = "invalid.client_status"
}

keyed_enum! {
    /// Sex as recorded on the identity card.
    pub enum Sex {
        /// Male.
        Male = "male",
        /// Female.
        Female = "female",
    }
    invalid = "invalid.sex"
}

/// A person's name: trimmed, 1–120 characters.
pub fn person_name(input: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text(input, 120, "invalid.person_name").and_then(|name| match name {
        Some(n) if n.contains('\n') => Err(Invalid::new("invalid.person_name")),
        other => Ok(other),
    })
}

/// A full name as it is matched (never shown): lower-case, with single spaces and no
/// dots or commas, so `Budi  Santoso` and `budi santoso` are the same person's name.
pub fn normalised_name(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| c.is_whitespace() || matches!(c, '.' | ','))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A phone number: digits with an optional leading `+`, 8–15 digits; spaces, dots and
/// dashes are dropped.
pub fn phone(input: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(raw) = input.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let (plus, rest) = raw.strip_prefix('+').map_or(("", raw), |r| ("+", r));
    let digits: String = rest
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .collect();
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(format!("{plus}{digits}")))
    } else {
        Err(Invalid::new("invalid.phone"))
    }
}

/// A date that must not lie after `today` (the local date where the client is).
pub fn past_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    if date > today {
        Err(Invalid::new("invalid.future_date"))
    } else if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
        Err(Invalid::new("invalid.date_too_old"))
    } else {
        Ok(date)
    }
}

/// The identifying fields of a client, every one optional. Sealed with the client's
/// data key before storage; the NIK is also kept as a keyed hash for duplicate checks.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientIdentity {
    /// Full name.
    pub name: Option<String>,
    /// NIK, already validated.
    pub nik: Option<String>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Phone number.
    pub phone: Option<String>,
    /// The village of the home address.
    pub village: Option<RegionCode>,
    /// A family member to contact: name and phone as one line.
    pub family_contact: Option<String>,
}

keyed_enum! {
    /// The kinds of fact recorded about a client. Facts are appended, never changed.
    pub enum FactKind {
        /// Consent given.
        Consent = "consent",
        /// Consent withdrawn.
        ConsentWithdrawal = "consent_withdrawal",
        /// An episode of care opened, with its intake pathway.
        Episode = "episode",
        /// The TAT assessment of an episode took place.
        TatAssessment = "tat_assessment",
        /// An ASSIST screening.
        Assist = "assist",
        /// A BARC-10 measurement.
        Barc10 = "barc10",
        /// A step of care that was given.
        CareStep = "care_step",
        /// A care plan or a revision of it.
        CarePlan = "care_plan",
        /// Reached by an IBM unit's outreach, linked with the client's consent.
        Outreach = "outreach",
        /// An aftercare plan made at discharge from rehabilitation.
        AftercarePlan = "aftercare_plan",
        /// A follow-up visit of an aftercare plan.
        FollowUp = "follow_up",
        /// The end of aftercare; `status` says how it ended.
        AftercareEnd = "aftercare_end",
        /// A relapse, with what was done next.
        Relapse = "relapse",
        /// Enrolled in vocational training (a BLK or a course).
        VocationalEnrolment = "vocational_enrolment",
        /// Completed vocational training, with a certificate or not.
        VocationalCompletion = "vocational_completion",
        /// Placed in a job or started an own business.
        Placement = "placement",
        /// A placement's retention checked, 3, 6 or 12 months after it.
        RetentionCheck = "retention_check",
        /// Left the programme, with the outcome coded.
        ProgrammeExit = "programme_exit",
    }
    invalid = "invalid.fact_kind"
}

/// What decides access to a client record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPlace {
    /// Where the client is registered (regency or below).
    pub region: RegionCode,
    /// The organisation (facility) responsible for the client.
    pub org: OrgId,
    /// The worker the client is assigned to, if any.
    pub assigned_to: Option<UserId>,
}

crate::redacted_debug!(ClientIdentity);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_the_case_spaces_and_dots() {
        assert_eq!(normalised_name("  Budi   SANTOSO "), "budi santoso");
        assert_eq!(normalised_name("M. Rizky, S.H."), "m rizky s h");
        assert_eq!(normalised_name(""), "");
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("valid")
    }

    #[test]
    fn clients_are_registered_at_a_regency_or_below() {
        assert!(client_region(code("21")).is_err());
        assert!(client_region(code("21.71")).is_ok());
    }

    #[test]
    fn phones_are_normalised_and_checked() {
        assert_eq!(
            phone(Some("0812-3456 7890")),
            Ok(Some("081234567890".into()))
        );
        assert_eq!(
            phone(Some("+62 812 3456 789")),
            Ok(Some("+628123456789".into()))
        );
        assert_eq!(phone(Some(" ")), Ok(None));
        assert!(phone(Some("12345")).is_err());
        assert!(phone(Some("0812abc45678")).is_err());
    }

    #[test]
    fn dates_in_the_future_are_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert!(past_date(today, today).is_ok());
        assert_eq!(
            past_date(today.succ_opt().expect("date"), today).map_err(|e| e.key),
            Err("invalid.future_date")
        );
        assert!(past_date(NaiveDate::from_ymd_opt(1800, 1, 1).expect("date"), today).is_err());
    }

    #[test]
    fn debug_output_never_shows_an_identity() {
        let who = ClientIdentity {
            name: Some("Budi Santoso".into()),
            nik: Some("2171015708900003".into()),
            ..ClientIdentity::default()
        };
        let shown = format!("{who:?}");
        assert!(
            !shown.contains("Budi") && !shown.contains("2171"),
            "{shown}"
        );
    }

    #[test]
    fn names_are_one_line() {
        assert_eq!(person_name(Some(" Budi ")), Ok(Some("Budi".into())));
        assert!(person_name(Some("Budi\nSantoso")).is_err());
    }
}
