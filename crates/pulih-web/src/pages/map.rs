//! A regency's villages on a map drawn by the server (SVG, no JavaScript): the official
//! boundary of each village that has one imported, else a point at its centroid, each a
//! link to the village's page, filled by IKN category with the Bersinar status as a ring
//! (so a candidate still shows its risk). Points get a touch target of 24 px on a phone.
//! The projection is equirectangular, scaled by the cosine of the mean latitude, and fits
//! the boundaries' boxes and the points.

use std::collections::HashMap;
use std::fmt::Write;

use pulih_app::VillageProgramme;
use pulih_domain::boundary::{BBox, Geometry, Xy, simplify_closed_ring};
use pulih_domain::programme::ikn::Category;
use pulih_domain::region::RegionCode;

/// Width of the drawing, in SVG units; the height follows the regency's shape.
const WIDTH: f64 = 600.0;
/// Margin around the points.
const PAD: f64 = 12.0;
/// Boundaries are simplified again on the map, to this many SVG units (600 wide): finer
/// detail would not show on a phone and only make the page heavier.
const DRAW_TOLERANCE: f64 = 0.6;
/// Rings smaller than this many SVG units across are left out (a village all of whose
/// rings are is drawn as its point).
const MIN_SIZE: f64 = 1.5;

/// How a village is drawn: its IKN category as the fill, its Bersinar status as a ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// CSS class of the fill: `ikn-…`, or `unknown` when not assessed.
    pub fill: String,
    /// CSS class of the ring (`ring-bersinar-…`), when the village has a Bersinar status.
    pub ring: Option<String>,
    /// Translation keys of what the fill and the ring mean.
    pub meanings: Vec<String>,
}

/// One village on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
    /// Its colours.
    pub look: Look,
    /// The village's name.
    pub name: String,
    /// Its code, for the link.
    pub code: String,
}

/// One village drawn as its boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct MapShape {
    /// SVG path data, one closed subpath per ring (holes cut out even-odd).
    pub d: String,
    /// Its colours.
    pub look: Look,
    /// The village's name.
    pub name: String,
    /// Its code, for the link.
    pub code: String,
}

/// The drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The villages drawn as their boundary.
    pub shapes: Vec<MapShape>,
    /// The villages without a boundary but with a centroid.
    pub points: Vec<MapPoint>,
}

/// The colours of a village.
fn look(v: &VillageProgramme) -> Look {
    let (fill, ikn) = match v.ikn {
        Some(c) => (format!("ikn-{}", c.key()), format!("ikn.{}", c.key())),
        None => ("unknown".into(), "programme.not_assessed".into()),
    };
    let mut meanings = vec![ikn];
    let ring = v.bersinar.map(|s| {
        meanings.push(format!("bersinar.{}", s.key()));
        format!("ring-bersinar-{}", s.key())
    });
    Look {
        fill,
        ring,
        meanings,
    }
}

/// The villages at Bahaya or Waspada, most severe first, then by name: the list below
/// the map, where each is a link with room for a finger.
pub fn at_risk(villages: &[VillageProgramme]) -> Vec<&VillageProgramme> {
    let mut risky: Vec<&VillageProgramme> = villages
        .iter()
        .filter(|v| matches!(v.ikn, Some(Category::Bahaya | Category::Waspada)))
        .collect();
    risky.sort_by(|a, b| (a.ikn, &a.region.name).cmp(&(b.ikn, &b.region.name)));
    risky
}

/// Degrees to SVG units.
struct Projection {
    west: f64,
    north: f64,
    squeeze: f64,
    scale: f64,
}

