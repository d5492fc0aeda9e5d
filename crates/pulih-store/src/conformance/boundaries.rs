//! Conformance checks for the boundaries of regions.

use pulih_domain::region::RegionLevel;

use super::Writes;
use super::regions::{import, sample_regions};
use super::{code, event, now};
use crate::{Boundary, Store};

fn boundary(region: &str, west: f64, source: &str) -> Boundary {
    let geometry = format!(
        r#"{{"type":"MultiPolygon","coordinates":[[[[{west},1],[{e},1],[{e},1.01],[{west},1.01],[{west},1]]]]}}"#,
        e = west + 0.01
    );
    Boundary {
        code: code(region),
        geometry,
        bbox: [west, 1.0, west + 0.01, 1.01],
        vertices: 5,
        source: source.into(),
        imported_at: now(),
    }
}

async fn audit_len(store: &dyn Store) -> usize {
    store.audit_range(0, 10_000).await.expect("audit").len()
}

/// A re-import replaces a region's boundary and counts it; boundaries are read per level
/// below a node; a batch naming an unknown region stores nothing at all.
pub async fn boundaries_are_replaced_by_a_reimport_and_read_by_level(store: &dyn Store) {
    import(store, sample_regions()).await;
    let first = [
        boundary("21.71.01.1003", 104.0, "batas-2024.geojson"),
        boundary("21.71.01.1002", 104.1, "batas-2024.geojson"),
        boundary("21.71", 104.2, "batas-2024.geojson"),
        boundary("61.03.01.1001", 110.0, "batas-2024.geojson"),
    ];
    let replaced = store
        .put_boundaries(&first, &event("boundaries.import", "ID"))
        .await
        .expect("put");
    assert_eq!(replaced, 0);
    let villages = store
        .boundaries_below(&code("21.71"), RegionLevel::Village)
        .await
        .expect("read");
    let codes: Vec<&str> = villages.iter().map(|b| b.code.as_str()).collect();
    assert_eq!(codes, ["21.71.01.1002", "21.71.01.1003"]);
    assert_eq!(villages[0], first[1]);
    let regencies = store
        .boundaries_below(&code("21"), RegionLevel::Regency)
        .await
        .expect("read");
    assert_eq!(regencies, [first[2].clone()]);

    let audited = audit_len(store).await;
    let again = [boundary("21.71.01.1002", 104.3, "batas-2025.geojson")];
    let replaced = store
        .put_boundaries(&again, &event("boundaries.import", "ID"))
        .await
        .expect("put");
    assert_eq!(replaced, 1);
    assert_eq!(audit_len(store).await, audited + 1);
    let villages = store
        .boundaries_below(&code("21.71.01"), RegionLevel::Village)
        .await
        .expect("read");
    assert_eq!(villages[0], again[0]);

    let unknown = [
        boundary("21.71.01.1003", 104.5, "bad.geojson"),
        boundary("21.71.01.1999", 104.6, "bad.geojson"),
    ];
    let refused = store
        .put_boundaries(&unknown, &event("boundaries.import", "ID"))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(audit_len(store).await, audited + 1);
    let kept = store
        .boundaries_below(&code("21.71"), RegionLevel::Village)
        .await
        .expect("read");
    assert_eq!(kept[1], first[0], "nothing of the refused batch is stored");
}
