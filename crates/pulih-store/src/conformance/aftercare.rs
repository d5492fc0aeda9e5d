//! Conformance checks for aftercare: facts written together, the follow-ups due and the
//! counts of the outcome figure.

use chrono::NaiveDate;
use pulih_domain::client::FactKind;
use pulih_domain::ids::{ClientId, FactId, OrgId, UserId};
use pulih_domain::region::Scope;

use super::Writes;
use super::clients::{create, fact, new_client, staff};
use super::{code, event};
use crate::{AftercareCounts, ClientFact, ClientReach, Store, StoreError};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

fn aftercare(
    client: ClientId,
    by: UserId,
    kind: FactKind,
    on: NaiveDate,
    refers_to: Option<FactId>,
    status: Option<&str>,
) -> ClientFact {
    ClientFact {
        occurred_on: on,
        refers_to,
        status: status.map(str::to_owned),
        ..fact(client, by, kind, 1)
    }
}

async fn add(store: &dyn Store, facts: Vec<ClientFact>) {
    let with_events: Vec<_> = facts
        .into_iter()
        .map(|f| (f, event("client.record", "21.71")))
        .collect();
    store.add_facts(&with_events).await.expect("facts");
}

/// Facts written together land together, and a fact for an unknown client undoes the
/// others.
pub async fn facts_written_together_are_stored_all_or_none(store: &dyn Store) {
    let (org, a, _) = staff(store).await;
    let client = create(store, &new_client("21.71", org, a, None)).await;
    let plan = aftercare(client.id, a, FactKind::AftercarePlan, day(1, 5), None, None);
    let visit = aftercare(
        client.id,
        a,
        FactKind::FollowUp,
        day(1, 12),
        Some(plan.id),
        Some("well"),
    );
    add(store, vec![plan.clone(), visit.clone()]).await;
    let stray = aftercare(
        ClientId::new(),
        a,
        FactKind::FollowUp,
        day(1, 13),
        None,
        None,
    );
    let late = aftercare(client.id, a, FactKind::FollowUp, day(1, 13), None, None);
    let refused = store
        .add_facts(&[
            (late, event("client.record", "21.71")),
            (stray, event("client.record", "21.71")),
        ])
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    let stored = store.facts(&[client.id], &[]).await.expect("facts");
    let ids: Vec<FactId> = stored.iter().map(|f| f.id).collect();
    assert_eq!(ids, [plan.id, visit.id]);
    assert_eq!(stored[1].status.as_deref(), Some("well"));
}

