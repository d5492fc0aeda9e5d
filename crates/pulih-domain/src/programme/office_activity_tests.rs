use proptest::prelude::*;

use super::*;
use crate::programme::activity::ActivityLevel;
use crate::programme::activity::Audience;

fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|&(k, n)| (k.to_owned(), n)).collect()
}

fn awareness(total: u32) -> ActivityDetail {
    ActivityDetail::Awareness {
        level: ActivityLevel::School,
        audience: Audience::parse(total, total / 2, total - total / 2, &BTreeMap::new())
            .expect("audience"),
        materials: None,
    }
}

fn outreach() -> ActivityDetail {
    ActivityDetail::Outreach {
        reached: 12,
        agreed_to_screening: 2,
    }
}

fn fields(r: Result<OfficeCounts, Vec<FieldError>>) -> Vec<(String, &'static str)> {
    r.unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.key))
        .collect()
}

#[test]
fn a_school_session_counts_its_groups_and_facilitators_leaving_zeros_out() {
    let groups = counts(&[
        ("students", 80),
        ("school_counsellors", 3),
        ("relawan", 5),
        ("parents", 0),
    ]);
    let staff = counts(&[("bnn_staff", 2), ("relawan", 4)]);
    let c = OfficeCounts::parse(&awareness(120), &groups, &staff).unwrap();
    assert_eq!(c.reached(AudienceGroup::Students), 80);
    assert_eq!(c.reached(AudienceGroup::Parents), 0);
    assert!(!c.audience_groups.contains_key(&AudienceGroup::Parents));
    assert_eq!(c.facilitators.get(&FacilitatorKind::Relawan), Some(&4));
    let json = serde_json::to_string(&c).unwrap();
    assert!(json.contains(r#""school_counsellors":3"#), "{json}");
    assert_eq!(serde_json::from_str::<OfficeCounts>(&json).unwrap(), c);
}

#[test]
fn groups_beyond_the_audience_unknown_keys_and_no_facilitator_are_refused_at_once() {
    let groups = counts(&[("students", 100), ("relawan", 30), ("aliens", 1)]);
    let staff = counts(&[("bnn_staff", 0), ("police", 1)]);
    assert_eq!(
        fields(OfficeCounts::parse(&awareness(120), &groups, &staff)),
        [
            ("audience_groups.aliens".into(), "invalid.audience_group"),
            ("facilitators.police".into(), "invalid.facilitator_kind"),
            ("audience_groups".into(), "invalid.audience_groups_sum"),
            ("facilitators".into(), "invalid.facilitators_none"),
        ]
    );
    let many = counts(&[("relawan", MAX_FACILITATORS + 1)]);
    assert_eq!(
        fields(OfficeCounts::parse(&awareness(5), &BTreeMap::new(), &many)),
        [("facilitators.relawan".into(), "invalid.facilitator_count")]
    );
}

#[test]
fn an_outreach_has_facilitators_but_no_audience_groups() {
    let staff = counts(&[("bnn_staff", 1)]);
    assert!(OfficeCounts::parse(&outreach(), &BTreeMap::new(), &staff).is_ok());
    assert!(OfficeCounts::parse(&outreach(), &counts(&[("students", 0)]), &staff).is_ok());
    assert_eq!(
        fields(OfficeCounts::parse(
            &outreach(),
            &counts(&[("students", 3)]),
            &staff
        )),
        [("audience_groups".into(), "invalid.audience_groups_kind")]
    );
}

#[test]
fn names_cannot_slip_into_stored_counts() {
    let json = r#"{"audience_groups":{"students":2},"facilitators":{"bnn_staff":1},"names":["A"]}"#;
    assert!(serde_json::from_str::<OfficeCounts>(json).is_err());
}

#[test]
fn only_a_bnnk_or_bnnp_is_an_office_and_records_inside_its_area() {
    let code = |s: &str| RegionCode::parse(s).expect("code");
    let sanggau = Scope::Region(code("61.03"));
    let kalbar = Scope::Region(code("61"));
    assert!(is_office(OrgType::Bnn, &sanggau));
    assert!(is_office(OrgType::Bnn, &kalbar));
    assert!(!is_office(OrgType::Bnn, &Scope::National));
    assert!(!is_office(OrgType::Bnn, &Scope::Region(code("61.03.10"))));
    assert!(!is_office(OrgType::Dinsos, &sanggau));
    let binjai = code("61.03.10.2010");
    assert!(office_place(&sanggau, &binjai));
    assert!(office_place(&sanggau, &code("61.03")));
    assert!(!office_place(&sanggau, &code("61")));
    assert!(!office_place(&sanggau, &code("21.71")));
    assert!(office_place(&kalbar, &code("61")));
}

proptest! {
    #[test]
    fn groups_are_accepted_exactly_when_they_fit_in_the_audience(
        total in 1u32..500, students in 0u32..400, relawan in 0u32..200,
    ) {
        let groups = counts(&[("students", students), ("relawan", relawan)]);
        let staff = counts(&[("bnn_staff", 1)]);
        let parsed = OfficeCounts::parse(&awareness(total), &groups, &staff);
        prop_assert_eq!(parsed.is_ok(), students + relawan <= total);
    }
}
