//! Conformance checks for reading facts across the clients a worker reaches, and the
//! one retention check per month of a placement.

use chrono::NaiveDate;
use pulih_domain::client::FactKind;
use pulih_domain::ids::UserId;
use pulih_domain::region::Scope;

use super::Writes;
use super::clients::{create, fact, new_client, staff};
use super::{code, event};
use crate::{ClientReach, Store, StoreError};

/// Facts of the asked kinds come back for the clients inside the reach only, with each
/// client's code and region; a second check of one month of one placement is refused and
/// stores nothing.
pub async fn facts_are_read_across_a_reach_and_a_month_is_checked_once(store: &dyn Store) {
    let (org, a, b) = staff(store).await;
    let mine = create(store, &new_client("21.71.01.1002", org, a, None)).await;
    let theirs = create(store, &new_client("21.71", org, b, None)).await;
    let far = create(store, &new_client("21.72", org, a, None)).await;
    let placed = fact(mine.id, a, FactKind::Placement, 1);
    let mut check = fact(mine.id, a, FactKind::RetentionCheck, 20);
    check.refers_to = Some(placed.id);
    check.due_on = NaiveDate::from_ymd_opt(2027, 2, 1);
    let others = [
        fact(mine.id, a, FactKind::Assist, 2),
        fact(theirs.id, b, FactKind::Placement, 3),
        fact(far.id, a, FactKind::Placement, 4),
    ];
    for f in [&placed, &check].into_iter().chain(&others) {
        store
            .add_fact(f, &event("client.fact", "21.71"))
            .await
            .expect("fact");
    }
    let kinds = [FactKind::Placement, FactKind::RetentionCheck];
    let batam = ClientReach::Scope(Scope::Region(code("21.71")));
    let found = store.facts_in_reach(&batam, &kinds).await.expect("facts");
    let ids: Vec<_> = found.iter().map(|f| f.fact.id).collect();
    let mut expected = [
        (mine.id, placed.id),
        (mine.id, check.id),
        (theirs.id, others[1].id),
    ];
    expected.sort_by_key(|(client, _)| *client);
    assert_eq!(ids, expected.iter().map(|(_, f)| *f).collect::<Vec<_>>());
    let first = found.iter().find(|f| f.fact.id == check.id).expect("check");
    assert_eq!(
        (&first.code, &first.region, first.erased, &first.fact),
        (&mine.code, &mine.region, false, &check)
    );
    let assigned = store
        .facts_in_reach(&ClientReach::Assigned(a), &kinds)
        .await
        .expect("facts");
    assert_eq!(assigned.len(), 3, "mine twice and the one far away");
    let counsellor = ClientReach::OrgOrAssigned(Scope::Region(code("21.71")), org, UserId::new());
    assert_eq!(
        store
            .facts_in_reach(&counsellor, &kinds)
            .await
            .expect("facts")
            .len(),
        3
    );
    assert!(
        store
            .facts_in_reach(&batam, &[])
            .await
            .expect("facts")
            .is_empty()
    );

    let mut again = fact(mine.id, b, FactKind::RetentionCheck, 21);
    again.refers_to = check.refers_to;
    again.due_on = check.due_on;
    let refused = store.add_fact(&again, &event("client.fact", "21.71")).await;
    assert!(
        matches!(refused, Err(StoreError::Duplicate("retention_check"))),
        "{refused:?}"
    );
    let mut next = again.clone();
    next.id = pulih_domain::ids::FactId::new();
    next.due_on = NaiveDate::from_ymd_opt(2027, 5, 1);
    store
        .add_fact(&next, &event("client.fact", "21.71"))
        .await
        .expect("another month");
    let mine_now = store
        .facts(&[mine.id], &[FactKind::RetentionCheck])
        .await
        .expect("facts");
    assert_eq!(
        mine_now.iter().map(|f| f.id).collect::<Vec<_>>(),
        [check.id, next.id]
    );
}
