//! The FHIR R4 export of one client: a bundle whose references resolve inside it for a
//! client whose consent covers health services, audited once; refused with nothing
//! written without that consent; and for a user out of reach, the same answer as any
//! other read of the record. (The bundle is validated against the FHIR schema by
//! `tests/browser/fhir.test.js`.)

use std::collections::{BTreeMap, HashSet};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::clients::{NIK, counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::referrals::partner;

on_both_backends!(
    a_consenting_client_is_exported_as_a_bundle_whose_references_resolve_inside_it,
    without_consent_to_health_services_the_export_is_refused_and_nothing_is_written,
    a_user_out_of_reach_gets_the_same_answer_as_for_any_read_of_the_record,
);

/// Records a consent sharing with `share_with`, given a month ago.
async fn consent(app: &TestApp, token: &str, id: &str, share_with: &[&str]) -> String {
    let body = json!({"services": true, "share_with": share_with, "follow_up": true,
        "given_by": "client", "method": "signed_form", "given_on": app.days_ago(30)});
    let r = app
        .post(&format!("/api/v1/clients/{id}/consents"), token, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

async fn post_ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.post(path, token, body).await;
    assert!(r.status.is_success(), "{path}: {:?}", r.body);
    r.body
}

/// The client's read entries in the audit log.
async fn reads(app: &TestApp, id: &str) -> Vec<Value> {
    let audit = app.get("/api/v1/audit?limit=500", &app.root_token).await;
    audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "client.record.read" && e["record_id"] == id)
        .cloned()
        .collect()
}

/// Every `reference` anywhere in `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("reference", Value::String(r)) => out.push(r.clone()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

async fn a_consenting_client_is_exported_as_a_bundle_whose_references_resolve_inside_it(
    app: TestApp,
) {
    let (_, token) = counsellor(&app, "konselor.fhir").await;
    let client = register(&app, &token, json!({"name": "Sari", "nik": NIK})).await;
    let id = client["id"].as_str().expect("id").to_owned();
    consent(&app, &token, &id, &["dinkes"]).await;
    let base = format!("/api/v1/clients/{id}");
    let episode = json!({"pathway": "family_referral", "diagnosis": "F15.2"});
    post_ok(&app, &token, &format!("{base}/episodes"), episode).await;
    let assist = json!({"substances": {"amphetamines": {"q2": "weekly"},
                                       "alcohol": {"q2": "monthly"}}, "q8": "never",
                    "typology": "teratur_pakai"});
    post_ok(&app, &token, &format!("{base}/screenings/assist"), assist).await;
    let barc = json!({"items": [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]});
    post_ok(&app, &token, &format!("{base}/screenings/barc10"), barc).await;
    let plan = json!({"goals": ["Kembali bekerja"], "responsible": "Konselor IPWL",
                      "review_on": app.days_ahead(30)});
    post_ok(&app, &token, &format!("{base}/care-plans"), plan).await;
    let aftercare = json!({"discharged_on": app.days_ago(2)});
    post_ok(&app, &token, &format!("{base}/aftercare-plans"), aftercare).await;
    let (puskesmas, service) = partner(&app, "Puskesmas Sekupang", "dinkes", "health_care").await;
    let referral = json!({"service_id": service, "reason": "Pemeriksaan kesehatan"});
    let sent = post_ok(&app, &token, &format!("{base}/referrals"), referral).await;
    let moved = json!({"move": "accept", "version": sent["version"]});
    let moves = format!(
        "/api/v1/referrals/{}/moves",
        sent["id"].as_str().expect("id")
    );
    post_ok(&app, &puskesmas, &moves, moved).await;
    let before = reads(&app, &id).await.len();

    let r = app.get(&format!("{base}/fhir"), &token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.headers["content-type"], "application/fhir+json");
    let bundle = r.body;
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().expect("entries");
    let mut types = BTreeMap::new();
    for e in entries {
        *types
            .entry(e["resource"]["resourceType"].as_str().expect("type"))
            .or_insert(0) += 1;
        assert_eq!(
            e["fullUrl"],
            format!("urn:uuid:{}", e["resource"]["id"].as_str().expect("id"))
        );
    }
    let expected = [
        ("CarePlan", 2),
        ("EpisodeOfCare", 1),
        ("Observation", 4),
        ("Patient", 1),
        ("ServiceRequest", 1),
        ("Task", 1),
    ];
    assert_eq!(types, BTreeMap::from(expected));
    let urls: HashSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().expect("url"))
        .collect();
    let mut refs = Vec::new();
    references(&bundle, &mut refs);
    assert!(refs.len() >= 9, "{refs:?}");
    for r in &refs {
        assert!(urls.contains(r.as_str()), "{r} resolves inside the bundle");
    }
    let of = |t: &str| -> Vec<&Value> {
        entries
            .iter()
            .map(|e| &e["resource"])
            .filter(|r| r["resourceType"] == t)
            .collect()
    };
    let patient = of("Patient")[0];
    assert_eq!(patient["id"], id.as_str());
    assert_eq!(
        patient["identifier"],
        json!([{"system": "https://pulih.id/fhir/sid/client-code", "value": client["code"]},
               {"system": "https://fhir.kemkes.go.id/id/nik", "value": NIK}])
    );
    assert!(patient.get("name").is_none(), "the name stays in Pulih");
    let episode = of("EpisodeOfCare")[0];
    assert_eq!(
        episode["type"][0]["coding"][0]["code"],
        "pathway-family_referral"
    );
    assert_eq!(episode["status"], "active");
    let scores: BTreeMap<&str, (&Value, &Value)> = of("Observation")
        .into_iter()
        .map(|o| {
            let code = o["code"]["coding"][0]["code"].as_str().expect("code");
            (code, (&o["valueQuantity"]["value"], &o["interpretation"]))
        })
        .collect();
    assert_eq!(scores["assist-amphetamines"].0, 4);
    assert_eq!(
        scores["assist-amphetamines"].1[0]["coding"][0]["code"],
        "risk-moderate"
    );
    assert_eq!(
        scores["assist-alcohol"].1[0]["coding"][0]["code"],
        "risk-low"
    );
    let typology = of("Observation")
        .into_iter()
        .find(|o| o["code"]["coding"][0]["code"] == "typology-bnn")
        .expect("the typology is exported");
    assert_eq!(
        typology["valueCodeableConcept"]["coding"][0]["code"],
        "typology-teratur_pakai"
    );
    assert!(typology.get("valueQuantity").is_none());
    assert_eq!(scores["barc10-total"].0, 50);
    assert_eq!(
        scores["barc10-total"].1[0]["coding"][0]["code"],
        "barc10-strong"
    );
    let task = of("Task")[0];
    assert_eq!(task["status"], "accepted");
    assert_eq!(
        task["businessStatus"]["coding"][0]["code"],
        "referral-accepted"
    );
    assert_eq!(of("ServiceRequest")[0]["status"], "active");
    assert_eq!(task["owner"]["display"], "Puskesmas Sekupang");

    let after = reads(&app, &id).await;
    assert_eq!(after.len(), before + 1, "the export is one audited read");
    let fhir = after.iter().filter(|e| {
        let detail: Value = match &e["detail"] {
            Value::String(text) => serde_json::from_str(text).expect("detail"),
            other => other.clone(),
        };
        detail["view"] == "fhir"
    });
    assert_eq!(fhir.count(), 1, "{after:?}");
}

