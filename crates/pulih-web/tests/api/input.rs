//! Bad input gets a 4xx a person understands, in their language, and writes nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    malformed_or_mistyped_json_is_a_clear_bad_request,
    an_oversize_body_is_refused,
    invalid_fields_are_named_and_nothing_is_written,
    a_duplicate_username_is_refused_with_the_field_named,
    errors_follow_the_language_of_the_user,
    a_malformed_id_in_a_path_is_as_unknown_as_a_well_formed_one,
);

async fn malformed_or_mistyped_json_is_a_clear_bad_request(app: TestApp) {
    let raw = |body: &'static str| {
        app.client
            .post(format!("{}/api/v1/organisations", app.address))
            .bearer_auth(&app.root_token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let broken = raw("{\"name\": ").await.expect("send");
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = broken.json().await.expect("json");
    assert_eq!(body["error"]["code"], "bad_request");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("JSON")
    );
    let wrong_type = raw("{\"name\": 5, \"org_type\": \"ngo\", \"region\": \"21.71\"}")
        .await
        .expect("send");
    assert_eq!(wrong_type.status(), StatusCode::BAD_REQUEST);
    let no_type = app
        .client
        .post(format!("{}/api/v1/organisations", app.address))
        .bearer_auth(&app.root_token)
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(no_type.status(), StatusCode::BAD_REQUEST);
}

async fn an_oversize_body_is_refused(app: TestApp) {
    let huge = format!(
        "{{\"name\": \"{}\", \"org_type\": \"ngo\", \"region\": \"21.71\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    // With a key, the idempotency layer reads no more than the route takes either.
    for key in [None, Some("oversize-1")] {
        let send = || {
            let mut request = app
                .client
                .post(format!("{}/api/v1/organisations", app.address))
                .bearer_auth(&app.root_token)
                .header("content-type", "application/json");
            if let Some(key) = key {
                request = request.header("idempotency-key", key);
            }
            request.body(huge.clone()).send()
        };
        // The server answers before it has read the body and closes the connection; on a
        // busy machine the client may still be writing then and lose the answer to the
        // reset. Such a try says nothing either way, so it is made again.
        let mut tries = 0;
        let r = loop {
            tries += 1;
            match send().await {
                Err(e) if e.is_request() && tries < 5 => continue,
                other => break other.expect("send"),
            }
        };
        assert_eq!(
            r.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{key:?}: {:?}",
            r.text().await
        );
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["error"]["code"], "too_large");
    }
}

async fn invalid_fields_are_named_and_nothing_is_written(app: TestApp) {
    let before = app.audit_count().await;
    let r = app
        .post(
            "/api/v1/organisations",
            &app.root_token,
            json!({"name": " ", "org_type": "bank", "region": "99.99"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &r.body["error"]["fields"];
    assert!(
        fields["name"].is_string()
            && fields["org_type"].is_string()
            && fields["region"].is_string(),
        "{fields}"
    );
    let user = app.post("/api/v1/users", &app.root_token, json!({"username": "A B", "display_name": "", "role": "boss", "org_id": "nope", "scope": "21.71.01.9", "password": "short"})).await;
    assert_eq!(user.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["username", "display_name", "role", "org_id", "scope"] {
        assert!(
            user.body["error"]["fields"][field].is_string(),
            "{field}: {}",
            user.body
        );
    }
    assert_eq!(app.audit_count().await, before);
    let orgs = app.get("/api/v1/organisations", &app.root_token).await;
    assert_eq!(
        orgs.body["items"].as_array().map(Vec::len),
        Some(1),
        "only the bootstrap organisation"
    );
}

async fn a_duplicate_username_is_refused_with_the_field_named(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    app.create_user(&app.root_token, "sari", "agent", &org, "21.71")
        .await;
    let again = app.post("/api/v1/users", &app.root_token, json!({"username": "SARI", "display_name": "Sari 2", "role": "agent", "org_id": org, "scope": "21.71", "password": "panjang-sekali-123"})).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body["error"]["fields"]["username"]
            .as_str()
            .expect("message")
            .contains("sudah dipakai")
    );
}

async fn errors_follow_the_language_of_the_user(app: TestApp) {
    let body = json!({"name": "x", "org_type": "ngo", "region": "21.71"});
    let en = app
        .request(
            Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(body.clone()),
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    assert_eq!(
        en.body["error"]["message"],
        "Please check the marked fields."
    );
    let id = app
        .request(
            Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(body.clone()),
            &[],
        )
        .await;
    assert_eq!(
        id.body["error"]["message"],
        "Periksa kembali isian yang ditandai."
    );
    let cookie = app
        .request(
            Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(body),
            &[("cookie", "lang=en"), ("accept-language", "id")],
        )
        .await;
    assert_eq!(
        cookie.body["error"]["fields"]["name"],
        "Organisation names have 2–200 characters."
    );
}

/// A path never tells a malformed id from an id of nothing: both are the same 404.
async fn a_malformed_id_in_a_path_is_as_unknown_as_a_well_formed_one(app: TestApp) {
    let unknown = "0192f5a0-0000-7000-8000-000000000000";
    // clients are asked for by a role that works with them (others are refused first)
    let org = app
        .create_org(&app.root_token, "IPWL Batam", "ipwl", "21.71")
        .await;
    let (_, counsellor) = app
        .create_user(&app.root_token, "konselor", "counsellor", &org, "21.71")
        .await;
    for collection in [
        "organisations",
        "users",
        "clients",
        "ibm-units",
        "trainings",
        "referrals",
    ] {
        let token = if collection == "clients" {
            &counsellor
        } else {
            &app.root_token
        };
        let well_formed = app
            .get(&format!("/api/v1/{collection}/{unknown}"), token)
            .await;
        assert_eq!(well_formed.status, StatusCode::NOT_FOUND, "{collection}");
        for bad in ["abc", "1", "0192f5a0-0000-7000-8000-00000000000Z"] {
            let malformed = app.get(&format!("/api/v1/{collection}/{bad}"), token).await;
            assert_eq!(
                (malformed.status, &malformed.body),
                (well_formed.status, &well_formed.body),
                "{collection}/{bad}"
            );
        }
    }
}