impl Projection {
    fn fit(extent: BBox) -> (Self, f64) {
        let squeeze = ((extent.min_lat + extent.max_lat) / 2.0).to_radians().cos();
        let span_x = ((extent.max_lon - extent.min_lon) * squeeze).max(1e-6);
        let span_y = (extent.max_lat - extent.min_lat).max(1e-6);
        let scale = (WIDTH - 2.0 * PAD) / span_x.max(span_y);
        let height = (span_y * scale + 2.0 * PAD).clamp(120.0, 700.0);
        let projection = Self {
            west: extent.min_lon,
            north: extent.max_lat,
            squeeze,
            scale,
        };
        (projection, height)
    }

    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            PAD + (lon - self.west) * self.squeeze * self.scale,
            PAD + (self.north - lat) * self.scale,
        )
    }

    /// Path data of a geometry: each ring simplified to [`DRAW_TOLERANCE`], rounded to a
    /// tenth of a unit, and written as a start and relative steps (short numbers); empty
    /// when the geometry is smaller than a pixel.
    fn path(&self, geometry: &Geometry) -> String {
        let mut d = String::new();
        for ring in geometry.polygons().iter().flatten() {
            let projected: Vec<Xy> = ring
                .iter()
                .map(|c| {
                    let (x, y) = self.xy(c.lon_deg(), c.lat_deg());
                    [x, y]
                })
                .collect();
            let extent = |axis: usize| {
                let values = projected.iter().map(|p| p[axis]);
                values.clone().fold(f64::MIN, f64::max) - values.fold(f64::MAX, f64::min)
            };
            if extent(0).max(extent(1)) < MIN_SIZE {
                continue;
            }
            let Some(kept) = simplify_closed_ring(&projected, DRAW_TOLERANCE) else {
                continue;
            };
            // in tenths, so the steps add up exactly to the rounded positions
            let mut tenths: Vec<(i64, i64)> = Vec::with_capacity(kept.len());
            for i in &kept[..kept.len() - 1] {
                let p = projected[*i];
                let t = ((p[0] * 10.0).round() as i64, (p[1] * 10.0).round() as i64);
                if tenths.last() != Some(&t) && tenths.first() != Some(&t) {
                    tenths.push(t);
                }
            }
            if tenths.len() < 3 {
                continue;
            }
            let (x0, y0) = tenths[0];
            d.push('M');
            number(&mut d, x0);
            d.push(',');
            number(&mut d, y0);
            d.push('l');
            for (n, pair) in tenths.windows(2).enumerate() {
                let (dx, dy) = (pair[1].0 - pair[0].0, pair[1].1 - pair[0].1);
                if n > 0 && dx >= 0 {
                    d.push(' ');
                }
                number(&mut d, dx);
                if dy >= 0 {
                    d.push(',');
                }
                number(&mut d, dy);
            }
            d.push('z');
        }
        d
    }
}

/// Writes tenths as a decimal as short as SVG reads it: `23` is `2.3`, `-5` is `-.5`,
/// `40` is `4`.
fn number(out: &mut String, tenths: i64) {
    if tenths < 0 {
        out.push('-');
    }
    let n = tenths.unsigned_abs();
    let (whole, tenth) = (n / 10, n % 10);
    match (whole, tenth) {
        (w, 0) => {
            let _ = write!(out, "{w}");
        }
        (0, t) => {
            let _ = write!(out, ".{t}");
        }
        (w, t) => {
            let _ = write!(out, "{w}.{t}");
        }
    }
}

