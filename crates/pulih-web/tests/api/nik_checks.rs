//! The NIK check as an attacker tries it: a worker learns nothing about clients outside
//! their reach from any answer, whether the registration goes ahead or is refused for
//! another reason; the coordinators over such a client hear of the possible duplicate;
//! look-ups past the day's limit are refused alike and alert the administrators, and a
//! client search by NIK spends the same daily look-ups.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::page;
use crate::clients::{counsellor, register};
use crate::helpers::{NIK_LOOKUPS_PER_DAY, Reply, TestApp};
use crate::on_both_backends;

on_both_backends!(
    a_nik_held_outside_reach_is_answered_like_a_strangers,
    the_coordinators_over_a_client_hear_of_a_possible_duplicate,
    nik_look_ups_past_the_daily_limit_are_refused_alike_and_alert_administrators,
    nik_searches_spend_the_same_daily_look_ups_as_registrations,
);

/// The NIK of the `n`th client registered in Batam.
fn client_nik(n: u32) -> String {
    format!("21710157089{n:05}")
}

/// A NIK that belongs to nobody.
fn stranger_nik(n: u32) -> String {
    format!("61030141019{n:05}")
}

/// An agent in Sanggau, far from Batam.
async fn sanggau_agent(app: &TestApp) -> String {
    let org = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    app.create_user(&app.root_token, "agen.sanggau", "agent", &org, "61.03")
        .await
        .1
}

/// An answer with what is generated per record (ids, codes, times) left out; `own` is
/// the code of a record the worker registered, named in a message.
fn shape(reply: &Reply, own: Option<&str>) -> (StatusCode, String) {
    let mut body = reply.body.clone();
    if let Value::Object(fields) = &mut body {
        for generated in ["id", "code", "created_at"] {
            fields.remove(generated);
        }
    }
    let text = body.to_string();
    let text = own.map_or(text.clone(), |code| text.replace(code, "<own>"));
    (reply.status, text)
}

async fn a_nik_held_outside_reach_is_answered_like_a_strangers(app: TestApp) {
    let (_, batam) = counsellor(&app, "konselor").await;
    let attacker = sanggau_agent(&app).await;
    let future = app.days_ahead(1);
    let variants = [
        json!({"name": "Budi"}),
        json!({"birth_date": future}),
        json!({"sex": "x", "village": "61.03.01.9999"}),
        json!({"region": "21.71"}),
        json!({"phone": "12"}),
    ];
    for (n, extra) in (1..).zip(variants) {
        register(&app, &batam, json!({"nik": client_nik(n)})).await;
        let mut answers = Vec::new();
        for nik in [client_nik(n), stranger_nik(n)] {
            let mut body = extra.clone();
            body["nik"] = json!(nik);
            let first = app.post("/api/v1/clients", &attacker, body.clone()).await;
            let own = first.body["code"].as_str().map(str::to_owned);
            // a second try finds the worker's own first record, if there is one
            let again = app.post("/api/v1/clients", &attacker, body).await;
            answers.push((shape(&first, None), shape(&again, own.as_deref())));
        }
        assert_eq!(answers[0], answers[1], "{extra}");
        let expected = if n == 1 {
            StatusCode::CREATED
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(answers[0].0.0, expected, "{extra}: {answers:?}");
    }
}

async fn the_coordinators_over_a_client_hear_of_a_possible_duplicate(app: TestApp) {
    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator",
            "coordinator",
            &bnnk,
            "21.71",
        )
        .await;
    let (_, batam) = counsellor(&app, "konselor").await;
    let existing = register(&app, &batam, json!({"nik": client_nik(1)})).await;
    let attacker = sanggau_agent(&app).await;
    let duplicate = register(&app, &attacker, json!({"nik": client_nik(1)})).await;

    let told = app.get("/api/v1/notifications", &coordinator).await.body;
    let items = told["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{told}");
    assert_eq!(items[0]["kind"], "client.possible_duplicate");
    assert_eq!(items[0]["detail"]["client_code"], existing["code"]);
    assert_eq!(items[0]["detail"]["duplicate_code"], duplicate["code"]);
    let html = page(&app, &coordinator, "/notifications").await.html;
    let link = format!("/clients/{}", existing["id"].as_str().expect("id"));
    assert!(
        html.contains("Kemungkinan klien ganda") && html.contains(&link),
        "{html}"
    );
    let attacker_told = app.get("/api/v1/notifications", &attacker).await.body;
    assert_eq!(attacker_told["items"], json!([]));

    let audit = app.get("/api/v1/audit?limit=100", &app.root_token).await;
    let matched: Vec<&Value> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "client.nik_match")
        .collect();
    assert_eq!(matched.len(), 1);
    assert_eq!(matched[0]["record_id"], existing["id"]);
    assert_eq!(matched[0]["region"], "21.71");
}

