//! Conformance checks for the partner directory.

use pulih_domain::ids::{OrgId, ServiceId};
use pulih_domain::region::Scope;

use super::Writes;
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

/// Services put again under the same id are replaced, areas included, never duplicated;
/// a batch naming an unknown organisation stores nothing; an export reads the services
/// of the organisations in a scope.
pub async fn services_are_put_by_id_all_or_nothing_and_read_by_organisation_scope(
    store: &dyn Store,
) {
    let blk = org("BLK Batam", Scope::Region(code("21.71")));
    let dinsos = org("Dinsos Sanggau", Scope::Region(code("61.03")));
    for o in [&blk, &dinsos] {
        store
            .create_org(o, &event("org.create", "21"))
            .await
            .expect("org");
    }
    let by = user("admin.impor", &blk, Scope::National);
    store
        .create_user(&by, &event("user.create", "ID"))
        .await
        .expect("user");
    let listing = |o: &crate::Organisation, name: &str, areas: &[&str]| PartnerService {
        id: ServiceId::new(),
        org: o.id,
        org_name: o.name.clone(),
        name: name.into(),
        service: "vocational_training".into(),
        areas: areas.iter().map(|a| code(a)).collect(),
        capacity: None,
        contact: "0778-123456".into(),
        hours: Some("Senin–Jumat".into()),
        recorded_by: by.id,
        recorded_at: now(),
    };
    let mut welding = listing(&blk, "Pelatihan Las", &["21.71"]);
    let aid = listing(&dinsos, "Bantuan Sosial", &["61.03"]);
    store
        .put_services(
            &[welding.clone(), aid.clone()],
            &event("directory.import", "ID"),
        )
        .await
        .expect("put");
    welding.name = "Pelatihan Las Listrik".into();
    welding.areas = vec![code("21.72")];
    welding.capacity = Some(12);
    let mut stray = listing(&blk, "x", &["21.71"]);
    stray.org = OrgId::new();
    let refused = store
        .put_services(&[welding.clone(), stray], &event("directory.import", "ID"))
        .await;
    assert!(
        matches!(refused, Err(StoreError::MissingReference(_))),
        "{refused:?}"
    );
    assert_eq!(
        store
            .service(welding.id)
            .await
            .expect("read")
            .map(|s| s.name),
        Some("Pelatihan Las".to_owned()),
        "a refused batch stores nothing"
    );
    store
        .put_services(&[welding.clone()], &event("directory.import", "ID"))
        .await
        .expect("put again");
    assert_eq!(
        store.service(welding.id).await.expect("read"),
        Some(welding.clone())
    );
    let old_area = ServiceQuery {
        service: None,
        covering: vec![code("21.71")],
        limit: 10,
    };
    assert!(
        store
            .search_services(&old_area)
            .await
            .expect("search")
            .is_empty(),
        "the replaced area no longer finds it"
    );
    let all = store
        .services_of_orgs(&Scope::National, None)
        .await
        .expect("all");
    assert_eq!(
        all,
        [welding.clone(), aid.clone()],
        "ordered by organisation"
    );
    let riau = store
        .services_of_orgs(&Scope::Region(code("21")), None)
        .await
        .expect("riau");
    assert_eq!(riau, [welding.clone()]);
    let own = store
        .services_of_orgs(&Scope::National, Some(dinsos.id))
        .await
        .expect("own");
    assert_eq!(own, [aid]);
}
