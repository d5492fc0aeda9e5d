//! The consent form (UU 27/2022: consent is a positive act): nothing chosen beforehand,
//! a read-back before anything is saved, every field kept through "change", and the
//! signed form's number stored sealed and shown on the client's consents.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::{csrf, form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    the_consent_form_chooses_nothing_and_leaves_the_date_empty,
    a_consent_is_read_back_before_it_is_saved_and_change_keeps_every_field,
    a_refused_consent_comes_back_in_place_without_a_read_back,
    the_api_records_consent_with_or_without_a_form_number,
);

/// A counsellor of an IPWL in Kota Batam with one client: (token, CSRF token, client id).
async fn counsellor_with_client(app: &TestApp) -> (String, String, String) {
    let org = app
        .create_org(&app.root_token, "IPWL Batam", "ipwl", "21.71")
        .await;
    let (_, token) = app
        .create_user(&app.root_token, "konselor", "counsellor", &org, "21.71")
        .await;
    let r = app
        .post("/api/v1/clients", &token, json!({"name": "Budi Santoso"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    let csrf = csrf(app, &token).await;
    (token, csrf, id)
}

async fn consents(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/clients/{id}"), token).await;
    r.body["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|f| f["kind"] == "consent")
        .cloned()
        .collect()
}

async fn the_consent_form_chooses_nothing_and_leaves_the_date_empty(app: TestApp) {
    let (token, _, id) = counsellor_with_client(&app).await;
    let p = page(&app, &token, &format!("/clients/{id}/consent")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.html.contains(" checked"), "nothing is ticked or chosen");
    assert!(
        p.html
            .contains("id=\"given_on\" name=\"given_on\" type=\"date\" value=\"\""),
        "no date"
    );
    assert!(
        p.html.contains("name=\"form_number\""),
        "the form number is asked"
    );
}

async fn a_consent_is_read_back_before_it_is_saved_and_change_keeps_every_field(app: TestApp) {
    let (token, csrf, id) = counsellor_with_client(&app).await;
    let path = format!("/clients/{id}/consent");
    let given_on = app.days_ago(1);
    let fields = [
        ("csrf", csrf.as_str()),
        ("services", "1"),
        ("share_with", "dinsos"),
        ("given_by", "client"),
        ("method", "signed_form"),
        ("form_number", "IC-2026/017"),
        ("given_on", given_on.as_str()),
    ];
    let read_back = form(&app, &token, &path, &fields).await;
    assert_eq!(read_back.status, StatusCode::OK, "{}", read_back.html);
    assert!(
        read_back.html.contains("Periksa persetujuan"),
        "a read-back"
    );
    for shown in [
        "Layanan",
        "Dinas Sosial",
        "Klien sendiri",
        "Formulir bertanda tangan",
        "IC-2026/017",
    ] {
        assert!(
            read_back.html.contains(shown),
            "the read-back shows {shown}"
        );
    }
    assert!(
        read_back
            .html
            .contains("<input type=\"hidden\" name=\"form_number\" value=\"IC-2026/017\">"),
        "every field is carried"
    );
    assert!(
        consents(&app, &token, &id).await.is_empty(),
        "nothing saved yet"
    );

    let mut change = fields.to_vec();
    change.push(("edit", "1"));
    let again = form(&app, &token, &path, &change).await;
    assert_eq!(again.status, StatusCode::OK);
    for kept in [
        "name=\"services\" value=\"1\" checked",
        "value=\"dinsos\" checked",
        "value=\"client\" checked",
        "value=\"signed_form\" checked",
        "value=\"IC-2026/017\"",
    ] {
        assert!(again.html.contains(kept), "change keeps {kept}");
    }
    assert!(
        consents(&app, &token, &id).await.is_empty(),
        "still nothing saved"
    );

    let mut save = fields.to_vec();
    save.push(("confirm", "1"));
    let saved = form(&app, &token, &path, &save).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let stored = consents(&app, &token, &id).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["body"]["form_number"], "IC-2026/017");
    let record = page(&app, &token, &format!("/clients/{id}")).await;
    assert!(
        record
            .html
            .contains("Nomor formulir persetujuan: IC-2026/017"),
        "the consents list shows the form number"
    );
}

async fn a_refused_consent_comes_back_in_place_without_a_read_back(app: TestApp) {
    let (token, csrf, id) = counsellor_with_client(&app).await;
    let path = format!("/clients/{id}/consent");
    let p = form(
        &app,
        &token,
        &path,
        &[("csrf", &csrf), ("form_number", "IC-9")],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["given_by", "method", "given_on"] {
        assert!(p.html.contains(&format!("id=\"err-{field}\"")), "{field}");
    }
    assert!(!p.html.contains("Yang akan dicatat"), "no read-back");
    assert!(p.html.contains("value=\"IC-9\""), "the input is kept");
    // a "save" that skips the read-back is checked all the same
    let p = form(&app, &token, &path, &[("csrf", &csrf), ("confirm", "1")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(consents(&app, &token, &id).await.is_empty());
}

async fn the_api_records_consent_with_or_without_a_form_number(app: TestApp) {
    let (token, _, id) = counsellor_with_client(&app).await;
    let path = format!("/api/v1/clients/{id}/consents");
    let day = app.days_ago(2);
    let without =
        json!({"services": true, "given_by": "client", "method": "signed_form", "given_on": day});
    let r = app.post(&path, &token, without).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let with = json!({"follow_up": true, "given_by": "client", "method": "signed_form",
        "given_on": day, "form_number": "F-12"});
    let r = app.post(&path, &token, with).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let numbers: Vec<Value> = consents(&app, &token, &id)
        .await
        .iter()
        .map(|c| c["body"]["form_number"].clone())
        .collect();
    assert_eq!(numbers, [Value::Null, json!("F-12")]);
}
