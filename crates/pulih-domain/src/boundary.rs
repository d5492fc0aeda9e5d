//! Official boundaries of regions: polygons as published by BIG or Kemendagri in GeoJSON,
//! checked and made small enough to draw a regency's 300 villages on a phone.
//!
//! Coordinates are WGS 84 longitude, latitude. They are kept in fixed point, 1 unit =
//! 0.00001° (about 1 m), so rounding to five decimals is exact and repeatable, and every
//! ring is simplified with Douglas–Peucker at [`TOLERANCE`] (0.0005°, about 55 m), far
//! below what a village map shows but a tenth of the vertices of a survey-grade file.
//!
//! Checked for each ring of the input: at least four positions, closed (the last equals
//! the first), every position a finite longitude and latitude inside [`BBox::INDONESIA`]
//! (which also catches swapped axes and projected metres).

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Units per degree of the fixed-point coordinates.
pub const UNITS_PER_DEGREE: f64 = 100_000.0;

/// Douglas–Peucker tolerance, in units: 50 = 0.0005°.
pub const TOLERANCE: f64 = 50.0;

/// A position in fixed point: longitude and latitude in units of 0.00001°.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coord {
    /// Longitude × 100 000.
    pub lon: i32,
    /// Latitude × 100 000.
    pub lat: i32,
}

impl Coord {
    /// Rounds degrees to the nearest unit; none outside Indonesia or not finite.
    pub fn from_degrees(lon: f64, lat: f64) -> Option<Self> {
        if !BBox::INDONESIA.contains(lon, lat) {
            return None;
        }
        // Inside the box both fit an i32 by far.
        Some(Self {
            lon: (lon * UNITS_PER_DEGREE).round() as i32,
            lat: (lat * UNITS_PER_DEGREE).round() as i32,
        })
    }

    /// Longitude in degrees.
    pub fn lon_deg(self) -> f64 {
        f64::from(self.lon) / UNITS_PER_DEGREE
    }

    /// Latitude in degrees.
    pub fn lat_deg(self) -> f64 {
        f64::from(self.lat) / UNITS_PER_DEGREE
    }
}

/// A bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// Westmost longitude.
    pub min_lon: f64,
    /// Southmost latitude.
    pub min_lat: f64,
    /// Eastmost longitude.
    pub max_lon: f64,
    /// Northmost latitude.
    pub max_lat: f64,
}

impl BBox {
    /// Indonesia with a margin: from west of Sabang to the Papua New Guinea border, from
    /// south of Pulau Ndana to north of Miangas.
    pub const INDONESIA: Self = Self {
        min_lon: 94.0,
        min_lat: -11.5,
        max_lon: 141.5,
        max_lat: 6.5,
    };

    /// A box holding one position.
    pub fn around(lon: f64, lat: f64) -> Self {
        Self {
            min_lon: lon,
            min_lat: lat,
            max_lon: lon,
            max_lat: lat,
        }
    }

    /// Whether the position lies inside (edges included); never for NaN or infinities.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        (self.min_lon..=self.max_lon).contains(&lon) && (self.min_lat..=self.max_lat).contains(&lat)
    }

    /// The smallest box holding both.
    pub fn union(self, other: Self) -> Self {
        Self {
            min_lon: self.min_lon.min(other.min_lon),
            min_lat: self.min_lat.min(other.min_lat),
            max_lon: self.max_lon.max(other.max_lon),
            max_lat: self.max_lat.max(other.max_lat),
        }
    }
}

/// Coordinates as a GeoJSON file gives them, before any check.
#[derive(Debug, Clone, PartialEq)]
pub enum RawGeometry {
    /// `Polygon`: rings of positions, the first the outline, the others holes.
    Polygon(Vec<Vec<Vec<f64>>>),
    /// `MultiPolygon`: several polygons.
    MultiPolygon(Vec<Vec<Vec<Vec<f64>>>>),
}

/// A checked and simplified boundary: one or more polygons, each an outline and holes,
/// each ring closed with at least four positions. Serialised as a GeoJSON `MultiPolygon`
/// with five decimals, and re-checked when read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "GeoJsonMultiPolygon", into = "GeoJsonMultiPolygon")]
pub struct Geometry {
    polygons: Vec<Vec<Vec<Coord>>>,
}

