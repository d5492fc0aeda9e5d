//! The BARC-10 trend as numbers for an inline SVG drawn by the server: totals over time
//! on a 10–60 scale with the "strong recovery capital" line at 47. The template draws
//! it; here are only coordinates.

use chrono::NaiveDate;
use pulih_domain::clinical::barc10::STRONG_THRESHOLD;

/// Width of the drawing, in SVG user units.
const WIDTH: i32 = 320;
/// Height of the drawing.
const HEIGHT: i32 = 180;
/// The plot area inside the drawing: left, right, top, bottom edges.
const LEFT: i32 = 30;
const RIGHT: i32 = 294;
const TOP: i32 = 10;
const BOTTOM: i32 = 150;
/// The y axis runs over the possible totals.
const MIN_TOTAL: i32 = 10;
const MAX_TOTAL: i32 = 60;

/// One measurement in the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// Horizontal position.
    pub x: i32,
    /// Vertical position.
    pub y: i32,
    /// When measured.
    pub on: NaiveDate,
    /// The total, 10–60.
    pub total: u8,
    /// Whether the total shows strong recovery capital.
    pub strong: bool,
}

/// A tick on the y axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Vertical position.
    pub y: i32,
    /// The total it marks.
    pub value: i32,
}

/// The chart of one client's BARC-10 totals, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Width of the drawing.
    pub width: i32,
    /// Height of the drawing.
    pub height: i32,
    /// The measurements.
    pub points: Vec<Point>,
    /// The `points` attribute of the polyline.
    pub line: String,
    /// Ticks on the y axis, every 10.
    pub ticks: Vec<Tick>,
    /// Height of the threshold line (47).
    pub threshold_y: i32,
    /// The threshold itself.
    pub threshold: u8,
    /// Plot edges, for the axes.
    pub left: i32,
    /// Right edge.
    pub right: i32,
    /// Top edge.
    pub top: i32,
    /// Bottom edge.
    pub bottom: i32,
    /// Where the date labels sit.
    pub label_y: i32,
    /// Where the threshold's label sits, right of the plot.
    pub label_x: i32,
}

impl Chart {
    /// The latest measurement.
    pub fn latest(&self) -> Option<&Point> {
        self.points.last()
    }

    /// The first measurement.
    pub fn first(&self) -> Option<&Point> {
        self.points.first()
    }
}

fn y_of(total: i32) -> i32 {
    let clamped = total.clamp(MIN_TOTAL, MAX_TOTAL);
    BOTTOM - (clamped - MIN_TOTAL) * (BOTTOM - TOP) / (MAX_TOTAL - MIN_TOTAL)
}

/// The chart of a trend, or none when there is nothing to draw. Points are placed by
/// date; when all lie on one day they are spread evenly instead.
pub fn barc_chart(trend: &[(NaiveDate, u8)]) -> Option<Chart> {
    let (first, last) = (trend.first()?.0, trend.last()?.0);
    let span = (last - first).num_days();
    let width = i64::from(RIGHT - LEFT);
    let steps = i64::try_from(trend.len().saturating_sub(1)).unwrap_or(i64::MAX);
    let points: Vec<Point> = trend
        .iter()
        .enumerate()
        .map(|(i, &(on, total))| {
            let offset = match (span, steps) {
                (0, 0) => width / 2,
                (0, _) => i64::try_from(i).unwrap_or(0) * width / steps,
                _ => (on - first).num_days() * width / span,
            };
            Point {
                x: LEFT + i32::try_from(offset).unwrap_or(0),
                y: y_of(i32::from(total)),
                on,
                total,
                strong: total >= STRONG_THRESHOLD,
            }
        })
        .collect();
    let line = points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let ticks = (MIN_TOTAL..=MAX_TOTAL)
        .step_by(10)
        .map(|value| Tick {
            y: y_of(value),
            value,
        })
        .collect();
    Some(Chart {
        width: WIDTH,
        height: HEIGHT,
        points,
        line,
        ticks,
        threshold_y: y_of(i32::from(STRONG_THRESHOLD)),
        threshold: STRONG_THRESHOLD,
        left: LEFT,
        right: RIGHT,
        top: TOP,
        bottom: BOTTOM,
        label_y: HEIGHT - 8,
        label_x: WIDTH - 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("date")
    }

    #[test]
    fn nothing_to_draw_without_measurements() {
        assert_eq!(barc_chart(&[]), None);
    }

    #[test]
    fn totals_map_onto_the_ten_to_sixty_scale_and_dates_onto_the_width() {
        let chart =
            barc_chart(&[(day(1, 1), 10), (day(1, 11), 60), (day(1, 31), 47)]).expect("chart");
        let xy: Vec<(i32, i32)> = chart.points.iter().map(|p| (p.x, p.y)).collect();
        let third = (RIGHT - LEFT) / 3;
        assert_eq!(
            xy,
            [
                (LEFT, BOTTOM),
                (LEFT + third, TOP),
                (RIGHT, chart.threshold_y)
            ]
        );
        assert_eq!(
            chart.line,
            format!("30,150 {},10 {RIGHT},{}", LEFT + third, chart.threshold_y)
        );
        assert_eq!(chart.threshold_y, 150 - 37 * 140 / 50);
        assert!(chart.points[2].strong && !chart.points[0].strong);
        let values: Vec<i32> = chart.ticks.iter().map(|t| t.value).collect();
        assert_eq!(values, [10, 20, 30, 40, 50, 60]);
    }

    #[test]
    fn one_measurement_sits_in_the_middle_and_same_day_ones_are_spread() {
        let one = barc_chart(&[(day(2, 1), 30)]).expect("chart");
        assert_eq!(one.points[0].x, LEFT + (RIGHT - LEFT) / 2);
        let same = barc_chart(&[(day(2, 1), 30), (day(2, 1), 40)]).expect("chart");
        assert_eq!((same.points[0].x, same.points[1].x), (LEFT, RIGHT));
    }
}
