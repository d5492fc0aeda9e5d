//! Conformance checks for the supervision of agents: visits by unit, an agent's work and
//! the idle agents of a scope.

use pulih_domain::ids::{ActivityId, SupervisionVisitId, UserId};
use pulih_domain::region::Scope;

use super::units::{VILLAGE, day, member, people, unit};
use super::{Writes, code, event, now};
use crate::{ActivityRow, KindCount, Store, SupervisionVisitRow, Unit};

fn activity(unit: &Unit, by: UserId, kind: &str, d: u32, people: i64) -> ActivityRow {
    ActivityRow {
        id: ActivityId::new(),
        unit: unit.id,
        village: unit.village.clone(),
        kind: kind.into(),
        held_on: day(d),
        detail: "{}".into(),
        people,
        accompanied_by: None,
        recorded_by: by,
        recorded_at: now(),
    }
}

/// Visits are read by unit, an agent's work is counted from its live activities, and an
/// active agent with nothing after a day (who joined by then) is idle, within the scope.
pub async fn supervision_visits_agent_work_and_idle_agents_are_read_by_unit_and_scope(
    store: &dyn Store,
) {
    let (by, agents) = people(store, 3).await;
    let binjai = unit(VILLAGE, by);
    let members: Vec<_> = agents[..2].iter().map(|a| member(&binjai, *a)).collect();
    store
        .create_unit(&binjai, &members, &event("unit.create", VILLAGE))
        .await
        .expect("unit");
    let (a, b) = (agents[0], agents[1]);
    let accompanied = ActivityRow {
        accompanied_by: Some(by),
        ..activity(&binjai, a, "outreach", 21, 12)
    };
    for row in [
        activity(&binjai, a, "awareness", 20, 40),
        accompanied.clone(),
    ] {
        store
            .add_activity(&row, &[], &event("activity.record", VILLAGE))
            .await
            .expect("activity");
    }
    let voided = activity(&binjai, b, "awareness", 22, 9);
    store
        .add_activity(&voided, &[], &event("activity.record", VILLAGE))
        .await
        .expect("activity");
    store
        .void_activity(voided.id, &event("activity.void", VILLAGE))
        .await
        .expect("void");

    let work = store.agent_work(a, day(1)).await.expect("work");
    let count = |kind: &str, count, people| KindCount {
        kind: kind.into(),
        count,
        people,
    };
    assert_eq!(
        work.activities,
        [count("awareness", 1, 40), count("outreach", 1, 12)]
    );
    assert_eq!((work.clients, work.follow_ups_done), (0, 0));
    assert_eq!(work.last_activity, Some(day(21)));
    let later = store.agent_work(a, day(21)).await.expect("work");
    assert_eq!(later.activities, [count("outreach", 1, 12)]);
    let none = store.agent_work(b, day(1)).await.expect("work");
    assert!(
        none.activities.is_empty() && none.last_activity.is_none(),
        "voided counts nowhere"
    );
    let listed = store.agent_activities(a, day(21), 10).await.expect("list");
    assert_eq!(listed, [accompanied]);

    let idle = |since| async move {
        let found = store
            .idle_agents(&Scope::Region(code("12.75")), day(since))
            .await
            .expect("idle");
        found.iter().map(|i| i.member.user).collect::<Vec<_>>()
    };
    assert_eq!(idle(20).await, [b], "a was active after the 20th");
    assert_eq!(idle(21).await, [a, b]);
    assert!(idle(7).await.is_empty(), "both joined on the 8th");
    let elsewhere = store
        .idle_agents(&Scope::Region(code("21.71")), day(21))
        .await
        .expect("idle");
    assert!(elsewhere.is_empty());

    let visit = SupervisionVisitRow {
        id: SupervisionVisitId::new(),
        unit: binjai.id,
        village: binjai.village.clone(),
        visited_on: day(23),
        findings: "Leaflet habis.\nDua agen aktif.".into(),
        follow_up: "Kirim leaflet".into(),
        recorded_by: by,
        recorded_at: now(),
    };
    let stored = visit.clone();
    store
        .write(None, move |tx| {
            Box::pin(async move {
                tx.insert_supervision_visit(&stored).await?;
                tx.audit(event("supervision.record", VILLAGE));
                Ok(stored.id)
            })
        })
        .await
        .expect("visit");
    let visits = store
        .supervision_visits(binjai.id, 10)
        .await
        .expect("visits");
    assert_eq!(visits, [visit]);
    let other = unit("12.75.01.2002", by);
    let none = store
        .supervision_visits(other.id, 10)
        .await
        .expect("visits");
    assert!(none.is_empty());
}
