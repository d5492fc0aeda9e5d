//! The audit log records who did what, never secrets, and its chain verifies.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{ROOT_PASSWORD, TestApp, USER_PASSWORD};

crate::on_both_backends!(writes_and_logins_are_audited_without_secrets_and_the_chain_verifies);

async fn writes_and_logins_are_audited_without_secrets_and_the_chain_verifies(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (user, _) = app
        .create_user(&app.root_token, "sari", "agent", &org, "21.71")
        .await;
    app.request(
        reqwest::Method::POST,
        "/api/v1/session",
        None,
        Some(json!({"username": "sari", "password": "salah-sekali"})),
        &[],
    )
    .await;
    let r = app.get("/api/v1/audit", &app.root_token).await;
    assert_eq!(r.status, StatusCode::OK);
    let items = r.body["items"].as_array().expect("items");
    let actions: Vec<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
    for expected in [
        "org.create",
        "user.create",
        "session.token",
        "session.login_failed",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let created = items
        .iter()
        .find(|e| e["action"] == "user.create" && e["record_id"] == user.as_str())
        .expect("user.create entry");
    assert_eq!(
        (created["region"].as_str(), created["ip"].as_str()),
        (Some("21.71"), Some("127.0.0.1"))
    );
    let text = r.body.to_string();
    for secret in [
        ROOT_PASSWORD,
        USER_PASSWORD,
        "salah-sekali",
        app.root_token.as_str(),
    ] {
        assert!(!text.contains(secret), "audit log contains a secret");
    }
    let verify = app.get("/api/v1/audit/verify", &app.root_token).await;
    assert_eq!(verify.body["broken"], serde_json::Value::Null);
    assert_eq!(verify.body["checked"].as_u64(), Some(items.len() as u64));
}
