//! The vocational track over HTTP: enrolment → completion → placement → retention
//! checks → exit; steps out of order refused with nothing stored; due checks on the
//! worklist; the placement and 6-month retention figures on a small known dataset; the
//! phone forms on the record.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::clients::{consent, counsellor, field_errors, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_client_goes_from_training_to_work_to_exit_and_the_worklist_follows,
    steps_out_of_order_are_refused_and_store_nothing,
    the_figures_are_right_on_a_small_known_dataset_and_suppressed_for_analysts,
    the_phone_forms_keep_their_input_when_refused_and_the_record_shows_the_track,
);

async fn client(app: &TestApp, token: &str) -> String {
    let c = register(app, token, json!({"name": "Rahmat Hidayat"})).await;
    let id = c["id"].as_str().expect("id").to_owned();
    consent(app, token, &id).await;
    id
}

async fn step(app: &TestApp, token: &str, id: &str, path: &str, body: Value) -> Value {
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/vocational/{path}"),
            token,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {:?}", r.body);
    r.body
}

async fn refused(app: &TestApp, token: &str, id: &str, path: &str, body: Value) -> Value {
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/vocational/{path}"),
            token,
            body,
        )
        .await;
    assert!(
        matches!(
            r.status,
            StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
        ),
        "{path}: {} {:?}",
        r.status,
        r.body
    );
    r.body
}

/// A refusal for a conflict with the track, whose message (in Indonesian, the default)
/// says what to do.
fn conflict(body: &Value, says: &str) {
    assert_eq!(body["error"]["code"], "conflict", "{body}");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.to_lowercase().contains(&says.to_lowercase()),
        "{message}"
    );
}

async fn timeline(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/clients/{id}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["timeline"].as_array().expect("timeline").clone()
}

async fn due(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app.get("/api/v1/worklist", token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["due_retention_checks"]
        .as_array()
        .expect("due")
        .clone()
}

async fn a_client_goes_from_training_to_work_to_exit_and_the_worklist_follows(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let id = client(&app, &token).await;
    let enrol = json!({"course": "Las listrik BLK Batam", "started_on": app.days_ago(300)});
    step(&app, &token, &id, "enrolments", enrol).await;
    let done = json!({"completed_on": app.days_ago(250), "certificate": "BLK-2171-0042"});
    step(&app, &token, &id, "completions", done).await;
    assert!(
        due(&app, &token).await.is_empty(),
        "nothing due before a placement"
    );
    let placed = json!({"kind": "job", "sector": "construction", "name": "PT Galangan Rahasia",
        "income_band": "2m_3m", "placed_on": app.days_ago(220)});
    let placement = step(&app, &token, &id, "placements", placed).await;

    let open = due(&app, &token).await;
    let months: Vec<&str> = open
        .iter()
        .map(|d| d["month"].as_str().expect("month"))
        .collect();
    assert_eq!(months, ["3", "6"], "{open:?}");
    assert_eq!(open[0]["kind"], "retention_check");
    assert_eq!(open[0]["client_id"], id.as_str());
    assert!(crate::clients::is_client_code(
        open[0]["client_code"].as_str().expect("code")
    ));
    assert!(
        open[0].get("name").is_none() && !open[0].to_string().contains("Rahmat"),
        "code, due date and kind only: {:?}",
        open[0]
    );

    let three = json!({"month": 3, "working": true, "checked_on": app.days_ago(125)});
    step(&app, &token, &id, "retention-checks", three).await;
    let six = json!({"month": 6, "working": true, "checked_on": app.days_ago(35), "note": "Naik jabatan"});
    step(&app, &token, &id, "retention-checks", six).await;
    assert!(
        due(&app, &token).await.is_empty(),
        "the 12-month check is not due yet"
    );

    let exit = json!({"recovered": true, "skilled": true, "self_reliant": true,
        "reason": "completed_programme", "exited_on": app.days_ago(30)});
    step(&app, &token, &id, "exit", exit).await;

    let facts = timeline(&app, &token, &id).await;
    let kinds: Vec<&str> = facts
        .iter()
        .map(|f| f["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "consent",
            "vocational_enrolment",
            "vocational_completion",
            "placement",
            "retention_check",
            "retention_check",
            "programme_exit"
        ]
    );
    let placed = facts
        .iter()
        .find(|f| f["id"] == placement["id"])
        .expect("placement");
    assert_eq!(placed["body"]["type"], "vocational");
    assert_eq!(placed["body"]["step"], "placement");
    assert_eq!(placed["body"]["name"], "PT Galangan Rahasia");
    assert_eq!(placed["body"]["sector"], "construction");
    let six = &facts[5]["body"];
    assert_eq!(
        (&six["month"], &six["working"]),
        (&json!("6"), &json!(true))
    );
    assert_eq!(facts[6]["body"]["reason"], "completed_programme");

    if let Some(path) = &app.db_file {
        let mut bytes = std::fs::read(path).expect("db");
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "PT Galangan",
            "Las listrik",
            "BLK-2171-0042",
            "Naik jabatan",
        ] {
            assert!(
                !text.contains(secret),
                "{secret} reached the disk in the clear"
            );
        }
    }
}

