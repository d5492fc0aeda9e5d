//! Conformance checks for assessments of places and programme settings.

use chrono::{Duration, NaiveDate};
use pulih_domain::ids::{AssessmentId, UserId};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::Scope;

use super::Writes;
use super::{code, event, now, org, user};
use crate::{Assessment, BersinarStep, LatestOutcome, Store, StoreError, Target};

async fn assessor(store: &dyn Store) -> UserId {
    let o = org("BNNK Binjai", Scope::Region(code("12.75")));
    store
        .create_org(&o, &event("org.create", "12.75"))
        .await
        .expect("org");
    let u = user("penilai", &o, Scope::Region(code("12.75")));
    store
        .create_user(&u, &event("user.create", "12.75"))
        .await
        .expect("user");
    u.id
}

fn ikn(region: &str, day: u32, outcome: &str, by: UserId) -> Assessment {
    Assessment {
        id: AssessmentId::new(),
        kind: AssessmentKind::Ikn,
        region: code(region),
        period: NaiveDate::from_ymd_opt(2026, 11, day).expect("date"),
        answers: "{}".into(),
        outcome: outcome.into(),
        score: None,
        rules: "[]".into(),
        recorded_by: by,
        recorded_at: now(),
        approval: None,
    }
}

/// Every assessment is kept, newest period first, per kind and place; an approval is
/// added once and enters the change feed.
pub async fn assessments_are_kept_as_history_and_approved_once(store: &dyn Store) {
    let by = assessor(store).await;
    let village = "12.75.01.1001";
    let first = ikn(village, 2, "bahaya", by);
    let second = ikn(village, 20, "waspada", by);
    let elsewhere = ikn("12.75.01.1002", 3, "aman", by);
    for a in [&first, &second, &elsewhere] {
        store
            .add_assessment(a, &event("ikn.record", village))
            .await
            .expect("add");
    }
    let mut city = ikn("12.75", 1, "tanggap", by);
    city.kind = AssessmentKind::Ikotan;
    city.score = Some(3_200);
    store
        .add_assessment(&city, &event("ikotan.record", "12.75"))
        .await
        .expect("add");

    let history = store
        .assessments(AssessmentKind::Ikn, &code(village))
        .await
        .expect("read");
    assert_eq!(history, [second.clone(), first.clone()]);
    let latest = store
        .latest_outcomes(AssessmentKind::Ikn, &code("12.75"))
        .await;
    let newest = |a: &Assessment| LatestOutcome {
        region: a.region.clone(),
        outcome: a.outcome.clone(),
    };
    assert_eq!(latest.expect("read"), [newest(&second), newest(&elsewhere)]);
    let scored = store
        .assessments(AssessmentKind::Ikotan, &code("12.75"))
        .await
        .expect("read");
    assert_eq!(scored, [city]);

    let at = now() + Duration::minutes(1);
    let approved = store
        .approve_assessment(first.id, by, at, &event("ikn.approve", village))
        .await
        .expect("approve");
    assert_eq!(approved.approval, Some((by, at)));
    assert_eq!(
        store.assessment(first.id).await.expect("read"),
        Some(approved)
    );
    let again = store
        .approve_assessment(first.id, by, at, &event("ikn.approve", village))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
    let missing = store
        .approve_assessment(AssessmentId::new(), by, at, &event("ikn.approve", village))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let feed = store
        .changes_after(&Scope::Region(code(village)), 0, 100)
        .await
        .expect("feed");
    let first_id = first.id.to_string();
    let versions: Vec<i64> = feed
        .iter()
        .filter(|c| c.entity_id == first_id)
        .map(|c| c.version)
        .collect();
    assert_eq!(versions, [1, 2]);
}

/// A setting is created once and changed only from the version it was read at.
pub async fn settings_change_only_from_the_version_read(store: &dyn Store) {
    assert_eq!(store.setting("ikn_thresholds").await.expect("read"), None);
    let v1 = store
        .put_setting("ikn_thresholds", "[1]", None, &event("settings.put", "ID"))
        .await
        .expect("create");
    assert_eq!(v1, 1);
    let twice = store
        .put_setting("ikn_thresholds", "[2]", None, &event("settings.put", "ID"))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict)), "{twice:?}");
    let v2 = store
        .put_setting(
            "ikn_thresholds",
            "[3]",
            Some(1),
            &event("settings.put", "ID"),
        )
        .await
        .expect("update");
    assert_eq!(v2, 2);
    let stale = store
        .put_setting(
            "ikn_thresholds",
            "[4]",
            Some(1),
            &event("settings.put", "ID"),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    let read = store
        .setting("ikn_thresholds")
        .await
        .expect("read")
        .expect("set");
    assert_eq!((read.value.as_str(), read.version), ("[3]", 2));
}

fn step(village: &str, seq: i64, step: &str, status: &str, by: UserId) -> BersinarStep {
    let decree = (step == "designate").then(|| {
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        (
            "188.45/12/2026".to_owned(),
            date,
            "Wali Kota Binjai".to_owned(),
        )
    });
    BersinarStep {
        village: code(village),
        seq,
        step: step.into(),
        status: status.into(),
        decree,
        reason: (step == "revoke").then(|| "kasus berulang".to_owned()),
        recorded_by: by,
        recorded_at: now(),
    }
}

