//! A closed-loop load generator: a fixed number of connections, each sending its next
//! request as soon as the previous answer has been read in full. It reads (`GET`) and
//! writes (`POST` of a JSON body) alike.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Client, RequestBuilder, StatusCode};

/// What to request, and how hard.
#[derive(Clone, Debug)]
pub struct Load {
    /// Full URLs of the page or endpoint. Connection `k` takes the URLs at positions `k`,
    /// `k + concurrency`, … in turn, so with at least as many URLs as connections no two
    /// connections send to the same URL at once (one client record per connection).
    pub urls: Arc<[String]>,
    /// The JSON body to `POST`; `None` sends a `GET`.
    pub body: Option<Arc<str>>,
    /// The status every answer must have to count as a success (200 for reads, 201 for
    /// writes).
    pub expect: StatusCode,
    /// Bearer token of a logged-in user.
    pub token: String,
    /// `Accept` header, e.g. `application/json` or `text/html`.
    pub accept: &'static str,
    /// Number of measured requests, across all connections.
    pub requests: usize,
    /// Number of concurrent connections.
    pub concurrency: usize,
    /// Whether every write carries an `Idempotency-Key` of its own (the counter numbers
    /// them across all connections).
    pub keys: Option<Arc<AtomicUsize>>,
}

impl Load {
    /// `GET url` answered with 200.
    pub fn get(url: String, token: String, accept: &'static str) -> Self {
        Self {
            urls: Arc::from([url]),
            body: None,
            expect: StatusCode::OK,
            token,
            accept,
            requests: 0,
            concurrency: 1,
            keys: None,
        }
    }

    /// `POST body` (JSON) to the `urls`, each answered with 201.
    pub fn post_json(urls: Vec<String>, body: &serde_json::Value, token: String) -> Self {
        Self {
            urls: Arc::from(urls),
            body: Some(Arc::from(body.to_string())),
            expect: StatusCode::CREATED,
            token,
            accept: "application/json",
            requests: 0,
            concurrency: 1,
            keys: None,
        }
    }

    /// Sends every write with an `Idempotency-Key` of its own, as a phone would.
    pub fn keyed(mut self) -> Self {
        self.keys = Some(Arc::new(AtomicUsize::new(0)));
        self
    }

    /// Sets the number of measured requests and of connections.
    pub fn sized(mut self, requests: usize, concurrency: usize) -> Self {
        self.requests = requests;
        self.concurrency = concurrency.max(1);
        self
    }

    /// The URLs connection `k` sends to, in turn (never empty while `urls` is not).
    fn urls_of(&self, k: usize) -> Vec<&str> {
        if self.urls.is_empty() {
            return Vec::new();
        }
        self.urls
            .iter()
            .skip(k % self.urls.len())
            .step_by(self.concurrency)
            .map(String::as_str)
            .collect()
    }

    /// The request to `url`: method, body and headers.
    fn request(&self, client: &Client, url: &str) -> RequestBuilder {
        let builder = match &self.body {
            None => client.get(url),
            Some(body) => client
                .post(url)
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string()),
        };
        let builder = match (&self.keys, &self.body) {
            (Some(keys), Some(_)) => {
                let n = keys.fetch_add(1, Ordering::Relaxed);
                builder.header(
                    "idempotency-key",
                    format!("bench-{}-{n}", std::process::id()),
                )
            }
            _ => builder,
        };
        builder.bearer_auth(&self.token).header(ACCEPT, self.accept)
    }

    fn method(&self) -> &'static str {
        if self.body.is_some() { "POST" } else { "GET" }
    }
}

/// Latencies and throughput of one measured run.
#[derive(Debug)]
pub struct LoadResult {
    /// Latency of every successful request, sorted ascending.
    pub latencies: Vec<Duration>,
    /// Wall time of the whole run.
    pub wall: Duration,
    /// Requests that failed or did not answer the expected status.
    pub errors: usize,
    /// The first failure, for the report.
    pub first_error: Option<String>,
    /// CPU time the database server's processes used during the run (PostgreSQL).
    pub database_cpu: Option<Duration>,
    /// The server's peak resident memory during the run, in bytes.
    pub peak_rss: Option<u64>,
    /// CPU time the server process used during the run, where it can be read.
    pub server_cpu: Option<Duration>,
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