impl Geometry {
    /// Checks a geometry from a file, rounds it to five decimals and simplifies it.
    /// Refused: a polygon without rings or a position without two numbers
    /// (`invalid.boundary_geometry`), a ring of fewer than four positions
    /// (`invalid.boundary_ring_short`), a ring whose last position is not its first
    /// (`invalid.boundary_ring_open`), a position outside Indonesia
    /// (`invalid.boundary_outside`), and a shape that vanishes when rounded
    /// (`invalid.boundary_too_small`).
    pub fn parse(raw: &RawGeometry) -> Result<Self, Invalid> {
        let polygons: Vec<&Vec<Vec<Vec<f64>>>> = match raw {
            RawGeometry::Polygon(p) => vec![p],
            RawGeometry::MultiPolygon(ps) => ps.iter().collect(),
        };
        if polygons.is_empty() {
            return Err(Invalid::new("invalid.boundary_geometry"));
        }
        let mut out = Vec::with_capacity(polygons.len());
        for polygon in polygons {
            if polygon.is_empty() {
                return Err(Invalid::new("invalid.boundary_geometry"));
            }
            let mut rings = Vec::with_capacity(polygon.len());
            for (n, ring) in polygon.iter().enumerate() {
                let ring = ring_of(ring)?;
                match simplify_ring(&ring, TOLERANCE) {
                    Some(kept) => rings.push(kept),
                    // an outline that vanishes takes its holes with it
                    None if n == 0 => break,
                    None => {}
                }
            }
            if !rings.is_empty() {
                out.push(rings);
            }
        }
        if out.is_empty() {
            return Err(Invalid::new("invalid.boundary_too_small"));
        }
        Ok(Self { polygons: out })
    }

    /// The polygons: each an outline followed by its holes, each ring closed.
    pub fn polygons(&self) -> &[Vec<Vec<Coord>>] {
        &self.polygons
    }

    /// Adds the polygons of another geometry of the same region (a file may give a
    /// village's islands as separate features).
    pub fn merge(&mut self, other: Self) {
        self.polygons.extend(other.polygons);
    }

    /// How many positions are kept.
    pub fn vertex_count(&self) -> usize {
        self.polygons.iter().flatten().map(Vec::len).sum()
    }

    /// The bounding box of the kept positions.
    pub fn bbox(&self) -> BBox {
        let mut all = self.polygons.iter().flatten().flatten();
        let first = all.next().copied().unwrap_or(Coord { lon: 0, lat: 0 });
        let (mut min, mut max) = (first, first);
        for c in all {
            min.lon = min.lon.min(c.lon);
            min.lat = min.lat.min(c.lat);
            max.lon = max.lon.max(c.lon);
            max.lat = max.lat.max(c.lat);
        }
        BBox {
            min_lon: min.lon_deg(),
            min_lat: min.lat_deg(),
            max_lon: max.lon_deg(),
            max_lat: max.lat_deg(),
        }
    }
}

/// Checks one ring and rounds it, dropping positions repeated by the rounding.
fn ring_of(raw: &[Vec<f64>]) -> Result<Vec<Coord>, Invalid> {
    if raw.iter().any(|p| p.len() < 2) {
        return Err(Invalid::new("invalid.boundary_geometry"));
    }
    if raw.len() < 4 {
        return Err(Invalid::new("invalid.boundary_ring_short"));
    }
    if raw.first().map(|p| (p[0], p[1])) != raw.last().map(|p| (p[0], p[1])) {
        return Err(Invalid::new("invalid.boundary_ring_open"));
    }
    let mut ring: Vec<Coord> = Vec::with_capacity(raw.len());
    for p in raw {
        let c = Coord::from_degrees(p[0], p[1]).ok_or(Invalid::new("invalid.boundary_outside"))?;
        if ring.last() != Some(&c) {
            ring.push(c);
        }
    }
    Ok(ring)
}

/// A point in a plane: fixed-point degrees here, SVG units on a map.
pub type Xy = [f64; 2];

fn xy(c: Coord) -> Xy {
    [f64::from(c.lon), f64::from(c.lat)]
}

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_distance2(p: Xy, a: Xy, b: Xy) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (ex, ey) = (p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
    ex * ex + ey * ey
}

