//! Conformance checks for the partner directory.

use pulih_domain::ids::{OrgId, ServiceId};
use pulih_domain::region::Scope;

use super::{code, event, now, org, user};
use crate::{PartnerService, ServiceQuery, Store, StoreError};

/// Services are found by type and by a region their area covers, and need an existing
/// organisation.
pub async fn services_are_found_by_type_and_by_the_region_they_cover(store: &dyn Store) {
    let blk = org("BLK Batam", Scope::Region(code("21.71")));
    let dinsos = org("Dinsos Sanggau", Scope::Region(code("61.03")));
    for o in [&blk, &dinsos] {
        store
            .create_org(o, &event("org.create", "21"))
            .await
            .expect("org");
    }
    let by = user("admin.direktori", &blk, Scope::National);
    store
        .create_user(&by, &event("user.create", "ID"))
        .await
        .expect("user");
    let listing =
        |o: &crate::Organisation, name: &str, service: &str, areas: &[&str]| PartnerService {
            id: ServiceId::new(),
            org: o.id,
            org_name: o.name.clone(),
            name: name.into(),
            service: service.into(),
            areas: areas.iter().map(|a| code(a)).collect(),
            capacity: Some(20),
            contact: "0778-123456".into(),
            hours: None,
            recorded_by: by.id,
            recorded_at: now(),
        };
    let welding = listing(
        &blk,
        "Pelatihan Las",
        "vocational_training",
        &["21.71", "21.72"],
    );
    let sewing = listing(&blk, "Menjahit", "vocational_training", &["21.71.01"]);
    let aid = listing(&dinsos, "Bantuan Sosial", "social_assistance", &["61.03"]);
    for s in [&welding, &sewing, &aid] {
        store
            .add_service(s, &event("service.add", "21"))
            .await
            .expect("service");
    }
    let mut stray = listing(&blk, "x", "counselling", &["21.71"]);
    stray.org = OrgId::new();
    let refused = store.add_service(&stray, &event("service.add", "21")).await;
    assert!(
        matches!(refused, Err(StoreError::MissingReference(_))),
        "{refused:?}"
    );

    assert_eq!(
        store.service(welding.id).await.expect("read"),
        Some(welding.clone())
    );
    let search = |service: Option<&str>, covering: &[&str]| ServiceQuery {
        service: service.map(str::to_owned),
        covering: covering.iter().map(|c| code(c)).collect(),
        limit: 50,
    };
    let names = |found: Vec<PartnerService>| found.into_iter().map(|s| s.name).collect::<Vec<_>>();
    let pemping = ["21.71.01.1002", "21.71.01", "21.71", "21"];
    let found = store
        .search_services(&search(Some("vocational_training"), &pemping))
        .await;
    assert_eq!(names(found.expect("search")), ["Menjahit", "Pelatihan Las"]);
    let elsewhere = ["21.71.02.1001", "21.71.02", "21.71", "21"];
    let found = store.search_services(&search(None, &elsewhere)).await;
    assert_eq!(
        names(found.expect("search")),
        ["Pelatihan Las"],
        "the sewing course serves one district"
    );
    let all = store
        .search_services(&search(None, &[]))
        .await
        .expect("search");
    assert_eq!(all.len(), 3);
    let mut one = search(None, &[]);
    one.limit = 1;
    assert_eq!(store.search_services(&one).await.expect("search").len(), 1);
    let sanggau = store
        .search_services(&search(Some("social_assistance"), &["61.03"]))
        .await;
    assert_eq!(names(sanggau.expect("search")), ["Bantuan Sosial"]);
}
