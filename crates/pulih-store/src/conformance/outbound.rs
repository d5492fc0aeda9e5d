//! Conformance checks for the outbox: deliveries are queued with new notifications on
//! the configured channels their users chose, claimed once, retried, and counted by scope.

use chrono::Duration;
use pulih_domain::ids::{NotificationId, UserId};
use pulih_domain::outbound::{Channel, DeliveryState, Lang, message};
use pulih_domain::region::Scope;

use super::units::people;
use super::{code, now};
use crate::{Attempted, ChannelChoice, Notification, Store, StoreResult};

fn note(user: UserId, kind: &str, subject: &str) -> Notification {
    Notification {
        id: NotificationId::new(),
        user_id: user,
        kind: kind.into(),
        subject: subject.into(),
        detail: "{\"client_code\":\"6103-XYZ\"}".into(),
        created_at: now(),
        read_at: None,
    }
}

fn choice(user: UserId, channel: Channel, lang: Lang) -> ChannelChoice {
    ChannelChoice {
        user_id: user,
        channel,
        address: format!("sealed {user} {}", channel.key()).into_bytes(),
        lang,
        updated_at: now(),
    }
}

async fn notify(store: &dyn Store, notes: Vec<Notification>, out: Vec<Channel>) -> u64 {
    store
        .write(None, move |tx| {
            Box::pin(async move { tx.notify(&notes, &out).await })
        })
        .await
        .expect("notify")
        .value
}

async fn claim(store: &dyn Store, n: NotificationId, attempts: i64) -> bool {
    let (at, until) = (now(), now() + Duration::minutes(10));
    store
        .write(None, move |tx| {
            Box::pin(async move {
                tx.claim_delivery((n, Channel::Email), attempts, at, until)
                    .await
            })
        })
        .await
        .expect("claim")
        .value
}

async fn attempted(store: &dyn Store, n: NotificationId, a: Attempted) -> StoreResult<()> {
    store
        .write(None, move |tx| {
            Box::pin(async move { tx.delivery_attempted((n, Channel::Email), &a).await })
        })
        .await
        .map(|w| w.value)
}

/// A new notification is queued on each configured channel its user chose, once, with
/// the generic text of its kind; a delivery is claimed by one worker, retried when due,
/// counted by the scope of its user, and given up when its channel is dropped.
pub async fn deliveries_are_queued_with_new_notifications_claimed_once_and_counted_by_scope(
    store: &dyn Store,
) {
    let (a, others) = people(store, 2).await;
    let (b, c) = (others[0], others[1]);
    let choices = vec![
        choice(a, Channel::Email, Lang::Id),
        choice(a, Channel::Sms, Lang::Id),
        choice(b, Channel::Email, Lang::En),
    ];
    store
        .write(None, move |tx| {
            Box::pin(async move {
                for ch in &choices {
                    tx.set_channel(ch).await?;
                }
                Ok(())
            })
        })
        .await
        .expect("choices");
    let chosen = store.user_channels(a).await.expect("channels");
    assert_eq!(chosen.len(), 2);
    assert_eq!(chosen[0].channel, Channel::Email);

    let (na, nb, nc) = (
        note(a, "referral.accepted", "r1"),
        note(b, "digest", "2026-12-03"),
        note(c, "digest", "2026-12-03"),
    );
    let added = notify(
        store,
        vec![na.clone(), nb.clone(), nc],
        vec![Channel::Email],
    )
    .await;
    assert_eq!(added, 3);
    let again = note(a, "referral.accepted", "r1");
    assert_eq!(notify(store, vec![again], vec![Channel::Email]).await, 0);

    let due = store.due_deliveries(now(), 10).await.expect("due");
    assert_eq!(
        due.len(),
        2,
        "only the e-mail channel is configured; c chose none"
    );
    let of_a = due.iter().find(|d| d.user_id == a).expect("a's");
    assert_eq!(of_a.body, message("referral.accepted", Lang::Id).text);
    assert_eq!(of_a.address, format!("sealed {a} email").into_bytes());
    assert_eq!((of_a.state, of_a.attempts), (DeliveryState::Pending, 0));
    let of_b = due.iter().find(|d| d.user_id == b).expect("b's");
    assert_eq!(of_b.subject, message("digest", Lang::En).subject);
    assert!(
        !of_b.body.contains("6103"),
        "no detail leaves the notification"
    );

    assert!(claim(store, na.id, 0).await, "the first worker takes it");
    assert!(!claim(store, na.id, 0).await, "a second worker does not");
    let later = now() + Duration::minutes(2);
    let retry = Attempted {
        state: DeliveryState::Pending,
        attempts: 1,
        next_attempt_at: Some(now() + Duration::minutes(1)),
        error: Some("connect".into()),
        at: now(),
    };
    attempted(store, na.id, retry).await.expect("retry");
    let due = store.due_deliveries(now(), 10).await.expect("due");
    assert_eq!(due.len(), 1, "a's waits for its next attempt");
    let due = store.due_deliveries(later, 10).await.expect("due later");
    assert_eq!(due.len(), 2);
    let sent = Attempted {
        state: DeliveryState::Sent,
        attempts: 2,
        next_attempt_at: None,
        error: None,
        at: later,
    };
    attempted(store, na.id, sent).await.expect("sent");

    let counts = store
        .delivery_counts(&Scope::Region(code("12.75")))
        .await
        .expect("counts");
    let sent = counts
        .iter()
        .find(|c| c.state == DeliveryState::Sent)
        .expect("sent");
    assert_eq!((sent.channel, sent.count), (Channel::Email, 1));
    assert_eq!(
        sent.last_error.as_deref(),
        Some("connect"),
        "the last failure is kept"
    );
    let none = store
        .delivery_counts(&Scope::Region(code("61.03")))
        .await
        .expect("elsewhere");
    assert!(none.is_empty(), "Kabupaten Sanggau counts none of Binjai's");

    let at = now();
    let dropped = store
        .write(None, move |tx| {
            Box::pin(async move { tx.remove_channel(b, Channel::Email, at).await })
        })
        .await
        .expect("drop")
        .value;
    assert!(dropped);
    assert!(
        store
            .due_deliveries(later, 10)
            .await
            .expect("due")
            .is_empty()
    );
    let counts = store
        .delivery_counts(&Scope::National)
        .await
        .expect("counts");
    let failed = counts
        .iter()
        .find(|c| c.state == DeliveryState::Failed)
        .expect("withdrawn");
    assert_eq!(failed.last_error.as_deref(), Some("withdrawn"));
    assert_eq!(store.user_channels(b).await.expect("b").len(), 0);
}
