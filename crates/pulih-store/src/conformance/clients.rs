//! Conformance checks for client records, facts, break-glass grants and sealed keys.

use chrono::{Duration, NaiveDate};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, FactId, GrantId, OrgId, UserId};
use pulih_domain::region::Scope;

use super::Writes;
use super::{code, event, now, org, user};
use crate::{
    ClientFact, ClientFilter, ClientReach, ClientRow, Grant, GrantReview, NewClient, SealedKey,
    Store, StoreError,
};

/// An organisation with two workers, stored.
pub(super) async fn staff(store: &dyn Store) -> (OrgId, UserId, UserId) {
    let o = org("BNNK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("org");
    let a = user("worker-a", &o, Scope::Region(code("21.71")));
    let b = user("worker-b", &o, Scope::Region(code("21.71")));
    for u in [&a, &b] {
        store
            .create_user(u, &event("user.create", "21.71"))
            .await
            .expect("user");
    }
    (o.id, a.id, b.id)
}

fn sealed(key_id: &str, byte: u8) -> SealedKey {
    SealedKey {
        key_id: key_id.into(),
        bytes: vec![byte; 40],
    }
}

pub(super) fn new_client(
    region: &str,
    org: OrgId,
    by: UserId,
    nik_hash: Option<&str>,
) -> NewClient {
    NewClient {
        id: ClientId::new(),
        region: code(region),
        org_id: org,
        assigned_to: Some(by),
        nik_hash: nik_hash.map(str::to_owned),
        name_hash: None,
        name_birth_hash: None,
        identity: vec![7; 32],
        key: sealed("k1", 1),
        created_by: by,
        created_at: now(),
    }
}

pub(super) async fn create(store: &dyn Store, client: &NewClient) -> ClientRow {
    let region = client.region.to_string();
    store
        .create_client(client, &event("client.create", &region))
        .await
        .expect("client")
}

pub(super) fn fact(client: ClientId, by: UserId, kind: FactKind, day: u32) -> ClientFact {
    ClientFact {
        id: FactId::new(),
        client_id: client,
        kind,
        occurred_on: NaiveDate::from_ymd_opt(2026, 11, day).expect("date"),
        due_on: None,
        status: Some("advice".into()),
        refers_to: None,
        detail: "{}".into(),
        sealed: Some(vec![9; 24]),
        recorded_by: by,
        recorded_at: now(),
    }
}

/// Codes are drawn at random (no regency, no sequence) and unique; a NIK hash may be held
/// by several clients, found oldest first; a refused registration leaves nothing behind.
pub async fn client_codes_are_random_and_unique_and_a_nik_finds_every_client_holding_it(
    store: &dyn Store,
) {
    let (org, a, _) = staff(store).await;
    let first = create(store, &new_client("21.71", org, a, Some("h1"))).await;
    let second = create(store, &new_client("21.71.01.1001", org, a, None)).await;
    let other = create(store, &new_client("12.75", org, a, Some("h1"))).await;
    let codes = [&first.code, &second.code, &other.code];
    for code in codes {
        assert_eq!(ClientCode::parse(code.as_str()).as_ref(), Ok(code));
        assert!(!code.as_str().starts_with("2171"), "{code}");
    }
    assert!(codes[0] != codes[1] && codes[1] != codes[2] && codes[0] != codes[2]);
    let orphan = new_client("21.71", OrgId::new(), a, Some("h2"));
    let refused = store
        .create_client(&orphan, &event("client.create", "21.71"))
        .await;
    assert!(
        matches!(refused, Err(StoreError::MissingReference(_))),
        "{refused:?}"
    );
    assert!(store.client(orphan.id).await.expect("read").is_none());
    let third = create(store, &new_client("21.71", org, a, Some("h2"))).await;
    assert!(!codes.contains(&&third.code));
    let found: Vec<ClientId> = store
        .clients_by_nik_hash("h1")
        .await
        .expect("read")
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(found, [first.id, other.id]);
    let by_code = store.client_by_code(&second.code).await;
    assert_eq!(by_code.expect("read").expect("found").id, second.id);
    assert_eq!(first.key, Some(sealed("k1", 1)));
    assert_eq!(first.identity, Some(vec![7; 32]));
}

/// Lists follow the role's reach, add clients under a live grant, and page newest first.
pub async fn client_lists_follow_reach_assignment_and_live_grants(store: &dyn Store) {
    let (org, a, b) = staff(store).await;
    let mine = create(store, &new_client("21.71.01.1001", org, a, None)).await;
    let theirs = create(store, &new_client("21.71.02", org, b, None)).await;
    let sanggau = super::org("BNNK Sanggau", Scope::Region(code("61.03")));
    store
        .create_org(&sanggau, &event("org.create", "61.03"))
        .await
        .expect("org");
    let far = create(store, &new_client("61.03", sanggau.id, b, None)).await;
    let ids = |rows: Vec<ClientRow>| rows.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let list = |reach, granted| ClientFilter {
        reach,
        granted,
        before: None,
        limit: 50,
    };

    let batam = Scope::Region(code("21.71"));
    let all = store
        .list_clients(&list(ClientReach::Scope(batam.clone()), None))
        .await;
    assert_eq!(ids(all.expect("list")), [theirs.id, mine.id]);
    let assigned = store
        .list_clients(&list(ClientReach::Assigned(a), None))
        .await;
    assert_eq!(ids(assigned.expect("list")), [mine.id]);
    let counsellor = ClientReach::OrgOrAssigned(batam.clone(), OrgId::new(), a);
    assert_eq!(
        ids(store
            .list_clients(&list(counsellor, None))
            .await
            .expect("list")),
        [mine.id]
    );
    let national = store
        .list_clients(&list(ClientReach::Scope(Scope::National), None))
        .await;
    assert_eq!(ids(national.expect("list")), [far.id, theirs.id, mine.id]);

    let grant = Grant {
        id: GrantId::new(),
        client_id: far.id,
        client_code: far.code.clone(),
        region: far.region.clone(),
        user_id: a,
        user_scope: batam.clone(),
        reason: Some(vec![3; 20]),
        granted_at: now(),
        expires_at: now() + Duration::hours(3),
        review: None,
    };
    store
        .create_grant(&grant, &event("client.break_glass", "61.03"))
        .await
        .expect("grant");
    let live = list(ClientReach::Assigned(a), Some((a, now())));
    assert_eq!(
        ids(store.list_clients(&live).await.expect("list")),
        [far.id, mine.id]
    );
    let later = list(
        ClientReach::Assigned(a),
        Some((a, now() + Duration::hours(4))),
    );
    assert_eq!(
        ids(store.list_clients(&later).await.expect("list")),
        [mine.id]
    );
    let paged = ClientFilter {
        before: Some(theirs.id),
        ..list(ClientReach::Scope(batam), None)
    };
    assert_eq!(
        ids(store.list_clients(&paged).await.expect("list")),
        [mine.id]
    );

    let found = store
        .live_grant(far.id, a, now())
        .await
        .expect("read")
        .expect("live");
    assert_eq!(found.client_code, far.code);
    assert!(
        store
            .live_grant(far.id, b, now())
            .await
            .expect("read")
            .is_none()
    );
}

/// Facts come back in date order; each write extends the audit chain and change feed.
pub async fn client_facts_are_appended_in_date_order(store: &dyn Store) {
    let (org, a, _) = staff(store).await;
    let client = create(store, &new_client("21.71", org, a, None)).await;
    let later = fact(client.id, a, FactKind::Assist, 20);
    let mut earlier = fact(client.id, a, FactKind::Consent, 2);
    earlier.due_on = NaiveDate::from_ymd_opt(2027, 11, 2);
    for f in [&later, &earlier] {
        store
            .add_fact(f, &event("client.fact", "21.71"))
            .await
            .expect("fact");
    }
    assert_eq!(
        store.facts(&[client.id], &[]).await.expect("facts"),
        [earlier.clone(), later.clone()]
    );
    let other = create(store, &new_client("21.71", org, a, None)).await;
    let theirs = fact(other.id, a, FactKind::Consent, 1);
    store
        .add_fact(&theirs, &event("client.fact", "21.71"))
        .await
        .expect("fact");
    let consents = store
        .facts(&[client.id, other.id], &[FactKind::Consent])
        .await
        .expect("facts");
    let mut expected = vec![earlier.clone(), theirs];
    expected.sort_by_key(|f| f.client_id);
    assert_eq!(consents, expected);
    assert!(store.facts(&[], &[]).await.expect("facts").is_empty());
    let feed = store
        .changes_after(&Scope::Region(code("21.71")), 0, 100)
        .await
        .expect("feed");
    assert!(
        feed.iter()
            .any(|c| c.entity == "client_fact" && c.entity_id == later.id.to_string())
    );
    let orphan = fact(ClientId::new(), a, FactKind::Barc10, 3);
    let refused = store
        .add_fact(&orphan, &event("client.fact", "21.71"))
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
}

/// Assigning names the version it was based on; a stale one changes nothing.
pub async fn assigning_a_client_from_a_stale_version_is_a_conflict(store: &dyn Store) {
    let (org, a, b) = staff(store).await;
    let client = create(store, &new_client("21.71", org, a, None)).await;
    let moved = store
        .assign_client(
            client.id,
            client.version,
            Some(b),
            &event("client.assign", "21.71"),
        )
        .await
        .expect("assign");
    assert_eq!(
        (moved.assigned_to, moved.version),
        (Some(b), client.version + 1)
    );
    let stale = store
        .assign_client(
            client.id,
            client.version,
            None,
            &event("client.assign", "21.71"),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    let missing = store
        .assign_client(ClientId::new(), 1, None, &event("x", "21.71"))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

/// Erasure destroys the key, every sealed blob and the plain details of facts, frees the
/// NIK hash, keeps the rows counts are made of (kind and date), and refuses new facts
/// and grants.
pub async fn erasing_a_client_destroys_its_key_and_sealed_data(store: &dyn Store) {
    let (org, a, _) = staff(store).await;
    let mut named = new_client("21.71", org, a, Some("erase-me"));
    named.name_hash = Some("name-erase-me".into());
    named.name_birth_hash = Some("name-birth-erase-me".into());
    let client = create(store, &named).await;
    let found = store
        .clients_by_name_birth_hash("name-birth-erase-me")
        .await
        .expect("read");
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), [client.id]);
    let mut due = fact(client.id, a, FactKind::Assist, 5);
    due.due_on = NaiveDate::from_ymd_opt(2026, 12, 1);
    store
        .add_fact(&due, &event("client.fact", "21.71"))
        .await
        .expect("fact");
    let erased = store
        .erase_client(client.id, &event("client.erase", "21.71"))
        .await
        .expect("erase");
    assert_eq!((erased.identity.clone(), erased.key.clone()), (None, None));
    assert!(erased.erased_at.is_some());
    assert_eq!(erased.code, client.code);
    let facts = store.facts(&[client.id], &[]).await.expect("facts");
    assert_eq!(facts.len(), 1);
    let erased = &facts[0];
    assert_eq!(
        (erased.sealed.clone(), erased.status.clone(), erased.due_on),
        (None, None, None)
    );
    assert_eq!(
        (erased.kind, erased.detail.as_str()),
        (FactKind::Assist, "{}")
    );
    assert!(
        store
            .clients_by_nik_hash("erase-me")
            .await
            .expect("read")
            .is_empty()
    );
    assert!(
        store
            .clients_by_name_birth_hash("name-birth-erase-me")
            .await
            .expect("read")
            .is_empty(),
        "the name's hashes go with the erasure"
    );
    let again = store
        .erase_client(client.id, &event("client.erase", "21.71"))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
    let late = store
        .add_fact(
            &fact(client.id, a, FactKind::Barc10, 6),
            &event("f", "21.71"),
        )
        .await;
    assert!(matches!(late, Err(StoreError::NotFound)), "{late:?}");
    let grant = Grant {
        id: GrantId::new(),
        client_id: client.id,
        client_code: client.code.clone(),
        region: client.region.clone(),
        user_id: a,
        user_scope: Scope::National,
        reason: None,
        granted_at: now(),
        expires_at: now() + Duration::hours(3),
        review: None,
    };
    let refused = store
        .create_grant(&grant, &event("client.break_glass", "21.71"))
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert!(
        store
            .keys_not_under("none", 10)
            .await
            .expect("keys")
            .is_empty()
    );
}

/// A grant is reviewed once; administrators of the client's region or of the user's
/// scope see it.
pub async fn a_break_glass_grant_is_reviewed_once(store: &dyn Store) {
    let (org, a, b) = staff(store).await;
    let client = create(store, &new_client("21.71.01", org, b, None)).await;
    let grant = Grant {
        id: GrantId::new(),
        client_id: client.id,
        client_code: client.code.clone(),
        region: client.region.clone(),
        user_id: a,
        user_scope: Scope::Region(code("12.75")),
        reason: Some(vec![1; 30]),
        granted_at: now(),
        expires_at: now() + Duration::hours(3),
        review: None,
    };
    store
        .create_grant(&grant, &event("client.break_glass", "21.71"))
        .await
        .expect("grant");
    for scope in ["21.71", "12.75", "ID"] {
        let seen = store
            .grants(&Scope::parse(scope).expect("scope"), true)
            .await
            .expect("grants");
        assert_eq!(seen.len(), 1, "{scope}");
        assert_eq!(seen[0].review, None);
    }
    assert!(
        store
            .grants(&Scope::Region(code("61.03")), false)
            .await
            .expect("grants")
            .is_empty()
    );
    let review = GrantReview {
        reviewer: b,
        at: now(),
        outcome: "signed_off".into(),
        note: None,
    };
    let done = store
        .review_grant(grant.id, &review, &event("grant.review", "21.71"))
        .await;
    assert_eq!(done.expect("review").review, Some(review.clone()));
    let read = store.grant(grant.id).await.expect("read").expect("found");
    assert_eq!(read.review, Some(review.clone()));
    assert!(store.grant(GrantId::new()).await.expect("read").is_none());
    let twice = store
        .review_grant(grant.id, &review, &event("grant.review", "21.71"))
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict)), "{twice:?}");
    assert!(
        store
            .grants(&Scope::National, true)
            .await
            .expect("grants")
            .is_empty()
    );
    assert_eq!(
        store
            .grants(&Scope::National, false)
            .await
            .expect("grants")
            .len(),
        1
    );
    let missing = store
        .review_grant(GrantId::new(), &review, &event("grant.review", "ID"))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

