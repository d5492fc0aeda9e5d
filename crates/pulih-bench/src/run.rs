//! The measurements for one backend, each on its own fresh database: import, cold start,
//! reads, the regency page, then durable writes.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::db::{Backend, BenchDb};
use crate::load::{self, Load, LoadResult};
use crate::report::{Row, Target, format_duration, thousands};
use crate::server::{Pulih, Server};
use crate::{api, dashboard, regency, worklist, writes};

/// DESIGN.md: cold start to first served request ≤ 100 ms (after migrations).
const COLD_START_TARGET: Duration = Duration::from_millis(100);
/// DESIGN.md: JSON read p99 < 10 ms under load.
const JSON_P99_TARGET: Duration = Duration::from_millis(10);
/// DESIGN.md: HTML page p99 < 20 ms under load.
const HTML_P99_TARGET: Duration = Duration::from_millis(20);

/// The region both read endpoints are asked for, and where the bench's clients live:
/// Kota Batam.
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
    /// Clients the write measurement spreads its screenings over (≥ `concurrency`).
    pub write_clients: usize,
    /// Cold starts to take the median of.
    pub cold_starts: usize,
    /// URL the PostgreSQL bench database is created through.
    pub postgres_admin_url: String,
    /// Which measurements to take.
    pub scenario: Scenario,
    /// The demo data scale of the dashboard scenario: regency, province or national.
    pub scale: String,
}

/// DESIGN.md: memory under load at most 150 MB RSS.
pub const PEAK_RSS_TARGET: u64 = 150_000_000;

/// The `--scenario` choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// Every measurement.
    All,
    /// Only the durable writes, without and with an idempotency key on every write.
    Writes,
    /// Only the regency page (after the region import it needs).
    RegencyPage,
    /// Only the worklist of a coordinator with 5,000 clients and 500 agents in scope.
    Worklist,
    /// Only the dashboards from the nation to a village on demo data (`--scale`), beside
    /// plain SQL.
    Dashboard,
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

    if settings.scenario == Scenario::Dashboard {
        let (row, note) = dashboard::load_demo(pulih, &db, &settings.scale)?;
        rows.push(row);
        notes.push(note);
    }
    if settings.scenario == Scenario::All {
        cold_starts(pulih, &db, settings, &mut rows, &mut notes)?;
    }
    let server = pulih.serve(&db, "load")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(under_load(&server, &db, settings, &mut rows, &mut notes))
        .with_context(|| format!("server log tail:\n{}", server.log_tail()))?;
    Ok(Outcome { rows, notes })
}

/// Starts and stops the server `settings.cold_starts` times; reports the median time to
/// the first answer.
fn cold_starts(
    pulih: &Pulih,
    db: &BenchDb,
    settings: &Settings,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let mut starts = Vec::with_capacity(settings.cold_starts);
    for i in 0..settings.cold_starts {
        let mut server = pulih.serve(db, &format!("cold-start-{i}"))?;
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
    Ok(())
}

/// Logs in, loads the region JSON endpoint and the region page in turn, seeds and loads
/// the regency page, then measures durable writes (only the regency page with
/// [`Scenario::RegencyPage`]).
async fn under_load(
    server: &Server,
    db: &BenchDb,
    settings: &Settings,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let client = load::client(settings.concurrency)?;
    let base_url = server.base_url();
    let token = api::login(&client, &base_url, ADMIN_USERNAME, ADMIN_PASSWORD).await?;
    match settings.scenario {
        Scenario::RegencyPage => {
            return regency_page(&client, server, &token, settings, rows, notes).await;
        }
        Scenario::Worklist => {
            return worklist(&client, (server, db), &token, settings, rows, notes).await;
        }
        Scenario::Writes => return writes(&client, server, &token, settings, rows, notes).await,
        Scenario::Dashboard => {
            let db_server = (server, db);
            return dashboard::measure_all(&client, db_server, &token, settings, rows, notes).await;
        }
        Scenario::All => {}
    }
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
        let load = Load::get(format!("{base_url}{path}"), token.clone(), accept)
            .sized(settings.requests, settings.concurrency);
        let check = |body: &str| check_body(kind, body);
        let result = measure(&client, server, load, settings, check).await?;
        let label = format!("{kind} {path}");
        push_rows(rows, &label, &result, p99_target, Target::None, settings);
    }
    regency_page(&client, server, &token, settings, rows, notes).await?;
    worklist(&client, (server, db), &token, settings, rows, notes).await?;

    writes(&client, server, &token, settings, rows, notes).await
}

