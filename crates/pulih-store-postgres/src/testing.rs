//! A fresh PostgreSQL database per test on a shared server, dropped when the test ends.
//!
//! The server comes from `PULIH_TEST_DATABASE_URL` (default [`DEFAULT_SERVER_URL`]). When
//! no server answers, [`fresh_database`] says so loudly on stderr and returns `None`, so a
//! developer without PostgreSQL can still run the other tests; with `CI=true` it panics
//! instead, so CI never passes by skipping.

use std::io::Write;
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

use crate::PostgresStore;

/// Server used when `PULIH_TEST_DATABASE_URL` is not set.
pub const DEFAULT_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The server the tests create their databases on; the URL's database is only used to
/// connect for `create database` and `drop database`.
pub fn server_url() -> String {
    std::env::var("PULIH_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_SERVER_URL.to_owned())
}

/// Whether tests must fail rather than skip when PostgreSQL is missing.
fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Creates a uniquely named database on [`server_url`], connects a migrated store to it
/// and returns both with the guard that drops the database. `None` means no server
/// answered and the caller should skip (a notice is already printed).
///
/// # Panics
/// When no server answers and `CI=true`, or when the server answers but creating or
/// migrating the database fails: those are failures, not reasons to skip.
pub async fn fresh_database() -> Option<(PostgresStore, TestDatabase)> {
    let url = server_url();
    let admin = PgConnectOptions::from_str(&url)
        .unwrap_or_else(|e| panic!("PULIH_TEST_DATABASE_URL is not a PostgreSQL URL: {e}"));
    // Named without the password, which may be in the URL and should not be in CI logs.
    let server = format!(
        "{}@{}:{}",
        admin.get_username(),
        admin.get_host(),
        admin.get_port()
    );
    let connected =
        tokio::time::timeout(Duration::from_secs(5), PgConnection::connect_with(&admin)).await;
    let mut conn = match connected {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => return not_reachable(&server, &e.to_string()),
        Err(_) => return not_reachable(&server, "no answer within 5 s"),
    };
    // Quoted and generated here, never from input: safe to splice into the statement.
    let name = format!("pulih_test_{}", uuid::Uuid::now_v7().simple());
    conn.execute(format!(r#"create database "{name}""#).as_str())
        .await
        .unwrap_or_else(|e| panic!("could not create test database {name} on {server}: {e}"));
    // Best effort: the server ends the session when the socket goes away anyway.
    let _ = conn.close().await;
    let guard = TestDatabase {
        options: admin.clone().database(&name),
        admin,
        name,
    };
    let store = PostgresStore::connect_with(guard.options.clone())
        .await
        .unwrap_or_else(|e| panic!("could not open test database {}: {e}", guard.name));
    Some((store, guard))
}

fn not_reachable<T>(server: &str, reason: &str) -> Option<T> {
    assert!(
        !required(),
        "PostgreSQL not reachable at {server} ({reason}); CI=true, so PostgreSQL tests must run"
    );
    // Written to the stream itself: the test harness captures `eprintln!` of passing
    // tests, and a skip nobody sees is worse than none. Once per test binary is enough.
    static NOTICE: Once = Once::new();
    NOTICE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "\n********\n* PostgreSQL not reachable at {server} ({reason}); skipping PostgreSQL tests.\n\
             * Set PULIH_TEST_DATABASE_URL to a server where this user may create databases.\n********\n"
        );
    });
    None
}

/// A test database; dropping the guard drops the database, ending any open connections.
#[derive(Debug)]
pub struct TestDatabase {
    admin: PgConnectOptions,
    options: PgConnectOptions,
    name: String,
}

impl TestDatabase {
    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Options that connect to this database.
    pub fn options(&self) -> PgConnectOptions {
        self.options.clone()
    }

    /// Options that connect to the server as the administrator that created this
    /// database (to change its settings, say).
    pub fn admin_options(&self) -> PgConnectOptions {
        self.admin.clone()
    }

    /// A URL that connects to this database, e.g. for an app started by a test.
    pub fn url(&self) -> String {
        self.options.to_url_lossy().to_string()
    }
}

impl Drop for TestDatabase {
    /// Drop cannot await, and blocking on the test's own runtime could deadlock a
    /// current-thread runtime, so the drop runs on its own thread with its own runtime and
    /// connection. `with (force)` ends the store's pooled connections, which may still be
    /// open because the store is often dropped after the guard.
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect_with(&admin)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.execute(format!(r#"drop database if exists "{name}" with (force)"#).as_str())
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = conn.close().await;
                Ok(())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!("dropping test database {} panicked", self.name),
        }
    }
}
