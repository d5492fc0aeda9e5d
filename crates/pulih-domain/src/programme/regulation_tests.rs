use chrono::NaiveDate;

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn a_perda_goes_through_the_council_and_is_enacted_from_there() {
    let kind = Kind::Perda;
    assert_eq!(Status::Draft.steps(kind), vec![Step::Submit]);
    let council = Status::Draft.apply(Step::Submit, kind).expect("submit");
    assert_eq!(council, Status::InCouncil);
    assert!(
        Status::Draft.apply(Step::Enact, kind).is_err(),
        "not past the council"
    );
    let enacted = council.apply(Step::Enact, kind).expect("enact");
    assert_eq!(enacted, Status::Enacted);
    assert!(enacted.in_force() && !council.in_force());
    assert_eq!(enacted.steps(kind), vec![Step::Revise, Step::Revoke]);
    let revised = enacted.apply(Step::Revise, kind).expect("revise");
    assert_eq!(revised.apply(Step::Revise, kind), Ok(Status::Revised));
    let revoked = revised.apply(Step::Revoke, kind).expect("revoke");
    assert!(revoked.steps(kind).is_empty(), "revocation is terminal");
    assert!(!revoked.in_force());
}

#[test]
fn a_decree_or_circular_skips_the_council() {
    for kind in [Kind::Perkada, Kind::Sk, Kind::SuratEdaran] {
        assert_eq!(Status::Draft.steps(kind), vec![Step::Enact], "{kind:?}");
        assert!(Status::Draft.apply(Step::Submit, kind).is_err());
        assert!(Status::InCouncil.initial(kind).is_err());
    }
    assert_eq!(
        Status::InCouncil.initial(Kind::Perdes),
        Ok(Status::InCouncil)
    );
}

#[test]
fn a_regulation_is_recorded_as_a_draft_in_council_or_enacted_only() {
    assert_eq!(Status::Enacted.initial(Kind::Perda), Ok(Status::Enacted));
    assert_eq!(Status::Draft.initial(Kind::Sk), Ok(Status::Draft));
    for status in [Status::Revised, Status::Revoked] {
        assert!(status.initial(Kind::Perda).is_err());
    }
}

#[test]
fn each_kind_is_issued_at_its_own_levels() {
    use RegionLevel::*;
    assert!(Kind::Perda.issued_at(Regency) && Kind::Perda.issued_at(Province));
    assert!(!Kind::Perda.issued_at(Village) && !Kind::Perda.issued_at(District));
    assert!(Kind::Perdes.issued_at(Village) && !Kind::Perdes.issued_at(Regency));
    assert!(Kind::Sk.issued_at(Village) && !Kind::Sk.issued_at(District));
}

#[test]
fn steps_are_dated_in_order_and_never_ahead() {
    let today = day("2026-05-01");
    assert_eq!(
        step_date(day("2026-05-01"), None, today),
        Ok(day("2026-05-01"))
    );
    assert_eq!(
        step_date(day("2026-05-02"), None, today).map_err(|e| e.key),
        Err("invalid.regulation_date_future")
    );
    assert_eq!(
        step_date(day("2026-01-01"), Some(day("2026-02-01")), today).map_err(|e| e.key),
        Err("invalid.regulation_date_order")
    );
    assert!(step_date(day("2026-02-01"), Some(day("2026-02-01")), today).is_ok());
}

#[test]
fn numbers_titles_and_notes_are_one_line_of_bounded_length() {
    assert_eq!(parse_number(" 11/2013 ").as_deref(), Ok("11/2013"));
    assert!(parse_number("").is_err());
    assert!(parse_number(&"9".repeat(NUMBER_MAX + 1)).is_err());
    assert!(parse_title("Fasilitasi\nP4GN").is_err());
    assert_eq!(parse_note(Some("  ")), Ok(None));
    assert!(parse_note(Some("a\nb")).is_err());
    assert!(parse_note(Some(&"x".repeat(NOTE_MAX + 1))).is_err());
}
