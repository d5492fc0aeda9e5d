//! Re-arrest linkage over HTTP: a police liaison records hand-offs with NIKs that are
//! matched to past clients only as counts, which coordinators and analysts read per
//! closed semester from the regency up, the match withheld below ten hand-offs; the
//! liaison never reaches a client nor a count, a counsellor never reaches a hand-off,
//! and neither side's answers carry the other's data (attacks: `linkage_oracle.rs`).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use pulih_domain::rollup::Period;

use crate::client_pages::{form, page};
use crate::clients::{NIK, consent, counsellor, field_errors, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    hand_offs_are_matched_to_past_clients_by_nik_hash_and_only_counts_leave_the_match,
    the_wall_keeps_liaisons_from_clients_and_counsellors_from_hand_offs,
    bad_hand_offs_are_refused_per_field_and_per_row_and_the_nik_is_never_echoed,
    linkage_is_read_per_closed_semester_from_the_regency_up,
);

/// Another valid NIK, of someone who is never a client.
pub(crate) const STRANGER: &str = "2171014408850007";
/// The NIK of a client registered after the hand-off.
const LATER: &str = "2171012303920011";

/// A police liaison of Polresta Barelang in Kota Batam: its token.
pub(crate) async fn liaison(app: &TestApp) -> String {
    let org = app
        .create_org(&app.root_token, "Polresta Barelang", "police", "21.71")
        .await;
    let (_, token) = app
        .create_user(&app.root_token, "liaison", "police_liaison", &org, "21.71")
        .await;
    token
}

/// A user of BNNK Batam with `role`: its token.
pub(crate) async fn bnnk(app: &TestApp, name: &str, role: &str) -> String {
    let org = app
        .create_org(&app.root_token, &format!("BNNK {name}"), "bnn", "21.71")
        .await;
    app.create_user(&app.root_token, name, role, &org, "21.71")
        .await
        .1
}

