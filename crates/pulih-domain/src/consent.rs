//! Consent (UU 27/2022): recorded before any clinical data, covering services, sharing
//! with named partner types and follow-up contact; it can be withdrawn, and withdrawal
//! stops sharing and follow-up from then on.

use chrono::NaiveDate;

use crate::keyed::keyed_enum;
use crate::org::OrgType;

keyed_enum! {
    /// Who gave consent.
    pub enum ConsentGiver {
        /// The client.
        Client = "client",
        /// A parent or guardian.
        Guardian = "guardian",
    }
    invalid = "invalid.consent_giver"
}

keyed_enum! {
    /// How consent was given.
    pub enum ConsentMethod {
        /// A signed form.
        SignedForm = "signed_form",
        /// Spoken, with a witness.
        VerbalWitnessed = "verbal_witnessed",
    }
    invalid = "invalid.consent_method"
}

/// The number printed on a signed consent form: optional, 1–40 characters on one line.
pub fn form_number(input: Option<&str>) -> Result<Option<String>, crate::Invalid> {
    crate::optional_text(input, 40, "invalid.consent_form_number").and_then(|n| match n {
        Some(n) if n.contains('\n') => Err(crate::Invalid::new("invalid.consent_form_number")),
        other => Ok(other),
    })
}

/// What a client agreed to. The names of a guardian or witness are sealed separately.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsentTerms {
    /// Screening, care planning and treatment services.
    pub services: bool,
    /// Partner types the record may be shared with through referrals.
    pub share_with: Vec<OrgType>,
    /// Whether workers may contact the client to follow up.
    pub follow_up: bool,
    /// Who consented.
    pub given_by: ConsentGiver,
    /// How.
    pub method: ConsentMethod,
    /// On which date.
    pub given_on: NaiveDate,
    /// Until when, if limited.
    pub expires_on: Option<NaiveDate>,
}

impl ConsentTerms {
    /// Rules across fields, as (field, translation key): an expiry after the date given;
    /// a witness for verbal consent; a guardian's name when a guardian consented; never
    /// sharing with the police.
    pub fn problems(&self, witness: bool, guardian: bool) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if self.expires_on.is_some_and(|e| e <= self.given_on) {
            out.push(("expires_on", "invalid.consent_expiry"));
        }
        if self.method == ConsentMethod::VerbalWitnessed && !witness {
            out.push(("witness", "invalid.consent_witness"));
        }
        if self.given_by == ConsentGiver::Guardian && !guardian {
            out.push(("guardian", "invalid.consent_guardian"));
        }
        if !self
            .share_with
            .iter()
            .all(|t| t.may_receive_clinical_data())
        {
            out.push(("share_with", "invalid.consent_share_police"));
        }
        if !self.services && self.share_with.is_empty() && !self.follow_up {
            out.push(("services", "invalid.consent_empty"));
        }
        out
    }
}

/// A consent with its withdrawal, if any: what is in force on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentState {
    /// The terms agreed.
    pub terms: ConsentTerms,
    /// The date it was withdrawn.
    pub withdrawn_on: Option<NaiveDate>,
}

impl ConsentState {
    /// Whether the consent is in force on `day`: given, not expired, not withdrawn.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.terms.given_on <= day
            && self.terms.expires_on.is_none_or(|e| day < e)
            && self.withdrawn_on.is_none_or(|w| day < w)
    }
}

/// What all of a client's consents allow together on `day`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Allowed {
    /// Services (and so clinical records) are allowed.
    pub services: bool,
    /// Follow-up contact is allowed.
    pub follow_up: bool,
    /// Partner types sharing is allowed with.
    pub share_with: Vec<OrgType>,
}

/// The kind of partner that stands for "health services" when a client's record is sent
/// to the health system (the FHIR export, `pulih-app/src/fhir`): Dinas Kesehatan, the
/// health authority behind puskesmas, hospitals and the national SATUSEHAT platform.
/// An IPWL is not it: it is the reception institution for drug users itself, and consent
/// to share with one covers a referral to it, not sending the record on to the health
/// system.
pub const HEALTH_SERVICES: OrgType = OrgType::Dinkes;

impl Allowed {
    /// Whether the record may be shared with health services ([`HEALTH_SERVICES`]).
    pub fn health_services(&self) -> bool {
        self.share_with.contains(&HEALTH_SERVICES)
    }
}

/// Folds consents into what they allow on `day`.
pub fn allowed<'a>(
    consents: impl IntoIterator<Item = &'a ConsentState>,
    day: NaiveDate,
) -> Allowed {
    let mut out = Allowed::default();
    for c in consents.into_iter().filter(|c| c.in_force(day)) {
        out.services |= c.terms.services;
        out.follow_up |= c.terms.follow_up;
        for t in &c.terms.share_with {
            if !out.share_with.contains(t) {
                out.share_with.push(*t);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    fn terms() -> ConsentTerms {
        ConsentTerms {
            services: true,
            share_with: vec![OrgType::Disnakertrans],
            follow_up: true,
            given_by: ConsentGiver::Client,
            method: ConsentMethod::SignedForm,
            given_on: day(2),
            expires_on: Some(day(20)),
        }
    }

    #[test]
    fn consent_is_in_force_from_giving_until_expiry_or_withdrawal() {
        let mut c = ConsentState {
            terms: terms(),
            withdrawn_on: None,
        };
        assert!(!c.in_force(day(1)));
        assert!(c.in_force(day(2)));
        assert!(!c.in_force(day(20)));
        c.withdrawn_on = Some(day(10));
        assert!(c.in_force(day(9)));
        assert!(!c.in_force(day(10)));
        assert_eq!(allowed([&c], day(11)), Allowed::default());
        assert!(
            allowed([&c], day(9))
                .share_with
                .contains(&OrgType::Disnakertrans)
        );
    }

    #[test]
    fn sharing_with_health_services_needs_dinkes_named_and_in_force() {
        let mut c = ConsentState {
            terms: terms(),
            withdrawn_on: None,
        };
        assert!(!allowed([&c], day(5)).health_services());
        c.terms.share_with = vec![OrgType::Ipwl, OrgType::Dinkes];
        assert!(allowed([&c], day(5)).health_services());
        c.withdrawn_on = Some(day(6));
        assert!(!allowed([&c], day(6)).health_services());
    }

    #[test]
    fn a_form_number_is_one_short_line() {
        assert_eq!(form_number(Some("  ")), Ok(None));
        assert_eq!(
            form_number(Some(" IC-2026/017 ")),
            Ok(Some("IC-2026/017".into()))
        );
        assert!(form_number(Some("a\nb")).is_err());
        assert!(form_number(Some(&"9".repeat(41))).is_err());
    }

    #[test]
    fn verbal_consent_needs_a_witness_and_a_guardian_needs_a_name() {
        let mut t = terms();
        t.method = ConsentMethod::VerbalWitnessed;
        t.given_by = ConsentGiver::Guardian;
        t.expires_on = Some(day(2));
        let fields: Vec<_> = t
            .problems(false, false)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["expires_on", "witness", "guardian"]);
        assert!(terms().problems(false, false).is_empty());
        let mut police = terms();
        police.share_with.push(OrgType::Police);
        assert_eq!(
            police.problems(false, false),
            [("share_with", "invalid.consent_share_police")]
        );
    }
}
