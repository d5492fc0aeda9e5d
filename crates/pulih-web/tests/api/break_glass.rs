//! Break-glass limits (issue 17, item 5): only within the coordinator's province, the
//! same 404 elsewhere as for an unknown code, a few a day, the client's coordinators and
//! administrators told at once; and client codes nobody can guess.

use pulih_domain::client::ClientCode;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::clients::{counsellor, field_errors, is_client_code, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    break_glass_reaches_the_province_only_and_answers_elsewhere_as_for_an_unknown_code,
    break_glass_tells_the_clients_coordinators_and_administrators_and_is_limited_per_day,
    client_codes_are_random_short_and_read_however_typed,
);

const REASON: &str = "Klien dirawat darurat di RSUD, perlu riwayat";

/// A coordinator of `regency` in its own BNNK: its token.
async fn coordinator(app: &TestApp, name: &str, regency: &str) -> String {
    let org = app
        .create_org(&app.root_token, &format!("BNNK {name}"), "bnn", regency)
        .await;
    let username = format!("koordinator-{}", name.to_lowercase());
    app.create_user(&app.root_token, &username, "coordinator", &org, regency)
        .await
        .1
}

/// A client of a counsellor in Kota Batam (21.71): (id, code).
async fn batam_client(app: &TestApp) -> (String, String) {
    let (_, token) = counsellor(app, "konselor").await;
    let client = register(app, &token, json!({"name": "Rina"})).await;
    let text = |key: &str| client[key].as_str().expect(key).to_owned();
    (text("id"), text("code"))
}

async fn break_glass(app: &TestApp, token: &str, code: &str) -> crate::helpers::Reply {
    app.post(
        "/api/v1/break-glass",
        token,
        json!({"code": code, "reason": REASON}),
    )
    .await
}

/// The notifications of `kind` a user has.
async fn told(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    let r = app.get("/api/v1/notifications", token).await;
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == kind)
        .cloned()
        .collect()
}

async fn break_glass_reaches_the_province_only_and_answers_elsewhere_as_for_an_unknown_code(
    app: TestApp,
) {
    let (id, code) = batam_client(&app).await;
    let sanggau = coordinator(&app, "Sanggau", "61.03").await;
    let elsewhere = break_glass(&app, &sanggau, &code).await;
    assert_eq!(
        elsewhere.status,
        StatusCode::NOT_FOUND,
        "{:?}",
        elsewhere.body
    );
    let unknown = ClientCode::fresh();
    let probed = break_glass(&app, &sanggau, unknown.as_str()).await;
    assert_eq!(
        (probed.status, &probed.body),
        (elsewhere.status, &elsewhere.body),
        "a client in another province is answered as an unknown code"
    );
    let record = format!("/api/v1/clients/{id}");
    let unknown_id = app
        .get(
            "/api/v1/clients/0192f5a0-0000-7000-8000-000000000000",
            &sanggau,
        )
        .await;
    let far = app.get(&record, &sanggau).await;
    assert_eq!(
        (far.status, &far.body),
        (unknown_id.status, &unknown_id.body),
        "a client out of reach is answered as an unknown id"
    );
    assert_eq!(far.status, StatusCode::NOT_FOUND);

    let karimun = coordinator(&app, "Karimun", "21.01").await;
    let r = break_glass(&app, &karimun, &code).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(app.get(&record, &karimun).await.status, StatusCode::OK);
}

async fn break_glass_tells_the_clients_coordinators_and_administrators_and_is_limited_per_day(
    app: TestApp,
) {
    let (_, code) = batam_client(&app).await;
    let batam = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, batam_coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator-batam",
            "coordinator",
            &batam,
            "21.71",
        )
        .await;
    let (_, batam_admin) = app
        .create_user(&app.root_token, "admin-batam", "admin", &batam, "21.71")
        .await;
    let karimun = coordinator(&app, "Karimun", "21.01").await;

    let r = break_glass(&app, &karimun, &code).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    for token in [&batam_coordinator, &batam_admin] {
        let notes = told(&app, token, "client.break_glass").await;
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(
            (
                &notes[0]["detail"]["client_code"],
                &notes[0]["detail"]["user"]
            ),
            (&json!(code), &json!("koordinator-karimun"))
        );
    }
    assert!(told(&app, &karimun, "client.break_glass").await.is_empty());

    for _ in 1..3 {
        assert_eq!(
            break_glass(&app, &karimun, &code).await.status,
            StatusCode::CREATED
        );
    }
    let refused = break_glass(&app, &karimun, &code).await;
    assert_eq!(field_errors(&refused.body), ["code"], "{:?}", refused.body);
    let message = refused.body["error"]["fields"]["code"].to_string();
    assert!(message.contains('3'), "the limit is named: {message}");
    let unknown = ClientCode::fresh();
    let again = break_glass(&app, &karimun, unknown.as_str()).await;
    assert_eq!(
        (again.status, &again.body),
        (refused.status, &refused.body),
        "past the limit every code is refused alike"
    );
    let alerts = told(&app, &app.root_token, "user.break_glass_limit").await;
    assert_eq!(
        alerts.len(),
        1,
        "the administrators are alerted once: {alerts:?}"
    );
    assert_eq!(alerts[0]["detail"]["user"], "koordinator-karimun");

    app.clock.advance_days(1);
    let r = break_glass(&app, &karimun, &code).await;
    assert_eq!(r.status, StatusCode::CREATED, "a new day: {:?}", r.body);
}

async fn client_codes_are_random_short_and_read_however_typed(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        let client = register(&app, &token, json!({})).await;
        codes.push(client["code"].as_str().expect("code").to_owned());
    }
    for code in &codes {
        assert!(is_client_code(code), "{code}");
    }
    let distinct: std::collections::BTreeSet<&String> = codes.iter().collect();
    assert_eq!(distinct.len(), 3, "{codes:?}");

    let karimun = coordinator(&app, "Karimun", "21.01").await;
    let typo: String = std::iter::once(if codes[0].starts_with('7') { '8' } else { '7' })
        .chain(codes[0].chars().skip(1))
        .collect();
    let r = break_glass(&app, &karimun, &typo).await;
    assert_eq!(
        field_errors(&r.body),
        ["code"],
        "the check character catches a typo"
    );
    let typed = codes[0].to_lowercase().replace('-', " ");
    let r = break_glass(&app, &karimun, &typed).await;
    assert_eq!(r.status, StatusCode::CREATED, "{typed}: {:?}", r.body);
}
