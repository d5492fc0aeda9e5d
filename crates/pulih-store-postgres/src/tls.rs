//! Encryption of the connection to PostgreSQL.
//!
//! The URL's `sslmode` (`disable`, `allow`, `prefer`, `require`, `verify-ca`,
//! `verify-full`) and `sslrootcert` are honoured as libpq reads them, and so is
//! `PGSSLMODE`. When neither names a mode, a server reached by a network name is
//! `verify-full` (encrypted, its certificate checked against the system's trusted
//! authorities or `sslrootcert`, and its name against the certificate), and one on this
//! machine (`localhost`, `127.0.0.1`, `::1` or a Unix socket) is `prefer` (encrypted when
//! the server offers it), since nobody else's network lies between the two.
//! The backup tools get the same mode, so `pg_dump` is as careful as the server.

use std::str::FromStr;

use pulih_store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use crate::sql::errors::backend;

/// The options for `url`, with the connection's encryption decided as the module says.
pub(crate) fn options(url: &str) -> StoreResult<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url).map_err(backend)?;
    Ok(match default_mode(url)? {
        Some(mode) => options.ssl_mode(mode),
        None => options,
    })
}

/// The mode to use when neither the URL nor `PGSSLMODE` names one; none when one does.
pub(crate) fn default_mode(url: &str) -> StoreResult<Option<PgSslMode>> {
    let parsed = url::Url::parse(url).map_err(backend)?;
    let named = parsed
        .query_pairs()
        .any(|(k, _)| k == "sslmode" || k == "ssl-mode")
        || std::env::var_os("PGSSLMODE").is_some();
    if named {
        return Ok(None);
    }
    let options = PgConnectOptions::from_str(url).map_err(backend)?;
    Ok(Some(if is_local(&options) {
        PgSslMode::Prefer
    } else {
        PgSslMode::VerifyFull
    }))
}

/// The libpq name of a mode, for the client tools.
pub(crate) fn libpq_name(mode: PgSslMode) -> &'static str {
    match mode {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    }
}

/// Whether the server is on this machine.
fn is_local(options: &PgConnectOptions) -> bool {
    let host = options.get_host();
    options.get_socket().is_some()
        || host.starts_with('/')
        || matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// A failure to connect, with what to do when the server's certificate may have been
/// refused (the TLS library reports that as an I/O error).
pub(crate) fn connect_error(e: sqlx::Error, mode: PgSslMode) -> StoreError {
    let verifying = matches!(mode, PgSslMode::VerifyCa | PgSslMode::VerifyFull);
    if matches!(e, sqlx::Error::Tls(_)) || (verifying && matches!(e, sqlx::Error::Io(_))) {
        return StoreError::Backend(
            format!(
                "the encrypted connection to PostgreSQL failed (sslmode={}): {e}. If the \
                 server's certificate is signed by an authority this machine does not \
                 trust, name that authority's certificate with sslrootcert=FILE in the \
                 database URL; the server's name must be one its certificate names",
                libpq_name(mode)
            )
            .into(),
        );
    }
    backend(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> &'static str {
        libpq_name(options(url).expect("options").get_ssl_mode())
    }

    #[test]
    fn a_server_elsewhere_is_verified_and_one_here_is_preferred() {
        if std::env::var_os("PGSSLMODE").is_some() {
            return; // the environment names the mode for every URL
        }
        assert_eq!(mode("postgres://u@db.example.org/pulih"), "verify-full");
        assert_eq!(mode("postgres://u@10.1.2.3:5432/pulih"), "verify-full");
        for local in [
            "postgres://u@localhost/pulih",
            "postgres://u@127.0.0.1:5432/pulih",
            "postgres://u@[::1]/pulih",
            "postgres://u@localhost/pulih?host=/var/run/postgresql",
        ] {
            assert_eq!(mode(local), "prefer", "{local}");
        }
    }

    #[test]
    fn a_mode_the_url_names_is_kept() {
        assert_eq!(
            mode("postgres://u@db.example.org/pulih?sslmode=disable"),
            "disable"
        );
        assert_eq!(
            mode("postgres://u@localhost/pulih?sslmode=verify-full"),
            "verify-full"
        );
        assert_eq!(
            mode("postgres://u@db.example.org/pulih?sslmode=require"),
            "require"
        );
    }
}
