//! Both backends keep their own migrations; this checks that they arrive at the same
//! tables with the same columns, so the shared SQL means the same thing on both.

use std::collections::BTreeSet;

use pulih_store_postgres::testing::fresh_database;
use pulih_store_sqlite::SqliteStore;
use sqlx::{Connection, PgConnection, SqliteConnection};

/// Every (table, column) of a schema, without sqlx's own bookkeeping.
type Columns = BTreeSet<(String, String)>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_migrate_to_the_same_tables_and_columns() {
    let Some((_store, db)) = fresh_database().await else {
        return;
    };
    let mut pg = PgConnection::connect_with(&db.options())
        .await
        .expect("connect");
    let postgres: Columns = sqlx::query_as(
        "select table_name::text, column_name::text from information_schema.columns \
         where table_schema = 'public' and table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut pg)
    .await
    .expect("postgres columns")
    .into_iter()
    .collect();

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pulih.db");
    SqliteStore::open(&path)
        .await
        .expect("migrate sqlite")
        .close()
        .await;
    let mut lite = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open sqlite");
    let sqlite: Columns = sqlx::query_as(
        "select m.name, p.name from sqlite_master m join pragma_table_info(m.name) p \
         where m.type = 'table' and m.name not like 'sqlite_%' and m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut lite)
    .await
    .expect("sqlite columns")
    .into_iter()
    .collect();

    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_postgres:?}"
    );
}
