//! Conformance checks for referrals and notifications.

use chrono::{Duration, NaiveDate};
use pulih_domain::ids::{NotificationId, ReferralId, ServiceId, UserId};
use pulih_domain::region::Scope;

use super::Writes;
use super::clients::{create, new_client, staff};
use super::{code, event, now, org};
use crate::{
    ClientRow, Notification, PartnerService, Referral, ReferralQuery, ReferralStep, Store,
    StoreError,
};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
}

/// A client of Batam, a BLK service, and a referral sent by `sender` on the 2nd, due the 5th.
async fn setup(store: &dyn Store) -> (ClientRow, Referral, UserId) {
    let (bnnk, sender, other) = staff(store).await;
    let blk = org("BLK Batam", Scope::Region(code("21.71")));
    store
        .create_org(&blk, &event("org.create", "21.71"))
        .await
        .expect("org");
    let service = PartnerService {
        id: ServiceId::new(),
        org: blk.id,
        org_name: blk.name.clone(),
        name: "Pelatihan Las".into(),
        service: "vocational_training".into(),
        areas: vec![code("21.71")],
        capacity: None,
        contact: "0778-1".into(),
        hours: None,
        recorded_by: sender,
        recorded_at: now(),
    };
    store
        .add_service(&service, &event("service.add", "21.71"))
        .await
        .expect("service");
    let client = create(store, &new_client("21.71.01", bnnk, sender, None)).await;
    let referral = Referral {
        id: ReferralId::new(),
        client_id: client.id,
        client_code: client.code.clone(),
        region: client.region.clone(),
        service_id: service.id,
        service_name: service.name.clone(),
        service_type: service.service.clone(),
        partner_org: blk.id,
        partner_name: blk.name.clone(),
        sender,
        sender_org: bnnk,
        status: "sent".into(),
        sent_on: day(2),
        answer_due: day(5),
        reason: Some(vec![3; 24]),
        escalated_at: None,
        version: 1,
        updated_at: now(),
    };
    let sent = step(&referral, "sent", None, sender);
    let told = note(other, "referral.sent", &referral.id.to_string());
    store
        .create_referral(
            &referral,
            &sent,
            &[told],
            &event("referral.send", "21.71.01"),
        )
        .await
        .expect("referral");
    (client, referral, other)
}

fn step(r: &Referral, status: &str, step: Option<&str>, by: UserId) -> ReferralStep {
    ReferralStep {
        referral_id: r.id,
        status: status.into(),
        step: step.map(str::to_owned),
        by,
        at: now(),
        reason: step.map(|_| vec![4; 16]),
    }
}

fn note(to: UserId, kind: &str, subject: &str) -> Notification {
    Notification {
        id: NotificationId::new(),
        user_id: to,
        kind: kind.into(),
        subject: subject.into(),
        detail: "{}".into(),
        created_at: now(),
        read_at: None,
    }
}

fn query() -> ReferralQuery {
    ReferralQuery {
        limit: 50,
        ..ReferralQuery::default()
    }
}

