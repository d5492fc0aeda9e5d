//! A closed-loop load generator: a fixed number of connections, each sending its next
//! request as soon as the previous answer has been read in full.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::Client;
use reqwest::header::ACCEPT;

/// What to request, and how hard.
#[derive(Clone, Debug)]
pub struct Load {
    /// Full URL of the page or endpoint.
    pub url: String,
    /// Bearer token of a logged-in user.
    pub token: String,
    /// `Accept` header, e.g. `application/json` or `text/html`.
    pub accept: &'static str,
    /// Number of measured requests, across all connections.
    pub requests: usize,
    /// Number of concurrent connections.
    pub concurrency: usize,
}

/// Latencies and throughput of one measured run.
#[derive(Debug)]
pub struct LoadResult {
    /// Latency of every successful request, sorted ascending.
    pub latencies: Vec<Duration>,
    /// Wall time of the whole run.
    pub wall: Duration,
    /// Requests that failed or did not answer 200.
    pub errors: usize,
    /// The first failure, for the report.
    pub first_error: Option<String>,
}

impl LoadResult {
    /// Nearest-rank percentile `p` (0–100) of the successful requests.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p / 100.0 * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    /// Successful requests per second over the wall time.
    pub fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
}

/// An HTTP client with one pooled connection per concurrent task, no proxy.
pub fn client(concurrency: usize) -> Result<Client> {
    Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .context("building the HTTP client")
}

/// Sends one request and checks that it succeeds; returns the body, for a sanity check
/// before the load starts.
pub async fn probe(client: &Client, load: &Load) -> Result<String> {
    let response = client
        .get(&load.url)
        .bearer_auth(&load.token)
        .header(ACCEPT, load.accept)
        .send()
        .await
        .with_context(|| format!("GET {}", load.url))?;
    let status = response.status();
    let body = response.text().await?;
    if status != reqwest::StatusCode::OK {
        bail!("GET {} answered {status}: {}", load.url, snippet(&body));
    }
    Ok(body)
}

/// Runs `load.requests` requests over `load.concurrency` connections.
pub async fn run(client: &Client, load: &Load) -> LoadResult {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(load.concurrency);
    for _ in 0..load.concurrency {
        let (client, load, next) = (client.clone(), load.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            connection(&client, &load, &next).await
        }));
    }
    let mut result = LoadResult {
        latencies: Vec::with_capacity(load.requests),
        wall: Duration::ZERO,
        errors: 0,
        first_error: None,
    };
    for task in tasks {
        match task.await {
            Ok(part) => {
                result.latencies.extend(part.latencies);
                result.errors += part.errors;
                result.first_error = result.first_error.or(part.first_error);
            }
            Err(e) => {
                result.errors += 1;
                result.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    result.wall = started.elapsed();
    result.latencies.sort_unstable();
    result
}

/// One connection's loop: take a request number, send, wait for the full body, repeat.
async fn connection(client: &Client, load: &Load, next: &AtomicUsize) -> LoadResult {
    let mut part = LoadResult {
        latencies: Vec::new(),
        wall: Duration::ZERO,
        errors: 0,
        first_error: None,
    };
    while next.fetch_add(1, Ordering::Relaxed) < load.requests {
        let sent = Instant::now();
        let outcome = async {
            let response = client
                .get(&load.url)
                .bearer_auth(&load.token)
                .header(ACCEPT, load.accept)
                .send()
                .await?;
            let status = response.status();
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, body.len()))
        }
        .await;
        let elapsed = sent.elapsed();
        match outcome {
            Ok((reqwest::StatusCode::OK, _)) => part.latencies.push(elapsed),
            Ok((status, _)) => {
                part.errors += 1;
                part.first_error
                    .get_or_insert_with(|| format!("status {status}"));
            }
            Err(e) => {
                part.errors += 1;
                part.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    part
}

/// The start of a response body, on one line.
pub fn snippet(body: &str) -> String {
    body.chars()
        .take(200)
        .collect::<String>()
        .replace(['\n', '\r'], " ")
}
