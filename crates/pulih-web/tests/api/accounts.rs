//! Organisations, users, logins, tokens and passwords.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, USER_PASSWORD};

crate::on_both_backends!(
    an_admin_creates_an_organisation_and_a_user_who_can_log_in,
    a_wrong_username_and_a_wrong_password_look_the_same_and_are_throttled,
    a_stranger_slows_guesses_down_but_never_locks_the_owner_out,
    a_disabled_user_can_do_nothing,
    a_revoked_token_stops_working,
    passwords_are_changed_by_their_owner_and_reset_by_an_administrator,
    an_idempotency_key_replays_the_first_response,
);

async fn an_admin_creates_an_organisation_and_a_user_who_can_log_in(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let one = app
        .get(&format!("/api/v1/organisations/{org}"), &app.root_token)
        .await;
    assert_eq!(
        (one.body["name"].as_str(), one.body["region"].as_str()),
        (Some("BNNK Batam"), Some("21.71"))
    );
    let (id, token) = app
        .create_user(&app.root_token, "sari", "coordinator", &org, "21.71")
        .await;
    let me = app.get("/api/v1/me", &token).await;
    assert_eq!(me.body["id"], id.as_str());
    assert_eq!(
        (me.body["role"].as_str(), me.body["scope"].as_str()),
        (Some("coordinator"), Some("21.71"))
    );
    assert!(me.body.get("password_hash").is_none());
    let generated = app
        .post("/api/v1/users", &app.root_token, json!({"username": "budi", "display_name": "Budi", "role": "agent", "org_id": org, "scope": "21.71.05.1001"}))
        .await;
    assert_eq!(generated.status, StatusCode::CREATED);
    assert_eq!(generated.body["link"]["purpose"], "invite");
    assert!(generated.body.get("one_time_password").is_none());
    app.redeem_link(&generated.body, "kopi susu di pulau buluh")
        .await;
    app.login("budi", "kopi susu di pulau buluh").await;
}

