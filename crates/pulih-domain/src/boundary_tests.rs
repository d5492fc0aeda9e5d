use proptest::prelude::*;

use super::*;

/// A closed square of `side` degrees with its south-west corner at (lon, lat).
fn square(lon: f64, lat: f64, side: f64) -> Vec<Vec<f64>> {
    vec![
        vec![lon, lat],
        vec![lon + side, lat],
        vec![lon + side, lat + side],
        vec![lon, lat + side],
        vec![lon, lat],
    ]
}

/// A closed circle of `n` positions around (lon, lat) with radius `r` degrees.
fn circle(lon: f64, lat: f64, r: f64, n: usize) -> Vec<Vec<f64>> {
    let mut ring: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            vec![lon + r * a.cos(), lat + r * a.sin()]
        })
        .collect();
    ring.push(ring[0].clone());
    ring
}

fn key(raw: RawGeometry) -> &'static str {
    Geometry::parse(&raw).expect_err("refused").key
}

#[test]
fn a_square_keeps_its_corners_rounded_to_five_decimals() {
    let mut ring = square(104.0, 1.0, 0.01);
    ring[1] = vec![104.010_000_4, 1.000_000_3, 12.0];
    let g = Geometry::parse(&RawGeometry::Polygon(vec![ring])).expect("valid");
    let kept = &g.polygons()[0][0];
    assert_eq!(kept.len(), 5);
    assert_eq!(
        kept[1],
        Coord {
            lon: 10_401_000,
            lat: 100_000
        }
    );
    assert_eq!(kept.first(), kept.last());
    let b = g.bbox();
    assert_eq!(
        (b.min_lon, b.min_lat, b.max_lon, b.max_lat),
        (104.0, 1.0, 104.01, 1.01)
    );
}

#[test]
fn a_detailed_ring_is_simplified_within_the_tolerance() {
    let ring = circle(104.0, 1.0, 0.02, 2000);
    let g = Geometry::parse(&RawGeometry::Polygon(vec![ring.clone()])).expect("valid");
    let kept = &g.polygons()[0][0];
    assert!(kept.len() < 60, "{} of 2001 positions kept", kept.len());
    assert!(kept.len() >= 8, "still round: {}", kept.len());
    // every original position stays within the tolerance of the simplified outline
    for p in &ring {
        let c = Coord::from_degrees(p[0], p[1]).expect("inside");
        let nearest = kept
            .windows(2)
            .map(|w| segment_distance2(xy(c), xy(w[0]), xy(w[1])))
            .fold(f64::INFINITY, f64::min);
        assert!(nearest.sqrt() <= TOLERANCE + 1.0, "{nearest}");
    }
}

#[test]
fn rings_that_are_open_short_or_outside_indonesia_are_refused() {
    let mut open = square(104.0, 1.0, 0.01);
    open.pop();
    open.push(vec![104.0, 1.000_01]);
    assert_eq!(
        key(RawGeometry::Polygon(vec![open])),
        "invalid.boundary_ring_open"
    );
    let short = vec![vec![104.0, 1.0], vec![104.1, 1.0], vec![104.0, 1.0]];
    assert_eq!(
        key(RawGeometry::Polygon(vec![short])),
        "invalid.boundary_ring_short"
    );
    for (lon, lat) in [(2.35, 48.85), (1.0, 104.0), (500_000.0, 9_800_000.0)] {
        let far = square(lon, lat, 0.01);
        assert_eq!(
            key(RawGeometry::Polygon(vec![far])),
            "invalid.boundary_outside"
        );
    }
    let nan = vec![
        vec![f64::NAN, 1.0],
        vec![104.1, 1.0],
        vec![104.1, 1.1],
        vec![f64::NAN, 1.0],
    ];
    assert!(Geometry::parse(&RawGeometry::Polygon(vec![nan])).is_err());
    let flat = vec![vec![104.0], vec![104.1], vec![104.2], vec![104.0]];
    assert_eq!(
        key(RawGeometry::Polygon(vec![flat])),
        "invalid.boundary_geometry"
    );
    assert_eq!(
        key(RawGeometry::MultiPolygon(vec![])),
        "invalid.boundary_geometry"
    );
    assert_eq!(
        key(RawGeometry::Polygon(vec![])),
        "invalid.boundary_geometry"
    );
}

