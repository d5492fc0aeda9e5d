//! Conformance checks for reading the audit entries about one record.

use super::event;
use crate::Store;

/// An event about record `id` of kind `kind`.
fn about(action: &str, kind: &str, id: &str) -> pulih_domain::audit::AuditEvent {
    pulih_domain::audit::AuditEvent {
        record_type: kind.into(),
        record_id: Some(id.into()),
        ..event(action, "21.71")
    }
}

/// The entries about the records asked for, and only those, come oldest first.
pub async fn the_entries_about_a_record_are_read_oldest_first(store: &dyn Store) {
    for e in [
        about("client.register", "client", "c-1"),
        about("client.register", "client", "c-2"),
        about("client.record.read", "client", "c-1"),
        about("grant.read", "grant", "c-1"),
        about("grant.read", "grant", "g-1"),
        about("grant.review", "grant", "g-2"),
    ] {
        store.append_audit(&e).await.expect("append");
    }
    let client = store
        .audit_about("client", &["c-1".into()])
        .await
        .expect("read");
    let actions: Vec<_> = client.iter().map(|e| e.event.action.as_str()).collect();
    assert_eq!(actions, ["client.register", "client.record.read"]);
    assert!(client[0].seq < client[1].seq);
    let grants = store
        .audit_about("grant", &["g-1".into(), "g-2".into()])
        .await
        .expect("read");
    let actions: Vec<_> = grants.iter().map(|e| e.event.action.as_str()).collect();
    assert_eq!(actions, ["grant.read", "grant.review"]);
    assert!(
        store
            .audit_about("grant", &[])
            .await
            .expect("read")
            .is_empty()
    );
}