/// A referral is read back whole, listed by partner, sender, client, region and state,
/// moved only from the version read, and keeps every step; erasing the client shreds the
/// sealed reasons.
pub async fn a_referral_moves_only_from_the_version_read_and_keeps_its_steps(store: &dyn Store) {
    let (client, referral, other) = setup(store).await;
    assert_eq!(
        store.referral(referral.id).await.expect("read"),
        Some(referral.clone())
    );
    let ids = |q: ReferralQuery| async move {
        let found = store.referrals(&q).await.expect("list");
        found.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    let me = vec![referral.id];
    assert_eq!(
        ids(ReferralQuery {
            partner_org: Some(referral.partner_org),
            ..query()
        })
        .await,
        me
    );
    assert_eq!(
        ids(ReferralQuery {
            sender: Some(referral.sender),
            ..query()
        })
        .await,
        me
    );
    assert_eq!(
        ids(ReferralQuery {
            sender: Some(other),
            ..query()
        })
        .await,
        vec![]
    );
    assert_eq!(
        ids(ReferralQuery {
            client: Some(client.id),
            ..query()
        })
        .await,
        me
    );
    assert_eq!(
        ids(ReferralQuery {
            within: Some(code("21.71")),
            ..query()
        })
        .await,
        me
    );
    assert_eq!(
        ids(ReferralQuery {
            within: Some(code("21.71.01")),
            ..query()
        })
        .await,
        me
    );
    assert_eq!(
        ids(ReferralQuery {
            within: Some(code("21.72")),
            ..query()
        })
        .await,
        vec![]
    );
    let waiting = || ReferralQuery {
        statuses: vec!["sent".into(), "accepted".into()],
        ..query()
    };
    assert_eq!(ids(waiting()).await, me);
    assert_eq!(
        ids(ReferralQuery {
            statuses: vec!["completed".into()],
            ..query()
        })
        .await,
        vec![]
    );
    assert_eq!(
        ids(ReferralQuery {
            sent_from: Some(day(3)),
            ..query()
        })
        .await,
        vec![]
    );
    assert_eq!(
        ids(ReferralQuery {
            sent_to: Some(day(2)),
            ..query()
        })
        .await,
        me
    );

    let accept = step(&referral, "accepted", Some("accept"), other);
    let told = note(
        referral.sender,
        "referral.accepted",
        &referral.id.to_string(),
    );
    let moved = store
        .move_referral(1, &accept, &[told], &event("referral.accept", "21.71.01"))
        .await
        .expect("move");
    assert_eq!((moved.status.as_str(), moved.version), ("accepted", 2));
    let stale = step(&referral, "declined", Some("decline"), other);
    let refused = store
        .move_referral(1, &stale, &[], &event("referral.decline", "21.71.01"))
        .await;
    assert!(matches!(refused, Err(StoreError::Conflict)), "{refused:?}");
    let mut ghost = stale.clone();
    ghost.referral_id = ReferralId::new();
    let refused = store
        .move_referral(1, &ghost, &[], &event("referral.decline", "21.71.01"))
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    let steps = store.referral_steps(client.id).await.expect("steps");
    let states: Vec<_> = steps.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(states, ["sent", "accepted"]);
    assert_eq!(steps[1].step.as_deref(), Some("accept"));

    let told = store
        .notifications(referral.sender, 10)
        .await
        .expect("notes");
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].kind, "referral.accepted");
    let unread = store.unread_notifications(referral.sender).await;
    assert_eq!(unread.expect("unread"), 1);
    assert_eq!(
        store
            .mark_notifications_read(referral.sender, now())
            .await
            .expect("read"),
        1
    );
    assert_eq!(
        store
            .mark_notifications_read(referral.sender, now())
            .await
            .expect("read"),
        0
    );
    let unread = store.unread_notifications(referral.sender).await;
    assert_eq!(unread.expect("unread"), 0);
    assert!(
        store
            .notifications(referral.sender, 10)
            .await
            .expect("notes")[0]
            .read_at
            .is_some()
    );

    let outcomes = store
        .referral_outcomes(&code("21.71"), day(1), day(30))
        .await
        .expect("outcomes");
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].status, "accepted");
    assert!(outcomes[0].accepted_at.is_some());
    assert!(
        store
            .referral_outcomes(&code("21.71"), day(3), day(30))
            .await
            .expect("outcomes")
            .is_empty()
    );

    store
        .erase_client(client.id, &event("client.erase", "21.71.01"))
        .await
        .expect("erase");
    let erased = store
        .referral(referral.id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!((erased.reason, erased.status.as_str()), (None, "accepted"));
    let steps = store.referral_steps(client.id).await.expect("steps");
    assert!(steps.iter().all(|s| s.reason.is_none()));
}

/// Only referrals past their last day, unanswered and not escalated, are overdue; two
/// workers escalating at once escalate once, and notifications are not repeated; only
/// escalated referrals are listed as such.
pub async fn an_overdue_referral_is_escalated_once_even_by_racing_workers(store: &dyn Store) {
    let (_, referral, coordinator) = setup(store).await;
    let escalated = || async move {
        let q = ReferralQuery {
            escalated_only: true,
            ..query()
        };
        let found = store.referrals(&q).await.expect("list");
        found.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(escalated().await, vec![], "not escalated yet");
    let overdue = |d| async move {
        let found = store.overdue_referrals(day(d), 10).await.expect("overdue");
        found.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(overdue(5).await, vec![], "the last day is not overdue yet");
    assert_eq!(overdue(6).await, vec![referral.id]);

    let at = now() + Duration::days(4);
    let told = [note(
        coordinator,
        "referral.overdue",
        &referral.id.to_string(),
    )];
    let e = event("referral.escalate", "21.71.01");
    let (a, b) = tokio::join!(
        store.escalate_referral(referral.id, at, &told, &e),
        store.escalate_referral(referral.id, at, &told, &e),
    );
    let won = [a.expect("a"), b.expect("b")];
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    assert_eq!(overdue(6).await, vec![]);
    assert_eq!(escalated().await, vec![referral.id]);
    let notes = store.notifications(coordinator, 10).await.expect("notes");
    let kinds: Vec<_> = notes.iter().map(|n| n.kind.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "referral.overdue").count(),
        1
    );
    assert_eq!(
        store.notify(&told).await.expect("again"),
        0,
        "one per user, kind and subject"
    );
    assert_eq!(
        store
            .referral(referral.id)
            .await
            .expect("read")
            .expect("kept")
            .escalated_at,
        Some(at)
    );
}
