//! The measurements for one backend, each on its own fresh database.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::db::{Backend, BenchDb};
use crate::load::{self, Load, LoadResult};
use crate::report::{Row, Target, format_duration, thousands};
use crate::server::{Pulih, Server};

/// DESIGN.md: cold start to first served request ≤ 100 ms (after migrations).
const COLD_START_TARGET: Duration = Duration::from_millis(100);
/// DESIGN.md: JSON read p99 < 10 ms under load.
const JSON_P99_TARGET: Duration = Duration::from_millis(10);
/// DESIGN.md: HTML page p99 < 20 ms under load.
const HTML_P99_TARGET: Duration = Duration::from_millis(20);

/// The region both endpoints are asked for: Kota Batam.
const REGION: &str = "21.71";
/// The administrator the bench creates to log in with.
const ADMIN_USERNAME: &str = "benchadmin";
/// Its password: long enough, and without the username in it.
const ADMIN_PASSWORD: &str = "correct-horse-battery-7";

/// How hard to push.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Measured requests per endpoint.
    pub requests: usize,
    /// Concurrent connections.
    pub concurrency: usize,
    /// Cold starts to take the median of.
    pub cold_starts: usize,
    /// URL the PostgreSQL bench database is created through.
    pub postgres_admin_url: String,
}

/// The rows of one backend's table, plus lines printed under it.
#[derive(Debug)]
pub struct Outcome {
    /// Measures with their targets.
    pub rows: Vec<Row>,
    /// Extra context, e.g. the import summary.
    pub notes: Vec<String>,
}

/// Runs every measurement on `backend` with a database created for the purpose.
pub fn backend(pulih: &Pulih, backend: Backend, settings: &Settings) -> Result<Outcome> {
    // Declared first so it is dropped last, after every server using it has stopped.
    let db = BenchDb::create(backend, &settings.postgres_admin_url)?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();

    let expected = pulih_regions::embedded()
        .context("reading the embedded region tree")?
        .len();
    let started = Instant::now();
    let summary = pulih
        .run(&["regions", "import"], &db, "")
        .context("importing the region tree into an empty database")?;
    let import = started.elapsed();
    rows.push(Row::time(
        "region import, empty db (incl. migrations)",
        import,
        Target::None,
    ));
    let rate = expected as f64 / import.as_secs_f64();
    rows.push(Row::info(
        "region import rate",
        format!("{} rows/s", thousands(rate as u64)),
    ));
    if let Some(line) = summary.lines().rev().find(|l| !l.trim().is_empty()) {
        notes.push(format!("import said: {}", line.trim()));
    }

    // Created before the cold starts: on a database without users `serve` bootstraps a
    // first administrator, which is first-run work and not part of a restart.
    pulih
        .run(
            &[
                "admin",
                "create",
                "--username",
                ADMIN_USERNAME,
                "--password-stdin",
            ],
            &db,
            &format!("{ADMIN_PASSWORD}\n"),
        )
        .context("creating the bench administrator")?;

    let mut starts = Vec::with_capacity(settings.cold_starts);
    for i in 0..settings.cold_starts {
        let mut server = pulih.serve(&db, &format!("cold-start-{i}"))?;
        starts.push(server.cold_start());
        server.stop();
    }
    let all: Vec<String> = starts.iter().map(|d| format_duration(*d)).collect();
    notes.push(format!("cold starts, in order: {}", all.join(", ")));
    starts.sort_unstable();
    rows.push(Row::time(
        format!("cold start to first request (median of {})", starts.len()),
        starts[starts.len() / 2],
        Target::AtMost(COLD_START_TARGET),
    ));
    let server = pulih.serve(&db, "load")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(reads(&server, settings, &mut rows))
        .with_context(|| format!("server log tail:\n{}", server.log_tail()))?;
    Ok(Outcome { rows, notes })
}

/// Logs in, then loads the region JSON endpoint and the region page in turn.
async fn reads(server: &Server, settings: &Settings, rows: &mut Vec<Row>) -> Result<()> {
    let client = load::client(settings.concurrency)?;
    let token = login(&client, &server.base_url()).await?;
    let endpoints = [
        (
            "JSON",
            format!("/api/v1/regions/{REGION}"),
            "application/json",
            JSON_P99_TARGET,
        ),
        (
            "HTML",
            format!("/regions/{REGION}"),
            "text/html",
            HTML_P99_TARGET,
        ),
    ];
    for (kind, path, accept, p99_target) in endpoints {
        let mut load = Load {
            url: format!("{}{path}", server.base_url()),
            token: token.clone(),
            accept,
            requests: settings.requests,
            concurrency: settings.concurrency,
        };
        check_body(kind, &load::probe(&client, &load).await?)?;
        let measured = load.requests;
        load.requests = (measured / 10).clamp(settings.concurrency, 2_000);
        load::run(&client, &load).await;
        load.requests = measured;
        let result = load::run(&client, &load).await;
        push_rows(rows, kind, &path, &result, p99_target, settings.concurrency);
    }
    Ok(())
}

/// Adds p50, p99, throughput and failures of one endpoint to the table.
fn push_rows(
    rows: &mut Vec<Row>,
    kind: &str,
    path: &str,
    result: &LoadResult,
    p99_target: Duration,
    concurrency: usize,
) {
    rows.push(Row::time(
        format!("{kind} {path} p50 ({concurrency} conns)"),
        result.percentile(50.0),
        Target::None,
    ));
    rows.push(Row::time(
        format!("{kind} {path} p99 ({concurrency} conns)"),
        result.percentile(99.0),
        Target::Below(p99_target),
    ));
    rows.push(Row::info(
        format!("{kind} {path} throughput"),
        format!("{} req/s", thousands(result.throughput() as u64)),
    ));
    rows.push(Row::failures(
        format!("{kind} {path} failed requests"),
        result.errors,
        result.first_error.as_deref(),
    ));
}

/// Makes sure the endpoint serves what is expected before timing it.
fn check_body(kind: &str, body: &str) -> Result<()> {
    let ok = match kind {
        "JSON" => serde_json::from_str::<serde_json::Value>(body).is_ok(),
        _ => body.contains("<html") || body.contains("<!DOCTYPE") || body.contains("<!doctype"),
    };
    if !ok {
        bail!(
            "the {kind} endpoint did not return {kind}: {}",
            load::snippet(body)
        );
    }
    if !body.contains("Batam") && !body.contains("BATAM") {
        bail!(
            "region {REGION} is not Kota Batam here: {}",
            load::snippet(body)
        );
    }
    Ok(())
}

/// `POST /api/v1/session` as the bench administrator; returns the bearer token.
async fn login(client: &reqwest::Client, base_url: &str) -> Result<String> {
    let response = client
        .post(format!("{base_url}/api/v1/session"))
        .json(&serde_json::json!({ "username": ADMIN_USERNAME, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .context("POST /api/v1/session")?;
    let status = response.status();
    let body = response.text().await?;
    if status != reqwest::StatusCode::CREATED {
        bail!("login answered {status}, not 201: {}", load::snippet(&body));
    }
    let json: serde_json::Value =
        serde_json::from_str(&body).context("login did not answer JSON")?;
    json.get("token")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("login answer has no token: {}", load::snippet(&body)))
}
