//! Worked cases and properties of Teman Sebaya schools and counts.

use proptest::prelude::*;

use super::*;

fn raw(total: i64, male: i64, female: i64, bands: &[(&str, i64)]) -> RawCounts {
    RawCounts {
        total: Some(total),
        male: Some(male),
        female: Some(female),
        by_grade_band: bands.iter().map(|&(k, n)| (k.to_owned(), n)).collect(),
        unknown: BTreeMap::new(),
    }
}

fn refused(result: Result<Counts, Vec<FieldError>>) -> Vec<(String, &'static str)> {
    result
        .expect_err("refused")
        .into_iter()
        .map(|e| (e.field, e.key))
        .collect()
}

#[test]
fn a_school_has_a_name_a_level_and_perhaps_an_npsn() {
    let s = School::parse("  SMP Negeri 12 Batam ", "smp", Some("21000123")).unwrap();
    assert_eq!(
        (s.name(), s.level(), s.npsn()),
        ("SMP Negeri 12 Batam", SchoolLevel::Smp, Some("21000123"))
    );
    let s = School::parse("MI Al-Hidayah", "mi", Some("  ")).unwrap();
    assert_eq!(s.npsn(), None);
}

#[test]
fn a_school_without_name_known_level_or_eight_digit_npsn_is_refused_field_by_field() {
    let errors = School::parse("X", "university", Some("2100012")).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
    assert_eq!(
        got,
        [
            ("name", "invalid.school_name"),
            ("level", "invalid.school_level"),
            ("npsn", "invalid.npsn"),
        ]
    );
    for bad in ["2100012a", "210001234", "２１０００１２３"] {
        assert!(School::parse("SD 1", "sd", Some(bad)).is_err(), "{bad}");
    }
    assert!(School::parse(&"x".repeat(NAME_MAX + 1), "sd", None).is_err());
    assert!(School::parse("SD 1\nSD 2", "sd", None).is_err());
}

#[test]
fn a_topic_is_one_short_line() {
    assert_eq!(
        Topic::parse(" Bahaya narkoba ").unwrap().as_str(),
        "Bahaya narkoba"
    );
    for bad in ["", "a", "a\nb", &"x".repeat(TOPIC_MAX + 1)] {
        assert_eq!(Topic::parse(bad), Err(Invalid::new("invalid.sebaya_topic")));
    }
}

#[test]
fn each_level_teaches_its_own_grade_bands() {
    assert_eq!(
        SchoolLevel::Sd.grade_bands(),
        [GradeBand::Grades1To3, GradeBand::Grades4To6]
    );
    assert_eq!(SchoolLevel::Mts.grade_bands(), [GradeBand::Grades7To9]);
    assert_eq!(SchoolLevel::Smk.grade_bands(), [GradeBand::Grades10To12]);
    assert_eq!(SchoolLevel::Other.grade_bands(), GradeBand::ALL);
    for level in SchoolLevel::ALL {
        assert!(!level.grade_bands().is_empty());
    }
}

#[test]
fn peer_educators_that_add_up_are_accepted() {
    let c = Counts::educators(
        &raw(12, 5, 7, &[("7_9", 12)]),
        SchoolLevel::Smp,
        "educators.",
    )
    .unwrap();
    assert_eq!((c.total(), c.male(), c.female()), (12, 5, 7));
    assert_eq!(c.band(GradeBand::Grades7To9), 12);
    let none = Counts::educators(&raw(0, 0, 0, &[]), SchoolLevel::Sma, "").unwrap();
    assert_eq!(none.total(), 0, "a school may have no peer educators left");
}

