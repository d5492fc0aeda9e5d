//! Worked cases of parsing IKN answers; shared helpers for the threshold tests.

use super::*;

/// Every indicator key, core ones first, in declaration order.
pub(crate) fn all_keys() -> Vec<&'static str> {
    let core = CoreIndicator::ALL.iter().map(|i| i.key());
    core.chain(SupportingIndicator::ALL.iter().map(|i| i.key()))
        .collect()
}

/// Raw answers with the given indicators present and every other one absent.
pub(crate) fn raw_with(present: &[&str]) -> BTreeMap<String, RawFinding> {
    all_keys()
        .into_iter()
        .map(|k| {
            let finding = RawFinding {
                present: Some(present.contains(&k)),
                ..RawFinding::default()
            };
            (k.to_owned(), finding)
        })
        .collect()
}

#[test]
fn every_indicator_answered_counts_core_and_supporting_apart() {
    let a = IknAnswers::parse(&raw_with(&["dealers", "users", "poverty"])).unwrap();
    assert_eq!((a.core_present(), a.supporting_present()), (2, 1));
    assert!(a.core(CoreIndicator::Dealers).present());
    assert!(
        !a.supporting(SupportingIndicator::LowSocialInteraction)
            .present()
    );
    assert_eq!((CORE_COUNT, SUPPORTING_COUNT), (8, 5));
}

#[test]
fn unknown_and_unanswered_indicators_are_each_reported() {
    let mut raw = raw_with(&[]);
    raw.remove("couriers");
    raw.get_mut("poverty").unwrap().present = None;
    raw.insert("karaoke".into(), RawFinding::default());
    let errors = IknAnswers::parse(&raw).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
    assert_eq!(
        got,
        [
            ("indicators.karaoke", "invalid.ikn_indicator"),
            ("indicators.couriers", "invalid.ikn_missing"),
            ("indicators.poverty", "invalid.ikn_missing"),
        ]
    );
}

#[test]
fn evidence_and_source_are_trimmed_and_bounded() {
    let mut raw = raw_with(&["seizures"]);
    let seizures = raw.get_mut("seizures").unwrap();
    seizures.evidence = Some("  12 g sabu, March  ".into());
    seizures.source = Some("Polsek".into());
    let a = IknAnswers::parse(&raw).unwrap();
    let f = a.core(CoreIndicator::Seizures);
    assert_eq!(
        (f.evidence(), f.source()),
        (Some("12 g sabu, March"), Some("Polsek"))
    );
    let users = raw.get_mut("users").unwrap();
    users.evidence = Some("x".repeat(EVIDENCE_MAX + 1));
    users.source = Some("y".repeat(SOURCE_MAX + 1));
    let errors = IknAnswers::parse(&raw).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
    assert_eq!(
        got,
        [
            ("indicators.users.evidence", "invalid.ikn_evidence"),
            ("indicators.users.source", "invalid.ikn_source"),
        ]
    );
}

#[test]
fn answers_round_trip_through_json_and_are_rechecked() {
    let a = IknAnswers::parse(&raw_with(&["production", "poverty"])).unwrap();
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["production"]["present"], true);
    assert_eq!(serde_json::from_value::<IknAnswers>(json).unwrap(), a);
    let partial = r#"{"users":{"present":true}}"#;
    assert!(serde_json::from_str::<IknAnswers>(partial).is_err());
}

#[test]
fn categories_run_from_most_to_least_severe() {
    assert!(Category::Bahaya < Category::Waspada);
    assert!(Category::Siaga < Category::Aman);
    assert_eq!(Category::parse("siaga"), Ok(Category::Siaga));
}
