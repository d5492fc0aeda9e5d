//! `pulih-bench`: measures a built `pulih` server binary on SQLite and PostgreSQL and prints
//! each figure next to its target from DESIGN.md "Performance targets":
//!
//! * full region import time (empty database, includes migrations) and rows/s;
//! * cold start to the first served request (`/healthz`), median of several starts on an
//!   imported database;
//! * p50/p95/p99 and throughput of the region JSON endpoint and the region HTML page under a
//!   fixed number of concurrent connections (64 by default);
//! * the same for a regency's page with 300 villages on its map (Kabupaten Mojokerto), its
//!   programme seeded through the API first (`--scenario regency-page` runs only this);
//! * the same for the worklist of a coordinator with 500 agents and 5,000 clients in scope,
//!   page and JSON, all seeded through the API first (`--scenario worklist` runs only this);
//! * with `--scenario dashboard` only: the dashboards of the nation, a province, a regency,
//!   a district and a village on demo data (`--scale`, province by default), page and JSON,
//!   beside the same figures by plain GROUP BY SQL on the same database;
//! * p50/p95/p99 and throughput of durable writes — BARC-10 screenings posted by a counsellor,
//!   one client record per connection — under the same load.
//!
//! It is a command, not a test: run `scripts/bench` (release build) and read the table.
//! Client and server share the machine, so the figures include the load generator's cost.

mod api;
mod dashboard;
mod db;
mod load;
mod parallel;
mod plain_sql;
mod regency;
mod report;
mod run;
mod server;
mod worklist;
mod writes;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::db::Backend;
use crate::run::Scenario;
use crate::server::Pulih;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "pulih-bench",
    about = "Benchmark the pulih server against DESIGN.md targets"
)]
struct Args {
    /// The `pulih` server binary to measure.
    #[arg(long, default_value = "target/release/pulih")]
    pulih: PathBuf,
    /// Which backend(s) to measure.
    #[arg(long, value_enum, default_value_t = Which::Both)]
    backend: Which,
    /// A PostgreSQL URL the bench may use to create and drop its own database.
    #[arg(
        long,
        env = "PULIH_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    database_url: String,
    /// Measured requests per endpoint (after a warm-up).
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Concurrent connections for the read and write measurements.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Clients the screenings are spread over (default: one per connection). Connection k
    /// writes for clients k, k + connections, …, so no two connections share a client.
    #[arg(long)]
    write_clients: Option<usize>,
    /// Number of cold starts; the median is reported.
    #[arg(long, default_value_t = 5)]
    cold_starts: usize,
    /// Which measurements to take: all, or only the writes, the regency page, the worklist
    /// or the dashboards.
    #[arg(long, value_enum, default_value_t = Scenario::All)]
    scenario: Scenario,
    /// Demo data for the dashboard scenario: regency, province or national.
    #[arg(long, default_value = "province", value_parser = ["regency", "province", "national"])]
    scale: String,
}

/// The `--backend` choice.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Which {
    /// SQLite only.
    Sqlite,
    /// PostgreSQL only.
    Postgres,
    /// SQLite, then PostgreSQL.
    Both,
}

impl Which {
    fn backends(self) -> Vec<Backend> {
        match self {
            Which::Sqlite => vec![Backend::Sqlite],
            Which::Postgres => vec![Backend::Postgres],
            Which::Both => vec![Backend::Sqlite, Backend::Postgres],
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let pulih = match Pulih::new(args.pulih.clone()) {
        Ok(pulih) => pulih,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&args);
    let settings = run::Settings {
        requests: args.requests.max(1),
        concurrency: args.concurrency.max(1),
        write_clients: args
            .write_clients
            .unwrap_or(args.concurrency)
            .max(args.concurrency)
            .max(1),
        cold_starts: args.cold_starts.max(1),
        postgres_admin_url: args.database_url.clone(),
        scenario: args.scenario,
        scale: args.scale.clone(),
    };
    let mut failed = false;
    let mut missed = false;
    for backend in args.backend.backends() {
        match run::backend(&pulih, backend, &settings) {
            Ok(outcome) => {
                print!("{}", report::table(backend.name(), &outcome.rows));
                for note in &outcome.notes {
                    println!("  {note}");
                }
                missed |= outcome.rows.iter().any(report::Row::missed);
            }
            Err(e) => {
                eprintln!("\n== {} ==\nerror: {e:#}", backend.name());
                failed = true;
            }
        }
    }
    println!();
    if failed {
        println!("result: a backend could not be measured (see the errors above)");
        ExitCode::FAILURE
    } else {
        let verdict = if missed {
            "some targets missed"
        } else {
            "all targets met"
        };
        println!("result: {verdict}");
        ExitCode::SUCCESS
    }
}

fn print_header(args: &Args) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!("pulih-bench: {}", args.pulih.display());
    println!(
        "machine: {cores} cores (client and server share them); {} requests per endpoint, {} connections",
        args.requests, args.concurrency
    );
    println!(
        "load: closed loop, each connection sends its next request when the previous answer \
         is read, so mean latency = connections / throughput"
    );
    let path = args.pulih.to_string_lossy();
    if path.contains("debug") {
        println!(
            "WARNING: {path} looks like a debug build; figures are not comparable with the targets"
        );
    }
}
