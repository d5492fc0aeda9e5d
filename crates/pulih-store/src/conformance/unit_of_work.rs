//! The unit of work: an idempotency key claimed inside the write, a change feed a reader
//! can follow without missing a row, and checks that hold while writes race.

use std::collections::BTreeSet;
use std::time::Duration as Wait;

use chrono::Duration;
use pulih_domain::client::FactKind;
use pulih_domain::ids::{FactId, OrgId, UserId};
use pulih_domain::region::Scope;

use super::clients::{create, fact, new_client, staff};
use super::{Writes, code, event, now, org};
use crate::{Claim, ClientFact, ClientRow, Organisation, Store, StoreError};

/// A worker and a client registered by it.
async fn registered(store: &dyn Store) -> (ClientRow, UserId) {
    let (org, worker, _) = staff(store).await;
    let client = create(store, &new_client("21.71.05", org, worker, None)).await;
    (client, worker)
}

fn claim(user: UserId, key: &str, fingerprint: &str) -> Claim {
    Claim {
        user,
        key: key.into(),
        fingerprint: fingerprint.into(),
        at: now(),
        expires_at: now() + Duration::days(180),
    }
}

/// Creates `org` in one write holding its transaction open for `hold`, under `claim`.
async fn slow_create(
    store: &dyn Store,
    claim: Option<Claim>,
    org: Organisation,
    hold: Wait,
) -> Result<(OrgId, bool), StoreError> {
    store
        .write(claim, move |tx| {
            Box::pin(async move {
                tx.insert_org(&org).await?;
                tokio::time::sleep(hold).await;
                tx.audit(event("org.create", "21.71"));
                Ok(org.id)
            })
        })
        .await
        .map(|written| (written.value, written.replayed))
}

/// Eight requests with one key at once: one writes, the others wait for it and answer
/// what it answered; the same key with another request is refused; another user's key
/// of the same name is another key.
pub async fn eight_requests_with_one_key_write_once_and_answer_alike(store: &dyn Store) {
    let user = UserId::new();
    let attempts = (0..8).map(|n| {
        let org = org(&format!("Org {n}"), Scope::Region(code("21.71")));
        slow_create(
            store,
            Some(claim(user, "k1", "f1")),
            org,
            Wait::from_millis(30),
        )
    });
    let answers: Vec<_> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("answered"))
        .collect();
    let ids: BTreeSet<OrgId> = answers.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), 1, "all answer alike: {answers:?}");
    assert_eq!(answers.iter().filter(|(_, replayed)| !replayed).count(), 1);
    let stored = store.list_orgs(&Scope::National).await.expect("orgs");
    assert_eq!(stored.len(), 1, "one record stored");
    let entries = store.audit_range(0, 100).await.expect("audit");
    assert_eq!(entries.len(), 1, "one audit entry");

    let other = org("Other", Scope::Region(code("21.71")));
    let reused = slow_create(
        store,
        Some(claim(user, "k1", "f2")),
        other.clone(),
        Wait::ZERO,
    )
    .await;
    assert!(matches!(reused, Err(StoreError::KeyReused)), "{reused:?}");
    let theirs = slow_create(
        store,
        Some(claim(UserId::new(), "k1", "f1")),
        other,
        Wait::ZERO,
    )
    .await
    .expect("another user's key");
    assert!(!theirs.1, "another user's key is not replayed");
    assert_eq!(
        store.list_orgs(&Scope::National).await.expect("orgs").len(),
        2
    );
}

/// A write that fails keeps no claim, so its retry runs; an answer past its time is swept,
/// and the key then writes anew; erasing a client removes the answers about it.
pub async fn a_failed_write_keeps_no_claim_and_answers_expire_or_go_with_the_client(
    store: &dyn Store,
) {
    let user = UserId::new();
    let first = store
        .write(Some(claim(user, "k2", "f")), |_| {
            Box::pin(async { Err::<(), _>(StoreError::Refused("conflict.test")) })
        })
        .await;
    assert!(matches!(first, Err(StoreError::Refused(_))), "{first:?}");
    let org1 = org("Org 1", Scope::Region(code("21.71")));
    let retried = slow_create(store, Some(claim(user, "k2", "f")), org1, Wait::ZERO)
        .await
        .expect("retry");
    assert!(!retried.1, "the retry ran");

    let mut old = claim(user, "k3", "f");
    old.expires_at = now() - Duration::days(1);
    let org2 = org("Org 2", Scope::Region(code("21.71")));
    slow_create(store, Some(old.clone()), org2.clone(), Wait::ZERO)
        .await
        .expect("write");
    assert_eq!(store.sweep_idempotency(now()).await.expect("sweep"), 1);
    let again = slow_create(
        store,
        Some(old),
        org("Org 3", Scope::Region(code("21.71"))),
        Wait::ZERO,
    )
    .await
    .expect("write anew");
    assert!(!again.1);

    let (client, by) = registered(store).await;
    let keyed = claim(by, "k4", "f");
    let write = |fact: ClientFact| {
        let keyed = keyed.clone();
        async move {
            store
                .write(Some(keyed), move |tx| {
                    Box::pin(async move {
                        tx.insert_fact(&fact).await?;
                        Ok(fact.id)
                    })
                })
                .await
        }
    };
    let written = write(fact(client.id, by, FactKind::Consent, 1))
        .await
        .expect("fact");
    assert!(!written.replayed);
    store
        .erase_client(client.id, &event("client.erase", "21.71"))
        .await
        .expect("erase");
    let after = write(fact(client.id, by, FactKind::Consent, 1)).await;
    assert!(
        matches!(after, Err(StoreError::NotFound)),
        "the key's answer went with the client, so the write runs (and finds it erased): {after:?}"
    );
}