/// A second plan while one is open is a conflict; once the first has ended, a new one
/// opens; concurrent plans open one.
pub async fn a_client_has_one_open_plan_at_most(store: &dyn Store) {
    let (org, a, _) = staff(store).await;
    let client = create(store, &new_client("21.71", org, a, None)).await;
    let plan = |on| aftercare(client.id, a, FactKind::AftercarePlan, on, None, None);
    let first = plan(day(1, 5));
    let ev = || event("client.record.write", "21.71");
    store.add_plan(&first, &ev()).await.expect("first plan");
    let second = store.add_plan(&plan(day(2, 1)), &ev()).await;
    assert!(matches!(second, Err(StoreError::Conflict)), "{second:?}");
    let end = aftercare(
        client.id,
        a,
        FactKind::AftercareEnd,
        day(3, 1),
        Some(first.id),
        Some("completed"),
    );
    add(store, vec![end]).await;
    let (x, y) = (plan(day(4, 1)), plan(day(4, 2)));
    let (ex, ey) = (ev(), ev());
    let (rx, ry) = futures::join!(store.add_plan(&x, &ex), store.add_plan(&y, &ey));
    assert!(rx.is_ok() != ry.is_ok(), "{rx:?} {ry:?}");
    let missing = store
        .add_plan(
            &aftercare(
                ClientId::new(),
                a,
                FactKind::AftercarePlan,
                day(4, 1),
                None,
                None,
            ),
            &ev(),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let plans = store
        .facts(&[client.id], &[FactKind::AftercarePlan])
        .await
        .expect("facts");
    assert_eq!(plans.len(), 2);
}

/// A plan is due on its own date until a follow-up sets the next; an ended plan, a date
/// past `until` and a client out of reach are not listed.
pub async fn the_pending_visit_of_open_plans_is_listed_by_reach(store: &dyn Store) {
    let (org, a, b) = staff(store).await;
    let mine = create(store, &new_client("21.71.01", org, a, None)).await;
    let theirs = create(store, &new_client("21.71.02", org, b, None)).await;
    let ended = create(store, &new_client("21.71.02", org, b, None)).await;
    let mut plan = aftercare(mine.id, a, FactKind::AftercarePlan, day(1, 5), None, None);
    plan.due_on = Some(day(1, 12));
    let mut first = aftercare(
        mine.id,
        a,
        FactKind::FollowUp,
        day(1, 12),
        Some(plan.id),
        Some("well"),
    );
    first.due_on = Some(day(1, 19));
    let mut other = aftercare(theirs.id, b, FactKind::AftercarePlan, day(1, 1), None, None);
    other.due_on = Some(day(1, 8));
    let mut closed = aftercare(ended.id, b, FactKind::AftercarePlan, day(1, 1), None, None);
    closed.due_on = Some(day(1, 8));
    let end = aftercare(
        ended.id,
        b,
        FactKind::AftercareEnd,
        day(1, 9),
        Some(closed.id),
        Some("dropped_out"),
    );
    add(store, vec![plan, first, other, closed, end]).await;

    let batam = ClientReach::Scope(Scope::Region(code("21.71")));
    let due = store.follow_ups_due(&batam, day(2, 1)).await.expect("due");
    let seen: Vec<_> = due.iter().map(|d| (d.client_id, d.due_on)).collect();
    assert_eq!(seen, [(theirs.id, day(1, 8)), (mine.id, day(1, 19))]);
    assert_eq!(due[1].code, mine.code);
    assert_eq!(due[1].assigned_to, Some(a));
    let soon = store.follow_ups_due(&batam, day(1, 10)).await.expect("due");
    assert_eq!(soon.len(), 1);
    let own = store
        .follow_ups_due(&ClientReach::Assigned(a), day(2, 1))
        .await
        .expect("due");
    assert_eq!(
        own.iter().map(|d| d.client_id).collect::<Vec<_>>(),
        [mine.id]
    );
    let counsellor = ClientReach::OrgOrAssigned(Scope::Region(code("21.71")), OrgId::new(), b);
    assert_eq!(
        store
            .follow_ups_due(&counsellor, day(2, 1))
            .await
            .expect("due")
            .len(),
        1
    );
    let elsewhere = ClientReach::Scope(Scope::Region(code("61.03")));
    assert!(
        store
            .follow_ups_due(&elsewhere, day(2, 1))
            .await
            .expect("due")
            .is_empty()
    );
}

/// The outcome counts clients whose aftercare ended completed in the period, and those
/// of them with a relapse (or a follow-up finding one) referring to the plan that ended.
pub async fn aftercare_counts_take_completed_ends_and_relapses_during_them(store: &dyn Store) {
    let (org, a, _) = staff(store).await;
    let mut facts = Vec::new();
    // (region, end date, end status, relapse: none / event / finding)
    let cases = [
        ("21.71.01", day(3, 1), "completed", 0),
        ("21.71.01", day(3, 2), "completed", 1),
        ("21.71.02", day(3, 3), "completed", 2),
        ("21.71.02", day(3, 4), "dropped_out", 1),
        ("21.71.02", day(5, 1), "completed", 0),
        ("61.03", day(3, 5), "completed", 0),
    ];
    for (region, ended_on, status, relapse) in cases {
        let client = create(store, &new_client(region, org, a, None)).await;
        let plan = aftercare(client.id, a, FactKind::AftercarePlan, day(1, 1), None, None);
        match relapse {
            1 => facts.push(aftercare(
                client.id,
                a,
                FactKind::Relapse,
                day(2, 1),
                Some(plan.id),
                Some("brief_intervention"),
            )),
            2 => facts.push(aftercare(
                client.id,
                a,
                FactKind::FollowUp,
                day(2, 1),
                Some(plan.id),
                Some("relapsed"),
            )),
            _ => {}
        }
        facts.push(aftercare(
            client.id,
            a,
            FactKind::AftercareEnd,
            ended_on,
            Some(plan.id),
            Some(status),
        ));
        facts.push(plan);
    }
    add(store, facts).await;
    let counts = |region: &str, from, to| {
        let region = code(region);
        async move {
            store
                .aftercare_counts(&region, from, to)
                .await
                .expect("counts")
        }
    };
    assert_eq!(
        counts("21.71", day(3, 1), day(3, 31)).await,
        AftercareCounts {
            finished: 3,
            relapsed: 2
        }
    );
    assert_eq!(
        counts("21.71.01", day(3, 1), day(3, 1)).await,
        AftercareCounts {
            finished: 1,
            relapsed: 0
        }
    );
    assert_eq!(
        counts("21", day(1, 1), day(12, 31)).await,
        AftercareCounts {
            finished: 4,
            relapsed: 2
        }
    );
    assert_eq!(
        counts("61", day(3, 1), day(3, 31)).await,
        AftercareCounts {
            finished: 1,
            relapsed: 0
        }
    );
}
