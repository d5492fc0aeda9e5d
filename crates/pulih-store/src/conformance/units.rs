//! Conformance checks for IBM units, their agents, trainings and activities.

use chrono::NaiveDate;
use pulih_domain::ids::{ActivityId, TrainingId, UnitId, UserId};
use pulih_domain::region::Scope;

use super::Writes;
use super::{code, event, now, org, user};
use crate::{ActivityRow, Member, Store, StoreError, TrainingRow, Unit};

pub(super) const VILLAGE: &str = "12.75.01.2001";

pub(super) fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 5, d).expect("date")
}

/// A coordinator and `agents` agents in Binjai.
pub(super) async fn people(store: &dyn Store, agents: usize) -> (UserId, Vec<UserId>) {
    let o = org("BNNK Binjai", Scope::Region(code("12.75")));
    store
        .create_org(&o, &event("org.create", "12.75"))
        .await
        .expect("org");
    let mut ids = Vec::new();
    for i in 0..=agents {
        let u = user(&format!("agen{i}"), &o, Scope::Region(code(VILLAGE)));
        store
            .create_user(&u, &event("user.create", VILLAGE))
            .await
            .expect("user");
        ids.push(u.id);
    }
    let coordinator = ids.remove(0);
    (coordinator, ids)
}

pub(super) fn unit(village: &str, by: UserId) -> Unit {
    Unit {
        id: UnitId::new(),
        village: code(village),
        founding: "{}".into(),
        decree: ("141/12/2023".into(), day(8), "Kepala Desa".into()),
        recorded_by: by,
        recorded_at: now(),
    }
}

pub(super) fn member(unit: &Unit, user: UserId) -> Member {
    Member {
        unit: unit.id,
        user,
        display_name: String::new(),
        phone: Some("081234567890".into()),
        sex: "female".into(),
        age_band: "25_44".into(),
        status: "active".into(),
        joined_on: day(8),
        version: 1,
    }
}

/// A village has one unit, an agent one unit; a member changes only from the version read.
pub async fn units_are_one_per_village_and_agents_one_per_unit(store: &dyn Store) {
    let (by, agents) = people(store, 3).await;
    let binjai = unit(VILLAGE, by);
    let first: Vec<Member> = agents[..2].iter().map(|a| member(&binjai, *a)).collect();
    store
        .create_unit(&binjai, &first, &event("unit.create", VILLAGE))
        .await
        .expect("unit");
    let again = unit(VILLAGE, by);
    let refused = store
        .create_unit(&again, &[], &event("unit.create", VILLAGE))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate("village"))),
        "{refused:?}"
    );
    let other = unit("12.75.01.2002", by);
    let taken = store
        .create_unit(
            &other,
            &[member(&other, agents[0])],
            &event("unit.create", "12.75.01.2002"),
        )
        .await;
    assert!(
        matches!(taken, Err(StoreError::Duplicate("member"))),
        "{taken:?}"
    );
    assert_eq!(
        store.unit(other.id).await.expect("read"),
        None,
        "nothing of it is kept"
    );
    store
        .add_member(&member(&binjai, agents[2]), &event("unit.member", VILLAGE))
        .await
        .expect("member");

    assert_eq!(
        store.unit(binjai.id).await.expect("read"),
        Some(binjai.clone())
    );
    assert_eq!(
        store.village_unit(&code(VILLAGE)).await.expect("read"),
        Some(binjai.clone())
    );
    assert_eq!(
        store.units_below(&code("12.75")).await.expect("read"),
        std::slice::from_ref(&binjai)
    );
    assert!(
        store
            .units_below(&code("12.71"))
            .await
            .expect("read")
            .is_empty()
    );
    let members = store.members(binjai.id).await.expect("members");
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|m| m.display_name.ends_with(" display")));
    let mine = store
        .membership(agents[1])
        .await
        .expect("read")
        .expect("member");
    assert_eq!((mine.unit, mine.version), (binjai.id, 1));

    let mut resigned = mine.clone();
    resigned.status = "resigned".into();
    let v = store
        .update_member(&resigned, &event("unit.member", VILLAGE))
        .await
        .expect("update");
    assert_eq!(v, 2);
    let stale = store
        .update_member(&resigned, &event("unit.member", VILLAGE))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    let now_read = store
        .membership(agents[1])
        .await
        .expect("read")
        .expect("member");
    assert_eq!(
        (now_read.status.as_str(), now_read.version),
        ("resigned", 2)
    );
}