async fn steps_out_of_order_are_refused_and_store_nothing(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let id = client(&app, &token).await;
    let body = refused(&app, &token, &id, "completions", json!({})).await;
    conflict(&body, "Catat pendaftaran pelatihan dulu");
    let check = json!({"month": 3, "working": true});
    let body = refused(&app, &token, &id, "retention-checks", check).await;
    conflict(&body, "Catat pekerjaan atau usaha sendiri dulu");

    step(
        &app,
        &token,
        &id,
        "enrolments",
        json!({"course": "Barista", "started_on": app.days_ago(200)}),
    )
    .await;
    let early = json!({"completed_on": app.days_ago(201)});
    let body = refused(&app, &token, &id, "completions", early).await;
    assert_eq!(field_errors(&body), ["completed_on"]);
    let future = app.days_ahead(3);
    let bad =
        json!({"kind": "hired", "sector": "space", "income_band": "a lot", "placed_on": future});
    let body = refused(&app, &token, &id, "placements", bad).await;
    assert_eq!(
        field_errors(&body),
        ["income_band", "kind", "placed_on", "sector"]
    );
    let body = refused(
        &app,
        &token,
        &id,
        "enrolments",
        json!({"course": " ", "service_id": "nope"}),
    )
    .await;
    assert_eq!(field_errors(&body), ["course", "service_id"]);

    step(
        &app,
        &token,
        &id,
        "completions",
        json!({"completed_on": app.days_ago(150)}),
    )
    .await;
    let before =
        json!({"kind": "own_business", "sector": "food_lodging", "placed_on": app.days_ago(160)});
    let body = refused(&app, &token, &id, "placements", before).await;
    assert_eq!(field_errors(&body), ["placed_on"]);
    let placed =
        json!({"kind": "own_business", "sector": "food_lodging", "placed_on": app.days_ago(100)});
    step(&app, &token, &id, "placements", placed).await;
    let too_early = json!({"month": 6, "working": true});
    let body = refused(&app, &token, &id, "retention-checks", too_early).await;
    let msg = body["error"]["fields"]["checked_on"]
        .as_str()
        .expect("message");
    assert!(msg.contains("dua minggu sebelum jatuh tempo"), "{msg}");
    let unknown_month = json!({"month": 9, "working": true});
    let body = refused(&app, &token, &id, "retention-checks", unknown_month).await;
    assert_eq!(field_errors(&body), ["month"]);
    let three = json!({"month": 3, "working": false, "checked_on": app.days_ago(5)});
    step(&app, &token, &id, "retention-checks", three.clone()).await;
    let body = refused(&app, &token, &id, "retention-checks", three).await;
    conflict(&body, "sudah dicatat");

    let other = json!({"reason": "other"});
    let body = refused(&app, &token, &id, "exit", other).await;
    assert_eq!(field_errors(&body), ["note"]);
    let exit = json!({"reason": "lost_contact", "exited_on": app.days_ago(2)});
    step(&app, &token, &id, "exit", exit.clone()).await;
    let body = refused(&app, &token, &id, "exit", exit).await;
    conflict(&body, "sudah keluar dari program");

    let kinds: Vec<String> = timeline(&app, &token, &id)
        .await
        .iter()
        .map(|f| f["kind"].as_str().expect("kind").to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "consent",
            "vocational_enrolment",
            "vocational_completion",
            "placement",
            "retention_check",
            "programme_exit"
        ],
        "only the accepted steps were stored"
    );

    let stranger = register(&app, &token, json!({"name": "Tanpa Persetujuan"})).await;
    let sid = stranger["id"].as_str().expect("id");
    let body = refused(
        &app,
        &token,
        sid,
        "enrolments",
        json!({"course": "Menjahit"}),
    )
    .await;
    conflict(&body, "persetujuan");
}

/// One client's track: completion, placement and 6-month check, each when given.
async fn track(
    app: &TestApp,
    token: &str,
    completed: Option<u64>,
    placed: Option<u64>,
    working_at_6: Option<bool>,
) {
    let id = client(app, token).await;
    if let Some(days) = completed {
        let enrol = json!({"course": "Otomotif", "started_on": app.days_ago(days + 60)});
        step(app, token, &id, "enrolments", enrol).await;
        step(
            app,
            token,
            &id,
            "completions",
            json!({"completed_on": app.days_ago(days)}),
        )
        .await;
    }
    if let Some(days) = placed {
        let body =
            json!({"kind": "job", "sector": "trade_repair", "placed_on": app.days_ago(days)});
        step(app, token, &id, "placements", body).await;
        if let Some(working) = working_at_6 {
            let check =
                json!({"month": 6, "working": working, "checked_on": app.days_ago(days - 190)});
            step(app, token, &id, "retention-checks", check).await;
        }
    }
}