/// A client with a NIK and an episode opened on `opened_on`: (id, code).
pub(crate) async fn past_client(
    app: &TestApp,
    token: &str,
    nik: &str,
    opened_on: &str,
) -> (String, String) {
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

pub(crate) async fn handoff(app: &TestApp, token: &str, kind: &str, nik: &str, on: &str) -> Value {
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

/// `(recorded, matched, withheld)` of one kind in a linkage answer.
pub(crate) fn kind(linkage: &Value, kind: &str) -> (Value, Value, Value) {
    let k = linkage["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .find(|k| k["kind"] == kind)
        .expect("kind listed");
    (
        k["recorded"].clone(),
        k["matched"].clone(),
        k["withheld"].clone(),
    )
}

/// The last closed semester and the one before it, by the server's clock.
pub(crate) fn closed_semesters(app: &TestApp) -> (Period, Period) {
    let last = Period::semester_of(app.today())
        .previous()
        .expect("a semester");
    (last, last.previous().expect("a semester"))
}

/// The day `days` after the first day of `semester`.
pub(crate) fn day_in(semester: Period, days: u64) -> String {
    (semester.first_day().expect("first day") + chrono::Days::new(days)).to_string()
}

/// `n` valid NIKs of people who are never clients.
pub(crate) fn strangers(n: u16) -> Vec<String> {
    (1..=n)
        .map(|i| format!("21710201019{:05}", 1000 + i))
        .collect()
}

/// Records hand-offs `(kind, nik, date)` at once.
pub(crate) async fn bulk(app: &TestApp, token: &str, rows: &[(&str, &str, String)]) {
    let csv: String = rows
        .iter()
        .map(|(kind, nik, on)| format!("{kind},{nik},{on}\n"))
        .collect();
    let r = app
        .post("/api/v1/handoffs/bulk", token, json!({"csv": csv}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

async fn hand_offs_are_matched_to_past_clients_by_nik_hash_and_only_counts_leave_the_match(
    app: TestApp,
) {
    let police = liaison(&app).await;
    let (_, counsellor) = counsellor(&app, "konselor").await;
    let coordinator = bnnk(&app, "koordinator", "coordinator").await;
    let analyst = bnnk(&app, "analis", "analyst").await;
    let (last, before) = closed_semesters(&app);
    let (client, code) = past_client(&app, &counsellor, NIK, &day_in(before, 9)).await;

    let matched = handoff(&app, &police, "arrest", NIK, &day_in(last, 60)).await;
    let unknown = handoff(&app, &police, "arrest", STRANGER, &day_in(last, 60)).await;
    assert_eq!(keys(&matched), ["id", "kind", "occurred_on", "region"]);
    assert_eq!(keys(&matched), keys(&unknown), "the same answer either way");
    assert_eq!(
        (&matched["region"], &unknown["region"]),
        (&json!("21.71"), &json!("21.71")),
        "the liaison's own regency by default"
    );
    handoff(&app, &police, "arrest", LATER, &day_in(last, 30)).await;
    handoff(&app, &police, "lapas_release", NIK, &day_in(before, 0)).await;
    handoff(&app, &police, "tat_assessment", NIK, &day_in(last, 62)).await;
    let others = strangers(7);
    let rows: Vec<_> = others
        .iter()
        .map(|nik| ("arrest", nik.as_str(), day_in(last, 90)))
        .collect();
    bulk(&app, &police, &rows).await;
    // registered after the hand-off, with an episode opened before it: still linked
    past_client(&app, &counsellor, LATER, &day_in(before, 40)).await;

    let semester = format!("/api/v1/regions/21.71/linkage?period={last}");
    let exact = app.get(&semester, &coordinator).await;
    assert_eq!(exact.status, StatusCode::OK, "{:?}", exact.body);
    assert_eq!(
        (
            &exact.body["period"],
            &exact.body["exact"],
            &exact.body["min_records"]
        ),
        (&json!(last.to_string()), &json!(true), &json!(10))
    );
    assert_eq!(
        kind(&exact.body, "arrest"),
        (json!(10), json!(2), json!(false)),
        "ten arrests: the match is shown"
    );
    assert_eq!(
        kind(&exact.body, "tat_assessment"),
        (json!(1), Value::Null, json!(true)),
        "one assessment: its match is withheld, for a coordinator too"
    );
    assert_eq!(
        kind(&exact.body, "lapas_release"),
        (json!(0), Value::Null, json!(true))
    );
    assert_eq!(exact.body["rearrested_after_aftercare"], 0);
    assert_eq!(exact.body["rearrested_withheld"], false);
    let default = app.get("/api/v1/regions/21.71/linkage", &coordinator).await;
    assert_eq!(
        default.body, exact.body,
        "the last closed semester by default"
    );
    let earlier = format!("/api/v1/regions/21.71/linkage?period={before}");
    let earlier = app.get(&earlier, &coordinator).await;
    assert_eq!(
        kind(&earlier.body, "lapas_release"),
        (json!(1), Value::Null, json!(true))
    );
    let r = app.get(&semester, &analyst).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["exact"], false);
    assert_eq!(
        kind(&r.body, "arrest"),
        (json!(10), json!("<5"), json!(false))
    );
    assert_eq!(
        kind(&r.body, "tat_assessment"),
        (json!("<5"), Value::Null, json!(true))
    );
    for token in [&police, &counsellor] {
        let r = app.get(&semester, token).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    }
    let page = page(&app, &coordinator, "/regions/21.71").await;
    assert!(page.html.contains("id=\"linkage-title\""), "{}", page.html);
    assert!(page.html.contains(&last.to_string()), "the semester shown");

    let r = app
        .post(
            &format!("/api/v1/clients/{client}/erasure"),
            &coordinator,
            json!({"confirm_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let after = app.get(&semester, &coordinator).await;
    assert_eq!(
        kind(&after.body, "arrest"),
        (json!(10), json!(1), json!(false)),
        "an erased client never matches"
    );

    let audit = app.get("/api/v1/audit?limit=500", &app.root_token).await;
    let reads: Vec<&Value> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "linkage.view")
        .collect();
    assert_eq!(
        reads.len(),
        6,
        "every linkage read is audited, the page's too"
    );
    assert!(reads.iter().all(|e| e["region"] == "21.71"));
    let reads = serde_json::to_string(&reads).expect("json");
    assert!(reads.contains(&last.to_string()) && reads.contains(&before.to_string()));
    assert!(!reads.contains(NIK) && !reads.contains(STRANGER));
}

async fn linkage_is_read_per_closed_semester_from_the_regency_up(app: TestApp) {
    let coordinator = bnnk(&app, "koordinator", "coordinator").await;
    let (last, _) = closed_semesters(&app);
    let current = last.next().expect("a semester");
    let at = |place: &str, period: &str| format!("/api/v1/regions/{place}/linkage?period={period}");
    let last = last.to_string();
    let year = &last[..4];
    let quarter = format!("{year}-Q1");
    for period in [current.to_string().as_str(), year, &quarter, "kemarin"] {
        let r = app.get(&at("21.71", period), &coordinator).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{period}");
        assert_eq!(field_errors(&r.body), ["period"], "{period}");
    }
    for place in ["21.71.01", "21.71.01.1002"] {
        let r = app.get(&at(place, &last), &coordinator).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{place}");
        assert_eq!(field_errors(&r.body), ["region"], "{place}");
    }
    for place in ["99.98", "batam"] {
        let r = app.get(&at(place, &last), &coordinator).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{place}");
    }
    for place in ["21", "ID", "61.03"] {
        let r = app.get(&at(place, &last), &coordinator).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{place} lies outside the scope"
        );
    }
    for (name, scope) in [("analis-kepri", "21"), ("analis-pusat", "ID")] {
        let org = app
            .create_org(&app.root_token, &format!("BNN {name}"), "bnn", scope)
            .await;
        let (_, analyst) = app
            .create_user(&app.root_token, name, "analyst", &org, scope)
            .await;
        let r = app.get(&at(scope, &last), &analyst).await;
        assert_eq!(r.status, StatusCode::OK, "{scope}: {:?}", r.body);
        assert_eq!(r.body["region"], scope);
    }
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
    for path in ["/api/v1/handoffs", "/handoffs", "/regions/21.71"] {
        let r = app.get(path, &police).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        seen_by_police.push_str(&r.body.to_string());
    }
    for secret in [NIK, code.as_str(), client.as_str(), "Budi", "linkage-title"] {
        assert!(!seen_by_police.contains(secret), "the liaison saw {secret}");
    }
    for place in ["21.71", "21", "ID"] {
        let r = app
            .get(&format!("/api/v1/regions/{place}/linkage"), &police)
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{place}: liaisons read no count"
        );
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
