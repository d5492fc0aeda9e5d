//! What each subcommand does. Messages go to the terminal; logs go through `tracing`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use pulih_app::{App, AppConfig, AppError, ImportOptions, SystemClock, Upload};
use pulih_store::Store;
use pulih_store_postgres::PostgresStore;
use pulih_store_sqlite::SqliteStore;
use pulih_web::{AppState, WebConfig};

use crate::config::{Database, Settings};

/// Sets up logging to standard error: text by default, JSON lines on request.
pub fn init_logging(settings: &Settings) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(&settings.log).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_json {
        builder.json().init()
    } else {
        builder.compact().init()
    }
}

/// Opens the configured database and applies pending migrations.
async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    match settings.database()? {
        Database::Postgres(url) => {
            let store = PostgresStore::connect(url.expose())
                .await
                .context("cannot open the PostgreSQL database")?;
            Ok(Arc::new(store))
        }
        Database::Sqlite(path) => {
            crate::private::folder(&settings.data_dir).with_context(|| {
                format!(
                    "cannot create the data folder {} (or make it private)",
                    settings.data_dir.display()
                )
            })?;
            let store = SqliteStore::open(&path)
                .await
                .with_context(|| format!("cannot open {}", path.display()))?;
            crate::private::database(&path)
                .with_context(|| format!("cannot make {} private", path.display()))?;
            Ok(Arc::new(store))
        }
    }
}

/// Opens the database and the keys, and builds the application.
pub(crate) async fn app(settings: &Settings) -> anyhow::Result<App> {
    let store = open_store(settings).await?;
    let keys = crate::keys::open(settings, store.as_ref()).await?;
    let config = AppConfig {
        session_hours: settings.session_hours,
        session_idle_minutes: settings.session_idle_minutes,
        totp_required_roles: settings.totp_required_roles.clone(),
        break_glass_hours: settings.break_glass_hours,
        break_glass_per_day: settings.break_glass_per_day,
        idempotency_days: settings.idempotency_days,
        nik_lookups_per_day: settings.nik_lookups_per_day,
        audit_checkpoint_file: Some(settings.audit_checkpoint_file.clone()),
        audit_checkpoint_minutes: settings.audit_checkpoint_minutes,
        outbound: settings.outbound.clone(),
        ..AppConfig::default()
    };
    Ok(App::new(store, Arc::new(SystemClock), config, keys))
}