async fn a_wrong_username_and_a_wrong_password_look_the_same_and_are_throttled(app: TestApp) {
    let attempt = |username: &'static str, password: &'static str| {
        app.request(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": username, "password": password})),
            &[],
        )
    };
    let unknown = attempt("nobody", "whatever-password").await;
    let wrong = attempt("root", "wrong-password-1").await;
    assert_eq!(
        (unknown.status, wrong.status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(unknown.body, wrong.body);
    attempt("root", "wrong-password-2").await;
    attempt("root", "wrong-password-3").await;
    let blocked = attempt("root", crate::helpers::ROOT_PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.headers.contains_key("retry-after"));
    assert!(
        blocked.body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("menit")
    );
}

/// A login to the API from `address` (any 127.x address reaches the test server), with
/// the device token of an earlier login if given.
async fn login_from(app: &TestApp, address: &str, password: &str, device: Option<&str>) -> Reply {
    let client = reqwest::Client::builder()
        .local_address(address.parse::<std::net::IpAddr>().expect("address"))
        .build()
        .expect("client");
    let mut body = json!({"username": "root", "password": password});
    if let Some(device) = device {
        body["device"] = json!(device);
    }
    let res = client
        .post(format!("{}/api/v1/session", app.address))
        .json(&body)
        .send()
        .await
        .expect("login");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.json().await.unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

async fn a_stranger_slows_guesses_down_but_never_locks_the_owner_out(app: TestApp) {
    use crate::helpers::ROOT_PASSWORD;
    let phone = login_from(&app, "127.0.0.1", ROOT_PASSWORD, None).await;
    assert_eq!(phone.status, StatusCode::CREATED, "{:?}", phone.body);
    let device = phone.body["device"].as_str().expect("device").to_owned();
    // a stranger guesses from one address: past its allowance it must wait, and longer
    // each time, but the owner elsewhere is not touched
    for n in 1..=3 {
        let guess = login_from(&app, "127.0.0.2", &format!("guess-{n}-abcdef"), None).await;
        assert_eq!(guess.status, StatusCode::UNAUTHORIZED);
    }
    let waiting = login_from(&app, "127.0.0.2", ROOT_PASSWORD, None).await;
    assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS);
    let wait = |r: &Reply| -> u64 {
        r.headers["retry-after"]
            .to_str()
            .expect("seconds")
            .parse()
            .expect("seconds")
    };
    let first_wait = wait(&waiting);
    assert_eq!(
        login_from(&app, "127.0.0.1", ROOT_PASSWORD, None)
            .await
            .status,
        StatusCode::CREATED,
        "the owner's own address is counted apart"
    );
    app.clock.advance_secs(61);
    assert_eq!(
        login_from(&app, "127.0.0.2", "guess-4-abcdef", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "a delay, not a lock"
    );
    let second = login_from(&app, "127.0.0.2", "guess-5-abcdef", None).await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(wait(&second) > first_wait, "each wait is longer");
    // strangers at many addresses slow the account down for devices it does not know…
    for address in ["127.0.0.3", "127.0.0.4", "127.0.0.5"] {
        for n in 1..=3 {
            login_from(&app, address, &format!("spray-{n}-abcdef"), None).await;
        }
    }
    assert_eq!(
        login_from(&app, "127.0.0.6", ROOT_PASSWORD, None)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …while the owner's phone, even at a stranger's address, logs in at once
    let again = login_from(&app, "127.0.0.2", ROOT_PASSWORD, Some(&device)).await;
    assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);
    assert_eq!(again.body["device"], device.as_str(), "the same device");
    let forged = format!(
        "{}.{}",
        device.split('.').next().expect("id"),
        "0".repeat(64)
    );
    assert_eq!(
        login_from(&app, "127.0.0.6", ROOT_PASSWORD, Some(&forged))
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS,
        "a forged device token is an unknown device"
    );
}

async fn a_disabled_user_can_do_nothing(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (id, token) = app
        .create_user(&app.root_token, "sari", "admin", &org, "21.71")
        .await;
    let disabled = app
        .post(
            &format!("/api/v1/users/{id}/disable"),
            &app.root_token,
            json!({"version": 1}),
        )
        .await;
    assert_eq!(
        (disabled.status, disabled.body["disabled"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    let login = app
        .request(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": "sari", "password": USER_PASSWORD})),
            &[],
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    let stale = app
        .post(
            &format!("/api/v1/users/{id}/enable"),
            &app.root_token,
            json!({"version": 1}),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let enabled = app
        .post(
            &format!("/api/v1/users/{id}/enable"),
            &app.root_token,
            json!({"version": 2}),
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK);
    let token = app.login("sari", USER_PASSWORD).await;
    // an administrator neither disables nor resets its own account (which would end the
    // session asking), and keeps working
    for step in ["disable", "reset-password"] {
        let refused = app
            .post(&format!("/api/v1/users/{id}/{step}"), &token, json!({}))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{step}: {:?}",
            refused.body
        );
    }
    assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
}

async fn a_revoked_token_stops_working(app: TestApp) {
    let token = app.login("root", crate::helpers::ROOT_PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
    let revoked = app
        .request(Method::DELETE, "/api/v1/session", Some(&token), None, &[])
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/me", &app.root_token).await.status,
        StatusCode::OK
    );
}

async fn passwords_are_changed_by_their_owner_and_reset_by_an_administrator(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (id, token) = app
        .create_user(&app.root_token, "sari", "counsellor", &org, "21.71")
        .await;
    let wrong = app
        .post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": "nope", "new_password": "sari"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body["error"]["fields"]["current_password"].is_string());
    assert!(wrong.body["error"]["fields"]["new_password"].is_string());
    let second = app.login("sari", USER_PASSWORD).await;
    let changed = app
        .post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": USER_PASSWORD, "new_password": "gado-gado-enak-sekali"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::OK,
        "the changing session stays"
    );
    assert_eq!(
        app.get("/api/v1/me", &second).await.status,
        StatusCode::UNAUTHORIZED,
        "other sessions end"
    );
    let reset = app
        .post(
            &format!("/api/v1/users/{id}/reset-password"),
            &app.root_token,
            json!({}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(reset.body["link"]["purpose"], "reset");
    assert_eq!(
        app.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.redeem_link(&reset.body, "teh manis sore hari").await;
    app.login("sari", "teh manis sore hari").await;
}

async fn an_idempotency_key_replays_the_first_response(app: TestApp) {
    let body = json!({"name": "Dinsos Kota Batam", "org_type": "dinsos", "region": "21.71"});
    let key = [("idempotency-key", "create-dinsos-1")];
    let first = app
        .request(
            Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(body.clone()),
            &key,
        )
        .await;
    let again = app
        .request(
            Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(body),
            &key,
        )
        .await;
    assert_eq!(
        (first.status, again.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(first.body["id"], again.body["id"]);
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    let other = json!({"name": "Dinkes Kota Batam", "org_type": "dinkes", "region": "21.71"});
    let reused = app
        .request(
            Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(other),
            &key,
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.get("/api/v1/organisations", &app.root_token).await;
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.starts_with("Din")).count(),
        1,
        "{names:?}"
    );
}
