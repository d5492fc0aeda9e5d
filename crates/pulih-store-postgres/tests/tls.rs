//! The connection to PostgreSQL is encrypted as the URL's `sslmode` says, and a server
//! whose certificate cannot be verified is refused under `verify-full` with a message
//! that says what to do. The test server has `ssl = on` with a self-signed certificate.
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use pulih_store_postgres::PostgresStore;
use pulih_store_postgres::testing::{TestDatabase, fresh_database};
use sqlx::{Connection, PgConnection};

/// The test database's URL with `sslmode` (and more) set to `params`.
fn url_with(db: &TestDatabase, params: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(&db.url()).expect("url");
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "sslmode" && k != "sslrootcert")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    url.query_pairs_mut()
        .extend_pairs(kept)
        .extend_pairs(params.iter().copied());
    url.to_string()
}

/// Whether each connection open to the test database under `application` is encrypted.
async fn encrypted(db: &TestDatabase, application: &str) -> Vec<bool> {
    let mut admin = PgConnection::connect_with(&db.admin_options())
        .await
        .expect("connect");
    let rows: Vec<(bool,)> = sqlx::query_as(
        "select s.ssl from pg_stat_ssl s join pg_stat_activity a using (pid) \
         where a.datname = $1 and a.application_name = $2",
    )
    .bind(db.name())
    .bind(application)
    .fetch_all(&mut admin)
    .await
    .expect("pg_stat_ssl");
    let _ = admin.close().await;
    rows.into_iter().map(|(ssl,)| ssl).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_require_encrypts_every_connection_and_disable_none() {
    let Some((store, db)) = fresh_database().await else {
        return;
    };
    store.close().await;
    for (mode, expected) in [("require", true), ("disable", false)] {
        let application = format!("pulih-tls-{mode}");
        let params = [
            ("sslmode", mode),
            ("application_name", application.as_str()),
        ];
        let store = PostgresStore::connect(&url_with(&db, &params))
            .await
            .unwrap_or_else(|e| panic!("sslmode={mode}: {e}"));
        let seen = encrypted(&db, &application).await;
        assert!(!seen.is_empty(), "sslmode={mode}: no connection");
        assert!(
            seen.iter().all(|ssl| *ssl == expected),
            "sslmode={mode}: {seen:?}"
        );
        store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_refuses_a_certificate_no_trusted_authority_signed() {
    let Some((store, db)) = fresh_database().await else {
        return;
    };
    store.close().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let wrong = dir.path().join("other-ca.pem");
    std::fs::write(&wrong, OTHER_CA).expect("write");
    let wrong = wrong.to_str().expect("utf-8 path").to_owned();
    for params in [
        vec![("sslmode", "verify-full")],
        vec![("sslmode", "verify-full"), ("sslrootcert", wrong.as_str())],
    ] {
        let refused = PostgresStore::connect(&url_with(&db, &params)).await;
        let message = refused.expect_err("an unverified server").to_string();
        assert!(
            message.contains("sslmode=verify-full") && message.contains("sslrootcert=FILE"),
            "{params:?}: {message}"
        );
    }
}

/// A certificate authority that did not sign the test server's certificate (a
/// self-signed CA made for this test, `openssl req -x509 -newkey ec`).
const OTHER_CA: &str = include_str!("other-ca.pem");
