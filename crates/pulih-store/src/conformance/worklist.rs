//! Conformance checks for the worklist's reads across many clients: due facts with their
//! clients, and caseloads counted in the database.

use chrono::{NaiveDate, TimeZone, Utc};
use pulih_domain::client::FactKind;
use pulih_domain::region::Scope;

use super::Writes;
use super::clients::{create, fact, new_client, staff};
use super::{code, event};
use crate::{CaseloadCount, ClientFilter, ClientReach, DueFact, Store};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
}

fn scope(region: &str) -> ClientFilter {
    ClientFilter {
        reach: ClientReach::Scope(Scope::Region(code(region))),
        granted: None,
        before: None,
        limit: 0,
    }
}

/// A due fact comes with its client's code and worker while nothing answers it and the
/// client is not erased; a client's last contact is its latest fact's date whatever the
/// order they were recorded in; caseloads count each worker's clients (and nobody's) and
/// those last heard of on or before the day asked: by their latest fact, else their
/// registration.
pub async fn due_facts_and_caseloads_are_read_across_a_scope(store: &dyn Store) {
    let (org, a, b) = staff(store).await;
    let registered = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 23, 0, 0).single();
    let quiet = create(store, &new_client("21.71.01", org, a, None)).await;
    let heard = create(store, &new_client("21.71.02", org, a, None)).await;
    let mut fresh = new_client("21.71", org, b, None);
    fresh.created_at = registered(15).expect("time");
    let fresh = create(store, &fresh).await;
    let mut nobody = new_client("21.71", org, a, None);
    (nobody.assigned_to, nobody.created_at) = (None, registered(2).expect("time"));
    create(store, &nobody).await;
    let gone = create(store, &new_client("21.71", org, b, None)).await;
    let far = create(store, &new_client("21.72", org, a, None)).await;

    let episode = |client, d: u32, due: u32| {
        let mut f = fact(client, a, FactKind::Episode, d);
        f.due_on = Some(day(due));
        f
    };
    let waiting = episode(quiet.id, 1, 7);
    let answered = episode(heard.id, 20, 26);
    let mut assessed = fact(heard.id, a, FactKind::TatAssessment, 21);
    assessed.refers_to = Some(answered.id);
    for f in [
        &waiting,
        &answered,
        &assessed,
        &episode(gone.id, 3, 9),
        &episode(far.id, 1, 7),
        &fact(heard.id, a, FactKind::Assist, 5),
    ] {
        store
            .add_fact(f, &event("client.fact", "21.71"))
            .await
            .expect("fact");
    }
    store
        .erase_client(gone.id, &event("client.erase", "21.71"))
        .await
        .expect("erase");

    let due = store
        .due_facts(&scope("21.71"), &[FactKind::Episode], day(30))
        .await
        .expect("due");
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(
        due[0],
        DueFact {
            client_id: quiet.id,
            code: quiet.code.clone(),
            assigned_to: Some(a),
            kind: FactKind::Episode,
            due_on: day(7),
        }
    );

    let contacts = store
        .client_contacts(&scope("21.71"))
        .await
        .expect("contacts");
    let last = |id| {
        contacts
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.last_fact_on)
    };
    assert_eq!(
        (last(heard.id), last(quiet.id), last(fresh.id)),
        (Some(day(21)), Some(day(1)), None),
        "the latest date, whatever the order of recording"
    );

    let mut counts = store
        .caseload_counts(&scope("21.71"), day(10))
        .await
        .expect("caseloads");
    counts.sort();
    let count = |worker, clients, no_contact| CaseloadCount {
        worker,
        clients,
        no_contact,
    };
    let mut expected = vec![
        count(None, 1, 1),
        count(Some(a), 2, 1),
        count(Some(b), 1, 0),
    ];
    expected.sort();
    assert_eq!(
        counts, expected,
        "fresh {} was registered after",
        fresh.code
    );
    assert!(
        store
            .caseload_counts(&scope("61.03"), day(10))
            .await
            .expect("caseloads")
            .is_empty()
    );
}
