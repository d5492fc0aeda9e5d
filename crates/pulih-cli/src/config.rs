//! Configuration in layers: defaults → file (`--config`, `PULIH_CONFIG`, or `./pulih.toml`)
//! → environment (`PULIH_…`) → flags. Clap reads flags and environment; the file fills
//! what neither gave.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use pulih_domain::account::Role;

/// Settings shared by every subcommand (flags and `PULIH_*` variables).
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Configuration file (TOML).
    #[arg(long, env = "PULIH_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Folder for the embedded SQLite database (default: ./pulih-data).
    #[arg(long, env = "PULIH_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); without it Pulih uses SQLite in the data folder.
    #[arg(
        long,
        env = "PULIH_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Log filter, e.g. `info` or `pulih=debug`.
    #[arg(long, env = "PULIH_LOG", global = true)]
    pub log: Option<String>,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "PULIH_LOG_JSON", global = true)]
    pub log_json: bool,
    /// Hours a browser session lasts (default 12).
    #[arg(long, env = "PULIH_SESSION_HOURS", global = true)]
    pub session_hours: Option<i64>,
    /// Minutes a browser session may go unused before it ends (default 30).
    #[arg(long, env = "PULIH_SESSION_IDLE_MINUTES", global = true)]
    pub session_idle_minutes: Option<i64>,
    /// Roles that must use two-factor login, comma-separated, or `none` (default
    /// `admin,coordinator`).
    #[arg(
        long,
        env = "PULIH_TOTP_REQUIRED_ROLES",
        value_delimiter = ',',
        global = true
    )]
    pub totp_required_roles: Option<Vec<String>>,
    /// The master key file (default: master.key in the data folder). The key may instead
    /// be given, base64-encoded, in the PULIH_MASTER_KEY variable.
    #[arg(long, env = "PULIH_MASTER_KEY_FILE", global = true)]
    pub master_key_file: Option<PathBuf>,
    /// Older master key files still accepted while keys are rotated (comma-separated).
    #[arg(
        long,
        env = "PULIH_PREVIOUS_MASTER_KEY_FILES",
        value_delimiter = ',',
        global = true
    )]
    pub previous_master_key_files: Vec<PathBuf>,
    /// Where the audit chain's signed checkpoints are appended (default:
    /// audit-checkpoints in the data folder; better on another volume or host).
    #[arg(long, env = "PULIH_AUDIT_CHECKPOINT_FILE", global = true)]
    pub audit_checkpoint_file: Option<PathBuf>,
}

/// The `serve` flags.
#[derive(Debug, Clone, Default)]
pub struct ServeFlags {
    /// Address to listen on.
    pub bind: Option<String>,
    /// Mark cookies Secure always or never (by default: unless reached as localhost).
    pub secure_cookies: Option<bool>,
    /// Take client addresses from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// The metrics scraper's token.
    pub metrics_token: Option<String>,
    /// Leave the due work to `pulih worker`.
    pub no_scheduler: bool,
    /// The first administrator's username.
    pub admin_name: Option<String>,
}

