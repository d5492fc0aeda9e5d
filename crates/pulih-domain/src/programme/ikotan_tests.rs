//! Worked cases and properties of IKOTAN scoring and banding.

use proptest::prelude::*;

use super::*;

fn score(n: u16) -> Score {
    Score::from_thousandths(n).unwrap()
}

fn raw(values: [&str; 5]) -> BTreeMap<String, String> {
    Variable::ALL
        .iter()
        .zip(values)
        .map(|(v, s)| (v.key().to_owned(), s.to_owned()))
        .collect()
}

#[test]
fn scores_are_read_as_thousandths_with_up_to_three_decimals() {
    let cases = [
        ("3", 3000),
        ("3.5", 3500),
        ("3.53", 3530),
        ("3.533", 3533),
        (" 1.000 ", 1000),
        ("4", 4000),
        ("2,75", 2750),
    ];
    for (text, want) in cases {
        assert_eq!(
            Score::parse(text).map(Score::thousandths),
            Ok(want),
            "{text}"
        );
    }
}

#[test]
fn scores_outside_one_to_four_or_oddly_written_are_refused() {
    for text in [
        "", "0.999", "4.001", "5", "3.5333", "3.", ".5", "-3", "+3", "03", "3.5.1", "3 .5", "tiga",
        "3e0",
    ] {
        assert_eq!(
            Score::parse(text),
            Err(Invalid::new("invalid.ikotan_score")),
            "{text}"
        );
    }
}

#[test]
fn scores_display_with_three_decimals_and_read_back() {
    assert_eq!(score(3533).to_string(), "3.533");
    assert_eq!(score(3050).to_string(), "3.050");
    assert_eq!(Score::parse(&score(3050).to_string()), Ok(score(3050)));
}

#[test]
fn the_index_is_the_mean_rounded_half_up_to_a_thousandth() {
    let s = IkotanScores::parse(&raw(["4", "3.5", "3.5", "3", "3.666"])).unwrap();
    // 17.666 / 5 = 3.5332 → 3.533
    assert_eq!(s.index(), score(3533));
    assert_eq!(s.score(Variable::Law), score(3666));
    let s = IkotanScores::parse(&raw(["4", "3.5", "3.5", "3", "3.668"])).unwrap();
    // 17.668 / 5 = 3.5336 → 3.534
    assert_eq!(s.index(), score(3534));
    let all_ones = IkotanScores::parse(&raw(["1"; 5])).unwrap();
    assert_eq!(all_ones.index(), Score::MIN);
}

#[test]
fn unknown_missing_blank_and_bad_scores_are_each_reported() {
    let mut r = raw(["3", "9", "3", "", "3"]);
    r.remove("law");
    r.insert("economy".into(), "3".into());
    let errors = IkotanScores::parse(&r).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
    assert_eq!(
        got,
        [
            ("scores.economy", "invalid.ikotan_variable"),
            ("scores.community", "invalid.ikotan_score"),
            ("scores.institutions", "invalid.ikotan_missing"),
            ("scores.law", "invalid.ikotan_missing"),
        ]
    );
}

#[test]
fn band_boundaries_follow_the_design() {
    let bands = Bands::default();
    let cases = [
        (4000, Band::SangatTanggap),
        (3533, Band::SangatTanggap),
        (3532, Band::Tanggap),
        (3065, Band::Tanggap),
        (3064, Band::CukupTanggap),
        (2600, Band::CukupTanggap),
        (2599, Band::KurangTanggap),
        (2135, Band::KurangTanggap),
        (2134, Band::TidakTanggap),
        (1000, Band::TidakTanggap),
    ];
    for (n, want) in cases {
        assert_eq!(bands.band(score(n)), want, "{n}");
    }
}

#[test]
fn the_lower_cut_off_is_configurable_within_the_open_range() {
    let bands = Bands::parse("2.3").unwrap();
    assert_eq!(bands.kurang_tanggap_from(), score(2300));
    assert_eq!(bands.band(score(2300)), Band::KurangTanggap);
    assert_eq!(bands.band(score(2299)), Band::TidakTanggap);
    let none_kurang = Bands::parse("2.600").unwrap();
    assert_eq!(none_kurang.band(score(2599)), Band::TidakTanggap);
    assert_eq!(
        Bands::parse("1").unwrap().band(Score::MIN),
        Band::KurangTanggap
    );
    for text in ["2.601", "3", "0.5", "x"] {
        assert_eq!(
            Bands::parse(text),
            Err(Invalid::new("invalid.ikotan_cutoff"))
        );
    }
    assert_eq!(
        Bands::parse(&Bands::default().kurang_tanggap_from().to_string()),
        Ok(Bands::default())
    );
}

#[test]
fn scores_round_trip_through_json_and_are_rechecked() {
    let s = IkotanScores::parse(&raw(["3", "3.5", "2", "1.25", "4"])).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<IkotanScores>(&json).unwrap(), s);
    let short = r#"{"family":3000}"#;
    assert!(serde_json::from_str::<IkotanScores>(short).is_err());
    let high =
        r#"{"family":4001,"community":3000,"territory":3000,"institutions":3000,"law":3000}"#;
    assert!(serde_json::from_str::<IkotanScores>(high).is_err());
}

#[test]
fn each_band_starts_where_its_lowest_index_falls_into_it() {
    for cut in ["1", "2.135", "2.6"] {
        let bands = Bands::parse(cut).unwrap();
        let starts = bands.starts();
        for (band, from) in &starts {
            assert_eq!(bands.band(*from), *band, "{cut}: {band:?} from {from}");
        }
        for pair in starts.windows(2) {
            let below = score(pair[0].1.thousandths() - 1);
            assert_eq!(
                bands.band(below),
                pair[1].0,
                "{cut}: just below {}",
                pair[0].1
            );
        }
    }
    assert_eq!(Bands::parse("1").unwrap().starts().len(), 4);
    assert_eq!(Bands::parse("2.600").unwrap().starts().len(), 4);
    assert_eq!(Bands::default().starts().len(), 5);
}

proptest! {
    #[test]
    fn any_valid_scores_give_an_index_between_their_lowest_and_highest(
        values in prop::array::uniform5(1000u16..=4000),
    ) {
        let texts = values.map(|n| score(n).to_string());
        let s = IkotanScores::parse(&raw(texts.each_ref().map(String::as_str))).unwrap();
        let (lo, hi) = (values.iter().min().unwrap(), values.iter().max().unwrap());
        prop_assert!((*lo..=*hi).contains(&s.index().thousandths()));
        // Exact rounding half up, computed in wider integers.
        let sum: u64 = values.iter().map(|&v| u64::from(v)).sum();
        prop_assert_eq!(u64::from(s.index().thousandths()), (sum * 2 + 5) / 10);
    }

    #[test]
    fn a_higher_index_is_never_in_a_less_responsive_band(
        a in 1000u16..=4000, b in 1000u16..=4000, cut in 1000u16..=2600,
    ) {
        let bands = Bands::parse(&score(cut).to_string()).unwrap();
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(bands.band(score(hi)) <= bands.band(score(lo)));
    }
}
