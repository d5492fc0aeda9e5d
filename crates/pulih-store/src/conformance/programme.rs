//! Conformance checks for assessments of places and programme settings.

use chrono::{Duration, NaiveDate};
use pulih_domain::ids::{AssessmentId, UserId};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::Scope;

use super::{code, event, now, org, user};
use crate::{Assessment, Store, StoreError};

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
