//! Clients registered before name hashes were kept (migration 0025) are not found by
//! name until `pulih clients reindex` (`App::reindex_clients`) gives them their hashes;
//! a second run changes nothing.

use std::sync::Mutex;

use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

use crate::clients::{counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(clients_registered_before_name_hashes_are_found_by_name_after_a_reindex);

/// Forgets every client's name hashes, as before migration 0025.
async fn forget_name_hashes(app: &TestApp) {
    let sql = "update clients set name_hash = null, name_birth_hash = null";
    match (&app.db_file, app.postgres()) {
        (Some(path), _) => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
            sqlx::query(sql).execute(&mut conn).await.expect("update");
            let _ = conn.close().await;
        }
        (None, Some(db)) => {
            let mut conn = sqlx::PgConnection::connect_with(&db.options())
                .await
                .expect("connect");
            sqlx::query(sql).execute(&mut conn).await.expect("update");
            let _ = conn.close().await;
        }
        (None, None) => panic!("no database to change"),
    }
}

async fn found_by_name(app: &TestApp, token: &str) -> usize {
    let r = app.get("/api/v1/clients?q=Budi%20Santoso", token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["items"].as_array().map_or(0, Vec::len)
}

async fn clients_registered_before_name_hashes_are_found_by_name_after_a_reindex(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let budi = json!({"name": "Budi Santoso", "birth_date": "1990-02-03"});
    register(&app, &token, budi.clone()).await;
    register(&app, &token, json!({"name": "Siti Aminah"})).await;
    register(&app, &token, json!({"anonymous": true})).await;
    forget_name_hashes(&app).await;
    assert_eq!(found_by_name(&app, &token).await, 0, "not indexed yet");

    let heard = Mutex::new(Vec::new());
    let progress = |so_far| heard.lock().expect("lock").push(so_far);
    let done = app.app.reindex_clients(&progress).await.expect("reindex");
    assert_eq!(done.indexed, 2, "the named ones: {done:?}");
    assert!(done.checked >= 2);
    assert_eq!(
        heard.lock().expect("lock").last(),
        Some(&done),
        "progress is told"
    );
    assert_eq!(found_by_name(&app, &token).await, 1);
    let again = app.post("/api/v1/clients", &token, budi).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the duplicate check finds the re-indexed client: {:?}",
        again.body
    );

    let second = app.app.reindex_clients(&|_| ()).await.expect("reindex");
    assert_eq!(second.indexed, 0, "nothing left to do: {second:?}");
    let audit = app.get("/api/v1/audit?limit=200", &app.root_token).await;
    let audit = audit.body.to_string();
    assert!(audit.contains("clients.reindex"));
    assert!(!audit.contains("Budi"), "no name in the audit");
}
