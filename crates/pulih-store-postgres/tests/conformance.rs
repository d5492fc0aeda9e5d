//! The shared storage conformance suite, run against a fresh PostgreSQL database per test.

use pulih_store::Store;
use pulih_store_postgres::testing::{TestDatabase, fresh_database};

/// The suite's macro needs a store for every test, so it cannot skip: without a server
/// this fails with the reason (after `fresh_database` has printed its notice).
async fn fresh() -> (Box<dyn Store>, TestDatabase) {
    let Some((store, guard)) = fresh_database().await else {
        panic!(
            "PostgreSQL not reachable (see the notice above); the conformance suite cannot \
             skip: start PostgreSQL or set PULIH_TEST_DATABASE_URL"
        );
    };
    (Box::new(store), guard)
}

pulih_store::conformance_suite!(fresh);