#[test]
fn a_shape_smaller_than_a_metre_vanishes_and_is_refused() {
    let tiny = square(104.0, 1.0, 0.000_001);
    assert_eq!(
        key(RawGeometry::Polygon(vec![tiny])),
        "invalid.boundary_too_small"
    );
    let with_tiny_island = RawGeometry::MultiPolygon(vec![
        vec![square(104.0, 1.0, 0.01)],
        vec![square(104.5, 1.0, 0.000_001)],
    ]);
    let g = Geometry::parse(&with_tiny_island).expect("the village stays");
    assert_eq!(g.polygons().len(), 1);
}

#[test]
fn holes_are_kept_and_islands_merge() {
    let outer = square(104.0, 1.0, 0.1);
    let hole = square(104.02, 1.02, 0.02);
    let mut g = Geometry::parse(&RawGeometry::Polygon(vec![outer, hole])).expect("valid");
    assert_eq!(g.polygons()[0].len(), 2);
    let island = Geometry::parse(&RawGeometry::Polygon(vec![square(104.3, 1.0, 0.01)])).unwrap();
    g.merge(island);
    assert_eq!(g.polygons().len(), 2);
    assert_eq!(g.vertex_count(), 15);
    assert_eq!(g.bbox().max_lon, 104.31);
}

#[test]
fn the_stored_form_is_a_geojson_multipolygon_read_back_exactly() {
    let g = Geometry::parse(&RawGeometry::Polygon(vec![circle(104.0, 1.0, 0.02, 300)])).unwrap();
    let json = serde_json::to_string(&g).expect("json");
    assert!(
        json.starts_with(r#"{"type":"MultiPolygon","coordinates":[[[["#),
        "{json}"
    );
    assert!(!json.contains("000000"), "five decimals at most: {json}");
    assert_eq!(serde_json::from_str::<Geometry>(&json).expect("back"), g);
    let open =
        r#"{"type":"MultiPolygon","coordinates":[[[[104,1],[104.1,1],[104.1,1.1],[104,1.1]]]]}"#;
    assert!(serde_json::from_str::<Geometry>(open).is_err());
    let point = r#"{"type":"Point","coordinates":[[[[104,1],[104.1,1],[104.1,1.1],[104,1]]]]}"#;
    assert!(serde_json::from_str::<Geometry>(point).is_err());
}

proptest! {
    #[test]
    fn simplified_rings_stay_closed_and_inside_the_original_box(
        n in 4usize..400,
        r in 0.0001f64..0.2,
        wobble in prop::collection::vec(0.5f64..1.5, 400),
        lon in 95.0f64..140.0,
        lat in -10.0f64..5.0,
    ) {
        let mut ring = circle(lon, lat, r, n);
        for (p, w) in ring.iter_mut().zip(&wobble).take(n) {
            p[0] = lon + (p[0] - lon) * w;
            p[1] = lat + (p[1] - lat) * w;
        }
        let last = ring.len() - 1;
        ring[last] = ring[0].clone();
        let raw = RawGeometry::Polygon(vec![ring.clone()]);
        if let Ok(g) = Geometry::parse(&raw) {
            let outer = &g.polygons()[0][0];
            prop_assert!(outer.len() >= 4 && outer.len() <= n + 1);
            prop_assert_eq!(outer.first(), outer.last());
            // kept positions are a subset of the rounded originals
            let b = g.bbox();
            let eps = 0.000_005 + 1e-9;
            let min_lon = ring.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
            let max_lon = ring.iter().map(|p| p[0]).fold(f64::NEG_INFINITY, f64::max);
            let min_lat = ring.iter().map(|p| p[1]).fold(f64::INFINITY, f64::min);
            let max_lat = ring.iter().map(|p| p[1]).fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(b.min_lon >= min_lon - eps && b.max_lon <= max_lon + eps);
            prop_assert!(b.min_lat >= min_lat - eps && b.max_lat <= max_lat + eps);
            let json = serde_json::to_string(&g).unwrap();
            prop_assert_eq!(serde_json::from_str::<Geometry>(&json).unwrap(), g);
        }
    }
}
