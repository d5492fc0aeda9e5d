//! Worked cases and properties of the Bersinar lifecycle, decrees and targets.

use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn revoke() -> Transition {
    Transition::Revoke(RevocationReason::parse("Kasus baru di RW 03").unwrap())
}

#[test]
fn a_candidate_is_designated_evaluated_and_evaluated_again() {
    let s = Status::INITIAL.apply(&Transition::Designate).unwrap();
    assert_eq!(s, Status::Designated);
    let s = s.apply(&Transition::Evaluate).unwrap();
    assert_eq!(s.apply(&Transition::Evaluate), Ok(Status::Evaluated));
    assert!(s.is_bersinar() && !Status::Candidate.is_bersinar());
}

#[test]
fn designated_or_evaluated_villages_can_be_revoked_with_a_reason() {
    assert_eq!(Status::Designated.apply(&revoke()), Ok(Status::Revoked));
    assert_eq!(Status::Evaluated.apply(&revoke()), Ok(Status::Revoked));
    assert!(!Status::Revoked.is_bersinar());
    assert_eq!(revoke().key(), "revoke");
}

#[test]
fn illegal_transitions_are_refused() {
    let illegal = [
        (Status::Candidate, Transition::Evaluate),
        (Status::Candidate, revoke()),
        (Status::Designated, Transition::Designate),
        (Status::Evaluated, Transition::Designate),
        (Status::Revoked, Transition::Designate),
        (Status::Revoked, Transition::Evaluate),
        (Status::Revoked, revoke()),
    ];
    for (from, t) in illegal {
        assert_eq!(
            from.apply(&t),
            Err(Invalid::new("invalid.bersinar_transition")),
            "{from:?} {t:?}"
        );
    }
}

#[test]
fn a_revocation_needs_a_reason_of_at_most_500_characters() {
    for bad in ["", "   ", &"x".repeat(REASON_MAX + 1)] {
        assert_eq!(
            RevocationReason::parse(bad),
            Err(Invalid::new("invalid.bersinar_reason"))
        );
    }
    assert_eq!(RevocationReason::parse(" ok ").unwrap().as_str(), "ok");
}

#[test]
fn a_decree_dated_today_or_earlier_is_accepted() {
    let today = day(2024, 3, 1);
    let d = Decree::parse(" 188.45/KPTS/2024 ", today, "Wali Kota Batam", today).unwrap();
    assert_eq!(
        (d.number(), d.date(), d.issuer()),
        ("188.45/KPTS/2024", today, "Wali Kota Batam")
    );
    assert!(Decree::parse("1", day(2023, 12, 31), "Bupati", today).is_ok());
}

#[test]
fn a_decree_in_the_future_or_without_number_or_issuer_is_refused_field_by_field() {
    let today = day(2024, 3, 1);
    let errors = Decree::parse(" ", day(2024, 3, 2), "", today).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
    assert_eq!(
        got,
        [
            ("number", "invalid.decree_number"),
            ("date", "invalid.decree_date_future"),
            ("issuer", "invalid.decree_issuer"),
        ]
    );
    let long = "x".repeat(DECREE_NUMBER_MAX + 1);
    let errors = Decree::parse(&long, today, "a\nb", today).unwrap_err();
    assert_eq!(errors.len(), 2);
    assert!(Decree::parse(&"x".repeat(DECREE_NUMBER_MAX), today, "B", today).is_ok());
}

#[test]
fn targets_for_this_year_and_later_are_accepted() {
    let t = YearTarget::parse(2024, 5, 2024, 64).unwrap();
    assert_eq!((t.year(), t.count()), (2024, 5));
    assert!(YearTarget::parse(2025, 15, 2024, 64).is_ok());
    assert!(YearTarget::parse(2034, 64, 2024, 64).is_ok());
}

