//! The shared storage conformance suite, run against a fresh SQLite file per test.
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use pulih_store::Store;
use pulih_store_sqlite::SqliteStore;

async fn fresh() -> Option<(Box<dyn Store>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("pulih.db"))
        .await
        .expect("open sqlite");
    Some((Box::new(store), dir))
}

pulih_store::conformance_suite!(fresh);