/// Bersinar steps are numbered per village: a second step from the same state is a
/// conflict; the latest step of each village below a region is its status. Targets are set
/// once per year and changed only from the version read.
pub async fn bersinar_steps_are_numbered_and_targets_versioned(store: &dyn Store) {
    let by = assessor(store).await;
    let a = "12.75.01.1001";
    let b = "12.75.02.1001";
    for s in [
        step(a, 1, "nominate", "candidate", by),
        step(a, 2, "designate", "designated", by),
        step(b, 1, "nominate", "candidate", by),
        step(a, 3, "revoke", "revoked", by),
    ] {
        store
            .add_bersinar_step(&s, &event("bersinar.step", a))
            .await
            .expect("step");
    }
    let again = store
        .add_bersinar_step(&step(a, 3, "evaluate", "evaluated", by), &event("x", a))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
    let history = store.bersinar_steps(&code(a)).await.expect("read");
    assert_eq!(history.iter().map(|s| s.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        history[1].decree.as_ref().map(|d| d.2.as_str()),
        Some("Wali Kota Binjai")
    );
    assert_eq!(history[2].reason.as_deref(), Some("kasus berulang"));
    let latest = store.bersinar_latest(&code("12.75")).await.expect("read");
    let states: Vec<(&str, &str)> = latest
        .iter()
        .map(|s| (s.village.as_str(), s.status.as_str()))
        .collect();
    assert_eq!(states, [(a, "revoked"), (b, "candidate")]);
    assert!(
        store
            .bersinar_latest(&code("21.71"))
            .await
            .expect("read")
            .is_empty()
    );

    let batam = code("21.71");
    let v = store
        .set_target(&batam, 2026, 5, None, &event("target", "21.71"))
        .await
        .expect("set");
    assert_eq!(v, 1);
    let again = store
        .set_target(&batam, 2026, 6, None, &event("target", "21.71"))
        .await
        .expect("a year's target set again without a version is replaced");
    assert_eq!(again, 2);
    store
        .set_target(&batam, 2026, 15, Some(2), &event("target", "21.71"))
        .await
        .expect("update");
    let stale = store
        .set_target(&batam, 2026, 20, Some(2), &event("target", "21.71"))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    store
        .set_target(&batam, 2027, 30, None, &event("target", "21.71"))
        .await
        .expect("set");
    let targets = store.targets(&batam).await.expect("read");
    assert_eq!(
        targets,
        [
            Target {
                year: 2026,
                count: 15,
                version: 3
            },
            Target {
                year: 2027,
                count: 30,
                version: 1
            }
        ]
    );
}

/// The latest decree of every village below a region comes in one read, the same as each
/// village's history would give; reads below a region keep to it and leave its
/// neighbours out.
pub async fn the_latest_decree_of_every_village_is_read_at_once(store: &dyn Store) {
    let by = assessor(store).await;
    let (a, b, c) = ("12.75.01.1001", "12.75.02.1001", "12.75.02.1002");
    let neighbour = "12.76.01.1001";
    let mut redesignated = step(a, 4, "designate", "designated", by);
    redesignated.decree = Some((
        "188.45/30/2027".to_owned(),
        NaiveDate::from_ymd_opt(2027, 1, 15).expect("date"),
        "Wali Kota Binjai".to_owned(),
    ));
    for s in [
        step(a, 1, "nominate", "candidate", by),
        step(a, 2, "designate", "designated", by),
        step(a, 3, "revoke", "revoked", by),
        redesignated.clone(),
        step(a, 5, "evaluate", "evaluated", by),
        step(b, 1, "nominate", "candidate", by),
        step(c, 1, "nominate", "candidate", by),
        step(c, 2, "designate", "designated", by),
        step(neighbour, 1, "nominate", "candidate", by),
        step(neighbour, 2, "designate", "designated", by),
    ] {
        store
            .add_bersinar_step(&s, &event("bersinar.step", s.village.as_str()))
            .await
            .expect("step");
    }
    let decrees = store
        .bersinar_latest_decrees(&code("12.75"))
        .await
        .expect("read");
    let found: Vec<(&str, i64)> = decrees
        .iter()
        .map(|s| (s.village.as_str(), s.seq))
        .collect();
    assert_eq!(found, [(a, 4), (c, 2)], "no decree for {b}, none of 12.76");
    assert_eq!(decrees[0], redesignated);
    for s in &decrees {
        let history = store.bersinar_steps(&s.village).await.expect("history");
        let last = history.iter().rev().find(|h| h.decree.is_some());
        assert_eq!(last, Some(s), "as the history of {} gives", s.village);
    }
    assert_eq!(
        store
            .bersinar_latest_decrees(&code(c))
            .await
            .expect("read")
            .len(),
        1,
        "a village is below itself, as for the latest steps"
    );
    let latest = store.bersinar_latest(&code("12.75")).await.expect("read");
    assert_eq!(latest.len(), 3, "{latest:?}");

    for (place, outcome) in [("12.75.01.1001", "aman"), (neighbour, "bahaya")] {
        store
            .add_assessment(&ikn(place, 2, outcome, by), &event("ikn.record", place))
            .await
            .expect("add");
    }
    let assessed = store
        .latest_outcomes(AssessmentKind::Ikn, &code("12.75"))
        .await
        .expect("read");
    assert_eq!(
        assessed
            .iter()
            .map(|x| x.region.as_str())
            .collect::<Vec<_>>(),
        ["12.75.01.1001"]
    );
}