/// Writers that hold their transactions open for different times, and a reader that
/// follows the change feed all the while: the reader sees every write, once, in seq order.
pub async fn a_reader_following_the_change_feed_misses_no_write(store: &dyn Store) {
    let writers = (0..40).map(|n| {
        let org = org(&format!("Org {n}"), Scope::Region(code("21.71")));
        let hold = Wait::from_millis(if n % 4 == 0 { 60 } else { 0 });
        async move {
            tokio::time::sleep(Wait::from_millis(n * 3)).await;
            slow_create(store, None, org, hold).await.expect("write").0
        }
    });
    let written = futures::future::join_all(writers);
    let follow = async {
        let mut seen = Vec::new();
        let mut cursor = 0;
        for _ in 0..200 {
            for change in store
                .changes_after(&Scope::National, cursor, 1000)
                .await
                .expect("feed")
            {
                assert!(change.seq > cursor, "feed order");
                cursor = change.seq;
                seen.push(change.entity_id);
            }
            tokio::time::sleep(Wait::from_millis(2)).await;
        }
        (seen, cursor)
    };
    let (written, (mut seen, cursor)) = futures::join!(written, follow);
    for change in store
        .changes_after(&Scope::National, cursor, 1000)
        .await
        .expect("feed")
    {
        seen.push(change.entity_id);
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "each change once");
    let expected: BTreeSet<String> = written.iter().map(ToString::to_string).collect();
    assert_eq!(unique, expected.iter().collect(), "every write seen");
}

/// A screening checks consent inside its write and lands; a withdrawal sent meanwhile
/// waits for it (or the screening finds it and is refused): never does a screening that
/// read consent in force land after the withdrawal.
pub async fn a_withdrawal_racing_a_screening_never_lets_it_land_after(store: &dyn Store) {
    let (client, by) = registered(store).await;
    let consent = fact(client.id, by, FactKind::Consent, 1);
    store
        .add_fact(&consent, &event("client.record.write", "21.71"))
        .await
        .expect("consent");
    let screening = fact(client.id, by, FactKind::Barc10, 2);
    let mut withdrawal = fact(client.id, by, FactKind::ConsentWithdrawal, 2);
    withdrawal.refers_to = Some(consent.id);
    let id = client.id;
    let screen = store.write(None, move |tx| {
        Box::pin(async move {
            let kinds = [FactKind::ConsentWithdrawal];
            let withdrawn = tx.lock_client(id, &kinds).await?;
            if !withdrawn.is_empty() {
                return Err(StoreError::Refused("conflict.consent_required"));
            }
            tokio::time::sleep(Wait::from_millis(80)).await;
            tx.insert_fact(&screening).await?;
            Ok(screening.id)
        })
    });
    let withdraw = async {
        tokio::time::sleep(Wait::from_millis(20)).await;
        store
            .write(None, move |tx| {
                Box::pin(async move {
                    tx.lock_client(id, &[]).await?;
                    tx.insert_fact(&withdrawal).await?;
                    Ok(withdrawal.id)
                })
            })
            .await
    };
    let (screened, withdrawn) = futures::join!(screen, withdraw);
    let withdrawn = withdrawn.expect("withdrawal").value;
    let feed = store
        .changes_after(&Scope::National, 0, 1000)
        .await
        .expect("feed");
    let seq_of = |fact: FactId| {
        feed.iter()
            .find(|c| c.entity_id == fact.to_string())
            .map(|c| c.seq)
    };
    if let Ok(screened) = screened {
        assert!(
            seq_of(screened.value) < seq_of(withdrawn),
            "the screening committed before the withdrawal"
        );
    }
}