/// The map of the villages that have a boundary or a centroid; none when none has.
pub fn draw(
    villages: &[VillageProgramme],
    boundaries: &HashMap<RegionCode, Geometry>,
) -> Option<Map> {
    let centroid = |v: &VillageProgramme| Some((v.region.longitude?, v.region.latitude?));
    let extent = villages
        .iter()
        .filter_map(|v| match boundaries.get(&v.region.code) {
            Some(g) => Some(g.bbox()),
            None => centroid(v).map(|(lon, lat)| BBox::around(lon, lat)),
        })
        .reduce(BBox::union)?;
    let (projection, height) = Projection::fit(extent);
    let mut shapes = Vec::new();
    let mut points = Vec::new();
    for v in villages {
        let look = look(v);
        let (name, code) = (v.region.name.clone(), v.region.code.to_string());
        let d = boundaries
            .get(&v.region.code)
            .map(|g| projection.path(g))
            .unwrap_or_default();
        if !d.is_empty() {
            shapes.push(MapShape {
                d,
                look,
                name,
                code,
            });
            continue;
        }
        // a village too small to draw at this scale keeps its point
        let at = centroid(v).or_else(|| {
            boundaries.get(&v.region.code).map(|g| {
                let b = g.bbox();
                ((b.min_lon + b.max_lon) / 2.0, (b.min_lat + b.max_lat) / 2.0)
            })
        });
        if let Some((lon, lat)) = at {
            let (x, y) = projection.xy(lon, lat);
            points.push(MapPoint {
                x,
                y,
                look,
                name,
                code,
            });
        }
    }
    Some(Map {
        width: WIDTH,
        height,
        shapes,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulih_app::Region;
    use pulih_domain::boundary::RawGeometry;
    use pulih_domain::programme::bersinar::Status;

    fn village(code: &str, lat: Option<f64>, lon: f64) -> VillageProgramme {
        VillageProgramme {
            region: Region {
                code: RegionCode::parse(code).expect("code"),
                name: code.into(),
                latitude: lat,
                longitude: Some(lon),
                utc_offset: None,
                postal_code: None,
                children_count: 0,
                retired: false,
            },
            ikn: Some(Category::Waspada),
            bersinar: None,
            unit: false,
            recent_activities: 0,
        }
    }

    #[test]
    fn north_is_up_west_is_left_and_every_point_fits() {
        let mut east = village("21.71.01.1002", Some(1.0), 104.2);
        east.bersinar = Some(Status::Designated);
        let villages = [
            village("21.71.01.1003", Some(1.2), 104.0),
            east,
            village("21.71.01.1004", None, 104.1),
        ];
        let map = draw(&villages, &HashMap::new()).expect("map");
        assert_eq!(
            map.points.len(),
            2,
            "villages without a centroid are left out"
        );
        let (north_west, south_east) = (&map.points[0], &map.points[1]);
        assert!(north_west.x < south_east.x && north_west.y < south_east.y);
        for p in &map.points {
            assert!((0.0..=map.width).contains(&p.x) && (0.0..=map.height).contains(&p.y));
        }
        assert_eq!(
            (&south_east.look.fill, &south_east.look.ring),
            (
                &"ikn-waspada".to_owned(),
                &Some("ring-bersinar-designated".to_owned())
            ),
            "a Bersinar village keeps its IKN colour, with its status as a ring"
        );
        assert_eq!(
            south_east.look.meanings,
            ["ikn.waspada", "bersinar.designated"]
        );
        assert_eq!(north_west.look.ring, None);
        assert!(draw(&[village("21.71.01.1004", None, 104.1)], &HashMap::new()).is_none());
    }

    fn square(lon: f64, lat: f64, side: f64) -> Geometry {
        let ring = vec![
            vec![lon, lat],
            vec![lon + side, lat],
            vec![lon + side, lat + side],
            vec![lon, lat + side],
            vec![lon, lat],
        ];
        Geometry::parse(&RawGeometry::Polygon(vec![ring])).expect("square")
    }

    #[test]
    fn villages_with_a_boundary_are_drawn_as_areas_and_the_rest_as_points() {
        let villages = [
            village("21.71.01.1002", Some(1.005), 104.005),
            village("21.71.01.1003", Some(1.2), 104.3),
            village("21.71.01.1004", Some(1.1), 104.1),
        ];
        let boundaries = HashMap::from([
            (villages[0].region.code.clone(), square(104.0, 1.0, 0.01)),
            // smaller than a pixel at this scale: drawn as its point
            (villages[2].region.code.clone(), square(104.1, 1.1, 0.0001)),
        ]);
        let map = draw(&villages, &boundaries).expect("map");
        assert_eq!(map.shapes.len(), 1);
        let shape = &map.shapes[0];
        assert_eq!(
            (shape.code.as_str(), shape.look.fill.as_str()),
            ("21.71.01.1002", "ikn-waspada")
        );
        assert!(
            shape.d.starts_with('M') && shape.d.ends_with('z'),
            "{}",
            shape.d
        );
        let corners = absolute(&shape.d);
        assert_eq!(corners.len(), 4, "a square: {}", shape.d);
        for (x, y) in corners {
            assert!((0.0..=map.width).contains(&x) && (0.0..=map.height).contains(&y));
        }
        let codes: Vec<&str> = map.points.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["21.71.01.1003", "21.71.01.1004"]);
        // the south-west corner of the square is the map's south-west corner
        assert!(shape.d.starts_with(&format!("M{PAD},")), "{}", shape.d);
    }

    /// The positions of a one-ring path `M x,y l dx,dy dx,dy … z`.
    fn absolute(d: &str) -> Vec<(f64, f64)> {
        let mut numbers = Vec::new();
        let mut token = String::new();
        for c in d.chars() {
            if c == '-' || !(c.is_ascii_digit() || c == '.') {
                if !token.is_empty() && token != "-" {
                    numbers.push(token.parse::<f64>().expect("number"));
                }
                token.clear();
            }
            if c == '-' || c.is_ascii_digit() || c == '.' {
                token.push(c);
            }
        }
        let mut at = (numbers[0], numbers[1]);
        let mut out = vec![at];
        for step in numbers[2..].chunks(2) {
            at = (at.0 + step[0], at.1 + step[1]);
            out.push(at);
        }
        out
    }

    #[test]
    fn the_risk_list_holds_bahaya_then_waspada_by_name() {
        let mut villages = [
            village("21.71.01.1002", Some(1.0), 104.0),
            village("21.71.01.1003", Some(1.0), 104.0),
            village("21.71.01.1004", Some(1.0), 104.0),
            village("21.71.01.1005", Some(1.0), 104.0),
        ];
        villages[0].region.name = "Zamrud".into();
        villages[1].ikn = Some(Category::Bahaya);
        villages[2].ikn = Some(Category::Aman);
        villages[3].ikn = None;
        let codes: Vec<String> = at_risk(&villages)
            .iter()
            .map(|v| v.region.code.to_string())
            .collect();
        assert_eq!(codes, ["21.71.01.1003", "21.71.01.1002"]);
    }

    #[test]
    fn numbers_are_written_as_short_as_svg_reads_them() {
        let mut out = String::new();
        for n in [0, 5, -5, 23, -23, 40, -40, 1234] {
            number(&mut out, n);
            out.push(' ');
        }
        assert_eq!(out, "0 .5 -.5 2.3 -2.3 4 -4 123.4 ");
    }
}
