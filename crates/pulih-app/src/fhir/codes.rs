//! The systems and codes of the export. Pulih's own concepts (ASSIST and BARC-10 scores,
//! pathways, services, referral states) are in one code system published as
//! `docs/fhir/CodeSystem-pulih.json`; a test keeps that file and [`CONCEPTS`] equal.
//! No LOINC code is used: none is certain for the ASSIST v3.1 substance involvement
//! scores or the BARC-10 total, and a wrong code is worse than a local one.

use super::resources::{CodeableConcept, Coding};

/// The base of Pulih's canonical URLs and identifier systems, as a literal for `concat!`.
macro_rules! base {
    () => {
        "https://pulih.id/fhir"
    };
}

/// The base of Pulih's canonical URLs and identifier systems.
pub const BASE: &str = base!();
/// Pulih's code system.
pub const PULIH: &str = concat!(base!(), "/CodeSystem/pulih");
/// Identifier system of the pseudonymous client code.
pub const CLIENT_CODE: &str = concat!(base!(), "/sid/client-code");
/// SATUSEHAT's identifier system of the NIK.
pub const NIK: &str = "https://fhir.kemkes.go.id/id/nik";
/// FHIR's observation categories.
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
/// UCUM.
pub const UCUM: &str = "http://unitsofmeasure.org";

/// Every concept of Pulih's code system: (code, display).
pub const CONCEPTS: &[(&str, &str)] = &[
    (
        "assist-tobacco",
        "ASSIST v3.1 substance involvement score: tobacco",
    ),
    (
        "assist-alcohol",
        "ASSIST v3.1 substance involvement score: alcohol",
    ),
    (
        "assist-cannabis",
        "ASSIST v3.1 substance involvement score: cannabis",
    ),
    (
        "assist-cocaine",
        "ASSIST v3.1 substance involvement score: cocaine",
    ),
    (
        "assist-amphetamines",
        "ASSIST v3.1 substance involvement score: amphetamine-type stimulants",
    ),
    (
        "assist-inhalants",
        "ASSIST v3.1 substance involvement score: inhalants",
    ),
    (
        "assist-sedatives",
        "ASSIST v3.1 substance involvement score: sedatives or sleeping pills",
    ),
    (
        "assist-hallucinogens",
        "ASSIST v3.1 substance involvement score: hallucinogens",
    ),
    (
        "assist-opioids",
        "ASSIST v3.1 substance involvement score: opioids",
    ),
    (
        "assist-other",
        "ASSIST v3.1 substance involvement score: other substance",
    ),
    ("risk-low", "ASSIST risk level: low"),
    ("risk-moderate", "ASSIST risk level: moderate"),
    ("risk-high", "ASSIST risk level: high"),
    (
        "typology-bnn",
        "BNN user typology, as judged by the worker at the screening",
    ),
    ("typology-coba_pakai", "Coba pakai: has tried once or twice"),
    ("typology-teratur_pakai", "Teratur pakai: uses regularly"),
    ("typology-pecandu", "Pecandu: dependent"),
    ("barc10-total", "BARC-10 recovery capital total (10-60)"),
    (
        "barc10-strong",
        "Strong recovery capital (BARC-10 total 47 or more)",
    ),
    (
        "pathway-ibm_outreach",
        "Intake pathway: outreach by a community-based intervention (IBM) unit",
    ),
    (
        "pathway-wajib_lapor",
        "Intake pathway: voluntary report (Wajib Lapor) at an IPWL",
    ),
    (
        "pathway-tat",
        "Intake pathway: integrated assessment team (TAT) after arrest",
    ),
    (
        "pathway-lapas_release",
        "Intake pathway: release from prison (Lapas)",
    ),
    (
        "pathway-family_referral",
        "Intake pathway: brought by family",
    ),
    (
        "pathway-community_referral",
        "Intake pathway: brought by the community",
    ),
    ("plan-aftercare", "Post-rehabilitation aftercare plan"),
    ("plan-care", "Care plan with goals"),
    ("service-rehab_inpatient", "Residential rehabilitation"),
    ("service-rehab_outpatient", "Outpatient rehabilitation"),
    ("service-counselling", "Counselling"),
    ("service-vocational_training", "Vocational training"),
    ("service-job_placement", "Job placement"),
    ("service-social_assistance", "Social assistance"),
    ("service-health_care", "Health care"),
    ("service-legal_aid", "Legal aid"),
    ("service-family_protection", "Family and child protection"),
    ("service-mentoring", "Religious or community mentoring"),
    (
        "service-correctional_guidance",
        "Guidance after release from prison",
    ),
    ("service-education", "Return to school"),
    (
        "service-village_reintegration",
        "Reintegration in the village",
    ),
    (
        "referral-sent",
        "Referral sent, waiting for the partner's answer",
    ),
    ("referral-accepted", "Referral accepted by the partner"),
    ("referral-declined", "Referral declined by the partner"),
    ("referral-started", "Referred service started"),
    ("referral-completed", "Referred service completed"),
    (
        "referral-not_attended",
        "Referral accepted, the client did not attend",
    ),
    ("referral-cancelled", "Referral withdrawn by the sender"),
];

/// A concept of Pulih's code system: `prefix-key`, with its display when known.
pub fn pulih(prefix: &str, key: &str) -> CodeableConcept {
    let code = format!("{prefix}-{key}");
    let display = CONCEPTS.iter().find(|(c, _)| *c == code).map(|(_, d)| *d);
    Coding {
        system: PULIH,
        code,
        display,
    }
    .into()
}

/// The `survey` observation category.
pub fn survey() -> CodeableConcept {
    Coding {
        system: OBSERVATION_CATEGORY,
        code: "survey".to_owned(),
        display: Some("Survey"),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use pulih_domain::clinical::assist::{Risk, Substance};
    use pulih_domain::clinical::typology::Typology;
    use pulih_domain::intake::Pathway;
    use pulih_domain::referral::{ReferralStatus, ServiceType};

    use super::*;

    #[test]
    fn every_key_the_export_codes_is_a_concept() {
        let keys = Substance::ALL
            .iter()
            .map(|s| ("assist", s.key()))
            .chain(Risk::ALL.iter().map(|r| ("risk", r.key())))
            .chain(Typology::ALL.iter().map(|t| ("typology", t.key())))
            .chain([("typology", "bnn")])
            .chain(Pathway::ALL.iter().map(|p| ("pathway", p.key())))
            .chain(ServiceType::ALL.iter().map(|s| ("service", s.key())))
            .chain(ReferralStatus::ALL.iter().map(|s| ("referral", s.key())))
            .chain([("barc10", "total"), ("barc10", "strong")])
            .chain([("plan", "aftercare"), ("plan", "care")]);
        for (prefix, key) in keys {
            assert!(
                pulih(prefix, key).coding[0].display.is_some(),
                "{prefix}-{key}"
            );
        }
    }

    #[test]
    fn the_published_code_system_holds_exactly_these_concepts() {
        let published: serde_json::Value =
            serde_json::from_str(include_str!("../../../../docs/fhir/CodeSystem-pulih.json"))
                .expect("the code system parses");
        assert_eq!(published["url"], PULIH);
        assert_eq!(published["count"], CONCEPTS.len());
        let concepts: Vec<(&str, &str)> = published["concept"]
            .as_array()
            .expect("concepts")
            .iter()
            .map(|c| {
                (
                    c["code"].as_str().expect("code"),
                    c["display"].as_str().expect("display"),
                )
            })
            .collect();
        assert_eq!(concepts, CONCEPTS);
    }
}
