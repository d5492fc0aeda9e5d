//! Conformance checks for the region tree: imports, re-imports with their history, and
//! search.

use pulih_domain::region::{RegionLevel, Scope};
use pulih_domain::region_import::{ImportPlan, SourceRegion};

use super::{code, event};
use crate::Store;
use crate::conformance::Writes;

/// Kepulauan Riau and Kabupaten Sanggau from the official data: small but real.
pub(super) fn sample_regions() -> Vec<SourceRegion> {
    pulih_regions::embedded()
        .expect("embedded regions")
        .into_iter()
        .filter(|r| {
            code("21").contains(&r.code) || code("61.03").contains(&r.code) || r.code == code("61")
        })
        .collect()
}

pub(super) async fn import(
    store: &dyn Store,
    regions: Vec<SourceRegion>,
) -> pulih_domain::region_import::ImportSummary {
    let stored = store.stored_regions().await.expect("stored regions");
    let plan = ImportPlan::new(regions, &stored);
    store
        .apply_region_import(&plan, "test", &event("regions.import", "ID"))
        .await
        .expect("import")
}

/// Re-import: renamed and removed codes are kept with their history, counts follow.
pub async fn a_region_reimport_keeps_history_of_renamed_and_removed_codes(store: &dyn Store) {
    let regions = sample_regions();
    let first = import(store, regions.clone()).await;
    assert_eq!(first.added, regions.len());
    let batam = store
        .region(&code("21.71"))
        .await
        .expect("read")
        .expect("batam exists");
    assert_eq!(
        (batam.name.as_str(), batam.children_count),
        ("Kota Batam", 12)
    );
    let districts = store
        .region_children(Some(&code("21.71")))
        .await
        .expect("children");
    let villages: i64 = districts.iter().map(|d| d.children_count).sum();
    assert_eq!(villages, 64);
    let below = store
        .villages_below(&code("21.71"))
        .await
        .expect("villages");
    assert_eq!(below.len(), 64);
    assert!(below.iter().all(|v| v.code.level() == RegionLevel::Village));

    let again = import(store, regions.clone()).await;
    assert_eq!(
        (again.added, again.renamed, again.retired, again.unchanged),
        (0, 0, 0, regions.len())
    );

    let removed = code("21.71.01");
    let mut changed: Vec<SourceRegion> = regions
        .into_iter()
        .filter(|r| !removed.contains(&r.code))
        .collect();
    let renamed = changed
        .iter_mut()
        .find(|r| r.code == code("21.71"))
        .expect("batam in sample");
    renamed.name = "Kota Batam Madani".into();
    renamed.latitude = None; // a list without centroids keeps the stored ones
    let third = import(store, changed).await;
    assert_eq!(third.renamed, 1);
    assert!(
        third.retired > 1,
        "the district and its villages are retired"
    );
    let batam = store
        .region(&code("21.71"))
        .await
        .expect("read")
        .expect("batam exists");
    assert_eq!(
        (batam.name.as_str(), batam.children_count),
        ("Kota Batam Madani", 11)
    );
    assert!(
        batam
            .latitude
            .is_some_and(|lat| (lat - 1.128_745).abs() < 1e-6)
    );
    let gone = store
        .region(&removed)
        .await
        .expect("read")
        .expect("retired codes are kept");
    assert!(gone.retired);
    let history = store.region_history(&code("21.71")).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].old_name.as_deref(), Some("Kota Batam"));
    assert_eq!(
        store.region_history(&removed).await.expect("history")[0].change,
        "retired"
    );
    let provinces = store.region_children(None).await.expect("provinces");
    assert_eq!(
        provinces
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["21", "61"]
    );
}

/// Search ignores case, escapes wildcards and returns the ancestors' names.
pub async fn region_search_is_case_insensitive_and_names_the_path(store: &dyn Store) {
    import(store, sample_regions()).await;
    let hits = store
        .search_regions("BATU", Some(RegionLevel::Village), &Scope::National, 50)
        .await
        .expect("search");
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(hit.region.name.to_lowercase().contains("batu"));
        assert_eq!(hit.region.code.level(), RegionLevel::Village);
        assert_eq!(hit.path.len(), 3);
    }
    let sekupang = store
        .search_regions("tanjung riau", None, &Scope::National, 10)
        .await
        .expect("search");
    assert_eq!(
        sekupang[0].path,
        ["Kepulauan Riau", "Kota Batam", "Sekupang"]
    );
    assert!(
        store
            .search_regions("%", None, &Scope::National, 10)
            .await
            .expect("search")
            .is_empty()
    );
    let limited = store
        .search_regions("a", None, &Scope::National, 5)
        .await
        .expect("search");
    assert_eq!(limited.len(), 5);
}

/// A search inside a scope finds only what lies there.
pub async fn region_search_keeps_to_the_scope_given(store: &dyn Store) {
    import(store, sample_regions()).await;
    let batam = Scope::Region(code("21.71"));
    let hits = store
        .search_regions("pulau", Some(RegionLevel::Village), &batam, 50)
        .await
        .expect("search");
    assert!(hits.iter().any(|h| h.region.name == "Pulau Buluh"));
    assert!(hits.iter().all(|h| code("21.71").contains(&h.region.code)));
    let everywhere = store
        .search_regions("pulau", Some(RegionLevel::Village), &Scope::National, 50)
        .await
        .expect("search");
    assert!(everywhere.len() > hits.len());
}

/// Regions are read by many codes at once; unknown codes are left out.
pub async fn regions_are_read_by_codes_in_one_call(store: &dyn Store) {
    import(store, sample_regions()).await;
    let mut found = store
        .regions_by_codes(&[code("21.71.05.1002"), code("21.71"), code("99.99")])
        .await
        .expect("by codes");
    found.sort_by(|a, b| a.code.cmp(&b.code));
    let names: Vec<_> = found.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Kota Batam", "Pulau Buluh"]);
    assert!(store.regions_by_codes(&[]).await.expect("none").is_empty());
}

/// The whole official tree imports (each level's children counted) and imports again
/// unchanged.
pub async fn the_whole_region_tree_imports_and_reimports(store: &dyn Store) {
    let regions = pulih_regions::embedded().expect("embedded regions");
    let total = regions.len();
    let summary = import(store, regions.clone()).await;
    assert_eq!(summary.added, total);
    let counts = store.region_counts().await.expect("counts");
    assert_eq!(
        counts.iter().sum::<i64>(),
        i64::try_from(total).expect("fits")
    );
    let provinces = store.region_children(None).await.expect("provinces");
    let regencies: i64 = provinces.iter().map(|p| p.children_count).sum();
    assert_eq!(regencies, counts[1]);
    let again = import(store, regions).await;
    assert_eq!(again.unchanged, total);
}