async fn without_consent_to_health_services_the_export_is_refused_and_nothing_is_written(
    app: TestApp,
) {
    let (_, token) = counsellor(&app, "konselor.tanpa").await;
    let client = register(&app, &token, json!({"nik": NIK})).await;
    let id = client["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/clients/{id}/fhir");
    let audited = app.audit_count().await;
    let r = app.get(&path, &token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no consent at all");
    assert_eq!(r.body["error"]["code"], "consent_required");
    assert_eq!(app.audit_count().await, audited, "a refusal writes nothing");
    consent(&app, &token, &id, &["disnakertrans"]).await;
    let audited = app.audit_count().await;
    let r = app.get(&path, &token).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "consent to other partners only"
    );
    assert_eq!(app.audit_count().await, audited, "a refusal writes nothing");
    let health = consent(&app, &token, &id, &["dinkes"]).await;
    assert_eq!(app.get(&path, &token).await.status, StatusCode::OK);
    let withdrawal = json!({"withdrawn_on": app.days_ago(0)});
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/consents/{health}/withdrawal"),
            &token,
            withdrawal,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let audited = app.audit_count().await;
    let r = app.get(&path, &token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "after the withdrawal");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Dinas Kesehatan")),
        "{:?}",
        r.body
    );
    assert_eq!(app.audit_count().await, audited, "a refusal writes nothing");
    assert_eq!(reads(&app, &id).await.len(), 1, "only the answered export");
}

async fn a_user_out_of_reach_gets_the_same_answer_as_for_any_read_of_the_record(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor.batam").await;
    let id = register(&app, &token, json!({})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    consent(&app, &token, &id, &["dinkes"]).await;
    let org = app
        .create_org(&app.root_token, "IPWL Binjai", "ipwl", "12.75")
        .await;
    let (_, other) = app
        .create_user(
            &app.root_token,
            "konselor.binjai",
            "counsellor",
            &org,
            "12.75",
        )
        .await;
    let audited = app.audit_count().await;
    let unknown = "0190f5a0-0000-7000-8000-000000000000";
    for client in [id.as_str(), unknown] {
        let record = app.get(&format!("/api/v1/clients/{client}"), &other).await;
        let fhir = app
            .get(&format!("/api/v1/clients/{client}/fhir"), &other)
            .await;
        assert_eq!(fhir.status, record.status, "{client}");
        assert_eq!(fhir.body, record.body, "{client}");
    }
    let malformed = app.get("/api/v1/clients/nope/fhir", &other).await;
    assert_eq!(malformed.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.audit_count().await,
        audited,
        "nothing read, nothing audited"
    );
}
