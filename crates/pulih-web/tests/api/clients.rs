//! Clients over HTTP: registration with sealed identity, the NIK duplicate check in reach
//! (outside reach: `nik_checks`), consent before clinical data, screening, access by
//! role, break-glass and erasure.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_client_gets_a_pseudonymous_code_and_its_identity_never_reaches_the_disk,
    a_nik_registered_twice_in_reach_says_where_once_the_rest_is_valid,
    clinical_records_need_consent_and_a_withdrawal_shows_everywhere,
    screenings_are_scored_by_the_clinical_rules_and_bad_answers_store_nothing,
    episodes_track_pathway_evidence_and_the_tat_deadline,
);

pub const NIK: &str = "2171015708900003";

/// An IPWL in Kota Batam with a counsellor, returning (org id, counsellor token).
pub async fn counsellor(app: &TestApp, name: &str) -> (String, String) {
    let org = app
        .create_org(&app.root_token, "IPWL Batam", "ipwl", "21.71")
        .await;
    let (_, token) = app
        .create_user(&app.root_token, name, "counsellor", &org, "21.71")
        .await;
    (org, token)
}

pub async fn register(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.post("/api/v1/clients", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

pub async fn consent(app: &TestApp, token: &str, id: &str) -> String {
    let body = json!({"services": true, "share_with": ["disnakertrans"], "follow_up": true,
        "given_by": "client", "method": "signed_form", "given_on": "2026-01-05"});
    let r = app
        .post(&format!("/api/v1/clients/{id}/consents"), token, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

/// Whether `code` has the shape of a client code: two groups of four characters of
/// Crockford's base32, nothing of the regency or of a sequence in it.
pub fn is_client_code(code: &str) -> bool {
    let ok = |g: &str| {
        g.len() == 4
            && g.bytes()
                .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
    };
    code.split_once('-').is_some_and(|(a, b)| ok(a) && ok(b))
}

pub fn field_errors(body: &Value) -> Vec<String> {
    let mut fields: Vec<String> = body["error"]["fields"]
        .as_object()
        .map(|f| f.keys().cloned().collect())
        .unwrap_or_default();
    fields.sort();
    fields
}

async fn a_client_gets_a_pseudonymous_code_and_its_identity_never_reaches_the_disk(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let client = register(
        &app,
        &token,
        json!({"name": "Budi Santoso Rahasia", "nik": NIK,
        "birth_date": "1990-08-17", "sex": "male", "phone": "0812 3456 7890",
        "village": "21.71.01.1002", "family_contact": "Ibu Sri 0813999888"}),
    )
    .await;
    let code = client["code"].as_str().expect("code");
    assert!(is_client_code(code) && !code.contains("Budi"), "{code}");
    let id = client["id"].as_str().expect("id");
    consent(&app, &token, id).await;
    let screening = json!({"substances": {"amphetamines": {"q2": "weekly"}}});
    let path = format!("/api/v1/clients/{id}/screenings/assist");
    let key = [("idempotency-key", "assist-1")];
    let r = app
        .request(
            Method::POST,
            &path,
            Some(&token),
            Some(screening.clone()),
            &key,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["recommendation"], "brief_intervention");
    let replay = app
        .request(Method::POST, &path, Some(&token), Some(screening), &key)
        .await;
    assert_eq!(
        (replay.status, &replay.body["id"]),
        (StatusCode::CREATED, &r.body["id"])
    );
    assert!(
        replay.body.get("scores").is_none(),
        "a replay keeps ids, never scores"
    );
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/episodes"),
            &token,
            json!({"pathway": "family_referral", "diagnosis": "F15.2 ketergantungan stimulan"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let r = app.get(&format!("/api/v1/clients/{id}"), &token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["identity"]["name"], "Budi Santoso Rahasia");
    assert_eq!(r.body["identity"]["phone"], "081234567890");
    assert_eq!(r.body["timeline"].as_array().expect("timeline").len(), 3);
    let audit = app.get("/api/v1/audit?limit=50", &app.root_token).await;
    let views = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "client.record.read" && e["record_id"] == id)
        .count();
    assert_eq!(views, 1, "every read is audited");

    if let Some(path) = &app.db_file {
        let mut bytes = std::fs::read(path).expect("db");
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        for secret in [
            "Budi Santoso",
            NIK,
            "Ibu Sri",
            "081234567890",
            "F15.2",
            "amphetamines",
            "weekly",
            "brief_intervention",
            "moderate",
            "family_referral",
        ] {
            // the dashboard counters name figures such as `intake_family_referral`: a
            // count per region and month, not a fact stored with the client
            let found = bytes
                .windows(secret.len())
                .enumerate()
                .any(|(at, w)| w == secret.as_bytes() && !bytes[..at].ends_with(b"intake_"));
            assert!(!found, "{secret} reached the database file in plain text");
        }
    }
    let r = app
        .request(
            Method::GET,
            &format!("/api/v1/clients/{id}/export"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let disposition = r.headers["content-disposition"].to_str().expect("header");
    assert!(disposition.contains(code), "{disposition}");
    assert_eq!(r.body["identity"]["nik"], NIK);
}

async fn a_nik_registered_twice_in_reach_says_where_once_the_rest_is_valid(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let first = register(&app, &token, json!({"nik": NIK})).await;
    let future = app.days_ahead(1);
    let r = app
        .post(
            "/api/v1/clients",
            &token,
            json!({"nik": NIK, "birth_date": future}),
        )
        .await;
    assert_eq!(
        field_errors(&r.body),
        ["birth_date"],
        "a NIK is looked up only when the rest is valid"
    );
    let r = app
        .post(
            "/api/v1/clients",
            &token,
            json!({"nik": "2171 0157 0890 0003"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = r.body["error"]["fields"]["nik"].as_str().expect("message");
    assert!(
        message.contains(first["code"].as_str().expect("code")),
        "{message}"
    );

    let r = app
        .post(
            "/api/v1/clients",
            &token,
            json!({"nik": "217101570890000", "birth_date": "2999-01-01", "sex": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.body), ["birth_date", "nik", "sex"]);
    let list = app.get("/api/v1/clients", &token).await;
    assert_eq!(
        list.body["items"].as_array().expect("items").len(),
        1,
        "nothing stored"
    );
}

async fn clinical_records_need_consent_and_a_withdrawal_shows_everywhere(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let id = register(&app, &token, json!({})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let barc = json!({"items": [5, 5, 5, 5, 5, 5, 5, 5, 4, 4]});
    let path = format!("/api/v1/clients/{id}/screenings/barc10");
    let r = app.post(&path, &token, barc.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let consent_id = consent(&app, &token, &id).await;
    let r = app.post(&path, &token, barc.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        (r.body["total"].as_u64(), r.body["strong"].as_bool()),
        (Some(48), Some(true))
    );

    let withdraw = format!("/api/v1/clients/{id}/consents/{consent_id}/withdrawal");
    let r = app
        .post(&withdraw, &token, json!({"reason": "pindah kota"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app.post(&withdraw, &token, json!({})).await;
    assert_eq!(field_errors(&r.body), ["consent_id"]);
    let record = app.get(&format!("/api/v1/clients/{id}"), &token).await.body;
    assert_eq!(record["consent"]["services"], false);
    assert_eq!(record["consent"]["share_with"], json!([]));
    let given = record["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|f| f["kind"] == "consent")
        .expect("consent")
        .clone();
    assert!(given["body"]["withdrawn_on"].is_string(), "{given}");
    let r = app.post(&path, &token, barc).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let listed = app.get("/api/v1/clients", &token).await.body;
    assert_eq!(listed["items"][0]["consent"]["services"], false, "{listed}");

    let police = json!({"services": true, "share_with": ["police"], "given_by": "client",
        "method": "signed_form", "given_on": "2026-01-05"});
    let r = app
        .post(&format!("/api/v1/clients/{id}/consents"), &token, police)
        .await;
    assert_eq!(field_errors(&r.body), ["share_with"], "the hard wall holds");
}

async fn screenings_are_scored_by_the_clinical_rules_and_bad_answers_store_nothing(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let id = register(&app, &token, json!({})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    consent(&app, &token, &id).await;
    let path = format!("/api/v1/clients/{id}/screenings/assist");
    // alcohol 4+4+4+0+0 = 12 (moderate); cannabis 2 (low): brief intervention.
    let body = json!({"substances": {
        "alcohol": {"q2": "weekly", "q3": "monthly", "q4": "once_or_twice", "q6": "never", "q7": "never"},
        "cannabis": {"q2": "once_or_twice"}}, "q8": "never"});
    let r = app.post(&path, &token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        r.body["scores"]["alcohol"],
        json!({"score": 12, "risk": "moderate"})
    );
    assert_eq!(
        r.body["scores"]["cannabis"],
        json!({"score": 2, "risk": "low"})
    );
    assert_eq!(
        (
            r.body["recommendation"].as_str(),
            r.body["injecting_recent"].as_bool()
        ),
        (Some("brief_intervention"), Some(false))
    );
    let r = app
        .post(
            &path,
            &token,
            json!({"substances": {"cannabis": {"q2": "once_or_twice"}}, "q8": "past_3_months"}),
        )
        .await;
    assert_eq!(
        (
            r.body["recommendation"].as_str(),
            r.body["injecting_recent"].as_bool()
        ),
        (Some("referral"), Some(true))
    );

    let before = app.get(&format!("/api/v1/clients/{id}"), &token).await.body["timeline"]
        .as_array()
        .expect("t")
        .len();
    let bad = json!({"substances": {
        "tobacco": {"q2": "daily", "q5": "daily"},
        "opioids": {"q2": "never", "q3": "weekly"},
        "cannabis": {"q2": "hourly"}}, "q8": "sometimes"});
    let r = app.post(&path, &token, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&r.body),
        [
            "q8",
            "substances.cannabis.q2",
            "substances.opioids.q3",
            "substances.tobacco.q5"
        ]
    );
    let r = app
        .post(
            &path,
            &token,
            json!({"substances": {}, "taken_on": "2999-01-01"}),
        )
        .await;
    assert_eq!(field_errors(&r.body), ["taken_on"]);
    let barc = format!("/api/v1/clients/{id}/screenings/barc10");
    let r = app
        .post(&barc, &token, json!({"items": [1, 2, 3, 4, 5, 6, 1, 2, 3]}))
        .await;
    assert_eq!(
        (r.status, field_errors(&r.body)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["items".to_owned()])
    );
    let r = app
        .post(
            &barc,
            &token,
            json!({"items": [1, 2, 3, 4, 5, 6, 1, 2, 3, 7]}),
        )
        .await;
    assert_eq!(field_errors(&r.body), ["items.10"]);
    let after = app.get(&format!("/api/v1/clients/{id}"), &token).await.body["timeline"]
        .as_array()
        .expect("t")
        .len();
    assert_eq!(before, after, "rejected screenings store nothing");

    let step = format!("/api/v1/clients/{id}/care-steps");
    let r = app.post(&step, &token, json!({"done": "advice"})).await;
    assert_eq!(
        field_errors(&r.body),
        ["note"],
        "doing less than a referral needs a reason"
    );
    let r = app.post(&step, &token, json!({"done": "referral"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let plan = json!({"goals": ["Kembali bekerja", "Ikut kelompok dukungan"], "responsible": "Konselor IPWL", "review_on": "2999-01-01"});
    let r = app
        .post(&format!("/api/v1/clients/{id}/care-plans"), &token, plan)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

async fn episodes_track_pathway_evidence_and_the_tat_deadline(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let id = register(&app, &token, json!({})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    consent(&app, &token, &id).await;
    let path = format!("/api/v1/clients/{id}/episodes");
    let r = app.post(&path, &token, json!({"pathway": "tat"})).await;
    assert_eq!(field_errors(&r.body), ["arrested_on"]);
    let r = app
        .post(
            &path,
            &token,
            json!({"pathway": "wajib_lapor", "opened_on": "2999-01-01", "substances": ["shabu"]}),
        )
        .await;
    assert_eq!(
        field_errors(&r.body),
        ["card_number", "opened_on", "substances"]
    );
    let r = app.post(&path, &token, json!({"pathway": "tat", "arrested_on": "2026-01-10", "opened_on": "2026-01-11",
        "substances": ["amphetamines"], "routes": ["smoked"], "use_months": 18, "treatment_history": "none"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let episode = r.body["id"].as_str().expect("id").to_owned();
    let record = app.get(&format!("/api/v1/clients/{id}"), &token).await.body;
    let opened = record["timeline"]
        .as_array()
        .expect("t")
        .iter()
        .find(|f| f["kind"] == "episode")
        .expect("episode")
        .clone();
    assert_eq!(opened["body"]["assessment_due"], "2026-01-16");
    let assess = format!("/api/v1/clients/{id}/episodes/{episode}/tat-assessment");
    let r = app
        .post(&assess, &token, json!({"assessed_on": "2026-01-14"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app.post(&assess, &token, json!({})).await;
    assert_eq!(field_errors(&r.body), ["episode_id"], "assessed once");
    let record = app.get(&format!("/api/v1/clients/{id}"), &token).await.body;
    let opened = record["timeline"]
        .as_array()
        .expect("t")
        .iter()
        .find(|f| f["kind"] == "episode")
        .expect("episode")
        .clone();
    assert_eq!(opened["body"]["assessed_on"], "2026-01-14");
}
