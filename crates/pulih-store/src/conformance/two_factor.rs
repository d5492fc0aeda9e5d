//! Two-factor login: enrolment, a step taken once, recovery codes used once, clearing,
//! and the last use of a session.

use chrono::Duration;
use pulih_domain::ids::{SessionId, UserId};
use pulih_domain::region::Scope;

use super::writes::Writes;
use super::{code, event, now, org, user};
use crate::{Session, SessionKind, Store, StoreError, StoreResult};

/// Runs one write of account operations over `tx` with no audit entry.
macro_rules! account_write {
    ($store:expr, |$tx:ident| $body:expr) => {
        $store
            .write(None, move |$tx| Box::pin(async move { $body }))
            .await
            .map(|written| written.value)
    };
}

async fn totp_of(store: &dyn Store, id: UserId) -> Option<crate::TotpState> {
    store.user(id).await.expect("read").expect("user").totp
}

/// A secret counts only once confirmed; a step and a recovery code are each taken once;
/// clearing removes both; a session's last use is kept.
pub async fn a_totp_step_and_a_recovery_code_are_each_taken_once(store: &dyn Store) {
    let o = org("BNNK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&o, &event("org.create", "21.71"))
        .await
        .expect("org");
    let u = user("sari", &o, o.place.clone());
    store
        .create_user(&u, &event("user.create", "21.71"))
        .await
        .expect("user");
    let id = u.id;
    let take =
        |step: i64| async move { account_write!(store, |tx| tx.take_totp_step(id, step).await) };
    account_write!(store, |tx| tx.begin_totp(id, b"sealed-1").await).expect("begin");
    let begun = totp_of(store, id).await.expect("begun");
    assert_eq!(
        (begun.secret.as_slice(), begun.enabled),
        (&b"sealed-1"[..], false)
    );
    assert!(
        !take(5).await.expect("take"),
        "a begun enrolment takes no code"
    );
    let hashes = vec!["h1".to_owned(), "h2".to_owned()];
    account_write!(store, |tx| tx.enable_totp(id, 10, &hashes).await).expect("enable");
    let on = totp_of(store, id).await.expect("on");
    assert_eq!((on.enabled, on.last_step), (true, Some(10)));
    assert_eq!(
        store.user(id).await.expect("read").expect("user").version,
        2
    );
    let again: StoreResult<()> = account_write!(store, |tx| tx.begin_totp(id, b"x").await);
    assert!(
        matches!(again, Err(StoreError::Conflict)),
        "enabled: begin again is refused"
    );
    assert!(
        !take(10).await.expect("take"),
        "the confirming step is used"
    );
    assert!(take(11).await.expect("take"));
    assert!(!take(11).await.expect("take"), "no replay");
    assert!(!take(9).await.expect("take"), "no earlier step");
    let recover = |hash: &'static str| async move {
        account_write!(store, |tx| tx.take_recovery_code(id, hash, now()).await)
    };
    assert!(recover("h1").await.expect("recover"));
    assert!(!recover("h1").await.expect("recover"), "used once");
    assert!(!recover("nope").await.expect("recover"));
    assert!(account_write!(store, |tx| tx.clear_totp(id).await).expect("clear"));
    assert_eq!(totp_of(store, id).await, None);
    assert!(
        !recover("h2").await.expect("recover"),
        "codes go with the secret"
    );
    assert!(!account_write!(store, |tx| tx.clear_totp(id).await).expect("clear again"));

    let session = Session {
        id: SessionId::new(),
        user_id: id,
        kind: SessionKind::Web,
        csrf_token: "csrf".into(),
        created_at: now(),
        expires_at: now() + Duration::hours(1),
        last_seen_at: now(),
    };
    let sid = session.id;
    store
        .create_session(&session, "hash-web", &event("session.login", "21.71"))
        .await
        .expect("session");
    let later = now() + Duration::minutes(5);
    account_write!(store, |tx| tx.touch_session(sid, later).await).expect("touch");
    let (found, _) = store
        .session_by_token_hash("hash-web", now())
        .await
        .expect("read")
        .expect("live");
    assert_eq!(found.last_seen_at, later);
}
