use super::*;
use proptest::prelude::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn step(kind: FactKind, on: &str) -> Step {
    Step {
        id: FactId::new(),
        kind,
        on: day(on),
        refers_to: None,
        month: None,
        working: false,
    }
}

fn check(placement: &Step, month: RetentionMonth, on: &str, working: bool) -> Step {
    Step {
        refers_to: Some(placement.id),
        month: Some(month),
        working,
        ..step(FactKind::RetentionCheck, on)
    }
}

#[test]
fn a_completion_needs_an_open_enrolment_begun_before_it() {
    let none = Track::default();
    assert_eq!(
        none.completion(day("2026-03-01")),
        Err(Refusal::Conflict("conflict.vocational_no_enrolment"))
    );
    let enrol = step(FactKind::VocationalEnrolment, "2026-02-01");
    let t = Track::fold([&enrol]);
    assert_eq!(t.completion(day("2026-03-01")), Ok(enrol.id));
    assert_eq!(
        t.completion(day("2026-01-31")),
        Err(Refusal::Field("completed_on", "invalid.before_enrolment"))
    );
    let done = step(FactKind::VocationalCompletion, "2026-03-01");
    let t = Track::fold([&enrol, &done]);
    assert_eq!(
        t.completion(day("2026-03-02")),
        Err(Refusal::Conflict("conflict.vocational_no_enrolment")),
        "an enrolment is completed once"
    );
}

#[test]
fn a_placement_follows_the_latest_completion_or_stands_alone() {
    assert_eq!(Track::default().placement(day("2026-01-01")), Ok(None));
    let enrol = step(FactKind::VocationalEnrolment, "2026-02-01");
    let done = step(FactKind::VocationalCompletion, "2026-03-01");
    let t = Track::fold([&enrol, &done]);
    assert_eq!(t.placement(day("2026-03-10")), Ok(Some(done.id)));
    assert_eq!(
        t.placement(day("2026-02-10")),
        Err(Refusal::Field("placed_on", "invalid.before_completion"))
    );
}

#[test]
fn retention_needs_a_placement_and_each_month_is_checked_once() {
    assert_eq!(
        Track::default().retention(RetentionMonth::Three, day("2026-06-01")),
        Err(Refusal::Conflict("conflict.vocational_no_placement"))
    );
    let placed = step(FactKind::Placement, "2026-01-10");
    let t = Track::fold([&placed]);
    assert_eq!(
        t.retention(RetentionMonth::Three, day("2026-04-10")),
        Ok((placed.id, day("2026-04-10")))
    );
    assert_eq!(
        t.retention(RetentionMonth::Three, day("2026-03-27")),
        Ok((placed.id, day("2026-04-10"))),
        "two weeks early is allowed"
    );
    assert_eq!(
        t.retention(RetentionMonth::Three, day("2026-03-26")),
        Err(Refusal::Field("checked_on", "invalid.retention_too_early"))
    );
    assert_eq!(
        t.retention(RetentionMonth::Three, day("2026-01-09")),
        Err(Refusal::Field("checked_on", "invalid.before_placement"))
    );
    let three = check(&placed, RetentionMonth::Three, "2026-04-12", true);
    let t = Track::fold([&placed, &three]);
    assert_eq!(
        t.retention(RetentionMonth::Three, day("2026-05-01")),
        Err(Refusal::Conflict("conflict.retention_checked"))
    );
    assert!(t.retention(RetentionMonth::Six, day("2026-07-10")).is_ok());
}

#[test]
fn an_exit_ends_the_track_until_a_new_step_begins() {
    let placed = step(FactKind::Placement, "2026-01-10");
    let exit = step(FactKind::ProgrammeExit, "2026-05-01");
    let t = Track::fold([&placed, &exit]);
    assert_eq!(
        t.exit(day("2026-06-01")),
        Err(Refusal::Conflict("conflict.vocational_exited"))
    );
    assert_eq!(
        t.retention(RetentionMonth::Six, day("2026-07-10")),
        Err(Refusal::Conflict("conflict.vocational_exited"))
    );
    assert!(t.due_checks(day("2027-02-01")).is_empty());
    assert_eq!(
        Track::fold([&placed]).exit(day("2026-01-09")),
        Err(Refusal::Field("exited_on", "invalid.before_last_step"))
    );
    let again = step(FactKind::VocationalEnrolment, "2026-08-01");
    assert_eq!(Track::fold([&placed, &exit, &again]).exited_on, None);
}

#[test]
fn due_checks_open_two_weeks_early_and_leave_when_made() {
    let placed = step(FactKind::Placement, "2026-01-31");
    let t = Track::fold([&placed]);
    assert!(t.due_checks(day("2026-04-15")).is_empty());
    assert_eq!(
        t.due_checks(day("2026-04-16")),
        [(RetentionMonth::Three, day("2026-04-30"))],
        "the 31st falls on the last day of a shorter month"
    );
    let three = check(&placed, RetentionMonth::Three, "2026-05-02", false);
    let t = Track::fold([&placed, &three]);
    assert_eq!(
        t.due_checks(day("2027-02-01")),
        [
            (RetentionMonth::Six, day("2026-07-31")),
            (RetentionMonth::Twelve, day("2027-01-31"))
        ]
    );
}