#[test]
fn peer_educators_need_grade_bands_of_the_school_adding_up_to_the_total() {
    let e = |r, level| refused(Counts::educators(&r, level, "educators."));
    assert_eq!(
        e(raw(12, 5, 7, &[]), SchoolLevel::Smp),
        [("educators.by_grade_band".into(), "invalid.sebaya_band_sum")]
    );
    assert_eq!(
        e(raw(12, 5, 6, &[("7_9", 11)]), SchoolLevel::Smp),
        [
            ("educators.sex".into(), "invalid.sebaya_sum"),
            ("educators.by_grade_band".into(), "invalid.sebaya_band_sum"),
        ]
    );
    assert_eq!(
        e(raw(4, 2, 2, &[("10_12", 4)]), SchoolLevel::Smp),
        [(
            "educators.by_grade_band.10_12".into(),
            "invalid.grade_band_level"
        )]
    );
    assert_eq!(
        e(raw(4, 2, 2, &[("13_15", 4)]), SchoolLevel::Other),
        [("educators.by_grade_band.13_15".into(), "invalid.grade_band")]
    );
    assert_eq!(
        e(raw(1001, 1001, 0, &[("10_12", 1001)]), SchoolLevel::Sma),
        [("educators.total".into(), "invalid.sebaya_educators_total")]
    );
}

#[test]
fn an_audience_may_leave_out_grade_bands_but_given_ones_add_up() {
    let a = Counts::audience(&raw(40, 22, 18, &[]), SchoolLevel::Sma, "audience.").unwrap();
    assert!(a.by_grade_band().is_empty());
    let a = Counts::audience(
        &raw(40, 22, 18, &[("1_3", 0), ("4_6", 40)]),
        SchoolLevel::Sd,
        "",
    )
    .unwrap();
    assert_eq!(a.by_grade_band().len(), 1, "empty bands are not kept");
    let e = |r| refused(Counts::audience(&r, SchoolLevel::Sd, "audience."));
    assert_eq!(
        e(raw(0, 0, 0, &[])),
        [("audience.total".into(), "invalid.sebaya_audience_total")]
    );
    assert_eq!(
        e(raw(40, 22, 18, &[("4_6", 39)])),
        [("audience.by_grade_band".into(), "invalid.sebaya_band_sum")]
    );
}

#[test]
fn missing_or_negative_counts_and_unknown_fields_are_named() {
    let mut r = raw(3, -1, 4, &[("4_6", -3)]);
    r.total = None;
    r.unknown.insert("name".into(), IgnoredAny);
    assert_eq!(
        refused(Counts::audience(&r, SchoolLevel::Sd, "audience.")),
        [
            ("audience.name".into(), "invalid.unknown_field"),
            ("audience.total".into(), "invalid.sebaya_audience_total"),
            ("audience.male".into(), "invalid.count"),
            ("audience.by_grade_band.4_6".into(), "invalid.count"),
        ]
    );
}

#[test]
fn a_student_name_sent_with_counts_is_refused_not_dropped() {
    let json = r#"{"total": 1, "male": 1, "female": 0, "name": "Budi"}"#;
    let r: RawCounts = serde_json::from_str(json).unwrap();
    assert_eq!(
        refused(Counts::audience(&r, SchoolLevel::Sd, "")),
        [("name".into(), "invalid.unknown_field")]
    );
}

#[test]
fn counts_round_trip_through_storage_columns_and_are_rechecked() {
    let banded = Counts::educators(
        &raw(9, 4, 5, &[("4_6", 6), ("1_3", 3)]),
        SchoolLevel::Sd,
        "",
    )
    .unwrap();
    let columns = banded.band_columns();
    assert_eq!(columns, [Some(3), Some(6), Some(0), Some(0)]);
    assert_eq!(Counts::from_columns(9, 4, 5, columns), Ok(banded));
    let plain = Counts::audience(&raw(5, 2, 3, &[]), SchoolLevel::Ma, "").unwrap();
    assert_eq!(plain.band_columns(), [None; 4]);
    assert_eq!(Counts::from_columns(5, 2, 3, [None; 4]), Ok(plain));
    let zero = Counts::educators(&raw(0, 0, 0, &[]), SchoolLevel::Ma, "").unwrap();
    assert_eq!(Counts::from_columns(0, 0, 0, zero.band_columns()), Ok(zero));
    for (t, m, f, b) in [
        (5, 2, 2, [None; 4]),
        (5, 2, 3, [Some(1), None, None, None]),
        (5, 2, 3, [Some(1), Some(1), Some(1), Some(1)]),
        (5, -1, 6, [None; 4]),
    ] {
        assert!(
            Counts::from_columns(t, m, f, b).is_err(),
            "{t} {m} {f} {b:?}"
        );
    }
}