pub(crate) fn spinner(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Imports regions with progress on the terminal and prints the counts, or the plan and
/// the codes in use when the import needs the operator's confirmation (then it fails).
pub(crate) async fn import(
    app: &App,
    from: Option<PathBuf>,
    options: ImportOptions,
) -> anyhow::Result<()> {
    let (file, source) = match &from {
        Some(dir) if dir.is_dir() => (
            Upload::from(pulih_regions::from_idn_area_data(dir).with_context(|| {
                format!("cannot read the idn-area-data folder {}", dir.display())
            })?),
            dir.display().to_string(),
        ),
        Some(path) => (
            Upload::reader(
                std::fs::File::open(path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
            ),
            path.display().to_string(),
        ),
        None => (
            Upload::from(pulih_regions::EMBEDDED.to_vec()),
            pulih_regions::EMBEDDED_SOURCE.to_owned(),
        ),
    };
    let bar = spinner("reading, checking and importing the region list");
    let imported = app.import_region_file(None, file, &source, options).await;
    bar.finish_and_clear();
    let outcome = imported.map_err(|e| match e {
        AppError::Invalid(fields) => anyhow::anyhow!(
            "{source} is not a valid region file ({}); nothing was imported",
            fields.iter().map(|p| p.key).collect::<Vec<_>>().join(", ")
        ),
        other => app_error(other),
    })?;
    let s = outcome.summary;
    let counts = format!(
        "{} added, {} renamed, {} restored, {} retired, {} unchanged",
        s.added, s.renamed, s.restored, s.retired, s.unchanged
    );
    if outcome.applied {
        println!("Regions imported from {source}: {counts}.");
        return Ok(());
    }
    println!(
        "Plan for {source}: {counts} (of {} live codes).",
        outcome.live
    );
    if outcome.codes_in_use > 0 {
        println!(
            "{} of the codes to retire are still in use:",
            outcome.codes_in_use
        );
        for u in &outcome.in_use {
            println!("  {} {} {}", u.code, u.count, u.what);
        }
        if outcome.codes_in_use > outcome.in_use.len() {
            println!(
                "  … and more (the first {} uses are listed)",
                outcome.in_use.len()
            );
        }
    }
    if options.dry_run {
        println!("Dry run: nothing was changed.");
        return Ok(());
    }
    anyhow::bail!(
        "nothing was imported: this import retires {} of {} live codes{}; if that is right, \
         run it again with --retire {}",
        s.retired,
        outcome.live,
        if outcome.codes_in_use > 0 {
            ", some still in use"
        } else {
            ""
        },
        s.retired
    )
}

pub(crate) fn app_error(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => anyhow::anyhow!(
            "invalid input: {}",
            fields
                .iter()
                .map(|p| format!("{} ({})", p.field, p.key))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => anyhow::Error::new(other),
    }
}

/// How often the due work runs.
const SCHEDULER_EVERY: Duration = Duration::from_secs(60);

/// `pulih worker`: the due work alone, until stopped.
pub async fn worker(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let stop = shutdown()?;
    println!("Pulih worker running the due work every minute (Ctrl-C stops it).");
    tokio::select! {
        () = app.run_scheduler(SCHEDULER_EVERY) => {}
        () = stop => {}
    }
    println!("Pulih worker stopped.");
    Ok(ExitCode::SUCCESS)
}

/// `pulih serve`.
pub async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let counts = app.region_counts().await.map_err(app_error)?;
    if counts.iter().all(|n| *n == 0) {
        println!("Empty database: loading the official region tree (first start only).");
        import(&app, None, ImportOptions::default()).await?;
    }
    let first_login = if app.has_users().await.map_err(app_error)? {
        None
    } else {
        Some(
            app.bootstrap_admin(&settings.admin_name, None)
                .await
                .map_err(app_error)?,
        )
    };
    if !settings.no_scheduler {
        tokio::spawn(app.clone().run_scheduler(SCHEDULER_EVERY));
    }
    let state = AppState::new(
        app,
        WebConfig {
            secure_cookies: settings.secure_cookies,
            trust_proxy: settings.trust_proxy,
            metrics_token: settings.metrics_token.clone(),
            limits: settings.limits,
        },
    )
    .context("translation files are damaged")?;
    let stop = shutdown()?;
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    let addr = listener.local_addr()?;
    let backend = if settings.database_url.is_some() {
        "PostgreSQL".to_owned()
    } else {
        format!("SQLite at {}", settings.data_dir.join("pulih.db").display())
    };
    println!("Pulih listening on http://{addr} ({backend})");
    if let Some(admin) = first_login {
        println!(
            "First start: log in as '{}' with the one-time password {}",
            admin.user.username, admin.password
        );
        println!("(shown only now; you will be asked to choose a new password).");
    } else {
        println!(
            "Log in with your account. To add an administrator: pulih admin create --username NAME --password-stdin"
        );
    }
    pulih_web::serve(listener, state, stop).await;
    println!("Pulih stopped.");
    Ok(ExitCode::SUCCESS)
}

/// A future that resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed now,
/// before the server announces itself, so a signal sent right after the announcement
/// stops it gracefully instead of killing it.
fn shutdown() -> anyhow::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind| signal(kind).context("cannot install signal handlers");
        (
            install(SignalKind::interrupt())?,
            install(SignalKind::terminate())?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}

/// `pulih migrate`.
pub async fn migrate(settings: Settings) -> anyhow::Result<ExitCode> {
    open_store(&settings).await?;
    println!("Database is up to date.");
    Ok(ExitCode::SUCCESS)
}

/// `pulih regions import [--from FILE] [--dry-run] [--retire N]`.
pub async fn import_regions(
    settings: Settings,
    from: Option<PathBuf>,
    options: ImportOptions,
) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    import(&app, from, options).await?;
    Ok(ExitCode::SUCCESS)
}