/// Durable writes: BARC-10 screenings at the load's concurrency, first plain, then each
/// with an `Idempotency-Key` of its own (claimed inside the write), as phones send them.
async fn writes(
    client: &reqwest::Client,
    server: &Server,
    admin_token: &str,
    settings: &Settings,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let base_url = server.base_url();
    // At least one client record per connection, and none shared between connections (as
    // in the field, where a counsellor records for one client at a time).
    let prepared = writes::prepare(
        client,
        &base_url,
        admin_token,
        REGION,
        settings.write_clients,
    )
    .await
    .context("preparing the write measurement")?;
    notes.push(format!(
        "writes: POST /api/v1/clients/{{id}}/screenings/barc10 over {} clients, registered with consent in {}",
        prepared.urls.len(),
        format_duration(prepared.took)
    ));
    for (label, load) in [
        ("write BARC-10 screening", writes::load(&prepared)),
        (
            "write BARC-10 screening, keyed",
            writes::load(&prepared).keyed(),
        ),
    ] {
        let load = load.sized(settings.requests, settings.concurrency);
        let result = measure(client, server, load, settings, writes::check_answer).await?;
        push_rows(
            rows,
            label,
            &result,
            writes::P99_TARGET,
            Target::AtLeastPerSecond(writes::THROUGHPUT_TARGET),
            settings,
        );
    }
    Ok(())
}

/// Seeds the programme of a regency with at least 300 villages through the API, then loads
/// its page (programme overview, best candidates, SVG map) as its coordinator.
async fn regency_page(
    client: &reqwest::Client,
    server: &Server,
    admin_token: &str,
    settings: &Settings,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let base_url = server.base_url();
    let picked = regency::pick()?;
    let seeded = regency::seed(client, &base_url, admin_token, &picked)
        .await
        .with_context(|| format!("seeding the programme of {}", picked.name))?;
    notes.push(format!(
        "regency page: {} ({}), {} villages, each with an IKN assessment; {} designated \
         Bersinar, {} candidates, 3 yearly targets, 2 IKOTAN years; seeded as its coordinator \
         with {} API requests in {}",
        picked.name,
        picked.code,
        picked.villages.len(),
        seeded.designated,
        seeded.candidates,
        seeded.requests,
        format_duration(seeded.took)
    ));
    let path = format!("/regions/{}", picked.code);
    let load = Load::get(format!("{base_url}{path}"), seeded.token, "text/html")
        .sized(settings.requests, settings.concurrency);
    let check = |body: &str| regency::check_page(body, &picked);
    let result = measure(client, server, load, settings, check).await?;
    let label = format!("regency page {path}");
    push_rows(
        rows,
        &label,
        &result,
        HTML_P99_TARGET,
        Target::None,
        settings,
    );
    Ok(())
}

/// Makes sure an answer is what the endpoint should serve.
type Check = fn(&str) -> Result<()>;