#[test]
fn counts_are_shown_with_their_total() {
    let c = Counts::educators(&raw(3, 1, 2, &[("10_12", 3)]), SchoolLevel::Smk, "").unwrap();
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        serde_json::json!({"total": 3, "male": 1, "female": 2, "by_grade_band": {"10_12": 3}})
    );
}

/// Counts that mostly add up, sometimes off by a little, for a school of some level:
/// (level, total, male, female, bands as sent).
fn counts() -> impl Strategy<Value = (SchoolLevel, i64, i64, i64, BTreeMap<String, i64>)> {
    let skew = || prop_oneof![4 => Just(0i64), 1 => -2i64..=2];
    let level = proptest::sample::select(SchoolLevel::ALL.to_vec());
    let cuts = prop::collection::vec(any::<prop::sample::Index>(), 0..4);
    let bands = proptest::sample::subsequence(GradeBand::ALL.to_vec(), 0..=4);
    (level, (0i64..700, 0i64..700), skew(), cuts, bands, skew()).prop_map(
        |(level, (male, female), off, cuts, bands, band_off)| {
            let total = male + female + off;
            let mut bounds: Vec<i64> = cuts
                .iter()
                .map(|i| i.index(total.max(0) as usize + 1) as i64)
                .collect();
            bounds.extend([0, total.max(0)]);
            bounds.sort_unstable();
            let mut parts: Vec<i64> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
            if let Some(last) = parts.last_mut() {
                *last += band_off;
            }
            let sent = bands
                .iter()
                .zip(&parts)
                .map(|(b, &n)| (b.key().to_owned(), n))
                .collect();
            (level, total, male, female, sent)
        },
    )
}

/// Whether the bands sent fit the school and add up to `total`.
fn bands_fit(level: SchoolLevel, total: i64, bands: &BTreeMap<String, i64>) -> bool {
    let fits = bands.iter().all(|(k, &n)| {
        n == 0 || (n > 0 && level.grade_bands().iter().any(|b| b.key() == k.as_str()))
    });
    fits && bands.values().sum::<i64>() == total
}

proptest! {
    #[test]
    fn peer_educators_are_accepted_exactly_when_their_counts_add_up(
        (level, total, male, female, bands) in counts(),
    ) {
        let ok = (0..=i64::from(MAX_EDUCATORS)).contains(&total)
            && male + female == total
            && bands_fit(level, total, &bands);
        let parsed = Counts::educators(&raw(total, male, female, &[]).with(&bands), level, "");
        prop_assert_eq!(parsed.is_ok(), ok, "{:?}", parsed);
        if let Ok(c) = parsed {
            prop_assert_eq!(i64::from(c.total()), total);
            let banded: u32 = c.by_grade_band().values().sum();
            prop_assert_eq!(banded, c.total());
            let back = Counts::from_columns(total, male, female, c.band_columns());
            prop_assert_eq!(back, Ok(c));
        }
    }

    #[test]
    fn an_audience_is_accepted_exactly_when_its_counts_add_up(
        (level, total, male, female, bands) in counts(),
    ) {
        let ok = (1..=i64::from(MAX_AUDIENCE)).contains(&total)
            && male + female == total
            && (bands.is_empty() || bands_fit(level, total, &bands));
        let parsed = Counts::audience(&raw(total, male, female, &[]).with(&bands), level, "");
        prop_assert_eq!(parsed.is_ok(), ok, "{:?}", parsed);
        if let Ok(c) = parsed {
            let back = Counts::from_columns(total, male, female, c.band_columns());
            prop_assert_eq!(back, Ok(c));
        }
    }
}

impl RawCounts {
    fn with(mut self, bands: &BTreeMap<String, i64>) -> Self {
        self.by_grade_band = bands.clone();
        self
    }
}
