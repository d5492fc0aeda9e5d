//! Administrators read the audit log: an entry about a client's record says that it was
//! read or written, never which fact, service or status (issue 17, item 6).

use std::collections::BTreeSet;

use pulih_domain::aftercare::{AftercareEndStatus, FollowUpStatus, RelapseResponse};
use pulih_domain::client::FactKind;
use pulih_domain::referral::{Move, ReferralStatus, ServiceType};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::clients::{consent, counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::referrals::partner;
use crate::units::{PAHLAWAN, form, office};

on_both_backends!(client_record_entries_name_no_fact_service_or_status);

/// The words that would tell a reader of the log what happened to a client.
fn clinical_words() -> BTreeSet<String> {
    let mut words: BTreeSet<&str> = FactKind::ALL.iter().map(|k| k.key()).collect();
    words.extend(ServiceType::ALL.iter().map(|k| k.key()));
    words.extend(ReferralStatus::ALL.iter().map(|k| k.key()));
    words.extend(Move::ALL.iter().map(|k| k.key()));
    words.extend(FollowUpStatus::ALL.iter().map(|k| k.key()));
    words.extend(AftercareEndStatus::ALL.iter().map(|k| k.key()));
    words.extend(RelapseResponse::ALL.iter().map(|k| k.key()));
    words.into_iter().map(str::to_owned).collect()
}

/// Posts `body` to `path` and expects it stored.
async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.post(path, token, body).await;
    assert!(r.status.is_success(), "{path}: {} {:?}", r.status, r.body);
    r.body
}

/// Records every kind of fact about clients, sends a referral through its moves, reads
/// the records, and returns the kinds recorded.
async fn a_client_history(app: &TestApp) -> BTreeSet<String> {
    let (_, token) = counsellor(app, "konselor").await;
    let id = register(app, &token, json!({"name": "Rina"})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let consented = consent(app, &token, &id).await;
    let on = |tail: &str| format!("/api/v1/clients/{id}/{tail}");
    let today = app.today().to_string();
    let episode = created(
        app,
        &token,
        &on("episodes"),
        json!({"pathway": "tat", "arrested_on": app.days_ago(3)}),
    )
    .await;
    let episode = episode["id"].as_str().expect("id");
    let writes = [
        (
            format!("episodes/{episode}/tat-assessment"),
            json!({"assessed_on": today}),
        ),
        (
            "screenings/assist".to_owned(),
            json!({"substances": {"amphetamines": {"q2": "weekly"}}, "q8": "never"}),
        ),
        (
            "screenings/barc10".to_owned(),
            json!({"items": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]}),
        ),
        ("care-steps".to_owned(), json!({"done": "referral"})),
        (
            "care-plans".to_owned(),
            json!({"goals": ["Kembali bekerja"], "responsible": "Konselor IPWL", "review_on": "2999-01-01"}),
        ),
        (
            "aftercare-plans".to_owned(),
            json!({"discharged_on": app.days_ago(2)}),
        ),
        (
            "follow-ups".to_owned(),
            json!({"mode": "phone", "status": "struggling"}),
        ),
        (
            "relapses".to_owned(),
            json!({"relapsed_on": today, "response": "brief_intervention"}),
        ),
        (
            "aftercare-end".to_owned(),
            json!({"status": "dropped_out", "note": "Tidak mau lagi"}),
        ),
        (
            "vocational/enrolments".to_owned(),
            json!({"course": "Las listrik", "started_on": app.days_ago(300)}),
        ),
        (
            "vocational/completions".to_owned(),
            json!({"completed_on": app.days_ago(250)}),
        ),
        (
            "vocational/placements".to_owned(),
            json!({"kind": "job", "sector": "construction", "placed_on": app.days_ago(220)}),
        ),
        (
            "vocational/retention-checks".to_owned(),
            json!({"month": 3, "working": true, "checked_on": app.days_ago(125)}),
        ),
        (
            "vocational/exit".to_owned(),
            json!({"reason": "lost_contact", "exited_on": app.days_ago(2)}),
        ),
    ];
    for (tail, body) in writes {
        created(app, &token, &on(&tail), body).await;
    }

    let (partner_token, service) =
        partner(app, "BLK Batam", "disnakertrans", "vocational_training").await;
    let mut referral = created(
        app,
        &token,
        &on("referrals"),
        json!({"service_id": service, "reason": "Butuh keterampilan kerja"}),
    )
    .await;
    for mv in ["accept", "start", "complete"] {
        let path = format!(
            "/api/v1/referrals/{}/moves",
            referral["id"].as_str().expect("id")
        );
        referral = created(
            app,
            &partner_token,
            &path,
            json!({"move": mv, "version": referral["version"]}),
        )
        .await;
    }
    let path = format!("/api/v1/referrals/{}", referral["id"].as_str().expect("id"));
    assert_eq!(app.get(&path, &partner_token).await.status, StatusCode::OK);

    // an agent links a client of its own to an outreach activity of its unit
    let (coord, agents) = office(app, "BNNK Binjai", "12.75", PAHLAWAN, 1).await;
    let unit = form(app, &coord, PAHLAWAN, &agents).await;
    let agent = &agents[0].1;
    let reached = register(app, agent, json!({})).await;
    consent(app, agent, reached["id"].as_str().expect("id")).await;
    let activities = format!(
        "/api/v1/ibm-units/{}/activities",
        unit["id"].as_str().expect("id")
    );
    let outreach = json!({"kind": "outreach", "reached": 5, "agreed_to_screening": 1,
                          "clients": [reached["code"]]});
    created(app, agent, &activities, outreach).await;

    created(
        app,
        &token,
        &on(&format!("consents/{consented}/withdrawal")),
        json!({"reason": "pindah kota"}),
    )
    .await;
    let record = app.get(&format!("/api/v1/clients/{id}"), &token).await;
    assert_eq!(record.status, StatusCode::OK);
    let mut kinds: BTreeSet<String> = record.body["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|f| f["kind"].as_str().map(str::to_owned))
        .collect();
    kinds.insert("outreach".to_owned());
    kinds
}

async fn client_record_entries_name_no_fact_service_or_status(app: TestApp) {
    let kinds = a_client_history(&app).await;
    let every: BTreeSet<String> = FactKind::ALL.iter().map(|k| k.key().to_owned()).collect();
    assert_eq!(kinds, every, "every kind of fact was recorded");

    let audit = app.get("/api/v1/audit?limit=500", &app.root_token).await;
    let entries: Vec<&Value> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["record_type"] == "client")
        .collect();
    let actions: BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains("client.record.write") && actions.contains("client.record.read"),
        "{actions:?}"
    );
    let words = clinical_words();
    for e in entries {
        let said = format!("{} {}", e["action"], e["detail"]);
        let found: Vec<&str> = said
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| words.contains(*w))
            .collect();
        assert!(found.is_empty(), "{found:?} in {said}");
    }
}