/// A server key is stored once; rewrapping replaces only keys still under the id read.
pub async fn sealed_keys_are_initialised_once_and_rewrapped_from_the_version_read(
    store: &dyn Store,
) {
    let first = store
        .init_server_key("nik_index", &sealed("k1", 5))
        .await
        .expect("init");
    let second = store
        .init_server_key("nik_index", &sealed("k2", 6))
        .await
        .expect("init");
    assert_eq!((first.clone(), second), (sealed("k1", 5), sealed("k1", 5)));
    assert_eq!(
        store.server_key("nik_index").await.expect("read"),
        Some(first)
    );
    assert_eq!(store.server_key("other").await.expect("read"), None);

    let (org, a, _) = staff(store).await;
    let client = create(store, &new_client("21.71", org, a, None)).await;
    let old = store.keys_not_under("k2", 10).await.expect("keys");
    assert_eq!(old, [(client.id, sealed("k1", 1))]);
    let replaced = store
        .rewrap_keys(
            &[(client.id, "k1".into(), sealed("k2", 2))],
            &[("nik_index".into(), "k1".into(), sealed("k2", 7))],
        )
        .await
        .expect("rewrap");
    assert_eq!(replaced, 2);
    let stale = store
        .rewrap_keys(&[(client.id, "k1".into(), sealed("k3", 3))], &[])
        .await
        .expect("rewrap");
    assert_eq!(stale, 0);
    assert!(
        store
            .keys_not_under("k2", 10)
            .await
            .expect("keys")
            .is_empty()
    );
    let reread = store.client(client.id).await.expect("read").expect("found");
    assert_eq!(reread.key, Some(sealed("k2", 2)));
    assert_eq!(
        store.server_key("nik_index").await.expect("read"),
        Some(sealed("k2", 7))
    );
}

/// Registrations at once in one regency get distinct codes; those refused (an
/// organisation that does not exist) leave no client behind.
pub async fn concurrent_registrations_in_one_regency_get_distinct_codes(store: &dyn Store) {
    let (org, worker, _) = staff(store).await;
    let registrations = (0..30).map(|n| {
        let of = if n % 2 == 0 { org } else { OrgId::new() };
        let client = new_client("21.71.05", of, worker, None);
        async move {
            store
                .create_client(&client, &event("client.create", "21.71"))
                .await
        }
    });
    let mut codes = Vec::new();
    for registered in futures::future::join_all(registrations).await {
        match registered {
            Ok(client) => codes.push(client.code.to_string()),
            Err(StoreError::MissingReference(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 15, "{codes:?}");
}