/// A value that must not reach logs or error messages (a URL may carry a password).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// What the file may set; every key is optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log: Option<String>,
    bind: Option<String>,
    secure_cookies: Option<bool>,
    trust_proxy: Option<bool>,
    admin_name: Option<String>,
    metrics_token: Option<String>,
    header_timeout_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    session_hours: Option<i64>,
    session_idle_minutes: Option<i64>,
    totp_required_roles: Option<Vec<String>>,
    log_json: Option<bool>,
    master_key_file: Option<PathBuf>,
    #[serde(default)]
    previous_master_key_files: Vec<PathBuf>,
    break_glass_hours: Option<i64>,
    break_glass_per_day: Option<u32>,
    idempotency_days: Option<i64>,
    nik_lookups_per_day: Option<u32>,
    audit_checkpoint_file: Option<PathBuf>,
    audit_checkpoint_minutes: Option<i64>,
    public_url: Option<String>,
    smtp: Option<crate::outbound::FileSmtp>,
    sms_gateway: Option<crate::outbound::FileGateway>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the SQLite file lives.
    pub data_dir: PathBuf,
    /// PostgreSQL URL, if PostgreSQL is used.
    pub database_url: Option<Secret>,
    /// Log filter.
    pub log: String,
    /// Log as JSON.
    pub log_json: bool,
    /// Address to listen on.
    pub bind: String,
    /// Mark cookies Secure always or never (by default: unless reached as localhost).
    pub secure_cookies: Option<bool>,
    /// Take client addresses from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// The metrics scraper's token.
    pub metrics_token: Option<pulih_web::MetricsToken>,
    /// Timeouts and the connection limit of the server.
    pub limits: pulih_web::Limits,
    /// Leave the due work to `pulih worker`.
    pub no_scheduler: bool,
    /// The username of the administrator created on the first start.
    pub admin_name: String,
    /// Browser session length.
    pub session_hours: i64,
    /// Minutes a browser session may go unused.
    pub session_idle_minutes: i64,
    /// Roles that must use two-factor login.
    pub totp_required_roles: Vec<Role>,
    /// Where the master key comes from.
    pub master_key: KeySource,
    /// Older master keys still accepted while keys are rotated.
    pub previous_master_key_files: Vec<PathBuf>,
    /// How long break-glass access lasts.
    pub break_glass_hours: i64,
    /// Break-glass requests allowed per coordinator and day.
    pub break_glass_per_day: u32,
    /// How long the answer to a request with an idempotency key is kept.
    pub idempotency_days: i64,
    /// NIK look-ups allowed per user and day.
    pub nik_lookups_per_day: u32,
    /// Where the audit chain's signed checkpoints are appended.
    pub audit_checkpoint_file: PathBuf,
    /// How often a checkpoint is signed.
    pub audit_checkpoint_minutes: i64,
    /// E-mail and SMS/WhatsApp notifications, when configured.
    pub outbound: pulih_app::OutboundConfig,
}

/// The database the settings point at.
#[derive(Debug)]
pub enum Database<'a> {
    /// The SQLite file in the data folder.
    Sqlite(PathBuf),
    /// A PostgreSQL URL.
    Postgres(&'a Secret),
}

/// Where the master key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A key file.
    File(PathBuf),
    /// The `PULIH_MASTER_KEY` variable.
    Env(Secret),
}

