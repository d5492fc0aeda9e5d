//! After a client's erasure commits, its sealed identity and name hash are gone from
//! the database's files too: on SQLite neither the main file nor the WAL holds their
//! bytes; on PostgreSQL the tables the erasure cleared are vacuumed, so no old row
//! version keeps them.

use reqwest::StatusCode;
use serde_json::json;
use sqlx::{Connection, PgConnection};

use crate::clients::{consent, register};
use crate::helpers::TestApp;

crate::on_both_backends!(an_erased_clients_sealed_bytes_leave_the_database_files);

async fn an_erased_clients_sealed_bytes_leave_the_database_files(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coord) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "21.71")
        .await;
    let client = register(
        &app,
        &coord,
        json!({"name": "Andi Saputra", "nik": "2171010101900001", "birth_date": "1990-01-01"}),
    )
    .await;
    let (id, code) = (
        client["id"].as_str().expect("id"),
        client["code"].as_str().expect("code"),
    );
    consent(&app, &coord, id).await;
    let vacuums_before = vacuums(&app).await;
    let traces = if app.db_file.is_some() {
        sqlite_traces(&app, id).await
    } else {
        Vec::new()
    };
    let erased = app
        .post(
            &format!("/api/v1/clients/{id}/erasure"),
            &coord,
            json!({"confirm_code": code}),
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{:?}", erased.body);
    match &app.db_file {
        Some(path) => {
            let mut files = vec![std::fs::read(path).expect("db file")];
            let wal = path.with_extension("db-wal");
            if let Ok(bytes) = std::fs::read(&wal) {
                files.push(bytes);
            }
            for trace in &traces {
                for file in &files {
                    assert!(
                        !file.windows(trace.len()).any(|w| w == trace.as_slice()),
                        "an erased client's bytes are still in a database file"
                    );
                }
            }
        }
        None => {
            for _ in 0..100 {
                if vacuums(&app).await > vacuums_before {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            panic!("the clients table was not vacuumed after the erasure");
        }
    }
}

/// Byte strings only this client's row holds before its erasure (on SQLite): the start
/// of its sealed identity, and its name and NIK hashes. Checked to be in the files
/// first, so the test would see them if they stayed.
async fn sqlite_traces(app: &TestApp, id: &str) -> Vec<Vec<u8>> {
    let path = app.db_file.as_ref().expect("sqlite");
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("open sqlite");
    let uuid: sqlx::types::Uuid = id.parse().expect("uuid");
    let (identity, nik_hash, name_birth_hash): (Vec<u8>, String, String) =
        sqlx::query_as("select identity, nik_hash, name_birth_hash from clients where id = $1")
            .bind(uuid)
            .fetch_one(&mut conn)
            .await
            .expect("client row");
    let _ = conn.close().await;
    let traces = vec![
        identity[..identity.len().min(48)].to_vec(),
        nik_hash.into_bytes(),
        name_birth_hash.into_bytes(),
    ];
    let mut files = std::fs::read(path).expect("db file");
    files.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    for trace in &traces {
        assert!(
            files.windows(trace.len()).any(|w| w == trace.as_slice()),
            "the client's bytes are in the files before the erasure"
        );
    }
    traces
}

/// How often PostgreSQL has vacuumed `clients` by hand; 0 on SQLite.
async fn vacuums(app: &TestApp) -> i64 {
    let Some(db) = app.postgres() else {
        return 0;
    };
    let mut conn = PgConnection::connect_with(&db.options())
        .await
        .expect("connect");
    let count: i64 = sqlx::query_scalar(
        "select vacuum_count from pg_stat_user_tables where relname = 'clients'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("vacuum_count");
    let _ = conn.close().await;
    count
}