/// `pulih admin create --username NAME [--password-stdin]`.
pub async fn create_admin(
    settings: Settings,
    username: &str,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let password = if password_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the password from standard input")?;
        Some(text.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    let app = app(&settings).await?;
    let created = app
        .bootstrap_admin(username, password)
        .await
        .map_err(app_error)?;
    println!(
        "Administrator '{}' created with national scope.",
        created.user.username
    );
    if !password_stdin {
        println!("One-time password (shown only now): {}", created.password);
    }
    Ok(ExitCode::SUCCESS)
}

/// `pulih audit verify`.
pub async fn verify_audit(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let report = app.verify_audit(None).await.map_err(app_error)?;
    let file = settings.audit_checkpoint_file.display();
    if let Some(line) = report.forged_line() {
        println!(
            "Checkpoint file {file} ALTERED at line {line}: not a checkpoint this server signed."
        );
    } else if let Some(c) = report.latest_checkpoint() {
        println!(
            "Checkpoints in {file}: the newest of entry {} at {}.",
            c.size,
            c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    } else {
        println!("No checkpoint in {file} yet: a cut from the end of the log would go unseen.");
    }
    if let Some(b) = &report.broken {
        println!(
            "Audit log BROKEN at entry {} ({}); {} entries before it verified.",
            b.seq, b.reason, report.checked
        );
    } else {
        println!("Audit log chain: {} entries verified.", report.checked);
        if let Some(head) = &report.head_hash {
            println!("Head: entry {} with hash {head}", report.checked);
        }
    }
    if report.intact() {
        println!("Audit log intact.");
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::FAILURE)
    }
}

/// `pulih audit checkpoint`.
pub async fn checkpoint_audit(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let Some((_, note)) = app.checkpoint_audit().await.map_err(app_error)? else {
        bail!("no checkpoint file is configured");
    };
    if let Some((path, key)) = app.checkpoint_key() {
        println!("Appended to {}:\n\n{note}", path.display());
        println!("Verifier key (for a witness): {key}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `pulih rollups verify` (and `rebuild` when `rebuild`), with the records read shown.
pub async fn rollups(settings: Settings, rebuild: bool) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let bar = spinner("recounting the dashboard counters from the records");
    let progress = |read: u64| bar.set_message(format!("{read} records read"));
    if rebuild {
        let counters = app.rebuild_rollups(&progress).await.map_err(app_error)?;
        bar.finish_and_clear();
        println!("Dashboard counters rebuilt: {counters} counters.");
        return Ok(ExitCode::SUCCESS);
    }
    let differences = app.verify_rollups(&progress).await.map_err(app_error)?;
    bar.finish_and_clear();
    for d in &differences {
        println!(
            "{} {} {}: stored {}, recounted {}",
            d.cell.figure.key(),
            d.cell.node,
            d.cell.period,
            d.stored,
            d.recounted
        );
    }
    if differences.is_empty() {
        println!("Dashboard counters match the records.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} dashboard counters differ from the records.",
            differences.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// `pulih keys rotate`: rewraps every sealed key under the current master key.
pub async fn rotate_keys(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let bar = spinner("rewrapping data keys under the current master key");
    let rewrapped = app.rotate_keys().await;
    bar.finish_and_clear();
    let rewrapped = rewrapped.map_err(app_error)?;
    println!(
        "{rewrapped} keys rewrapped under the current master key. \
         The old key can be removed from previous_master_key_files at the next restart."
    );
    Ok(ExitCode::SUCCESS)
}

/// `pulih regions boundaries --from FILE [--property KEY]`: reads the file with a
/// progress bar, then prints what was imported, or every feature's problem in English.
pub async fn import_boundaries(
    settings: Settings,
    from: &Path,
    property: Option<String>,
) -> anyhow::Result<ExitCode> {
    let app = app(&settings).await?;
    let file =
        std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::new(size).with_message("reading and checking boundaries");
    bar.set_style(
        ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let source = from.file_name().map_or_else(
        || from.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let imported = app
        .import_boundaries(None, Upload::reader(bar.wrap_read(file)), property, &source)
        .await;
    bar.finish_and_clear();
    let summary = imported.map_err(|e| match e {
        AppError::Invalid(problems) => {
            let texts = pulih_web::I18n::load().ok();
            let lines: Vec<String> = problems
                .iter()
                .map(|p| match &texts {
                    Some(i18n) => i18n.tr(pulih_web::Lang::En).problem(p),
                    None => format!("{} ({})", p.field, p.key),
                })
                .collect();
            anyhow::anyhow!(
                "{} was refused; nothing was imported:\n  {}",
                from.display(),
                lines.join("\n  ")
            )
        }
        other => app_error(other),
    })?;
    let [provinces, regencies, districts, villages] = summary.by_level;
    println!(
        "Boundaries imported from {source}: {} features, {} regions ({provinces} provinces, \
         {regencies} regencies, {districts} districts, {villages} villages), {} replaced, \
         {} positions kept.",
        summary.features, summary.regions, summary.replaced, summary.vertices
    );
    Ok(ExitCode::SUCCESS)
}
