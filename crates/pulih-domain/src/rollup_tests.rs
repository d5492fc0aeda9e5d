use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).expect("a code")
}

#[test]
fn periods_parse_print_and_bound() {
    for (text, first, last) in [
        ("2026-07", "2026-07-01", "2026-07-31"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-Q3", "2026-07-01", "2026-09-30"),
        ("2026-S2", "2026-07-01", "2026-12-31"),
        ("2026-S1", "2026-01-01", "2026-06-30"),
        ("2026", "2026-01-01", "2026-12-31"),
    ] {
        let p = Period::parse(text).expect(text);
        assert_eq!(p.to_string(), text);
        assert_eq!(p.first_day(), Some(day(first)), "{text}");
        assert_eq!(p.last_day(), Some(day(last)), "{text}");
    }
    for bad in [
        "", "26", "2026-13", "2026-00", "2026-Q5", "2026-S3", "2026-7", "2026-x", "2026-Q+1",
    ] {
        assert!(Period::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_day_lies_in_one_period_of_each_kind() {
    let held = Period::holding(day("2026-08-17")).map(|p| p.to_string());
    assert_eq!(held, ["2026-08", "2026-Q3", "2026-S2", "2026"]);
    assert_eq!(
        Period::semester_of(day("2026-03-01")).to_string(),
        "2026-S1"
    );
}

#[test]
fn periods_step_back_and_forth_across_years() {
    let s = Period::parse("2026-S1").expect("period");
    assert_eq!(
        s.previous().map(|p| p.to_string()).as_deref(),
        Some("2025-S2")
    );
    assert_eq!(s.next().map(|p| p.to_string()).as_deref(), Some("2026-S2"));
    let m = Period::parse("2026-01").expect("period");
    assert_eq!(
        m.previous().map(|p| p.to_string()).as_deref(),
        Some("2025-12")
    );
    let q = Period::parse("2026-Q4").expect("period");
    assert_eq!(q.next().map(|p| p.to_string()).as_deref(), Some("2027-Q1"));
}

#[test]
fn the_trend_is_the_twelve_months_up_to_the_period_end() {
    let trend: Vec<String> = Period::parse("2026-S1")
        .expect("period")
        .trend()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(trend.len(), 12);
    assert_eq!(trend.first().map(String::as_str), Some("2025-07"));
    assert_eq!(trend.last().map(String::as_str), Some("2026-06"));
}

#[test]
fn a_period_is_closed_once_its_last_day_has_passed() {
    let p = Period::parse("2026-11").expect("period");
    assert!(!p.closed(day("2026-11-30")));
    assert!(p.closed(day("2026-12-01")));
}

#[test]
fn a_tally_adds_to_its_place_every_node_above_and_every_period() {
    let t = Tally::one(Figure::Intakes, &code("35.16.01.2001"), day("2026-08-17"));
    let cells: Vec<Cell> = t.cells().collect();
    assert_eq!(cells.len(), 5 * 4);
    let nodes: std::collections::BTreeSet<&str> = cells.iter().map(|c| c.node.as_str()).collect();
    assert_eq!(
        nodes.into_iter().collect::<Vec<_>>(),
        ["35", "35.16", "35.16.01", "35.16.01.2001", "ID"]
    );
    let parents: std::collections::BTreeSet<(&str, &str)> = cells
        .iter()
        .map(|c| (c.node.as_str(), c.parent()))
        .collect();
    assert!(parents.contains(&("35", NATION)));
    assert!(parents.contains(&("ID", "")));
    assert!(parents.contains(&("35.16.01.2001", "35.16.01")));
    // a record kept at a regency counts there and above, not in any district
    let at_regency = Tally::one(Figure::Intakes, &code("35.16"), day("2026-08-17"));
    assert_eq!(at_regency.cells().count(), 3 * 4);
}

#[test]
fn only_programme_figures_are_not_about_clients() {
    let programme: Vec<&str> = Figure::ALL
        .iter()
        .filter(|f| !f.about_clients())
        .map(|f| f.key())
        .collect();
    assert!(programme.contains(&"units_formed"));
    assert!(!programme.contains(&"relapses"));
    assert!(Figure::TREND.iter().all(|f| Figure::ALL.contains(f)));
}

#[test]
fn a_rate_per_100k_needs_a_population() {
    assert_eq!(per_100k(3, Some(239_629)), Some(1.25));
    assert_eq!(per_100k(0, Some(10)), Some(0.0));
    assert_eq!(per_100k(5, None), None);
    assert_eq!(per_100k(5, Some(0)), None);
}
