//! Conformance checks for the activities of a BNN office: read by the region they were
//! held at or below, newest first and a page at a time; corrected and voided like a
//! unit's.

use pulih_domain::ids::{ActivityId, UserId};
use pulih_domain::region::Scope;

use super::{code, event, now, org, user};
use crate::conformance::Writes;
use crate::conformance::units::day;
use crate::{OfficeActivityRow, Organisation, Store, StoreResult};

fn activity(office: &Organisation, by: UserId, place: &str, people: i64) -> OfficeActivityRow {
    OfficeActivityRow {
        id: ActivityId::new(),
        office: office.id,
        place: code(place),
        kind: "awareness".into(),
        held_on: day(20),
        detail: "{}".into(),
        counts: r#"{"facilitators":{"bnn_staff":1}}"#.into(),
        people,
        recorded_by: by,
        recorded_at: now(),
    }
}

async fn write(
    store: &dyn Store,
    f: impl for<'t> FnOnce(&'t mut dyn crate::Tx) -> futures::future::BoxFuture<'t, StoreResult<()>>
    + Send
    + 'static,
) -> StoreResult<()> {
    store.write(None, f).await.map(|w| w.value)
}

/// Office activities are read by the place they were held at or below it, newest first,
/// a page before an id at a time; a correction replaces the day and counts, a void hides
/// one from every read.
pub async fn office_activities_are_read_by_place_and_paged_and_voided_like_unit_ones(
    store: &dyn Store,
) {
    let sanggau = org("BNNK Sanggau", Scope::Region(code("61.03")));
    let batam = org("BNNK Batam", Scope::Region(code("21.71")));
    let mut staff = Vec::new();
    for (name, o) in [("kasi.sanggau", &sanggau), ("kasi.batam", &batam)] {
        store
            .create_org(o, &event("org.create", o.place.as_str()))
            .await
            .expect("org");
        let u = user(name, o, o.place.clone());
        store
            .create_user(&u, &event("user.create", o.place.as_str()))
            .await
            .expect("user");
        staff.push(u.id);
    }
    let binjai = activity(&sanggau, staff[0], "61.03.10.2010", 120);
    let regency_wide = activity(&sanggau, staff[0], "61.03", 300);
    let elsewhere = activity(&batam, staff[1], "21.71.01.1001", 50);
    for row in [&binjai, &regency_wide, &elsewhere] {
        let row = row.clone();
        let ev = event("office_activity.record", row.place.as_str());
        write(store, move |tx| {
            Box::pin(async move {
                tx.insert_office_activity(&row).await?;
                tx.audit(ev);
                Ok(())
            })
        })
        .await
        .expect("record");
    }
    let list = |region: &str, before: Option<ActivityId>, limit: i64| {
        let region = code(region);
        async move {
            store
                .office_activities(&region, before, limit)
                .await
                .expect("read")
        }
    };
    assert_eq!(
        list("61.03", None, 10).await,
        [regency_wide.clone(), binjai.clone()]
    );
    assert_eq!(
        list("61.03", Some(regency_wide.id), 10).await,
        std::slice::from_ref(&binjai)
    );
    assert_eq!(
        list("61.03", None, 1).await,
        std::slice::from_ref(&regency_wide)
    );
    assert_eq!(
        list("61.03.10", None, 10).await,
        std::slice::from_ref(&binjai)
    );
    assert_eq!(list("61", None, 10).await.len(), 2);
    assert!(list("61.04", None, 10).await.is_empty());
    assert_eq!(
        store.office_activity(elsewhere.id).await.expect("read"),
        Some(elsewhere.clone())
    );

    let corrected = OfficeActivityRow {
        held_on: day(19),
        people: 110,
        counts: r#"{"facilitators":{"relawan":3}}"#.into(),
        ..binjai.clone()
    };
    let (row, ev) = (corrected.clone(), event("office_activity.correct", "61.03"));
    write(store, move |tx| {
        Box::pin(async move {
            let before = tx.lock_office_activity(row.id).await?;
            assert_eq!(before.people, 120);
            tx.correct_office_activity(&row).await?;
            tx.audit(ev);
            Ok(())
        })
    })
    .await
    .expect("correct");
    assert_eq!(
        store.office_activity(binjai.id).await.expect("read"),
        Some(corrected.clone())
    );
    let (id, ev) = (regency_wide.id, event("office_activity.void", "61.03"));
    let at = ev.at;
    write(store, move |tx| {
        Box::pin(async move {
            tx.lock_office_activity(id).await?;
            tx.void_office_activity(id, at).await?;
            tx.audit(ev);
            Ok(())
        })
    })
    .await
    .expect("void");
    assert_eq!(
        store.office_activity(regency_wide.id).await.expect("read"),
        None
    );
    assert_eq!(
        list("61.03", None, 10).await,
        std::slice::from_ref(&corrected)
    );
    let ev = event("office_activity.void", "61.03");
    let again = write(store, move |tx| {
        Box::pin(async move {
            tx.lock_office_activity(id).await?;
            tx.audit(ev);
            Ok(())
        })
    })
    .await;
    assert!(matches!(again, Err(crate::StoreError::NotFound)));
    let live: Vec<ActivityId> = store
        .office_activities_after(None, 10)
        .await
        .expect("read")
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(live, [binjai.id, elsewhere.id]);
    let after = store
        .office_activities_after(Some(binjai.id), 10)
        .await
        .expect("read");
    assert_eq!(after, [elsewhere]);
}
