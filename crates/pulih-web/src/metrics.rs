//! Request counts and latencies per route template, exposed in Prometheus text format,
//! and one log line per request (route template only: paths and queries may hold data).
//! Every label takes a bounded set of values, whatever clients send: a method outside the
//! standard ones counts as `other`, a path no route matches as `unmatched`. Only a scraper
//! that sends the configured [`MetricsToken`] may read them.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The bearer token a metrics scraper sends (never shown in logs).
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// A token; an empty one is none.
    pub fn new(token: &str) -> Option<Self> {
        let token = token.trim();
        (!token.is_empty()).then(|| Self(token.to_owned()))
    }

    /// Whether `given` is this token (compared in constant time).
    pub fn matches(&self, given: &str) -> bool {
        bool::from(self.0.as_bytes().ct_eq(given.as_bytes()))
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken(***)")
    }
}

/// The method label: a standard method by name, anything else `other`.
fn method_label(method: &Method) -> &'static str {
    const STANDARD: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    STANDARD
        .into_iter()
        .find(|m| *m == method.as_str())
        .unwrap_or("other")
}

/// Counters by (method, route, status).
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(&'static str, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, method: &'static str, route: &str, status: u16, secs: f64) {
        let mut series = self
            .series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let s = series
            .entry((method, route.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum += secs;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                s.buckets[i] += 1;
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let series = self
            .series
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = String::from(
            "# HELP pulih_http_requests_total HTTP requests by route and status.\n\
             # TYPE pulih_http_requests_total counter\n",
        );
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "pulih_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str(
            "# HELP pulih_http_request_duration_seconds Request latency by route.\n\
             # TYPE pulih_http_request_duration_seconds histogram\n",
        );
        for ((method, route, status), s) in series.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "pulih_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "pulih_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "pulih_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "pulih_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

/// Times each request and records it under its route template.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let secs = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.observe(method, &route, status, secs);
    tracing::info!(target: "pulih::http", method, route, status, ms = secs * 1000.0, "request");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_appear_in_the_exposition() {
        let m = Metrics::default();
        m.observe("GET", "/regions/{code}", 200, 0.003);
        let text = m.render();
        assert!(text.contains(
            "pulih_http_requests_total{method=\"GET\",route=\"/regions/{code}\",status=\"200\"} 1"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.001\"} 0"));
    }

    #[test]
    fn made_up_methods_share_one_label() {
        let made_up = Method::from_bytes(b"FOO123").expect("a method");
        assert_eq!(method_label(&made_up), "other");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
    }
}
