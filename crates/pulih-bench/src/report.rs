//! The printed table: each measure next to its target from DESIGN.md. The ratio is always
//! measured value / target: above 1 misses a latency target, below 1 misses a rate target.

use std::fmt::Write as _;
use std::time::Duration;

/// A target from DESIGN.md "Performance targets", or none.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// DESIGN.md gives no target; the figure is printed for reference.
    None,
    /// The value must be at most this (`≤`).
    AtMost(Duration),
    /// The value must be strictly below this (`<`).
    Below(Duration),
    /// A count that must be zero (failed requests).
    Zero,
    /// A rate that must be at least this many per second (`≥`), e.g. write throughput.
    AtLeastPerSecond(f64),
    /// A size in bytes that must be at most this (`≤`), e.g. memory.
    AtMostBytes(u64),
    /// A factor that must be at least this (`≥`), e.g. how much faster than plain SQL.
    AtLeastTimes(f64),
}

/// One line of the table.
#[derive(Debug)]
pub struct Row {
    measure: String,
    value: String,
    measured: Option<f64>,
    target: Target,
}

impl Row {
    /// A duration compared with `target`.
    pub fn time(measure: impl Into<String>, value: Duration, target: Target) -> Self {
        Self {
            measure: measure.into(),
            value: format_duration(value),
            measured: Some(value.as_secs_f64()),
            target,
        }
    }

    /// A free-form figure with no target.
    pub fn info(measure: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            measure: measure.into(),
            value: value.into(),
            measured: None,
            target: Target::None,
        }
    }

    /// A rate per second, e.g. `5,210 req/s`, compared with `target`.
    pub fn rate(measure: impl Into<String>, per_second: f64, unit: &str, target: Target) -> Self {
        Self {
            measure: measure.into(),
            value: format!("{} {unit}", thousands(per_second as u64)),
            measured: Some(per_second),
            target,
        }
    }

    /// A factor (how many times more or faster) compared with `target`.
    pub fn times(measure: impl Into<String>, factor: f64, target: Target) -> Self {
        Self {
            measure: measure.into(),
            value: if factor < 10.0 {
                format!("{factor:.1}x")
            } else {
                format!("{factor:.0}x")
            },
            measured: Some(factor),
            target,
        }
    }

    /// A size in bytes, shown in MB, compared with `limit`.
    pub fn bytes(measure: impl Into<String>, bytes: u64, limit: u64) -> Self {
        Self {
            measure: measure.into(),
            value: format!("{:.0} MB", bytes as f64 / 1_000_000.0),
            measured: Some(bytes as f64),
            target: Target::AtMostBytes(limit),
        }
    }

    /// A count of failures, which should be zero.
    pub fn failures(measure: impl Into<String>, count: usize, detail: Option<&str>) -> Self {
        let value = match detail {
            Some(detail) if count > 0 => format!("{count} (first: {detail})"),
            _ => count.to_string(),
        };
        Self {
            measure: measure.into(),
            value,
            measured: Some(count as f64),
            target: Target::Zero,
        }
    }

    fn target_text(&self) -> String {
        match self.target {
            Target::None => "-".to_owned(),
            Target::AtMost(t) => format!("<= {} ms", t.as_millis()),
            Target::Below(t) => format!("< {} ms", t.as_millis()),
            Target::Zero => "0".to_owned(),
            Target::AtLeastPerSecond(t) => format!(">= {}/s", thousands(t as u64)),
            Target::AtMostBytes(b) => format!("<= {} MB", b / 1_000_000),
            Target::AtLeastTimes(t) => format!(">= {t:.0}x"),
        }
    }

    /// `(ratio, met)` when the row has a target.
    fn verdict(&self) -> Option<(Option<f64>, bool)> {
        let value = self.measured?;
        match self.target {
            Target::None => None,
            Target::AtMost(t) => Some((Some(value / t.as_secs_f64()), value <= t.as_secs_f64())),
            Target::Below(t) => Some((Some(value / t.as_secs_f64()), value < t.as_secs_f64())),
            Target::Zero => Some((None, value == 0.0)),
            Target::AtLeastPerSecond(t) => Some((Some(value / t), value >= t)),
            Target::AtMostBytes(b) => Some((Some(value / b as f64), value <= b as f64)),
            Target::AtLeastTimes(t) => Some((Some(value / t), value >= t)),
        }
    }

    /// True when the row has a target and misses it.
    pub fn missed(&self) -> bool {
        matches!(self.verdict(), Some((_, false)))
    }
}

/// Renders the table for one backend.
pub fn table(title: &str, rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|r| r.measure.len())
        .max()
        .unwrap_or(0)
        .max(7);
    let value_width = rows.iter().map(|r| r.value.len()).max().unwrap_or(0).max(5);
    let mut out = format!("\n== {title} ==\n");
    let _ = writeln!(
        out,
        "{:width$}  {:>value_width$}  {:>10}  {:>6}  verdict",
        "measure", "value", "target", "ratio"
    );
    for row in rows {
        let (ratio, verdict) = match row.verdict() {
            None => ("-".to_owned(), "-"),
            Some((ratio, met)) => (
                ratio.map_or("-".to_owned(), |r| format!("{r:.2}")),
                if met { "OK" } else { "MISS" },
            ),
        };
        let _ = writeln!(
            out,
            "{:width$}  {:>value_width$}  {:>10}  {:>6}  {verdict}",
            row.measure,
            row.value,
            row.target_text(),
            ratio
        );
    }
    out
}

/// Milliseconds below a second, seconds above.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1_000.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// A number with thousands separators, e.g. `91,162`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let head = match digits.len() % 3 {
        0 => 3,
        rest => rest,
    };
    let mut out = digits[..head].to_owned();
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(91_162), "91,162");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_value_over_its_target_is_a_miss() {
        let target = Target::Below(Duration::from_millis(10));
        assert!(Row::time("p99", Duration::from_millis(12), target).missed());
        assert!(!Row::time("p99", Duration::from_millis(8), target).missed());
        assert!(Row::failures("errors", 1, None).missed());
        assert!(!Row::info("rate", "1/s").missed());
    }

    #[test]
    fn a_rate_under_its_target_is_a_miss() {
        let target = Target::AtLeastPerSecond(5_000.0);
        assert!(Row::rate("writes", 4_999.0, "req/s", target).missed());
        assert!(!Row::rate("writes", 5_000.0, "req/s", target).missed());
        assert!(!Row::rate("reads", 10.0, "req/s", Target::None).missed());
        let table = table("t", &[Row::rate("writes", 2_500.0, "req/s", target)]);
        assert!(table.contains("2,500 req/s"), "{table}");
        assert!(table.contains(">= 5,000/s"), "{table}");
        assert!(table.contains("0.50  MISS"), "{table}");
    }
}