    /// Server CPU time per request sent (successful or not), where it was read.
    pub fn server_cpu_per_request(&self) -> Option<Duration> {
        self.per_request(self.server_cpu?)
    }

    /// The database server's CPU time per request sent (PostgreSQL).
    pub fn database_cpu_per_request(&self) -> Option<Duration> {
        self.per_request(self.database_cpu?)
    }

    fn per_request(&self, total: Duration) -> Option<Duration> {
        let sent = self.latencies.len() + self.errors;
        let sent = u32::try_from(sent).ok().filter(|&n| n > 0)?;
        Some(total / sent)
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

/// Sends one request to the first URL and checks that it succeeds; returns the body, for
/// a sanity check before the load starts. (For a write load this is one more write.)
pub async fn probe(client: &Client, load: &Load) -> Result<String> {
    let url = load.urls.first().context("the load has no URL")?;
    let method = load.method();
    let response = load
        .request(client, url)
        .send()
        .await
        .with_context(|| format!("{method} {url}"))?;
    let status = response.status();
    let body = response.text().await?;
    if status != load.expect {
        bail!(
            "{method} {url} answered {status}, not {}: {}",
            load.expect,
            snippet(&body)
        );
    }
    Ok(body)
}

/// Runs `load.requests` requests over `load.concurrency` connections.
pub async fn run(client: &Client, load: &Load) -> LoadResult {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(load.concurrency);
    for k in 0..load.concurrency {
        let (client, load, next) = (client.clone(), load.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            connection(&client, &load, k, &next).await
        }));
    }
    let mut result = LoadResult {
        latencies: Vec::with_capacity(load.requests),
        wall: Duration::ZERO,
        errors: 0,
        first_error: None,
        server_cpu: None,
        database_cpu: None,
        peak_rss: None,
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

/// Connection `k`'s loop: take a request number, send to its next URL, wait for the full
/// body, repeat.
async fn connection(client: &Client, load: &Load, k: usize, next: &AtomicUsize) -> LoadResult {
    let mut part = LoadResult {
        latencies: Vec::new(),
        wall: Duration::ZERO,
        errors: 0,
        first_error: None,
        server_cpu: None,
        database_cpu: None,
        peak_rss: None,
    };
    let urls = load.urls_of(k);
    let mut turn = urls.iter().cycle();
    while next.fetch_add(1, Ordering::Relaxed) < load.requests {
        let Some(url) = turn.next() else { break };
        let sent = Instant::now();
        let outcome = async {
            let response = load.request(client, url).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, body))
        }
        .await;
        let elapsed = sent.elapsed();
        match outcome {
            Ok((status, _)) if status == load.expect => part.latencies.push(elapsed),
            Ok((status, body)) => {
                part.errors += 1;
                part.first_error.get_or_insert_with(|| {
                    format!(
                        "status {status}: {}",
                        snippet(&String::from_utf8_lossy(&body))
                    )
                });
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

#[cfg(test)]
mod tests {
    use super::Load;

    fn urls(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("u{i}")).collect()
    }

    #[test]
    fn with_as_many_urls_as_connections_each_connection_has_its_own() {
        let load = Load::post_json(urls(4), &serde_json::json!({}), "t".into()).sized(10, 4);
        for k in 0..4 {
            assert_eq!(load.urls_of(k), vec![format!("u{k}")]);
        }
    }

    #[test]
    fn extra_urls_are_shared_out_without_overlap() {
        let load = Load::post_json(urls(5), &serde_json::json!({}), "t".into()).sized(10, 2);
        assert_eq!(load.urls_of(0), ["u0", "u2", "u4"]);
        assert_eq!(load.urls_of(1), ["u1", "u3"]);
    }

    #[test]
    fn a_single_url_is_used_by_every_connection() {
        let load = Load::get("u".into(), "t".into(), "text/html").sized(10, 3);
        for k in 0..3 {
            assert_eq!(load.urls_of(k), ["u"]);
        }
    }
}
