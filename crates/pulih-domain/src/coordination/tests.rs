use chrono::NaiveDate;

use super::mou::{MouScope, MouStatus, ending_soon, ends_on, parse_scopes, parse_term};
use super::rakor::{ItemStatus, check_due, parse_item, parse_lines, parse_place};
use super::*;
use crate::account::Role;
use crate::ids::UserId;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn actor(role: Role, scope: &str, org: OrgId) -> Actor {
    Actor {
        user_id: UserId::new(),
        org_id: org,
        role,
        scope: Scope::Region(RegionCode::parse(scope).expect("code")),
        disabled: false,
    }
}

fn sanggau() -> RegionCode {
    RegionCode::parse("61.03").expect("code")
}

#[test]
fn a_coordinator_outside_the_region_reaches_a_rakor_only_when_its_organisation_is_named() {
    let batam_org = OrgId::new();
    let batam = actor(Role::Coordinator, "21.71", batam_org);
    assert_eq!(access(&batam, &sanggau(), &[]), Reach::None);
    assert_eq!(access(&batam, &sanggau(), &[OrgId::new()]), Reach::None);
    assert_eq!(access(&batam, &sanggau(), &[batam_org]), Reach::Named);
    let local = actor(Role::Coordinator, "61", OrgId::new());
    assert_eq!(access(&local, &sanggau(), &[]), Reach::Manage);
    let admin = actor(Role::Admin, "61.03", OrgId::new());
    assert_eq!(access(&admin, &sanggau(), &[]), Reach::Read);
}

#[test]
fn roles_without_coordination_reach_nothing_even_when_named() {
    let org = OrgId::new();
    for role in [Role::Agent, Role::Analyst] {
        assert_eq!(
            access(&actor(role, "61.03", org), &sanggau(), &[org]),
            Reach::None
        );
    }
    let mut off = actor(Role::Coordinator, "61.03", org);
    off.disabled = true;
    assert_eq!(access(&off, &sanggau(), &[org]), Reach::None);
}

#[test]
fn parties_are_an_id_or_a_name_and_repeats_are_dropped() {
    let org = OrgId::new();
    let raw = |id: Option<String>, name: Option<&str>| RawParty {
        org_id: id,
        name: name.map(str::to_owned),
    };
    let parties = parse_parties(
        "present",
        &[
            raw(Some(org.to_string()), None),
            raw(None, Some(" Kejaksaan Negeri Batam ")),
            raw(None, Some("kejaksaan negeri batam")),
            raw(Some(org.to_string()), None),
        ],
        1,
    )
    .expect("parties");
    assert_eq!(parties.len(), 2);
    assert_eq!(parties[0].org_id(), Some(org));
    let bad = parse_parties(
        "present",
        &[raw(None, None), raw(Some("x".into()), Some("both"))],
        1,
    )
    .expect_err("bad");
    assert_eq!(bad.len(), 2);
    assert_eq!(bad[0].field, "present.0");
    assert!(parse_parties("parties", &[raw(None, Some("Yayasan"))], 2).is_err());
}

#[test]
fn action_items_change_status_and_are_overdue_only_while_open() {
    assert_eq!(
        ItemStatus::Open.change(ItemStatus::Done),
        Ok(ItemStatus::Done)
    );
    assert_eq!(
        ItemStatus::Done.change(ItemStatus::Open),
        Ok(ItemStatus::Open)
    );
    assert!(ItemStatus::Done.change(ItemStatus::Done).is_err());
    let due = day(2026, 3, 10);
    assert!(!ItemStatus::Open.overdue(due, due));
    assert!(ItemStatus::Open.overdue(due, day(2026, 3, 11)));
    assert!(!ItemStatus::Done.overdue(due, day(2026, 4, 1)));
    assert!(check_due(day(2026, 3, 1), day(2026, 2, 28)).is_err());
    assert_eq!(
        check_due(day(2026, 3, 1), day(2026, 3, 1)),
        Ok(day(2026, 3, 1))
    );
}

#[test]
fn rakor_texts_are_trimmed_and_bounded() {
    assert_eq!(
        parse_place("  Aula BNNK Batam "),
        Ok("Aula BNNK Batam".into())
    );
    assert!(parse_place("x").is_err());
    assert!(parse_item("ok").is_err());
    let lines = parse_lines("topics", &[" IBM ".into(), String::new()], 1).expect("lines");
    assert_eq!(lines, vec!["IBM".to_owned()]);
    assert!(parse_lines("topics", &[String::new()], 1).is_err());
    assert!(parse_lines("decisions", &[], 0).is_ok());
}

#[test]
fn an_mou_term_ends_the_day_before_its_anniversary() {
    assert_eq!(ends_on(day(2026, 3, 1), 12), Some(day(2027, 2, 28)));
    assert_eq!(ends_on(day(2026, 1, 31), 1), Some(day(2026, 2, 27)));
    assert!(parse_term(0).is_err());
    assert!(parse_term(121).is_err());
}

#[test]
fn an_mou_expires_by_its_end_date_and_shows_sixty_days_before() {
    let end = Some(day(2026, 6, 30));
    assert_eq!(
        MouStatus::Signed.as_of(end, day(2026, 6, 30)),
        MouStatus::Signed
    );
    assert_eq!(
        MouStatus::Signed.as_of(end, day(2026, 7, 1)),
        MouStatus::Expired
    );
    assert_eq!(
        MouStatus::Ended.as_of(end, day(2026, 7, 1)),
        MouStatus::Ended
    );
    assert!(ending_soon(MouStatus::Signed, end, day(2026, 5, 1)));
    assert!(!ending_soon(MouStatus::Signed, end, day(2026, 4, 30)));
    assert!(!ending_soon(MouStatus::Draft, end, day(2026, 5, 1)));
    assert!(!ending_soon(MouStatus::Signed, end, day(2026, 7, 1)));
}

#[test]
fn mou_status_changes_follow_the_lifecycle() {
    assert_eq!(
        MouStatus::Draft.change(MouStatus::Signed, true),
        Ok(MouStatus::Signed)
    );
    assert!(MouStatus::Draft.change(MouStatus::Signed, false).is_err());
    assert_eq!(
        MouStatus::Signed.change(MouStatus::Ended, true),
        Ok(MouStatus::Ended)
    );
    assert!(MouStatus::Signed.change(MouStatus::Expired, true).is_err());
    assert!(MouStatus::Ended.change(MouStatus::Signed, true).is_err());
}

#[test]
fn mou_scopes_are_several_each_once() {
    let raw = [
        "referrals".into(),
        "skills_training".into(),
        "referrals".into(),
    ];
    assert_eq!(
        parse_scopes(&raw),
        Ok(vec![MouScope::SkillsTraining, MouScope::Referrals])
    );
    assert!(parse_scopes(&[]).is_err());
    assert!(parse_scopes(&["tea".into()]).is_err());
}