async fn the_figures_are_right_on_a_small_known_dataset_and_suppressed_for_analysts(app: TestApp) {
    let (org, token) = counsellor(&app, "konselor").await;
    track(&app, &token, Some(250), Some(220), Some(true)).await;
    track(&app, &token, Some(240), Some(210), Some(false)).await;
    track(&app, &token, Some(200), None, None).await;
    track(&app, &token, None, Some(30), None).await;
    track(&app, &token, Some(400), Some(390), None).await;
    let elsewhere = app
        .create_org(&app.root_token, "IPWL Bintan", "ipwl", "21.72")
        .await;
    let (_, far) = app
        .create_user(
            &app.root_token,
            "konselor-bintan",
            "counsellor",
            &elsewhere,
            "21.72",
        )
        .await;
    track(&app, &far, Some(250), Some(220), Some(true)).await;

    let (_, coordinator) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "21.71")
        .await;
    let path = format!(
        "/api/v1/regions/21.71/outcomes/vocational?from={}&to={}",
        app.days_ago(365),
        app.days_ago(0)
    );
    let r = app.get(&path, &coordinator).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let o = &r.body;
    assert_eq!(
        (&o["completed"], &o["placed"], &o["placement_share"]),
        (&json!(3), &json!(2), &json!(66.7))
    );
    assert_eq!(
        (
            &o["placed_6m"],
            &o["checked_6m"],
            &o["working_6m"],
            &o["retention_share"]
        ),
        (&json!(2), &json!(2), &json!(1), &json!(50.0))
    );
    assert_eq!(o["suppressed"], false);

    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &org, "21")
        .await;
    let r = app.get(&path, &analyst).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (
            &r.body["completed"],
            &r.body["placed"],
            &r.body["placement_share"]
        ),
        (&json!("<5"), &json!("<5"), &Value::Null)
    );
    assert_eq!(r.body["suppressed"], true);

    let r = app
        .get("/api/v1/regions/21/outcomes/vocational", &analyst)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["working_6m"], "<5", "both regencies of the province");

    let (_, outsider) = app
        .create_user(
            &app.root_token,
            "analis-bintan",
            "analyst",
            &elsewhere,
            "21.72",
        )
        .await;
    assert_eq!(
        app.get(&path, &outsider).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&path, &token).await.status, StatusCode::FORBIDDEN);
    let backwards = format!(
        "/api/v1/regions/21.71/outcomes/vocational?from={}&to={}",
        app.days_ago(1),
        app.days_ago(5)
    );
    let r = app.get(&backwards, &coordinator).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);

    let regency = page(&app, &coordinator, "/regions/21.71").await;
    assert!(
        regency.html.contains("id=\"vocational-outcomes\""),
        "the regency page shows them"
    );
    assert!(regency.html.contains("66.7%"));
}

async fn the_phone_forms_keep_their_input_when_refused_and_the_record_shows_the_track(
    app: TestApp,
) {
    let (_, token) = counsellor(&app, "konselor").await;
    let id = client(&app, &token).await;
    let blank = page(&app, &token, &format!("/clients/{id}/vocational/enrolment")).await;
    assert_eq!(blank.status, StatusCode::OK);
    let at = blank.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = blank.html[at..at + blank.html[at..].find('"').expect("end")].to_owned();

    let path = format!("/clients/{id}/vocational/completion");
    let sent = form(
        &app,
        &token,
        &path,
        &[("csrf", &csrf), ("certificate", "SERT-77")],
    )
    .await;
    assert_eq!(sent.status, StatusCode::CONFLICT);
    assert!(sent.html.contains("value=\"SERT-77\""), "the input is kept");

    let path = format!("/clients/{id}/vocational/enrolment");
    let fields = [
        ("csrf", csrf.as_str()),
        ("course", "Tata boga"),
        ("started_on", "2999-01-01"),
    ];
    let sent = form(&app, &token, &path, &fields).await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sent.html.contains("value=\"Tata boga\"") && sent.html.contains("err-started_on"));
    let fields = [
        ("csrf", csrf.as_str()),
        ("course", "Tata boga"),
        ("started_on", &app.days_ago(40)),
    ];
    let sent = form(&app, &token, &path, &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);

    let path = format!("/clients/{id}/vocational/retention");
    let opened = page(&app, &token, &format!("{path}?month=6")).await;
    assert!(
        opened.html.contains("value=\"6\" checked"),
        "the worklist's month is chosen"
    );
    let fields = [("csrf", csrf.as_str()), ("month", "6"), ("working", "yes")];
    let sent = form(&app, &token, &path, &fields).await;
    assert_eq!(sent.status, StatusCode::CONFLICT);

    let record = page(&app, &token, &format!("/clients/{id}")).await;
    assert!(record.html.contains("id=\"vocational-h\""));
    assert!(record.html.contains("Tata boga"));
    assert!(
        record
            .html
            .contains(&format!("/clients/{id}/vocational/placement"))
    );
}
