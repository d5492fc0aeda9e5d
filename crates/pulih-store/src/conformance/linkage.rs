//! Conformance checks for hand-offs and the re-arrest linkage counted from them.

use chrono::NaiveDate;
use pulih_domain::client::FactKind;
use pulih_domain::handoff::HandoffKind;
use pulih_domain::ids::{ClientId, FactId, HandoffId, OrgId, UserId};
use pulih_domain::region::Scope;

use super::Writes;
use super::{code, event, now, org, user};
use crate::{
    ClientFact, Handoff, KindCounts, LinkageCounts, LinkageQuery, NewClient, SealedKey, Store,
};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn handoff(
    org: OrgId,
    by: UserId,
    kind: HandoffKind,
    hash: &str,
    on: &str,
    region: &str,
) -> Handoff {
    Handoff {
        id: HandoffId::new(),
        kind,
        occurred_on: day(on),
        region: code(region),
        org,
        recorded_by: by,
        recorded_at: now(),
        nik_hash: hash.into(),
    }
}

/// A client with a NIK hash, an episode opened on `episode` and, if given, aftercare
/// ended on `aftercare_end`, stored directly.
async fn client(
    store: &dyn Store,
    org: OrgId,
    by: UserId,
    hash: &str,
    episode: &str,
    aftercare_end: Option<&str>,
) -> ClientId {
    let id = ClientId::new();
    let new = NewClient {
        id,
        region: code("21.71"),
        org_id: org,
        assigned_to: None,
        nik_hash: Some(hash.into()),
        name_hash: None,
        name_birth_hash: None,
        identity: vec![7; 32],
        key: SealedKey {
            key_id: "k1".into(),
            bytes: vec![1; 40],
        },
        created_by: by,
        created_at: now(),
    };
    store
        .create_client(&new, &event("client.create", "21.71"))
        .await
        .expect("client");
    let facts = [
        (FactKind::Episode, Some(episode)),
        (FactKind::AftercareEnd, aftercare_end),
    ];
    for (kind, on) in facts {
        let Some(on) = on else { continue };
        let fact = ClientFact {
            id: FactId::new(),
            client_id: id,
            kind,
            occurred_on: day(on),
            due_on: None,
            status: None,
            refers_to: None,
            detail: "{}".into(),
            sealed: Some(vec![9; 24]),
            recorded_by: by,
            recorded_at: now(),
        };
        store
            .add_fact(&fact, &event("client.fact", "21.71"))
            .await
            .expect("fact");
    }
    id
}

fn counts(arrest: (i64, i64), tat: (i64, i64), lapas: (i64, i64), again: i64) -> LinkageCounts {
    let kind = |kind, (recorded, matched)| KindCounts {
        kind,
        recorded,
        matched,
    };
    LinkageCounts {
        kinds: vec![
            kind(HandoffKind::Arrest, arrest),
            kind(HandoffKind::TatAssessment, tat),
            kind(HandoffKind::LapasRelease, lapas),
        ],
        rearrested_after_aftercare: again,
    }
}

/// Hand-offs match clients by NIK hash at query time (clients registered after the
/// hand-off included) when an episode was opened before the hand-off; arrests within
/// twelve months after aftercare ended count once per client; erased clients never match;
/// only hand-offs of the region and period are counted.
pub async fn hand_offs_are_linked_to_past_clients_only_as_counts(store: &dyn Store) {
    let police = org("Polresta Barelang", Scope::Region(code("21.71")));
    let other = org("Polres Sanggau", Scope::Region(code("61.03")));
    for o in [&police, &other] {
        store
            .create_org(o, &event("org.create", "21"))
            .await
            .expect("org");
    }
    let liaison = user("liaison", &police, Scope::Region(code("21.71")));
    store
        .create_user(&liaison, &event("user.create", "21.71"))
        .await
        .expect("user");
    let h = |kind, hash, on, region| handoff(police.id, liaison.id, kind, hash, on, region);
    use HandoffKind::{Arrest, LapasRelease, TatAssessment};
    let batch = [
        h(Arrest, "ha", "2025-09-01", "21.71"),
        h(Arrest, "ha", "2025-10-01", "21.71"),
        h(TatAssessment, "ha", "2025-09-05", "21.71"),
        h(Arrest, "hb", "2025-02-01", "21.71"),
        h(Arrest, "hc", "2025-03-01", "21.71"),
        h(Arrest, "hd", "2025-02-28", "21.71"),
        h(Arrest, "he", "2025-05-01", "21.71"),
        h(LapasRelease, "hz", "2025-04-01", "21.71"),
        h(Arrest, "ha", "2024-12-31", "21.71"),
    ];
    store
        .add_handoffs(&batch, &event("handoff.record", "21.71"))
        .await
        .expect("hand-offs");
    let sanggau = handoff(other.id, liaison.id, Arrest, "ha", "2025-09-01", "61.03");
    store
        .add_handoffs(
            std::slice::from_ref(&sanggau),
            &event("handoff.record", "61.03"),
        )
        .await
        .expect("hand-off");

    let by = liaison.id;
    client(store, police.id, by, "ha", "2025-01-10", Some("2025-06-30")).await;
    client(store, police.id, by, "hb", "2025-03-01", None).await;
    // aftercare ended on 29 February: twelve months later is 28 February
    client(store, police.id, by, "hc", "2023-05-01", Some("2024-02-29")).await;
    client(store, police.id, by, "hd", "2023-01-01", Some("2024-02-29")).await;
    let erased = client(store, police.id, by, "he", "2025-01-01", Some("2025-03-01")).await;

    let query = |region: &str, from: &str, to: &str| LinkageQuery {
        place: Scope::parse(region).expect("scope"),
        from: day(from),
        to: day(to),
    };
    let year = query("21.71", "2025-01-01", "2025-12-31");
    let found = store.linkage_counts(&year).await.expect("counts");
    assert_eq!(found, counts((6, 5), (1, 1), (1, 0), 3));
    store
        .erase_client(erased, &event("client.erase", "21.71"))
        .await
        .expect("erase");
    let found = store.linkage_counts(&year).await.expect("counts");
    assert_eq!(
        found,
        counts((6, 4), (1, 1), (1, 0), 2),
        "erased clients never match"
    );
    let province = store
        .linkage_counts(&query("21", "2025-01-01", "2025-12-31"))
        .await;
    assert_eq!(province.expect("counts"), found);
    let nation = store
        .linkage_counts(&query("ID", "2025-01-01", "2025-12-31"))
        .await;
    assert_eq!(
        nation.expect("counts"),
        counts((7, 5), (1, 1), (1, 0), 2),
        "the nation counts every region's, a client once"
    );
    let sanggau = store
        .linkage_counts(&query("61.03", "2025-01-01", "2025-12-31"))
        .await;
    assert_eq!(sanggau.expect("counts"), counts((1, 1), (0, 0), (0, 0), 1));
    let last_day = store
        .linkage_counts(&query("21.71", "2024-12-31", "2024-12-31"))
        .await;
    assert_eq!(last_day.expect("counts"), counts((1, 0), (0, 0), (0, 0), 0));

    let listed = store.org_handoffs(police.id, 5).await.expect("list");
    assert_eq!(listed.len(), 5);
    assert_eq!(listed[0].id, batch[8].id, "newest first");
    let theirs = store.org_handoffs(other.id, 50).await.expect("list");
    assert_eq!(
        theirs
            .iter()
            .map(|e| (e.kind, e.region.as_str()))
            .collect::<Vec<_>>(),
        [(Arrest, "61.03")]
    );
}
