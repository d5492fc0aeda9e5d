//! Conformance checks for where a user works: its name, organisation and scope changed
//! from the version read (the old scope's feed told it left), and the check that a worker
//! moved away leaves no assigned client behind.

use pulih_domain::ids::UserId;
use pulih_domain::region::Scope;

use super::clients::{create, new_client};
use super::{Writes, code, event, org, user};
use crate::{Store, StoreError, StoreResult, User, UserPlacement};

async fn place(store: &dyn Store, change: UserPlacement) -> StoreResult<User> {
    let written = store
        .write(None, move |tx| {
            Box::pin(async move {
                let user = tx.place_user(&change).await?;
                tx.audit(event("user.change", "61.03"));
                Ok(user.id)
            })
        })
        .await?;
    store.user(written.value).await?.ok_or(StoreError::NotFound)
}

async fn outside(store: &dyn Store, user: UserId, scope: &str) -> bool {
    let scope = Scope::parse(scope).expect("scope");
    store
        .write(None, move |tx| {
            Box::pin(async move {
                let outside = tx.assigned_outside(user, &scope).await?;
                tx.audit(event("user.check", "61.03"));
                Ok(outside)
            })
        })
        .await
        .expect("check")
        .value
}

/// A placement changes only the fields given, from the version read; a stale one is a
/// conflict that changes nothing; a scope changed is noted in the old scope's feed and in
/// the new one's; clients assigned outside a scope are seen, erased or not assigned are not.
pub async fn a_user_is_placed_from_the_version_read_and_clients_left_behind_are_seen(
    store: &dyn Store,
) {
    let sanggau = org("BNNK Sanggau", Scope::Region(code("61.03")));
    store
        .create_org(&sanggau, &event("org.create", "61.03"))
        .await
        .expect("org");
    let clinic = org("Klinik Sanggau", Scope::Region(code("61.03")));
    store
        .create_org(&clinic, &event("org.create", "61.03"))
        .await
        .expect("org");
    let worker = user("konselor", &sanggau, Scope::Region(code("61.03.10.2010")));
    store
        .create_user(&worker, &event("user.create", "61.03"))
        .await
        .expect("user");

    let renamed = place(
        store,
        UserPlacement {
            id: worker.id,
            expected_version: 1,
            display_name: Some("Siti A.".into()),
            org_id: None,
            scope: None,
        },
    )
    .await
    .expect("renamed");
    assert_eq!(renamed.display_name, "Siti A.");
    assert_eq!(
        (renamed.org_id, &renamed.scope),
        (sanggau.id, &worker.scope)
    );
    assert_eq!(renamed.version, 2);
    let stale = UserPlacement {
        id: worker.id,
        expected_version: 1,
        display_name: Some("Lain".into()),
        org_id: None,
        scope: None,
    };
    assert!(matches!(
        place(store, stale).await,
        Err(StoreError::Conflict)
    ));
    let unknown = UserPlacement {
        id: UserId::new(),
        expected_version: 1,
        display_name: None,
        org_id: None,
        scope: None,
    };
    assert!(matches!(
        place(store, unknown).await,
        Err(StoreError::NotFound)
    ));

    let moved = place(
        store,
        UserPlacement {
            id: worker.id,
            expected_version: 2,
            display_name: None,
            org_id: Some(clinic.id),
            scope: Some(Scope::Region(code("61.03.11"))),
        },
    )
    .await
    .expect("moved");
    assert_eq!(moved.display_name, "Siti A.", "kept");
    assert_eq!(
        (moved.org_id, moved.scope.as_str()),
        (clinic.id, "61.03.11")
    );
    for (scope, what) in [
        ("61.03.10.2010", "the old scope"),
        ("61.03.11", "the new one"),
    ] {
        let feed = store
            .changes_after(&Scope::Region(code(scope)), 0, 100)
            .await
            .expect("feed");
        assert!(
            feed.iter().any(|c| c.entity == "user"
                && c.entity_id == worker.id.to_string()
                && c.version == 3),
            "{what} is told: {feed:?}"
        );
    }

    assert!(
        !outside(store, worker.id, "61.03.11").await,
        "no client yet"
    );
    let mut binjai = new_client("61.03.10.2010", clinic.id, worker.id, None);
    binjai.assigned_to = Some(worker.id);
    create(store, &binjai).await;
    assert!(outside(store, worker.id, "61.03.11").await);
    assert!(
        !outside(store, worker.id, "61.03").await,
        "Binjai lies in Sanggau"
    );
    assert!(!outside(store, worker.id, "ID").await);
    assert!(
        !outside(store, UserId::new(), "61.03.11").await,
        "nobody's clients"
    );
}