#[test]
fn a_target_for_a_closed_year_or_more_villages_than_there_are_is_refused() {
    let refused = |y, c| {
        let e = YearTarget::parse(y, c, 2024, 64).unwrap_err();
        (e.field, e.key)
    };
    assert_eq!(
        refused(2023, 5),
        ("year".into(), "invalid.target_year_closed")
    );
    assert_eq!(refused(2035, 5), ("year".into(), "invalid.target_year"));
    assert_eq!(
        refused(2024, 65),
        ("count".into(), "invalid.target_above_villages")
    );
    assert_eq!(
        refused(2024, TARGET_MAX + 1),
        ("count".into(), "invalid.target_count")
    );
}

#[test]
fn only_a_closed_year_is_judged_against_its_target() {
    assert_eq!(Standing::of(2026, 2026, 0, 5), Standing::InProgress);
    assert_eq!(Standing::of(2027, 2026, 0, 15), Standing::Planned);
    assert_eq!(Standing::of(2025, 2026, 3, 5), Standing::Missed);
    assert_eq!(Standing::of(2025, 2026, 5, 5), Standing::Met);
}

#[test]
fn only_the_steps_the_lifecycle_allows_are_offered() {
    assert_eq!(Step::allowed(None), [Step::Nominate]);
    assert_eq!(Step::allowed(Some(Status::Revoked)), [Step::Nominate]);
    assert_eq!(Step::allowed(Some(Status::Candidate)), [Step::Designate]);
    assert_eq!(
        Step::allowed(Some(Status::Evaluated)),
        [Step::Evaluate, Step::Revoke]
    );
    assert!(Step::Designate.needs_decree() && !Step::Designate.needs_reason());
    assert!(Step::Revoke.needs_reason() && !Step::Evaluate.needs_decree());
}

proptest! {
    /// Every step offered is one the lifecycle takes from there.
    #[test]
    fn an_offered_step_is_always_accepted(current in prop::option::of(prop_oneof![
        Just(Status::Candidate), Just(Status::Designated),
        Just(Status::Evaluated), Just(Status::Revoked)])) {
        for step in Step::allowed(current) {
            let taken = match (step, current) {
                (Step::Nominate, _) => true,
                (Step::Designate, Some(s)) => s.apply(&Transition::Designate).is_ok(),
                (Step::Evaluate, Some(s)) => s.apply(&Transition::Evaluate).is_ok(),
                (Step::Revoke, Some(s)) => s.apply(&revoke()).is_ok(),
                (_, None) => false,
            };
            prop_assert!(taken, "{step:?} from {current:?}");
        }
    }
}

fn any_transition() -> impl Strategy<Value = Transition> {
    prop_oneof![
        Just(Transition::Designate),
        Just(Transition::Evaluate),
        Just(revoke()),
    ]
}

proptest! {
    #[test]
    fn no_sequence_reaches_designated_without_passing_candidate_and_revoked_is_terminal(
        start in prop::sample::select(Status::ALL.to_vec()),
        steps in prop::collection::vec(any_transition(), 0..20),
    ) {
        let mut status = start;
        for t in &steps {
            let result = status.apply(t);
            if status == Status::Revoked {
                prop_assert!(result.is_err(), "{:?} left revoked", t);
            }
            match result {
                Ok(next) => {
                    if next == Status::Designated {
                        prop_assert_eq!(status, Status::Candidate);
                    }
                    if next == Status::Evaluated {
                        prop_assert!(status.is_bersinar());
                    }
                    status = next;
                }
                Err(e) => prop_assert_eq!(e.key, "invalid.bersinar_transition"),
            }
        }
    }
}

#[test]
fn a_target_is_at_risk_below_the_share_the_elapsed_year_calls_for() {
    // Kota Batam: 5 in the year; by the first of July (182 of 365 days) 2 are due
    assert_eq!(due_by(5, day(2026, 1, 1)), 0);
    assert_eq!(due_by(5, day(2026, 7, 1)), 2);
    assert_eq!(due_by(5, day(2026, 12, 31)), 5);
    assert!(!target_at_risk(5, 0, day(2026, 1, 1)));
    assert!(target_at_risk(5, 1, day(2026, 7, 1)));
    assert!(!target_at_risk(5, 2, day(2026, 7, 1)));
    // a leap year has 366 days: the last of them still calls for the whole target
    assert_eq!(due_by(15, day(2028, 12, 31)), 15);
}
