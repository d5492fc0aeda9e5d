//! MoUs over HTTP: recorded as a draft, signed with a term whose end date follows, on the
//! worklist within 60 days of its end, ended; refusals field by field.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::rakor::{NOTHING, office};

on_both_backends!(
    a_signed_mou_ending_within_sixty_days_is_on_the_worklist_until_ended,
    bad_mou_input_is_refused_field_by_field,
);

async fn a_signed_mou_ending_within_sixty_days_is_on_the_worklist_until_ended(app: TestApp) {
    let (bnnp, coord) = office(
        &app,
        "Ditresnarkoba Polda Kepri",
        "police",
        "21",
        "kasubdit",
    )
    .await;
    let body = json!({
        "region": "21.71", "title": "Pembinaan dan pelatihan pasca rehabilitasi",
        "document_no": "B/12/III/2026", "parties": [{"org_id": bnnp}, {"name": "Yayasan Rumah Harapan"}],
        "scopes": ["skills_training", "post_rehab_coaching", "referrals"],
    });
    let key = [("idempotency-key", "mou-1")];
    let r = app
        .request(
            Method::POST,
            "/api/v1/mous",
            Some(&coord),
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["status"], "draft");
    // a retry answers with the id of the MoU stored the first time (a replay carries ids
    // only), and stores no second one
    let again = app
        .request(Method::POST, "/api/v1/mous", Some(&coord), Some(body), &key)
        .await;
    assert_eq!(
        (again.status, &again.body),
        (StatusCode::CREATED, &json!({"id": r.body["id"]}))
    );
    let listed = app.get("/api/v1/mous", &coord).await.body;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert_eq!(
        r.body["scopes"],
        json!(["post_rehab_coaching", "skills_training", "referrals"])
    );
    let id = r.body["id"].as_str().expect("id").to_owned();
    let status = format!("/api/v1/mous/{id}/status");
    // signed 11 months ago for a year: it ends within 60 days
    let signed_on = app.today() - chrono::Months::new(11);
    let r = app
        .post(&status, &coord, json!({"status": "signed", "version": 1, "signed_on": signed_on.to_string(), "term_months": 12}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let ends = (signed_on + chrono::Months::new(12))
        .pred_opt()
        .expect("day");
    assert_eq!(r.body["ends_on"], ends.to_string());
    assert_eq!(r.body["ending_soon"], true);
    let w = app.get("/api/v1/worklist", &coord).await;
    assert_eq!(w.body["mous_ending"][0]["id"], id.as_str(), "{:?}", w.body);
    let r = app
        .post(&status, &coord, json!({"status": "expired", "version": 2}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let nothing = NOTHING.to_owned();
    let r = app
        .post(
            &format!("/api/v1/mous/{id}/referrals"),
            &coord,
            json!({"referral_id": nothing}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["referral_id"].is_string());
    let r = app
        .post(&status, &coord, json!({"status": "ended", "version": 2}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["status"], "ended");
    let w = app.get("/api/v1/worklist", &coord).await;
    assert_eq!(w.body["mous_ending"], json!([]));
}

async fn bad_mou_input_is_refused_field_by_field(app: TestApp) {
    let (bnnk, coord) = office(&app, "BNNK Batam", "bnn", "21.71", "kasi-rehab").await;
    let body = json!({
        "region": "21.71", "title": "", "document_no": "",
        "parties": [{"org_id": bnnk}], "scopes": ["tea"], "status": "signed",
    });
    let r = app.post("/api/v1/mous", &coord, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    for f in [
        "title",
        "document_no",
        "parties",
        "scopes",
        "signed_on",
        "term_months",
    ] {
        assert!(fields.contains_key(f), "{f} in {fields:?}");
    }
    assert_eq!(
        app.get("/api/v1/mous", &coord).await.body["items"],
        json!([])
    );
}
