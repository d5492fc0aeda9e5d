//! Worked ASSIST cases at every boundary, validation, and property tests.

use proptest::prelude::*;

use super::*;

/// Raw answers written as `q2=weekly q6=past_3_months`.
fn answers(spec: &str) -> RawSubstance {
    let pairs = spec.split_whitespace().map(|p| p.split_once('=').unwrap());
    let object = pairs.map(|(q, v)| (q.to_owned(), v.into())).collect();
    serde_json::from_value(serde_json::Value::Object(object)).unwrap()
}

fn raw(substances: &[(&str, &str)], q8: Option<&str>) -> RawAssist {
    let substances = substances
        .iter()
        .map(|(s, a)| ((*s).to_owned(), answers(a)));
    RawAssist {
        substances: substances.collect(),
        q8: q8.map(str::to_owned),
        typology: None,
    }
}

fn result(substances: &[(&str, &str)], q8: Option<&str>) -> AssistResult {
    AssistAnswers::parse(&raw(substances, q8)).unwrap().score()
}

fn scored(substance: &str, spec: &str) -> (u8, Risk) {
    let s = result(&[(substance, spec)], None).scores[&Substance::parse(substance).unwrap()];
    (s.score, s.risk)
}

fn recommended(substances: &[(&str, &str)], q8: Option<&str>) -> Recommendation {
    result(substances, q8).recommendation
}

fn errors(substances: &[(&str, &str)], q8: Option<&str>) -> Vec<(String, &'static str)> {
    let errors = AssistAnswers::parse(&raw(substances, q8)).unwrap_err();
    errors.into_iter().map(|e| (e.field, e.key)).collect()
}

const SCORE_26: &str = "q2=daily q3=daily q4=weekly q5=once_or_twice q6=earlier";
const SCORE_27: &str = "q2=daily q3=daily q4=weekly q5=monthly q6=earlier";

#[test]
fn alcohol_is_low_to_10_moderate_from_11_to_26_high_from_27() {
    let ten = "q2=weekly q6=past_3_months";
    assert_eq!(scored("alcohol", ten), (10, Risk::Low));
    let eleven = "q2=once_or_twice q3=once_or_twice q6=past_3_months";
    assert_eq!(scored("alcohol", eleven), (11, Risk::Moderate));
    assert_eq!(scored("alcohol", SCORE_26), (26, Risk::Moderate));
    assert_eq!(scored("alcohol", SCORE_27), (27, Risk::High));
}

#[test]
fn other_substances_are_low_to_3_moderate_from_4_to_26_high_from_27() {
    assert_eq!(scored("cannabis", "q2=never q6=earlier"), (3, Risk::Low));
    assert_eq!(scored("cannabis", "q2=weekly"), (4, Risk::Moderate));
    assert_eq!(scored("cannabis", SCORE_26), (26, Risk::Moderate));
    assert_eq!(scored("cannabis", SCORE_27), (27, Risk::High));
}

#[test]
fn tobacco_tops_out_at_31_and_other_at_39() {
    let most = "q2=daily q3=daily q4=daily q6=past_3_months q7=past_3_months";
    assert_eq!(scored("tobacco", most), (31, Risk::High));
    let all = format!("{most} q5=daily");
    assert_eq!(scored("other", &all), (39, Risk::High));
    for s in Substance::ALL {
        assert_eq!(s.max_score(), if s == Substance::Tobacco { 31 } else { 39 });
    }
}

#[test]
fn when_q2_is_never_q3_to_q5_are_skipped_but_q6_and_q7_still_count() {
    let never = "q2=never q6=past_3_months q7=earlier";
    assert_eq!(scored("opioids", never), (9, Risk::Moderate));
    assert_eq!(scored("sedatives", "q7=earlier"), (3, Risk::Low));
}

#[test]
fn recent_injecting_forces_referral_even_when_every_risk_is_low() {
    let low = [("cannabis", "q2=never")];
    let result = result(&low, Some("past_3_months"));
    assert_eq!(result.scores[&Substance::Cannabis].risk, Risk::Low);
    assert!(result.injecting_recent);
    assert_eq!(result.recommendation, Recommendation::Referral);
    assert_eq!(recommended(&low, Some("earlier")), Recommendation::Advice);
}

#[test]
fn the_worst_substance_risk_sets_the_recommendation() {
    assert_eq!(recommended(&[], None), Recommendation::Advice);
    let low = [("alcohol", "q2=monthly")];
    assert_eq!(recommended(&low, None), Recommendation::Advice);
    let moderate = [low[0], ("cannabis", "q2=weekly")];
    let brief = Recommendation::BriefIntervention;
    assert_eq!(recommended(&moderate, None), brief);
    let high = [("alcohol", "q2=weekly"), ("opioids", SCORE_27)];
    assert_eq!(recommended(&high, None), Recommendation::Referral);
}

