//! What is PostgreSQL's own: the append-only trigger, importing the whole region tree and
//! client codes under concurrent registrations (SQLite has one writer, so it cannot race).
//! (Concurrent writers of the audit chain are in the shared conformance suite.)

use std::time::Instant;

use chrono::{DateTime, Utc};
use pulih_domain::account::Role;
use pulih_domain::audit::{AuditEvent, ChainVerifier};
use pulih_domain::ids::{ClientId, OrgId, UserId};
use pulih_domain::org::OrgType;
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::region_import::ImportPlan;
use pulih_store::{ClientStore, NewClient, Organisation, SealedKey, Store, StoreError, User};
use pulih_store_postgres::testing::fresh_database;
use sqlx::{Connection, Executor, PgConnection};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).expect("valid time")
}

fn event(action: &str, region: &str) -> AuditEvent {
    AuditEvent {
        at: now(),
        actor: None,
        action: action.into(),
        record_type: "test".into(),
        record_id: None,
        region: region.into(),
        ip: None,
        detail: "{}".into(),
    }
}

fn org(n: usize) -> Organisation {
    Organisation {
        id: OrgId::new(),
        name: format!("Org {n}"),
        org_type: OrgType::Bnn,
        place: Scope::Region(RegionCode::parse("21.71").expect("valid code")),
        version: 1,
        created_at: now(),
    }
}

async fn verify_chain(store: &dyn Store) -> Result<i64, String> {
    let mut verifier = ChainVerifier::default();
    for entry in store.audit_range(0, 10_000).await.expect("audit") {
        verifier
            .check(&entry)
            .map_err(|b| format!("{} at {}", b.reason, b.seq))?;
    }
    Ok(verifier.checked())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_can_only_be_altered_after_disabling_its_trigger() {
    let Some((store, db)) = fresh_database().await else {
        return;
    };
    store
        .create_org(&org(1), &event("org.create", "21.71"))
        .await
        .expect("create");
    store
        .append_audit(&event("org.read", "21.71"))
        .await
        .expect("append");
    let mut conn = PgConnection::connect_with(&db.options())
        .await
        .expect("connect");
    for tamper in [
        "update audit_log set detail = '{\"x\":1}' where seq = 1",
        "delete from audit_log where seq = 2",
        "truncate audit_log",
    ] {
        let refused = conn.execute(tamper).await.expect_err(tamper);
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    conn.execute("alter table audit_log disable trigger user")
        .await
        .expect("disable");
    conn.execute("update audit_log set detail = '{\"x\":1}' where seq = 1")
        .await
        .expect("tamper");
    conn.close().await.expect("close");
    assert_eq!(verify_chain(&store).await, Err("altered at 1".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_region_tree_imports_and_reimports_quickly() {
    let Some((store, _db)) = fresh_database().await else {
        return;
    };
    let regions = pulih_regions::embedded().expect("embedded regions");
    let total = regions.len();
    let started = Instant::now();
    let plan = ImportPlan::new(
        regions.clone(),
        &store.stored_regions().await.expect("read"),
    );
    let summary = store
        .apply_region_import(&plan, "embedded", &event("regions.import", "ID"))
        .await
        .expect("import");
    let first = started.elapsed();
    assert_eq!(summary.added, total);
    let counts = store.region_counts().await.expect("counts");
    assert_eq!(
        counts.iter().sum::<i64>(),
        i64::try_from(total).expect("fits")
    );
    let provinces = store.region_children(None).await.expect("provinces");
    let regencies: i64 = provinces.iter().map(|p| p.children_count).sum();
    assert_eq!(regencies, counts[1]);

    let started = Instant::now();
    let plan = ImportPlan::new(regions, &store.stored_regions().await.expect("read"));
    let again = store
        .apply_region_import(&plan, "embedded", &event("regions.import", "ID"))
        .await
        .expect("re-import");
    assert_eq!(again.unchanged, total);
    eprintln!(
        "{total} regions: first import {first:?}, re-import {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_in_one_regency_get_consecutive_codes() {
    let Some((store, _db)) = fresh_database().await else {
        return;
    };
    let o = org(1);
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("org");
    let worker = User {
        id: UserId::new(),
        username: "worker".into(),
        display_name: "Worker".into(),
        role: Role::Coordinator,
        org_id: o.id,
        scope: o.place.clone(),
        password_hash: "$argon2id$placeholder".into(),
        disabled: false,
        must_change_password: false,
        version: 1,
        created_at: now(),
    };
    store
        .create_user(&worker, &event("user.create", "21.71"))
        .await
        .expect("user");
    // Every other registration reuses a NIK hash and is refused: its number must go back.
    let tasks: Vec<_> = (0..30)
        .map(|n| {
            let store = store.clone();
            let client = NewClient {
                id: ClientId::new(),
                region: RegionCode::parse("21.71.05").expect("valid code"),
                org_id: o.id,
                assigned_to: None,
                nik_hash: Some(format!("nik-{}", n / 2)),
                identity: vec![1; 16],
                key: SealedKey {
                    key_id: "k1".into(),
                    bytes: vec![2; 40],
                },
                created_by: worker.id,
                created_at: now(),
            };
            tokio::spawn(async move {
                store
                    .create_client(&client, &event("client.create", "21.71"))
                    .await
            })
        })
        .collect();
    let mut codes = Vec::new();
    for task in tasks {
        match task.await.expect("task") {
            Ok(client) => codes.push(client.code.to_string()),
            Err(StoreError::Duplicate("nik")) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    codes.sort();
    let expected: Vec<_> = (1..=15).map(|n| format!("2171-{n:05}")).collect();
    assert_eq!(codes, expected);
    assert_eq!(verify_chain(&store).await, Ok(17));
}
