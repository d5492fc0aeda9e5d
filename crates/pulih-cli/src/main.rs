//! `pulih`: the server, the worker of later issues, and the administration commands.

mod backup;
mod clients;
mod commands;
mod config;
mod demo;
mod directory;
mod keys;
mod manifest;
mod outbound;
mod private;

use clap::{Parser, Subcommand};
use pulih_app::ImportOptions;

use crate::config::Global;

/// Pulih — community-based intervention and post-rehabilitation recovery.
#[derive(Debug, Parser)]
#[command(name = "pulih", version, about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web server (migrates, and loads the region tree into an empty database).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "PULIH_BIND")]
        bind: Option<String>,
        /// Mark cookies Secure (and name them __Host-…) always (`--secure-cookies`), or
        /// never (`--secure-cookies=false`: plain HTTP on a closed network). By default they
        /// are Secure unless the server is reached as localhost over plain HTTP.
        #[arg(
            long,
            env = "PULIH_SECURE_COOKIES",
            num_args = 0..=1,
            default_missing_value = "true",
            value_parser = clap::builder::BoolishValueParser::new()
        )]
        secure_cookies: Option<bool>,
        /// Take client addresses from X-Forwarded-For (only behind a proxy that sets it).
        #[arg(long, env = "PULIH_TRUST_PROXY")]
        trust_proxy: bool,
        /// The bearer token a metrics scraper sends for /metrics (without one, /metrics
        /// answers nobody).
        #[arg(long, env = "PULIH_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Do not run the due work (referral escalation, daily digests) in this process;
        /// run `pulih worker` instead. Running it in several processes is safe.
        #[arg(long, env = "PULIH_NO_SCHEDULER")]
        no_scheduler: bool,
        /// The first administrator's username, created on the first start only (default
        /// `admin`; a name of your own is one less thing a stranger can guess).
        #[arg(long, env = "PULIH_ADMIN_NAME")]
        admin_name: Option<String>,
    },
    /// Run only the due work (referral escalation, daily digests) every minute, without
    /// serving; safe beside servers that run it too.
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Region tree commands.
    Regions {
        #[command(subcommand)]
        command: RegionsCommand,
    },
    /// Account administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Audit log commands.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Dashboard counters: recount them from the records.
    Rollups {
        #[command(subcommand)]
        command: RollupsCommand,
    },
    /// Client maintenance commands.
    Clients {
        #[command(subcommand)]
        command: ClientsCommand,
    },
    /// Master key commands.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Partner directory commands.
    Directory {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// Write a consistent copy of the database while the server runs (SQLite: `VACUUM
    /// INTO`; PostgreSQL: `pg_dump`), with a manifest beside it (FILE.manifest.toml) of
    /// every table's rows and digest. The master key is never in it.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Backup {
        #[command(subcommand)]
        command: Option<BackupCommand>,
        /// Where to write the backup.
        #[arg(long, required = true)]
        out: Option<std::path::PathBuf>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Restore a backup into an empty database (SQLite: the data folder's pulih.db), then
    /// check it table by table against its manifest; exits 1 naming each table that differs.
    Restore {
        /// The backup file (its manifest beside it).
        #[arg(long)]
        from: std::path::PathBuf,
        /// Replace the database that is there (stop the server first).
        #[arg(long)]
        force: bool,
    },
    /// Demo data, to try Pulih with.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Fill an empty database with synthetic IBM units, activities and clients over real
    /// regions (loading the region tree first if needed), then rebuild the dashboard
    /// counters. Refuses a database that already holds clients.
    Generate {
        /// How much: one regency (about 5,000 clients), one province (about 100,000) or
        /// the nation (about 3.3 million).
        #[arg(long, value_parser = ["regency", "province", "national"])]
        scale: String,
        /// The same seed makes the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum BackupCommand {
    /// Check a backup against its manifest (exits 1 naming each table that differs), then
    /// say which tables of the live database changed since.
    Verify {
        /// The backup file (its manifest beside it).
        #[arg(long)]
        from: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum DirectoryCommand {
    /// Import services from Open Referral HSDS tables (see docs/HSDS.md). Every row is
    /// checked first; any problem imports nothing. Importing the same file again changes
    /// nothing.
    Import {
        /// A zip of the CSV tables (as the export gives), or a folder holding them.
        #[arg(long)]
        from: std::path::PathBuf,
        /// The administrator or coordinator the import is made as (its scope limits it).
        #[arg(long = "as", default_value = "admin")]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
enum ClientsCommand {
    /// Give clients registered before name hashes were kept (before migration 0025)
    /// their name hashes, so search by name and the duplicate check find them; prints its
    /// progress, and does nothing for clients indexed already.
    Reindex,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Write a new master key file (never over an existing file).
    Generate {
        /// Where to write it.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Rewrap every data key under the current master key (the old key listed in
    /// previous_master_key_files); the server may keep running.
    Rotate,
}

#[derive(Debug, Subcommand)]
enum RegionsCommand {
    /// Import the official region tree (embedded), or a CSV file from a new decree.
    /// Idempotent; renamed and removed codes are kept with their history.
    Import {
        /// A region CSV (code,name,latitude,longitude,utc_offset,postal_code), gzip or
        /// plain, or the `data/` folder of an idn-area-data release.
        #[arg(long)]
        from: Option<std::path::PathBuf>,
        /// Show what the import would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Confirm the exact number of codes the import retires: needed when it retires
        /// more than 1 % of the live codes, or codes that users or records still use.
        #[arg(long, value_name = "N")]
        retire: Option<usize>,
    },
    /// Import official boundaries from a GeoJSON FeatureCollection (e.g. a BIG or
    /// Kemendagri release): Polygon/MultiPolygon features named by Kemendagri code. The
    /// whole file is checked first; any bad feature imports nothing.
    Boundaries {
        /// The GeoJSON file.
        #[arg(long)]
        from: std::path::PathBuf,
        /// The feature property holding the code; by default the first found of code,
        /// kode, kode_desa, kd_desa, kode_wilayah, KDEPUM, KDCPUM, KDPKAB, KDPPUM,
        /// ADM4_PCODE … ADM1_PCODE (any case).
        #[arg(long)]
        property: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a national administrator.
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Read the password from standard input; without it a one-time password is printed.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum RollupsCommand {
    /// Recount every dashboard counter from the records and print each that differs;
    /// exits 1 when any does.
    Verify,
    /// Replace every dashboard counter with a recount of the records (run it while the
    /// server is stopped).
    Rebuild,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the keyed chain of the whole audit log against its head and its signed
    /// checkpoints; exits 1 at the first broken link or an altered checkpoint file.
    Verify,
    /// Sign a checkpoint of the chain now and append it to the checkpoint file (the
    /// server does so every few minutes); prints it as a signed note.
    Checkpoint,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let serve = match &cli.command {
        Command::Serve {
            bind,
            secure_cookies,
            trust_proxy,
            metrics_token,
            no_scheduler,
            admin_name,
        } => config::ServeFlags {
            bind: bind.clone(),
            secure_cookies: *secure_cookies,
            trust_proxy: *trust_proxy,
            metrics_token: metrics_token.clone(),
            no_scheduler: *no_scheduler,
            admin_name: admin_name.clone(),
        },
        _ => config::ServeFlags::default(),
    };
    let settings = match config::Settings::resolve(&cli.global, serve) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("pulih: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    commands::init_logging(&settings);
    let result = match cli.command {
        Command::Serve { .. } => commands::serve(settings).await,
        Command::Migrate => commands::migrate(settings).await,
        Command::Worker => commands::worker(settings).await,
        Command::Regions {
            command:
                RegionsCommand::Import {
                    from,
                    dry_run,
                    retire,
                },
        } => commands::import_regions(settings, from, ImportOptions { dry_run, retire }).await,
        Command::Regions {
            command: RegionsCommand::Boundaries { from, property },
        } => commands::import_boundaries(settings, &from, property).await,
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    password_stdin,
                },
        } => commands::create_admin(settings, &username, password_stdin).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => commands::verify_audit(settings).await,
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => commands::checkpoint_audit(settings).await,
        Command::Rollups { command } => {
            commands::rollups(settings, matches!(command, RollupsCommand::Rebuild)).await
        }
        Command::Clients {
            command: ClientsCommand::Reindex,
        } => clients::reindex(settings).await,
        Command::Keys {
            command: KeysCommand::Generate { out },
        } => keys::generate(&out).map(|()| std::process::ExitCode::SUCCESS),
        Command::Keys {
            command: KeysCommand::Rotate,
        } => commands::rotate_keys(settings).await,
        Command::Directory {
            command: DirectoryCommand::Import { from, username },
        } => directory::import(settings, &from, &username).await,
        Command::Backup {
            command: Some(BackupCommand::Verify { from }),
            ..
        } => backup::verify(settings, &from).await,
        Command::Backup {
            command: None,
            out,
            force,
        } => match out {
            Some(out) => backup::backup(settings, &out, force).await,
            None => Err(anyhow::anyhow!("pulih backup needs --out FILE")),
        },
        Command::Restore { from, force } => backup::restore(settings, &from, force).await,
        Command::Demo {
            command: DemoCommand::Generate { scale, seed },
        } => demo::generate(settings, &scale, seed).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pulih: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