#[test]
fn the_result_serialises_with_snake_case_keys() {
    let answers = [("alcohol", "q2=weekly q3=weekly q6=earlier")];
    let result = result(&answers, None);
    let expected = serde_json::json!({"scores": {"alcohol": {"score": 12, "risk": "moderate"}},
        "injecting_recent": false, "recommendation": "brief_intervention", "typology": null});
    assert_eq!(serde_json::to_value(&result).unwrap(), expected);
    let past = serde_json::to_value(Recency::Past3Months).unwrap();
    assert_eq!(past, "past_3_months");
    assert!(
        Recency::ALL
            .iter()
            .all(|r| Recency::parse(r.key()) == Ok(*r))
    );
}

#[test]
fn raw_answers_deserialise_and_refuse_unknown_fields() {
    let ok = r#"{"substances": {"alcohol": {"q2": "daily"}}, "q8": null}"#;
    let parsed: RawAssist = serde_json::from_str(ok).unwrap();
    assert_eq!(parsed.substances["alcohol"].q2.as_deref(), Some("daily"));
    assert!(serde_json::from_str::<RawAssist>(r#"{"q9": "never"}"#).is_err());
    let q1 = r#"{"substances": {"alcohol": {"q1": "x"}}}"#;
    assert!(serde_json::from_str::<RawAssist>(q1).is_err());
}

#[test]
fn an_unknown_substance_or_answer_is_a_field_error() {
    let substances = [("kratom", "q2=daily"), ("alcohol", "q2=often q6=yes")];
    assert_eq!(
        errors(&substances, Some("sometimes")),
        [
            ("substances.alcohol.q2".into(), "invalid.assist_answer"),
            ("substances.alcohol.q6".into(), "invalid.assist_answer"),
            ("substances.kratom".into(), "invalid.assist_substance"),
            ("q8".into(), "invalid.assist_answer"),
        ]
    );
}

#[test]
fn q3_to_q5_after_never_or_no_q2_are_rejected_as_skipped() {
    let substances = [
        ("cocaine", "q2=never q3=daily q5=never"),
        ("inhalants", "q4=weekly"),
    ];
    assert_eq!(
        errors(&substances, None),
        [
            ("substances.cocaine.q3".into(), "invalid.assist_skipped"),
            ("substances.cocaine.q5".into(), "invalid.assist_skipped"),
            ("substances.inhalants.q4".into(), "invalid.assist_skipped"),
        ]
    );
}

#[test]
fn any_q5_for_tobacco_is_rejected() {
    for q5 in ["never", "daily", "nonsense"] {
        let tobacco = format!("q2=daily q5={q5}");
        let expected = [("substances.tobacco.q5".into(), "invalid.assist_tobacco_q5")];
        assert_eq!(errors(&[("tobacco", &tobacco)], None), expected);
    }
}

#[test]
fn blank_answers_count_as_unanswered() {
    let mut a = raw(&[("alcohol", "q6=earlier")], Some(" "));
    let alcohol = a.substances.get_mut("alcohol").unwrap();
    (alcohol.q2, alcohol.q3) = (Some(String::new()), Some(" ".into()));
    let answers = AssistAnswers::parse(&a).unwrap();
    assert_eq!(answers.q8(), None);
    assert_eq!(answers.score().scores[&Substance::Alcohol].score, 3);
}

#[test]
fn stored_answers_round_trip_and_are_rechecked() {
    let a = AssistAnswers::parse(&raw(&[("alcohol", "q2=daily q3=weekly")], None)).unwrap();
    let stored = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<AssistAnswers>(&stored).unwrap(), a);
    for forged in [
        r#""tobacco":{"q2":"daily","q5":"daily"}"#,
        r#""alcohol":{"q2":"never","q4":"daily"}"#,
    ] {
        let json = format!(r#"{{"substances":{{{forged}}},"q8":null}}"#);
        let read = serde_json::from_str::<AssistAnswers>(&json);
        assert!(read.is_err(), "{json}");
    }
}

/// Any valid questionnaire, built from typed answers with the skip rules applied.
fn valid_raw() -> impl Strategy<Value = RawAssist> {
    let freq = || proptest::option::of(prop::sample::select(Frequency::ALL.to_vec()));
    let rec = || proptest::option::of(prop::sample::select(Recency::ALL.to_vec()));
    let any_substance = prop::sample::select(Substance::ALL.to_vec());
    let substance = (any_substance, freq(), freq(), freq());
    let substance = (substance, freq(), rec(), rec()).prop_map(|((s, q2, q3, q4), q5, q6, q7)| {
        let key = |k: &'static str| Some(k.to_owned());
        let asked = !matches!(q2, None | Some(Frequency::Never));
        let later = |f: Option<Frequency>| f.filter(|_| asked).and_then(|f| key(f.key()));
        let q5 = q5.filter(|_| s != Substance::Tobacco);
        let raw = RawSubstance {
            q2: q2.and_then(|f| key(f.key())),
            q3: later(q3),
            q4: later(q4),
            q5: later(q5),
            q6: q6.and_then(|r| key(r.key())),
            q7: q7.and_then(|r| key(r.key())),
        };
        (s.key().to_owned(), raw)
    });
    (prop::collection::vec(substance, 0..=10), rec()).prop_map(|(substances, q8)| RawAssist {
        substances: substances.into_iter().collect(),
        q8: q8.map(|q| q.key().to_owned()),
        typology: None,
    })
}

proptest! {
    #[test]
    fn every_score_is_within_the_maximum_and_risk_follows_the_thresholds(raw in valid_raw()) {
        let result = AssistAnswers::parse(&raw).unwrap().score();
        prop_assert_eq!(result.scores.len(), raw.substances.len());
        for (s, score) in &result.scores {
            prop_assert!(score.score <= s.max_score());
            let moderate_from = if *s == Substance::Alcohol { 11 } else { 4 };
            let risk = match score.score {
                27.. => Risk::High,
                n if n >= moderate_from => Risk::Moderate,
                _ => Risk::Low,
            };
            prop_assert_eq!(score.risk, risk);
        }
    }

    #[test]
    fn the_recommendation_is_never_weaker_than_any_risk_implies(raw in valid_raw()) {
        let result = AssistAnswers::parse(&raw).unwrap().score();
        for score in result.scores.values() {
            let implied = match score.risk {
                Risk::Low => Recommendation::Advice,
                Risk::Moderate => Recommendation::BriefIntervention,
                Risk::High => Recommendation::Referral,
            };
            prop_assert!(result.recommendation >= implied);
        }
        if result.injecting_recent {
            prop_assert_eq!(result.recommendation, Recommendation::Referral);
        }
    }
}

#[test]
fn tobacco_q5_is_refused_even_blank_and_a_substance_counts_once() {
    let mut raw = RawAssist::default();
    raw.substances.insert(
        "tobacco".into(),
        RawSubstance {
            q2: Some("daily".into()),
            q5: Some(String::new()),
            ..RawSubstance::default()
        },
    );
    raw.substances
        .insert(" alcohol".into(), RawSubstance::default());
    raw.substances
        .insert("alcohol".into(), RawSubstance::default());
    let errors = AssistAnswers::parse(&raw).unwrap_err();
    let keys: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
    assert!(
        keys.contains(&("substances.tobacco.q5", "invalid.assist_tobacco_q5")),
        "{keys:?}"
    );
    assert!(
        keys.iter()
            .any(|(_, k)| *k == "invalid.assist_substance_twice"),
        "{keys:?}"
    );
}

#[test]
fn the_typology_is_kept_beside_the_score_and_never_changes_it() {
    let mut raw = raw(&[("cannabis", "q2=weekly q3=weekly")], None);
    let before = AssistAnswers::parse(&raw).unwrap().score();
    raw.typology = Some(" coba_pakai ".into());
    let answers = AssistAnswers::parse(&raw).unwrap();
    assert_eq!(answers.typology(), Some(Typology::CobaPakai));
    let after = answers.score();
    assert_eq!(after.typology, Some(Typology::CobaPakai));
    assert_eq!(after.recommendation, before.recommendation);
    let sealed = serde_json::to_string(&answers).unwrap();
    let opened: AssistAnswers = serde_json::from_str(&sealed).unwrap();
    assert_eq!(opened.typology(), Some(Typology::CobaPakai));
    raw.typology = Some("pemakai".into());
    let errors = AssistAnswers::parse(&raw).unwrap_err();
    assert_eq!(errors, [FieldError::new("typology", "invalid.typology")]);
}

#[test]
fn a_screening_sealed_before_the_typology_opens_without_one() {
    let old = r#"{"substances":{},"q8":null}"#;
    let opened: AssistAnswers = serde_json::from_str(old).unwrap();
    assert_eq!(opened.typology(), None);
}
