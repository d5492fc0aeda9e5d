//! Re-arrest linkage over HTTP: a police liaison records hand-offs with NIKs that are
//! matched to past clients only as counts; the liaison never reaches a client, a
//! counsellor never reaches a hand-off, and neither side's answers carry the other's data.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::clients::{NIK, consent, counsellor, field_errors, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    hand_offs_are_matched_to_past_clients_by_nik_hash_and_only_counts_leave_the_match,
    the_wall_keeps_liaisons_from_clients_and_counsellors_from_hand_offs,
    bad_hand_offs_are_refused_per_field_and_per_row_and_the_nik_is_never_echoed,
);

/// Another valid NIK, of someone who is never a client.
const STRANGER: &str = "2171014408850007";
/// The NIK of a client registered after the hand-off.
const LATER: &str = "2171012303920011";

/// A police liaison of Polresta Barelang in Kota Batam: its token.
async fn liaison(app: &TestApp) -> String {
    let org = app
        .create_org(&app.root_token, "Polresta Barelang", "police", "21.71")
        .await;
    let (_, token) = app
        .create_user(&app.root_token, "liaison", "police_liaison", &org, "21.71")
        .await;
    token
}

/// A user of BNNK Batam with `role`: its token.
async fn bnnk(app: &TestApp, name: &str, role: &str) -> String {
    let org = app
        .create_org(&app.root_token, &format!("BNNK {name}"), "bnn", "21.71")
        .await;
    app.create_user(&app.root_token, name, role, &org, "21.71")
        .await
        .1
}

