//! A fresh, empty database for one backend, removed again when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use tempfile::TempDir;

/// The storage backend a run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// The embedded SQLite file in the data directory.
    Sqlite,
    /// A PostgreSQL database created for the run.
    Postgres,
}

impl Backend {
    /// Lower-case name, as printed in the report.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// An empty database plus a data directory (which also holds the master key file), both
/// private to one benchmark run.
pub struct BenchDb {
    data_dir: TempDir,
    postgres: Option<PostgresDb>,
}

impl BenchDb {
    /// Whether the run uses PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

/// A database created on a PostgreSQL server through `psql`, dropped on `Drop`.
struct PostgresDb {
    admin_url: String,
    name: String,
    url: String,
}

impl BenchDb {
    /// Creates a fresh data directory and, for PostgreSQL, a fresh database on the server
    /// that `admin_url` points at (any database there that the user may connect to).
    pub fn create(backend: Backend, admin_url: &str) -> Result<Self> {
        let data_dir = tempfile::Builder::new()
            .prefix("pulih-bench-")
            .tempdir()
            .context("creating a temporary data directory")?;
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PostgresDb::create(admin_url)?),
        };
        Ok(Self { data_dir, postgres })
    }

    /// The directory passed as `--data-dir`.
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// The master key file of this database, private to the run. It is passed explicitly
    /// (`PULIH_MASTER_KEY_FILE`) so it depends neither on the server's default location nor
    /// on the caller's environment; `pulih` creates it on the first command against the
    /// empty database.
    pub fn master_key_file(&self) -> PathBuf {
        self.data_dir.path().join("master.key")
    }

    /// Where server logs are written.
    pub fn log_path(&self, name: &str) -> PathBuf {
        self.data_dir.path().join(format!("{name}.log"))
    }

    /// The `--database-url` to pass, if any (`None` means the SQLite default).
    pub fn database_url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|pg| pg.url.as_str())
    }

    /// Brings PostgreSQL's planner statistics up to date after a bulk seed, as autovacuum
    /// does within a minute or so in steady use; without them it plans for the empty
    /// tables it last saw. SQLite keeps no statistics unless asked, so it is left alone.
    pub fn analyze(&self) -> Result<()> {
        match &self.postgres {
            Some(pg) => psql(&pg.url, "analyze"),
            None => Ok(()),
        }
    }

    /// Database flags shared by every `pulih` subcommand.
    pub fn flags(&self) -> Vec<String> {
        let mut flags = vec![
            "--data-dir".to_owned(),
            self.data_dir().display().to_string(),
        ];
        if let Some(url) = self.database_url() {
            flags.push("--database-url".to_owned());
            flags.push(url.to_owned());
        }
        flags
    }
}

impl PostgresDb {
    fn create(admin_url: &str) -> Result<Self> {
        let name = format!("pulih_bench_{}", std::process::id());
        // A database left behind by an earlier run that was killed has the same name only
        // if the pid was reused; dropping it first keeps the run fresh either way.
        psql(
            admin_url,
            &format!("drop database if exists {name} with (force)"),
        )?;
        psql(admin_url, &format!("create database {name}"))?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        })
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        let sql = format!("drop database if exists {} with (force)", self.name);
        if let Err(e) = psql(&self.admin_url, &sql) {
            eprintln!("warning: could not drop database {}: {e:#}", self.name);
        }
    }
}

/// Runs one SQL statement with `psql`, failing on any error.
fn psql(url: &str, sql: &str) -> Result<()> {
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .context("running psql (is the PostgreSQL client installed?)")?;
    if !out.status.success() {
        bail!(
            "psql `{sql}` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Replaces the database name in a `postgres://` URL, keeping credentials, host and query.
pub fn with_database(url: &str, name: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let query_at = rest.find('?').map_or(rest.len(), |i| i);
    let path_at = rest[..query_at].find('/').unwrap_or(query_at);
    format!(
        "{}{}/{}{}",
        &url[..authority_start],
        &rest[..path_at],
        name,
        &rest[query_at..]
    )
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_and_query_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/test?sslmode=disable", "b"),
            "postgres://u:p@h:5432/b?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "b"), "postgres://h/b");
        assert_eq!(
            with_database("postgres://h/?x=1", "b"),
            "postgres://h/b?x=1"
        );
    }
}