impl Settings {
    /// Resolves the layers; switches are on when any layer turns them on.
    pub fn resolve(global: &Global, serve: ServeFlags) -> anyhow::Result<Self> {
        let file = match &global.config {
            Some(path) => read_file(path)?,
            None if Path::new("pulih.toml").exists() => read_file(Path::new("pulih.toml"))?,
            None => FileConfig::default(),
        };
        let data_dir = global
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("pulih-data"));
        let master_key = match (
            global.master_key_file.clone().or(file.master_key_file),
            std::env::var("PULIH_MASTER_KEY"),
        ) {
            (Some(path), _) => KeySource::File(path),
            (None, Ok(key)) if !key.trim().is_empty() => KeySource::Env(Secret(key)),
            (None, _) => KeySource::File(data_dir.join("master.key")),
        };
        let audit_checkpoint_file = global
            .audit_checkpoint_file
            .clone()
            .or(file.audit_checkpoint_file)
            .unwrap_or_else(|| data_dir.join("audit-checkpoints"));
        let outbound = crate::outbound::resolve(file.public_url, file.smtp, file.sms_gateway)?;
        Ok(Self {
            outbound,
            audit_checkpoint_file,
            audit_checkpoint_minutes: file.audit_checkpoint_minutes.unwrap_or(5).clamp(1, 1440),
            data_dir,
            database_url: global
                .database_url
                .clone()
                .or(file.database_url)
                .filter(|u| !u.is_empty())
                .map(Secret),
            log: global
                .log
                .clone()
                .or(file.log)
                .unwrap_or_else(|| "info".into()),
            log_json: global.log_json || file.log_json.unwrap_or(false),
            bind: serve
                .bind
                .or(file.bind)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            secure_cookies: serve.secure_cookies.or(file.secure_cookies),
            trust_proxy: serve.trust_proxy || file.trust_proxy.unwrap_or(false),
            metrics_token: serve
                .metrics_token
                .or(file.metrics_token)
                .and_then(|t| pulih_web::MetricsToken::new(&t)),
            limits: limits(
                file.header_timeout_secs,
                file.request_timeout_secs,
                file.max_connections,
            ),
            no_scheduler: serve.no_scheduler,
            admin_name: serve
                .admin_name
                .or(file.admin_name)
                .unwrap_or_else(|| "admin".into()),
            session_hours: global.session_hours.or(file.session_hours).unwrap_or(12),
            session_idle_minutes: global
                .session_idle_minutes
                .or(file.session_idle_minutes)
                .unwrap_or(pulih_app::DEFAULT_SESSION_IDLE_MINUTES)
                .clamp(1, 24 * 60),
            totp_required_roles: match global
                .totp_required_roles
                .clone()
                .or(file.totp_required_roles)
            {
                Some(names) => roles(&names)?,
                None => pulih_app::DEFAULT_TOTP_REQUIRED_ROLES.to_vec(),
            },
            master_key,
            previous_master_key_files: if global.previous_master_key_files.is_empty() {
                file.previous_master_key_files
            } else {
                global.previous_master_key_files.clone()
            },
            break_glass_hours: file
                .break_glass_hours
                .unwrap_or(pulih_domain::care::DEFAULT_BREAK_GLASS_HOURS),
            break_glass_per_day: file
                .break_glass_per_day
                .unwrap_or(pulih_app::DEFAULT_BREAK_GLASS_PER_DAY),
            idempotency_days: file
                .idempotency_days
                .unwrap_or(pulih_app::DEFAULT_IDEMPOTENCY_DAYS)
                .clamp(1, 3650),
            nik_lookups_per_day: file
                .nik_lookups_per_day
                .unwrap_or(pulih_app::DEFAULT_NIK_LOOKUPS_PER_DAY),
        })
    }
}

impl Settings {
    /// PostgreSQL when a `postgres://` URL is given, otherwise `pulih.db` in the data folder.
    pub fn database(&self) -> anyhow::Result<Database<'_>> {
        match &self.database_url {
            Some(url)
                if url.expose().starts_with("postgres://")
                    || url.expose().starts_with("postgresql://") =>
            {
                Ok(Database::Postgres(url))
            }
            Some(_) => {
                bail!("unsupported database URL: use postgres://… or leave it out for SQLite")
            }
            None => Ok(Database::Sqlite(self.data_dir.join("pulih.db"))),
        }
    }
}

/// The server's limits: the file's values, within sane bounds, else the defaults.
fn limits(
    header: Option<u64>,
    request: Option<u64>,
    connections: Option<usize>,
) -> pulih_web::Limits {
    let default = pulih_web::Limits::default();
    let secs = |s: u64| Duration::from_secs(s.clamp(1, 86_400));
    pulih_web::Limits {
        header_timeout: header.map_or(default.header_timeout, secs),
        request_timeout: request.map_or(default.request_timeout, secs),
        max_connections: connections.map_or(default.max_connections, |n| n.clamp(1, 1 << 20)),
    }
}

/// Role names as configured; `none` (or nothing) is no role.
fn roles(names: &[String]) -> anyhow::Result<Vec<Role>> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty() && *n != "none")
        .map(|n| {
            Role::parse(n).map_err(|_| anyhow::anyhow!("totp_required_roles: unknown role {n:?}"))
        })
        .collect()
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("configuration file {} is not valid", path.display()))
}
