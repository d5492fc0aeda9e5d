//! A regency's villages as points on a map drawn by the server (SVG, no JavaScript):
//! centroids projected with an equirectangular projection scaled by the cosine of the
//! mean latitude, coloured by Bersinar status where there is one, else by IKN category.

use pulih_app::VillageProgramme;

/// Width of the drawing, in SVG units; the height follows the regency's shape.
const WIDTH: f64 = 600.0;
/// Margin around the points.
const PAD: f64 = 12.0;

/// One village on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
    /// CSS class of its colour.
    pub class: String,
    /// Translation key of what the colour means.
    pub meaning: String,
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
    /// The villages with a centroid.
    pub points: Vec<MapPoint>,
}

/// The class and meaning of a village's colour.
fn colour(v: &VillageProgramme) -> (String, String) {
    match (v.bersinar, v.ikn) {
        (Some(s), _) => (
            format!("bersinar-{}", s.key()),
            format!("bersinar.{}", s.key()),
        ),
        (None, Some(c)) => (format!("ikn-{}", c.key()), format!("ikn.{}", c.key())),
        (None, None) => ("unknown".into(), "programme.not_assessed".into()),
    }
}

/// The map of the villages that have a centroid; none when none has.
pub fn draw(villages: &[VillageProgramme]) -> Option<Map> {
    let located: Vec<(&VillageProgramme, f64, f64)> = villages
        .iter()
        .filter_map(|v| Some((v, v.region.latitude?, v.region.longitude?)))
        .collect();
    let (_, lat0, lon0) = located.first()?;
    let bounds = located
        .iter()
        .fold((*lat0, *lat0, *lon0, *lon0), |b, (_, lat, lon)| {
            (b.0.min(*lat), b.1.max(*lat), b.2.min(*lon), b.3.max(*lon))
        });
    let (min_lat, max_lat, min_lon, max_lon) = bounds;
    let squeeze = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let span_x = ((max_lon - min_lon) * squeeze).max(1e-6);
    let span_y = (max_lat - min_lat).max(1e-6);
    let scale = (WIDTH - 2.0 * PAD) / span_x.max(span_y);
    let height = (span_y * scale + 2.0 * PAD).clamp(120.0, 700.0);
    let points = located
        .into_iter()
        .map(|(v, lat, lon)| {
            let (class, meaning) = colour(v);
            MapPoint {
                x: PAD + (lon - min_lon) * squeeze * scale,
                y: PAD + (max_lat - lat) * scale,
                class,
                meaning,
                name: v.region.name.clone(),
                code: v.region.code.to_string(),
            }
        })
        .collect();
    Some(Map {
        width: WIDTH,
        height,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulih_domain::programme::bersinar::Status;
    use pulih_domain::programme::ikn::Category;
    use pulih_domain::region::RegionCode;
    use pulih_store::Region;

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
        let map = draw(&villages).expect("map");
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
            (south_east.class.as_str(), north_west.class.as_str()),
            ("bersinar-designated", "ikn-waspada")
        );
        assert!(draw(&[village("21.71.01.1004", None, 104.1)]).is_none());
    }
}
