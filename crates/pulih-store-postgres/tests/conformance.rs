//! The shared storage conformance suite, run against a fresh PostgreSQL database per test.
//! Without a server the tests are skipped with a loud notice (a failure under `CI=true`).

use pulih_store::Store;
use pulih_store_postgres::testing::{TestDatabase, fresh_database};

async fn fresh() -> Option<(Box<dyn Store>, TestDatabase)> {
    let (store, guard) = fresh_database().await?;
    Some((Box::new(store), guard))
}

pulih_store::conformance_suite!(fresh);
