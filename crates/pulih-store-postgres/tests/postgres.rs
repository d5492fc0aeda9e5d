//! What is PostgreSQL's own: the append-only trigger and what it takes to get past it.
//! (Concurrency is in the shared conformance suite, which runs here too.)
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use chrono::{DateTime, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::OrgId;
use pulih_domain::org::OrgType;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::conformance::Writes;
use pulih_store::{Organisation, Store};
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
    let head = store.audit_head().await.expect("head");
    let mut verifier = pulih_store::conformance::verifier(&head);
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
    let store: &dyn Store = &store;
    store
        .set_chain_key(pulih_store::conformance::CHAIN_KEY.clone())
        .expect("chain key");
    store
        .create_org(&org(1), &event("org.create", "21.71"))
        .await
        .expect("create");
    store
        .append_audit(&event("org.read", "21.71"))
        .await
        .expect("append");
    assert_eq!(verify_chain(store).await, Ok(2), "both entries chained");
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
    assert_eq!(verify_chain(store).await, Err("altered at 1".to_owned()));
}