/// A client with a NIK and an episode opened on `opened_on`: (id, code).
async fn past_client(app: &TestApp, token: &str, nik: &str, opened_on: &str) -> (String, String) {
    let client = register(app, token, json!({"name": "Budi", "nik": nik})).await;
    let id = client["id"].as_str().expect("id").to_owned();
    consent(app, token, &id).await;
    let body = json!({"pathway": "family_referral", "opened_on": opened_on});
    let r = app
        .post(&format!("/api/v1/clients/{id}/episodes"), token, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (id, client["code"].as_str().expect("code").to_owned())
}

async fn handoff(app: &TestApp, token: &str, kind: &str, nik: &str, on: &str) -> Value {
    let body = json!({"kind": kind, "nik": nik, "occurred_on": on});
    let r = app.post("/api/v1/handoffs", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

/// `(recorded, matched)` of one kind in a linkage answer.
fn kind(linkage: &Value, kind: &str) -> (Value, Value) {
    let k = linkage["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .find(|k| k["kind"] == kind)
        .expect("kind listed");
    (k["recorded"].clone(), k["matched"].clone())
}

async fn hand_offs_are_matched_to_past_clients_by_nik_hash_and_only_counts_leave_the_match(
    app: TestApp,
) {
    let police = liaison(&app).await;
    let (_, counsellor) = counsellor(&app, "konselor").await;
    let coordinator = bnnk(&app, "koordinator", "coordinator").await;
    let analyst = bnnk(&app, "analis", "analyst").await;
    let (client, code) = past_client(&app, &counsellor, NIK, "2025-01-10").await;

    let matched = handoff(&app, &police, "arrest", NIK, "2025-09-01").await;
    let unknown = handoff(&app, &police, "arrest", STRANGER, "2025-09-01").await;
    assert_eq!(keys(&matched), ["id", "kind", "occurred_on", "region"]);
    assert_eq!(keys(&matched), keys(&unknown), "the same answer either way");
    assert_eq!(
        (&matched["region"], &unknown["region"]),
        (&json!("21.71"), &json!("21.71")),
        "the liaison's own regency by default"
    );
    handoff(&app, &police, "arrest", LATER, "2025-08-01").await;
    handoff(&app, &police, "lapas_release", NIK, "2024-12-01").await;
    handoff(&app, &police, "tat_assessment", NIK, "2025-09-03").await;
    // registered after the hand-off, with an episode opened before it: still linked
    past_client(&app, &counsellor, LATER, "2025-02-01").await;

    let year = "/api/v1/regions/21.71/linkage?from=2025-01-01&to=2025-12-31";
    let exact = app.get(year, &coordinator).await;
    assert_eq!(exact.status, StatusCode::OK, "{:?}", exact.body);
    assert_eq!(exact.body["exact"], true);
    assert_eq!(kind(&exact.body, "arrest"), (json!(3), json!(2)));
    assert_eq!(kind(&exact.body, "tat_assessment"), (json!(1), json!(1)));
    assert_eq!(
        kind(&exact.body, "lapas_release"),
        (json!(0), json!(0)),
        "outside the period"
    );
    assert_eq!(exact.body["rearrested_after_aftercare"], 0);
    let before = app
        .get(
            "/api/v1/regions/21.71/linkage?from=2024-01-01&to=2024-12-31",
            &coordinator,
        )
        .await;
    assert_eq!(
        kind(&before.body, "lapas_release"),
        (json!(1), json!(0)),
        "released before the client's first episode"
    );
    for token in [&analyst, &police] {
        let r = app.get(year, token).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["exact"], false);
        assert_eq!(kind(&r.body, "arrest"), (json!("<5"), json!("<5")));
        assert_eq!(kind(&r.body, "lapas_release"), (json!(0), json!(0)));
    }
    let r = app.get(year, &counsellor).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let page = page(&app, &coordinator, "/regions/21.71").await;
    assert!(page.html.contains("id=\"linkage-title\""), "{}", page.html);

    let r = app
        .post(
            &format!("/api/v1/clients/{client}/erasure"),
            &coordinator,
            json!({"confirm_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let after = app.get(year, &coordinator).await;
    assert_eq!(
        kind(&after.body, "arrest"),
        (json!(3), json!(1)),
        "an erased client never matches"
    );
    assert_eq!(kind(&after.body, "tat_assessment"), (json!(1), json!(0)));
}

/// Every client page and API answers `token` with 403 or 404.
async fn no_client_reached(app: &TestApp, token: &str, client: &str) {
    let apis = [
        (Method::GET, "/api/v1/clients".to_owned()),
        (Method::GET, format!("/api/v1/clients/{client}")),
        (Method::GET, format!("/api/v1/clients/{client}/export")),
        (Method::POST, format!("/api/v1/clients/{client}/episodes")),
    ];
    for (method, path) in apis {
        let body = (method == Method::POST).then(|| json!({"pathway": "tat"}));
        let r = app.request(method, &path, Some(token), body, &[]).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}: {}",
            r.status
        );
    }
    let r = app
        .post("/api/v1/clients", token, json!({"nik": NIK}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "registering probes NIKs");
    for path in [
        "/clients".to_owned(),
        format!("/clients/{client}"),
        format!("/clients/{client}/export"),
        format!("/clients/{client}/episode"),
    ] {
        let p = page(app, token, &path).await;
        assert!(
            matches!(p.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}: {}",
            p.status
        );
    }
}

async fn the_wall_keeps_liaisons_from_clients_and_counsellors_from_hand_offs(app: TestApp) {
    let police = liaison(&app).await;
    let (_, counsellor) = counsellor(&app, "konselor").await;
    let (client, code) = past_client(&app, &counsellor, NIK, "2025-01-10").await;
    let h = handoff(&app, &police, "arrest", NIK, "2025-09-01").await;
    let handoff_id = h["id"].as_str().expect("id");

    no_client_reached(&app, &police, &client).await;
    let mut seen_by_police = String::new();
    for path in [
        "/api/v1/handoffs",
        "/api/v1/regions/21.71/linkage",
        "/handoffs",
        "/regions/21.71",
    ] {
        let r = app.get(path, &police).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        seen_by_police.push_str(&r.body.to_string());
    }
    for secret in [NIK, code.as_str(), client.as_str(), "Budi"] {
        assert!(!seen_by_police.contains(secret), "the liaison saw {secret}");
    }
    let listed = app.get("/api/v1/handoffs", &police).await.body;
    assert_eq!(
        keys(&listed["items"][0]),
        ["id", "kind", "occurred_on", "region"]
    );

    let entry = json!({"kind": "arrest", "nik": NIK});
    let bulk = json!({"csv": format!("arrest,{NIK},2025-09-01")});
    for (method, path, body) in [
        (Method::GET, "/api/v1/handoffs", None),
        (Method::POST, "/api/v1/handoffs", Some(entry)),
        (Method::POST, "/api/v1/handoffs/bulk", Some(bulk)),
    ] {
        let r = app
            .request(method, path, Some(&counsellor), body, &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let p = page(&app, &counsellor, "/handoffs").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    for path in ["/handoffs", "/handoffs/bulk"] {
        let p = form(&app, &counsellor, path, &[("csrf", "x"), ("nik", NIK)]).await;
        assert!(
            matches!(p.status, StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST),
            "{path}: {}",
            p.status
        );
    }
    let r = app.get("/api/v1/regions/21.71/linkage", &counsellor).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut seen_by_counsellor = String::new();
    for path in [
        "/api/v1/clients".to_owned(),
        format!("/api/v1/clients/{client}"),
        format!("/api/v1/clients/{client}/export"),
        format!("/clients/{client}"),
        "/regions/21.71".to_owned(),
    ] {
        let r = app.get(&path, &counsellor).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        seen_by_counsellor.push_str(&r.body.to_string());
    }
    for secret in [handoff_id, "handoff", "linkage-title"] {
        assert!(
            !seen_by_counsellor.contains(secret),
            "the counsellor saw {secret}"
        );
    }
}

async fn bad_hand_offs_are_refused_per_field_and_per_row_and_the_nik_is_never_echoed(app: TestApp) {
    let police = liaison(&app).await;
    let bad_nik = "9971015708900003";
    let r = app
        .post(
            "/api/v1/handoffs",
            &police,
            json!({"kind": "raid", "nik": bad_nik, "occurred_on": "2999-01-01", "region": "21.71.01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&r.body),
        ["kind", "nik", "occurred_on", "region"]
    );
    assert!(!r.body.to_string().contains(bad_nik), "{:?}", r.body);
    let r = app
        .post(
            "/api/v1/handoffs",
            &police,
            json!({"kind": "arrest", "nik": NIK, "region": "61.03"}),
        )
        .await;
    assert_eq!(
        field_errors(&r.body),
        ["region"],
        "outside the liaison's scope"
    );
    let r = app
        .post(
            "/api/v1/handoffs",
            &police,
            json!({"kind": "arrest", "nik": NIK, "name": "Budi"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "unknown fields are refused"
    );

    let csv = format!(
        "kind,nik,occurred_on,region\narrest,{NIK},2025-09-01,21.71\narrest,{bad_nik},2025-09-02,21.71\nlapas_release,{STRANGER},tomorrow\n"
    );
    let r = app
        .post("/api/v1/handoffs/bulk", &police, json!({"csv": csv}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.body), ["rows.2.nik", "rows.3.occurred_on"]);
    assert!(!r.body.to_string().contains(bad_nik));
    let listed = app.get("/api/v1/handoffs", &police).await.body;
    assert_eq!(
        listed["items"],
        json!([]),
        "nothing stored from a refused entry"
    );

    let csv = format!("arrest,{NIK},2025-09-01\ntat_assessment;{STRANGER};2025-09-04;21.71\n");
    let r = app
        .post("/api/v1/handoffs/bulk", &police, json!({"csv": csv}))
        .await;
    assert_eq!(
        (r.status, &r.body["recorded"]),
        (StatusCode::CREATED, &json!(2))
    );
    let p = form(
        &app,
        &police,
        "/handoffs",
        &[("csrf", "forged"), ("nik", NIK)],
    )
    .await;
    assert_ne!(
        p.status,
        StatusCode::SEE_OTHER,
        "a forged form stores nothing"
    );
    let listed = app.get("/api/v1/handoffs", &police).await.body;
    assert_eq!(listed["items"].as_array().expect("items").len(), 2);

    let entry = json!({"kind": "arrest", "nik": STRANGER, "occurred_on": "2025-10-01"});
    let key = [("idempotency-key", "handoff-1")];
    let (path, post) = ("/api/v1/handoffs", Method::POST);
    let first = app
        .request(post.clone(), path, Some(&police), Some(entry.clone()), &key)
        .await;
    let replay = app
        .request(post, path, Some(&police), Some(entry.clone()), &key)
        .await;
    assert_eq!((first.status, &first.body), (replay.status, &replay.body));
    use sha2::Digest;
    let body = serde_json::to_vec(&entry).expect("json");
    let digest = hex::encode(
        sha2::Sha256::new()
            .chain_update("POST")
            .chain_update(path)
            .chain_update(&body)
            .finalize(),
    );

    let audit = app.get("/api/v1/audit?limit=200", &app.root_token).await;
    let audit = audit.body.to_string();
    assert!(audit.contains("handoff.import") && !audit.contains(NIK));
    if let Some(path) = &app.db_file {
        let mut bytes = std::fs::read(path).expect("db");
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        for secret in [NIK, STRANGER, digest.as_str()] {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(
                !found,
                "a NIK, or a digest that gives it away, reached the disk"
            );
        }
    }
}