/// Seeds a coordinator's scope with 500 agents and 5,000 clients through the API, brings
/// the planner's statistics up to date, then loads its worklist as a page and as JSON.
async fn worklist(
    client: &reqwest::Client,
    (server, db): (&Server, &BenchDb),
    admin_token: &str,
    settings: &Settings,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let base_url = server.base_url();
    let picked = worklist::pick()?;
    let seeded = worklist::seed(client, &base_url, admin_token, &picked)
        .await
        .with_context(|| format!("seeding the clients and agents of {}", picked.name))?;
    db.analyze()
        .context("updating the planner's statistics after seeding")?;
    notes.push(format!(
        "worklist: the coordinator of {} ({}) with {} agents in {} IBM units and {} clients, \
         seeded with {} API requests in {}",
        picked.name,
        worklist::REGENCY,
        worklist::AGENTS,
        picked.villages.len(),
        worklist::CLIENTS,
        thousands(seeded.requests as u64),
        format_duration(seeded.took)
    ));
    let endpoints: [(&str, &str, &str, Duration, Check); 2] = [
        (
            "worklist page",
            "/worklist",
            "text/html",
            HTML_P99_TARGET,
            worklist::check_page,
        ),
        (
            "worklist JSON",
            "/api/v1/worklist",
            "application/json",
            JSON_P99_TARGET,
            worklist::check_json,
        ),
    ];
    for (kind, path, accept, p99_target, check) in endpoints {
        let load = Load::get(format!("{base_url}{path}"), seeded.token.clone(), accept)
            .sized(settings.requests, settings.concurrency);
        let result = measure(client, server, load, settings, check).await?;
        let label = format!("{kind} {path}");
        push_rows(rows, &label, &result, p99_target, Target::None, settings);
    }
    Ok(())
}

/// Checks one answer, warms up with a tenth of the requests (at least one per connection,
/// at most 2,000), then measures `load` and the server's CPU time during it.
pub(crate) async fn measure(
    client: &reqwest::Client,
    server: &Server,
    mut load: Load,
    settings: &Settings,
    check: impl Fn(&str) -> Result<()>,
) -> Result<LoadResult> {
    check(&load::probe(client, &load).await?)?;
    let measured = load.requests;
    load.requests = (measured / 10).clamp(settings.concurrency, 2_000);
    load::run(client, &load).await;
    load.requests = measured;
    let cpu_before = server.cpu_time();
    let database_before = server.database_cpu_time();
    server.reset_peak_rss();
    let mut result = load::run(client, &load).await;
    result.server_cpu = server
        .cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    result.database_cpu = server
        .database_cpu_time()
        .zip(database_before)
        .map(|(after, before)| after.saturating_sub(before));
    result.peak_rss = server.peak_rss();
    Ok(result)
}

/// Adds p50, p95, p99, throughput, the server's CPU per request and failures of one
/// endpoint to the table.
fn push_rows(
    rows: &mut Vec<Row>,
    label: &str,
    result: &LoadResult,
    p99_target: Duration,
    throughput_target: Target,
    settings: &Settings,
) {
    let conns = settings.concurrency;
    rows.push(Row::time(
        format!("{label} p50 ({conns} conns)"),
        result.percentile(50.0),
        Target::None,
    ));
    rows.push(Row::time(
        format!("{label} p95 ({conns} conns)"),
        result.percentile(95.0),
        Target::None,
    ));
    rows.push(Row::time(
        format!("{label} p99 ({conns} conns)"),
        result.percentile(99.0),
        Target::Below(p99_target),
    ));
    rows.push(Row::rate(
        format!("{label} throughput"),
        result.throughput(),
        "req/s",
        throughput_target,
    ));
    if let Some(cpu) = result.server_cpu_per_request() {
        rows.push(Row::time(
            format!("{label} server CPU per request"),
            cpu,
            Target::None,
        ));
    }
    if let Some(cpu) = result.database_cpu_per_request() {
        rows.push(Row::time(
            format!("{label} database CPU per request"),
            cpu,
            Target::None,
        ));
    }
    if let Some(bytes) = result.peak_rss {
        rows.push(Row::bytes(
            format!("{label} server peak RSS"),
            bytes,
            PEAK_RSS_TARGET,
        ));
    }
    rows.push(Row::failures(
        format!("{label} failed requests"),
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
