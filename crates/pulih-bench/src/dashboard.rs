//! The dashboard scenario: demo data loaded by `pulih demo generate` (province scale by
//! default), then the national, a province, a regency, a district and a village dashboard
//! of the year loaded as page and JSON, each with its latency and the server's CPU per
//! request (Pulih and its database together), and side by side the same figures by plain
//! GROUP BY over the raw tables on the same database, with how many times cheaper the
//! dashboard is.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Datelike;

use crate::db::BenchDb;
use crate::load::{self, Load, LoadResult};
use crate::plain_sql;
use crate::report::{Row, Target};
use crate::run::{Settings, measure};
use crate::server::{Pulih, Server};

/// DESIGN.md: a dashboard at any level answers with p95 < 50 ms.
const P95_TARGET: Duration = Duration::from_millis(50);
/// DESIGN.md: at most 1 ms of server CPU (Pulih and its database) per request.
const CPU_TARGET: Duration = Duration::from_millis(1);
/// Issue 14: at national and province level at least 50 times cheaper than plain SQL.
const TIMES_TARGET: f64 = 50.0;
/// Plain-SQL answers timed per node (the median is reported).
const PLAIN_RUNS: usize = 5;
/// The seed of the demo data.
const SEED: &str = "1";

/// Loads the demo data at `scale` into `db` (after the region import); a row and a note.
pub fn load_demo(pulih: &Pulih, db: &BenchDb, scale: &str) -> Result<(Row, String)> {
    let started = Instant::now();
    let said = pulih
        .run(
            &["demo", "generate", "--scale", scale, "--seed", SEED],
            db,
            "",
        )
        .with_context(|| format!("generating {scale} demo data"))?;
    let took = started.elapsed();
    db.analyze()
        .context("updating the planner's statistics after the load")?;
    let line = said
        .lines()
        .find(|l| l.starts_with("Demo data loaded"))
        .unwrap_or("")
        .trim()
        .to_owned();
    let row = Row::time(format!("demo data load, {scale} scale"), took, Target::None);
    Ok((row, format!("demo generate said: {line}")))
}

/// The nodes measured: the nation and a province, a regency, a district and a village
/// inside the demo data (Jambi and Kota Jambi; Kepulauan Riau and Kota Batam at regency
/// scale), each district and village the first of its parent.
fn nodes(scale: &str) -> Result<Vec<(&'static str, String)>> {
    let (province, regency) = if scale == "regency" {
        ("21", "21.71")
    } else {
        ("15", "15.71")
    };
    let regions = pulih_regions::embedded().context("reading the embedded region tree")?;
    let mut codes: Vec<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    codes.sort_unstable();
    let first_below = |parent: &str| {
        let prefix = format!("{parent}.");
        codes
            .iter()
            .find(|c| {
                c.starts_with(&prefix) && c.matches('.').count() == parent.matches('.').count() + 1
            })
            .map(|c| (*c).to_owned())
            .with_context(|| format!("{parent} has no children in the region tree"))
    };
    let district = first_below(regency)?;
    let village = first_below(&district)?;
    Ok(vec![
        ("national", "ID".to_owned()),
        ("province", province.to_owned()),
        ("regency", regency.to_owned()),
        ("district", district),
        ("village", village),
    ])
}

/// Measures every node's dashboard, page and JSON, and its plain-SQL answer.
pub async fn measure_all(
    client: &reqwest::Client,
    (server, db): (&Server, &BenchDb),
    token: &str,
    settings: &Settings,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> Result<()> {
    let base_url = server.base_url();
    let year = chrono::Utc::now().year();
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    notes.push(format!(
        "dashboards of the year {year} as the national administrator; plain SQL: GROUP BY \
         per child region over client_facts ⋈ clients, activities and units, {PLAIN_RUNS} \
         runs each in the database's shell; 'x cheaper' = plain SQL's CPU per answer / the \
         dashboard JSON's CPU per request"
    ));
    for (level, node) in nodes(&settings.scale)? {
        let mut json_cpu = None;
        for (kind, path, accept) in [
            (
                "page",
                format!("/dashboard/{node}?period={year}"),
                "text/html",
            ),
            (
                "JSON",
                format!("/api/v1/dashboards/{node}?period={year}"),
                "application/json",
            ),
        ] {
            let load = Load::get(format!("{base_url}{path}"), token.to_owned(), accept)
                .sized(settings.requests, settings.concurrency);
            let check = |body: &str| check(kind, body);
            let result = measure(client, server, load, settings, check).await?;
            let cpu = push(
                rows,
                &format!("{level} dashboard {kind} {node}"),
                &result,
                settings,
            );
            if kind == "JSON" {
                json_cpu = cpu;
            }
        }
        let sql = plain_sql::statements(&node, &from, &to);
        let plain = plain_sql::measure(db, &sql, PLAIN_RUNS)
            .with_context(|| format!("plain SQL for {node}"))?;
        let label = format!("{level} plain SQL {node}");
        rows.push(Row::time(
            format!("{label} latency (1 conn, median)"),
            plain.wall,
            Target::None,
        ));
        rows.push(Row::time(
            format!("{label} CPU per answer"),
            plain.cpu,
            Target::None,
        ));
        if let Some(cpu) = json_cpu.filter(|c| !c.is_zero()) {
            let target = if matches!(level, "national" | "province") {
                Target::AtLeastTimes(TIMES_TARGET)
            } else {
                Target::None
            };
            let times = plain.cpu.as_secs_f64() / cpu.as_secs_f64();
            rows.push(Row::times(
                format!("{level} dashboard JSON x cheaper than plain SQL"),
                times,
                target,
            ));
        }
    }
    Ok(())
}

/// Adds p50, p95, p99, throughput, CPU per request (server and database) and failures;
/// answers the CPU per request.
fn push(
    rows: &mut Vec<Row>,
    label: &str,
    result: &LoadResult,
    settings: &Settings,
) -> Option<Duration> {
    let conns = settings.concurrency;
    for (p, target) in [
        (50.0, Target::None),
        (95.0, Target::Below(P95_TARGET)),
        (99.0, Target::None),
    ] {
        rows.push(Row::time(
            format!("{label} p{p} ({conns} conns)"),
            result.percentile(p),
            target,
        ));
    }
    rows.push(Row::rate(
        format!("{label} throughput"),
        result.throughput(),
        "req/s",
        Target::None,
    ));
    let cpu = result
        .server_cpu_per_request()
        .map(|s| s + result.database_cpu_per_request().unwrap_or_default());
    if let Some(cpu) = cpu {
        rows.push(Row::time(
            format!("{label} CPU per request (server + db)"),
            cpu,
            Target::AtMost(CPU_TARGET),
        ));
    }
    rows.push(Row::failures(
        format!("{label} failed requests"),
        result.errors,
        result.first_error.as_deref(),
    ));
    cpu
}

/// A page must be a page with figures, JSON must be a dashboard.
fn check(kind: &str, body: &str) -> Result<()> {
    let ok = match kind {
        "JSON" => {
            serde_json::from_str::<serde_json::Value>(body).is_ok_and(|v| v["figures"].is_object())
        }
        _ => body.contains("<html") || body.contains("<!doctype") || body.contains("<!DOCTYPE"),
    };
    if !ok {
        bail!(
            "the dashboard {kind} is not what was expected: {}",
            load::snippet(body)
        );
    }
    Ok(())
}