/// Douglas–Peucker on `line[first..=last]`, marking the positions to keep; iterative, so a
/// ring of a million positions cannot overflow the stack.
fn douglas_peucker(line: &[Xy], first: usize, last: usize, tolerance: f64, keep: &mut [bool]) {
    let limit = tolerance * tolerance;
    let mut stack = vec![(first, last)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (far, distance) = (a + 1..b)
            .map(|i| (i, segment_distance2(line[i], line[a], line[b])))
            .fold((a, -1.0), |best, x| if x.1 > best.1 { x } else { best });
        if distance > limit {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
}

/// Simplifies a closed ring (last point equal to the first, no point repeated in a row)
/// with Douglas–Peucker at `tolerance`, in the ring's own units, and returns the indices
/// kept, the closing one included. None when fewer than three distinct points remain:
/// the ring has no area left. Maps use it again in SVG units, to draw no more than shows.
pub fn simplify_closed_ring(ring: &[Xy], tolerance: f64) -> Option<Vec<usize>> {
    // distinct positions, the closing one left out
    let open = &ring[..ring.len().saturating_sub(1)];
    if open.len() < 3 {
        return None;
    }
    if open.len() == 3 {
        return Some((0..ring.len()).collect());
    }
    // Split the ring at the position farthest from the first: both halves are lines.
    let d2 = |p: Xy| (p[0] - open[0][0]).powi(2) + (p[1] - open[0][1]).powi(2);
    let far = (1..open.len()).fold(1, |best, i| {
        if d2(open[i]) > d2(open[best]) {
            i
        } else {
            best
        }
    });
    let last = ring.len() - 1;
    let mut keep = vec![false; ring.len()];
    keep[0] = true;
    keep[far] = true;
    keep[last] = true;
    douglas_peucker(ring, 0, far, tolerance, &mut keep);
    douglas_peucker(ring, far, last, tolerance, &mut keep);
    if keep.iter().filter(|k| **k).count() < 4 {
        // only the two ends of the longest axis survived: keep the position farthest
        // from that axis too, so the ring stays a (thin) triangle
        let widest = (1..last).filter(|&i| i != far).max_by(|&i, &j| {
            let di = segment_distance2(ring[i], ring[0], ring[far]);
            let dj = segment_distance2(ring[j], ring[0], ring[far]);
            di.total_cmp(&dj)
        })?;
        keep[widest] = true;
    }
    Some((0..ring.len()).filter(|&i| keep[i]).collect())
}

/// Simplifies a closed ring of rounded positions without repeats; none when it has no
/// area left at this precision.
fn simplify_ring(ring: &[Coord], tolerance: f64) -> Option<Vec<Coord>> {
    let points: Vec<Xy> = ring.iter().map(|c| xy(*c)).collect();
    let kept = simplify_closed_ring(&points, tolerance)?;
    Some(kept.into_iter().map(|i| ring[i]).collect())
}

/// The stored form: a GeoJSON `MultiPolygon`.
#[derive(Serialize, Deserialize)]
struct GeoJsonMultiPolygon {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

impl From<Geometry> for GeoJsonMultiPolygon {
    fn from(g: Geometry) -> Self {
        let coordinates = g
            .polygons
            .into_iter()
            .map(|rings| {
                rings
                    .into_iter()
                    .map(|ring| {
                        ring.into_iter()
                            .map(|c| [c.lon_deg(), c.lat_deg()])
                            .collect()
                    })
                    .collect()
            })
            .collect();
        Self {
            kind: "MultiPolygon".into(),
            coordinates,
        }
    }
}

impl TryFrom<GeoJsonMultiPolygon> for Geometry {
    type Error = Invalid;
    fn try_from(g: GeoJsonMultiPolygon) -> Result<Self, Invalid> {
        if g.kind != "MultiPolygon" || g.coordinates.is_empty() {
            return Err(Invalid::new("invalid.boundary_geometry"));
        }
        let mut polygons = Vec::with_capacity(g.coordinates.len());
        for rings in g.coordinates {
            if rings.is_empty() {
                return Err(Invalid::new("invalid.boundary_geometry"));
            }
            let mut out = Vec::with_capacity(rings.len());
            for ring in rings {
                let raw: Vec<Vec<f64>> = ring.iter().map(|p| p.to_vec()).collect();
                out.push(ring_of(&raw)?);
            }
            polygons.push(out);
        }
        Ok(Self { polygons })
    }
}

#[cfg(test)]
#[path = "boundary_tests.rs"]
mod tests;