#[test]
fn a_new_placement_starts_its_own_checks() {
    let first = step(FactKind::Placement, "2025-01-10");
    let three = check(&first, RetentionMonth::Three, "2025-04-10", true);
    let second = step(FactKind::Placement, "2025-06-01");
    let t = Track::fold([&first, &three, &second]);
    let p = t.placement.expect("placed");
    assert_eq!((p.id, p.checks.len()), (second.id, 0));
}

#[test]
fn figures_on_a_small_known_dataset() {
    let today = day("2026-11-23");
    let period = Period::new(day("2026-01-01"), day("2026-12-31")).expect("period");
    let mut tally = Tally::default();
    // completed, placed, 6-month check: still working
    let p1 = step(FactKind::Placement, "2026-03-01");
    tally.add(
        &[
            step(FactKind::VocationalEnrolment, "2026-01-05"),
            step(FactKind::VocationalCompletion, "2026-02-20"),
            p1.clone(),
            check(&p1, RetentionMonth::Six, "2026-09-01", true),
        ],
        period,
        today,
    );
    // completed, placed, 6-month check: no longer working
    let p2 = step(FactKind::Placement, "2026-04-01");
    tally.add(
        &[
            step(FactKind::VocationalCompletion, "2026-03-15"),
            p2.clone(),
            check(&p2, RetentionMonth::Six, "2026-10-01", false),
        ],
        period,
        today,
    );
    // completed, not placed
    tally.add(
        &[step(FactKind::VocationalCompletion, "2026-05-01")],
        period,
        today,
    );
    // completed last year: outside the period; placed this year, not yet 6 months ago
    tally.add(
        &[
            step(FactKind::VocationalCompletion, "2025-12-01"),
            step(FactKind::Placement, "2026-07-01"),
        ],
        period,
        today,
    );
    // placed without training 6+ months ago, no check recorded
    tally.add(&[step(FactKind::Placement, "2026-02-01")], period, today);
    assert_eq!(
        tally,
        Tally {
            completed: 3,
            placed: 2,
            placed_6m: 3,
            checked_6m: 2,
            working_6m: 1,
        }
    );
}

#[test]
fn a_period_does_not_end_before_it_starts() {
    assert!(Period::new(day("2026-02-01"), day("2026-01-31")).is_err());
    let p = Period::new(day("2026-01-01"), day("2026-01-31")).expect("period");
    assert!(p.contains(day("2026-01-31")) && !p.contains(day("2026-02-01")));
}

#[test]
fn months_are_three_six_or_twelve() {
    assert_eq!(RetentionMonth::from_months(6), Ok(RetentionMonth::Six));
    assert!(RetentionMonth::from_months(9).is_err());
    assert_eq!(RetentionMonth::parse("12"), Ok(RetentionMonth::Twelve));
}

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (0i64..20_000).prop_map(|n| day("1990-01-01") + chrono::Duration::days(n))
}

proptest! {
    #[test]
    fn checks_fall_due_in_order_about_the_named_months_later(placed in any_day()) {
        let dues: Vec<NaiveDate> = RetentionMonth::ALL.iter().map(|m| m.due(placed)).collect();
        prop_assert!(placed < dues[0] && dues[0] < dues[1] && dues[1] < dues[2]);
        for (m, due) in RetentionMonth::ALL.iter().zip(&dues) {
            let days = (*due - placed).num_days();
            let months = i64::from(m.months());
            prop_assert!(days >= months * 28 && days <= months * 31 + 3, "{m:?}: {days}");
            prop_assert!(RetentionMonth::opens(*due) < *due);
        }
    }

    #[test]
    fn a_check_on_its_due_date_is_accepted_once_and_then_leaves_the_list(
        placed in any_day(), m in proptest::sample::select(RetentionMonth::ALL.to_vec()),
        late in 0u64..400,
    ) {
        let p = Step { id: FactId::new(), kind: FactKind::Placement, on: placed, refers_to: None, month: None, working: false };
        let on = m.due(placed) + Days::new(late);
        let t = Track::fold([&p]);
        prop_assert_eq!(t.retention(m, on), Ok((p.id, m.due(placed))));
        prop_assert!(t.due_checks(on).iter().any(|(c, _)| *c == m));
        let c = Step { id: FactId::new(), kind: FactKind::RetentionCheck, on, refers_to: Some(p.id), month: Some(m), working: true };
        let t = Track::fold([&p, &c]);
        prop_assert_eq!(t.retention(m, on), Err(Refusal::Conflict("conflict.retention_checked")));
        prop_assert!(!t.due_checks(on).iter().any(|(c, _)| *c == m));
    }
}
