//! Worked cases and properties of the aftercare schedule, its due dates and relapse.

use proptest::prelude::*;

use super::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

#[test]
fn the_default_schedule_runs_six_months_from_discharge() {
    let s = Schedule::default();
    assert_eq!(s.weeks(), &[1, 2, 4, 8, 12, 26]);
    let dates = s.dates(day(1, 5));
    assert_eq!(dates.first(), Some(&day(1, 12)));
    assert_eq!(dates.get(2), Some(&day(2, 2)));
    assert_eq!(dates.last(), Some(&day(7, 6)));
    assert_eq!(s.first_due(day(1, 5)), Some(day(1, 12)));
}

#[test]
fn schedules_must_increase_and_last_three_to_six_months() {
    assert_eq!(Schedule::parse(""), Ok(Schedule::default()));
    assert_eq!(
        Schedule::parse("1, 2, 4, 13").map(|s| s.weeks().to_vec()),
        Ok(vec![1, 2, 4, 13])
    );
    let refused = |t: &str| Schedule::parse(t).map_err(|e| e.key);
    assert_eq!(refused("1 2 4 12"), Err("invalid.schedule_length"));
    assert_eq!(refused("1 2 27"), Err("invalid.schedule_length"));
    assert_eq!(refused("2 1 20"), Err("invalid.schedule_weeks"));
    assert_eq!(refused("0 4 20"), Err("invalid.schedule_weeks"));
    assert_eq!(refused("1 1 20"), Err("invalid.schedule_weeks"));
    assert_eq!(refused("satu"), Err("invalid.schedule_weeks"));
}

#[test]
fn a_visit_answers_the_pending_date_and_catches_up_on_passed_ones() {
    let s = Schedule::default();
    let out = day(1, 5);
    // on time: week 1 answered, week 2 next
    assert_eq!(s.next_due(out, day(1, 12), day(1, 12)), Some(day(1, 19)));
    // early: still answers week 1
    assert_eq!(s.next_due(out, day(1, 12), day(1, 8)), Some(day(1, 19)));
    // late, in week 5: weeks 1, 2 and 4 are passed, week 8 is next
    assert_eq!(s.next_due(out, day(1, 12), day(2, 9)), Some(day(3, 2)));
    // the last visit leaves nothing due
    assert_eq!(s.next_due(out, day(7, 6), day(7, 6)), None);
}

#[test]
fn barc10_is_due_at_weeks_4_and_12_and_at_the_last_visit() {
    let s = Schedule::default();
    let out = day(1, 5);
    let due: Vec<u16> = s
        .dates(out)
        .into_iter()
        .filter(|d| s.barc10_due(out, *d))
        .filter_map(|d| s.week_of(out, d))
        .collect();
    assert_eq!(due, vec![4, 12, 26]);
    let short = Schedule::new(vec![1, 2, 16]).expect("valid");
    assert!(short.barc10_due(out, day(4, 27)));
    assert!(!short.barc10_due(out, day(1, 12)));
}

#[test]
fn follow_ups_lie_between_discharge_and_today() {
    let (out, today) = (day(1, 5), day(3, 1));
    assert_eq!(follow_up_date(day(1, 5), out, today), Ok(day(1, 5)));
    assert_eq!(
        follow_up_date(day(1, 4), out, today).map_err(|e| e.key),
        Err("invalid.follow_up_before_discharge")
    );
    assert_eq!(
        follow_up_date(day(3, 2), out, today).map_err(|e| e.key),
        Err("invalid.future_date")
    );
}

#[test]
fn a_relapse_puts_the_client_back_on_the_step_its_response_names() {
    use Recommendation::*;
    assert_eq!(
        RelapseResponse::BriefIntervention.step(),
        Some(BriefIntervention)
    );
    assert_eq!(RelapseResponse::ReReferral.step(), Some(Referral));
    assert_eq!(RelapseResponse::RehabReadmission.step(), Some(Referral));
    assert_eq!(RelapseResponse::NoneYet.step(), None);
}

#[test]
fn moving_away_or_dying_ends_aftercare_and_only_unreachable_leaves_a_visit_due() {
    for s in FollowUpStatus::ALL {
        assert_eq!(s.reached(), s != FollowUpStatus::Unreachable);
    }
    assert_eq!(FollowUpStatus::Died.ends(), Some(AftercareEndStatus::Died));
    assert_eq!(
        FollowUpStatus::Moved.ends(),
        Some(AftercareEndStatus::Moved)
    );
    assert_eq!(FollowUpStatus::Relapsed.ends(), None);
}

#[test]
fn the_share_not_relapsed_is_rounded_down_and_empty_without_finishers() {
    assert_eq!(share_not_relapsed(0, 0), None);
    assert_eq!(share_not_relapsed(3, 1), Some(66));
    assert_eq!(share_not_relapsed(4, 0), Some(100));
    assert_eq!(share_not_relapsed(4, 4), Some(0));
}

fn schedules() -> impl Strategy<Value = Schedule> {
    (prop::collection::btree_set(1u16..13, 0..6), 13u16..=26).prop_map(|(early, last)| {
        let mut weeks: Vec<u16> = early.into_iter().collect();
        weeks.push(last);
        Schedule::new(weeks).expect("valid by construction")
    })
}

proptest! {
    #[test]
    fn due_dates_only_move_forward_along_the_schedule(
        s in schedules(),
        visits in prop::collection::vec(0u64..200, 1..12),
    ) {
        let out = day(1, 5);
        let dates = s.dates(out);
        let mut due = s.first_due(out);
        let mut visited = out;
        for gap in visits {
            let Some(pending) = due else { break };
            visited = visited + Days::new(gap);
            let next = s.next_due(out, pending, visited);
            if let Some(n) = next {
                prop_assert!(n > pending && n > visited);
                prop_assert!(dates.contains(&n));
            } else {
                prop_assert!(visited >= *dates.last().expect("dates") || pending == *dates.last().expect("dates"));
            }
            due = next;
        }
    }

    #[test]
    fn schedules_round_trip_through_storage(s in schedules()) {
        let json = serde_json::to_string(&s).expect("json");
        prop_assert_eq!(serde_json::from_str::<Schedule>(&json).expect("parse"), s);
    }
}