/// Attendance on every day issues one certificate; the untrained stay on the list;
/// activities are listed newest first and tallied per village.
pub async fn full_attendance_earns_one_certificate_and_activities_are_tallied(store: &dyn Store) {
    let (by, agents) = people(store, 3).await;
    let binjai = unit(VILLAGE, by);
    let members: Vec<Member> = agents.iter().map(|a| member(&binjai, *a)).collect();
    store
        .create_unit(&binjai, &members, &event("unit.create", VILLAGE))
        .await
        .expect("unit");
    let training = TrainingRow {
        id: TrainingId::new(),
        unit: binjai.id,
        village: code(VILLAGE),
        title: "Bimtek".into(),
        organiser: "BNNK Binjai".into(),
        curriculum: "{}".into(),
        starts_on: day(9),
        ends_on: day(11),
        recorded_by: by,
        recorded_at: now(),
    };
    store
        .add_training(&training, &event("training.create", VILLAGE))
        .await
        .expect("training");
    let (a, b) = (agents[0], agents[1]);
    for (d, present) in [
        (9, vec![a, b]),
        (10, vec![a, b]),
        (10, vec![a]),
        (11, vec![a]),
    ] {
        let issued = store
            .record_attendance(
                &training,
                day(d),
                &present,
                &event("training.attendance", VILLAGE),
            )
            .await
            .expect("attendance");
        assert_eq!(issued.len(), usize::from(d == 11), "day {d}");
    }
    let again = store
        .record_attendance(
            &training,
            day(11),
            &[a],
            &event("training.attendance", VILLAGE),
        )
        .await
        .expect("attendance");
    assert!(again.is_empty(), "a certificate is issued once");
    assert_eq!(store.attendance(training.id).await.expect("read").len(), 5);
    let certificates = store.certificates(training.id).await.expect("read");
    assert_eq!(certificates.len(), 1);
    assert_eq!(
        (certificates[0].user, certificates[0].issued_on),
        (a, day(11))
    );
    assert_eq!(
        certificates[0].number,
        format!("BIMTEK/{VILLAGE}/2023-05-09/1")
    );
    assert_eq!(
        store.trainings(binjai.id).await.expect("read"),
        std::slice::from_ref(&training)
    );
    assert_eq!(
        store.training(training.id).await.expect("read"),
        Some(training)
    );
    let untrained: Vec<UserId> = store
        .untrained_agents(&Scope::Region(code("12.75")))
        .await
        .expect("read")
        .into_iter()
        .map(|u| u.member.user)
        .collect();
    assert_eq!(untrained.len(), 2);
    assert!(untrained.contains(&b) && !untrained.contains(&a));

    let activity = |d: u32, people: i64| ActivityRow {
        id: ActivityId::new(),
        unit: binjai.id,
        village: code(VILLAGE),
        kind: "awareness".into(),
        held_on: day(d),
        detail: "{}".into(),
        people,
        accompanied_by: None,
        recorded_by: a,
        recorded_at: now(),
    };
    let (early, late) = (activity(12, 40), activity(20, 25));
    for x in [&early, &late] {
        store
            .add_activity(x, &[], &event("activity.record", VILLAGE))
            .await
            .expect("activity");
    }
    assert_eq!(
        store.activities(&code(VILLAGE), 10).await.expect("read"),
        [late.clone(), early.clone()]
    );
    assert_eq!(
        store.activities(&code(VILLAGE), 1).await.expect("read"),
        std::slice::from_ref(&late)
    );
    let tallies = store
        .activity_tallies(&code("12.75"), day(15))
        .await
        .expect("read");
    assert_eq!(tallies.len(), 1);
    assert_eq!((tallies[0].count, tallies[0].latest), (1, day(20)));
    assert!(
        store
            .activity_tallies(&code("12.75"), day(21))
            .await
            .expect("read")
            .is_empty()
    );

    // a correction replaces the day and counts; a void hides the activity from every read
    let corrected = ActivityRow {
        held_on: day(13),
        people: 45,
        ..early.clone()
    };
    let before = store
        .correct_activity(&corrected, &event("activity.correct", VILLAGE))
        .await
        .expect("correct");
    assert_eq!(before, early.people);
    assert_eq!(
        store.activity(early.id).await.expect("read"),
        Some(corrected.clone())
    );
    store
        .void_activity(late.id, &event("activity.void", VILLAGE))
        .await
        .expect("void");
    assert_eq!(store.activity(late.id).await.expect("read"), None);
    assert_eq!(
        store.activities(&code(VILLAGE), 10).await.expect("read"),
        [corrected]
    );
    assert!(
        store
            .activity_tallies(&code("12.75"), day(15))
            .await
            .expect("read")
            .is_empty()
    );
    let again = store
        .void_activity(late.id, &event("activity.void", VILLAGE))
        .await;
    assert!(matches!(again, Err(StoreError::NotFound)), "{again:?}");
}