async fn nik_look_ups_past_the_daily_limit_are_refused_alike_and_alert_administrators(
    app: TestApp,
) {
    let (_, batam) = counsellor(&app, "konselor").await;
    register(&app, &batam, json!({"nik": client_nik(1)})).await;
    let attacker = sanggau_agent(&app).await;
    for n in 1..=NIK_LOOKUPS_PER_DAY {
        register(&app, &attacker, json!({"nik": stranger_nik(n)})).await;
    }
    let held = app
        .post("/api/v1/clients", &attacker, json!({"nik": client_nik(1)}))
        .await;
    let free = app
        .post(
            "/api/v1/clients",
            &attacker,
            json!({"nik": stranger_nik(99)}),
        )
        .await;
    assert_eq!(held.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(shape(&held, None), shape(&free, None));
    let message = held.body["error"]["fields"]["nik"]
        .as_str()
        .expect("message");
    assert!(message.contains("batas harian"), "{message}");
    register(&app, &attacker, json!({"name": "tanpa NIK"})).await;

    let told = app.get("/api/v1/notifications", &app.root_token).await.body;
    let alerts: Vec<&Value> = told["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == "user.nik_lookup_limit")
        .collect();
    assert_eq!(alerts.len(), 1, "alerted once: {told}");
    assert_eq!(alerts[0]["detail"]["user"], "agen.sanggau");
    let audit = app.get("/api/v1/audit?limit=100", &app.root_token).await;
    let audited = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "user.nik_lookup_limit")
        .count();
    assert_eq!(audited, 1);
    let matched = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|e| e["action"] == "client.nik_match");
    assert!(!matched, "a refused look-up looks nothing up");

    app.clock.advance_days(1);
    register(&app, &attacker, json!({"nik": client_nik(1)})).await;
}

async fn nik_searches_spend_the_same_daily_look_ups_as_registrations(app: TestApp) {
    let (_, batam) = counsellor(&app, "konselor").await;
    let search = |nik: String| format!("/api/v1/clients?q={nik}");
    register(&app, &batam, json!({"nik": client_nik(1)})).await;
    for n in 1..NIK_LOOKUPS_PER_DAY {
        let r = app.get(&search(stranger_nik(n)), &batam).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    let held = app.get(&search(client_nik(1)), &batam).await;
    let free = app.get(&search(stranger_nik(99)), &batam).await;
    assert_eq!(
        held.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        held.body
    );
    assert_eq!(shape(&held, None), shape(&free, None), "refused alike");
    let message = held.body["error"]["fields"]["q"].as_str().expect("message");
    assert!(
        message.contains("batas harian") && message.contains("kode atau nama"),
        "{message}"
    );
    let by_name = app.get("/api/v1/clients?q=Budi+Santoso", &batam).await;
    assert_eq!(by_name.status, StatusCode::OK, "a name is no NIK look-up");
    let registered = app
        .post("/api/v1/clients", &batam, json!({"nik": stranger_nik(98)}))
        .await;
    assert_eq!(
        registered.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "searches and registrations share the allowance"
    );
    let told = app.get("/api/v1/notifications", &app.root_token).await.body;
    let alerts = told["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == "user.nik_lookup_limit")
        .count();
    assert_eq!(alerts, 1, "alerted once: {told}");

    app.clock.advance_days(1);
    let found = app.get(&search(client_nik(1)), &batam).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.body["items"].as_array().map(Vec::len), Some(1));
}
