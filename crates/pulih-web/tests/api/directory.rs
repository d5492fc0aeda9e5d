//! The partner directory over HTTP: services listed by administrators and by partners for
//! their own organisation, found by type and by a region they cover.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    services_are_listed_in_scope_and_found_by_type_and_region,
    bad_listings_are_refused_field_by_field_and_nothing_is_stored,
);

fn listing(org: &str, name: &str, service: &str, areas: &[&str]) -> Value {
    json!({"org_id": org, "name": name, "service": service, "areas": areas,
           "capacity": 20, "contact": "0778-123456", "hours": "Senin–Jumat 08.00–16.00"})
}

fn names(r: &Value) -> Vec<&str> {
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect()
}

async fn services_are_listed_in_scope_and_found_by_type_and_region(app: TestApp) {
    let blk = app
        .create_org(&app.root_token, "BLK Batam", "disnakertrans", "21.71")
        .await;
    let dinsos = app
        .create_org(&app.root_token, "Dinsos Sanggau", "dinsos", "61.03")
        .await;
    let (_, partner) = app
        .create_user(&app.root_token, "staf.blk", "partner", &blk, "21.71")
        .await;
    let r = app
        .post(
            "/api/v1/partner-services",
            &partner,
            listing(&blk, "Pelatihan Las", "vocational_training", &["21.71"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["org_name"], "BLK Batam");
    let r = app
        .post(
            "/api/v1/partner-services",
            &partner,
            listing(&dinsos, "Bantuan", "social_assistance", &["61.03"]),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a partner lists only its own organisation's services"
    );
    let r = app
        .post(
            "/api/v1/partner-services",
            &app.root_token,
            listing(&dinsos, "Bantuan Sosial", "social_assistance", &["61.03"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            "/api/v1/partner-services",
            &partner,
            listing(&blk, "Menjahit", "vocational_training", &["21.71.01"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    let found = app
        .get(
            "/api/v1/partner-services?service=vocational_training&region=21.71.01.1002",
            &partner,
        )
        .await;
    assert_eq!(names(&found.body), ["Menjahit", "Pelatihan Las"]);
    let found = app
        .get("/api/v1/partner-services?region=21.71.02.1001", &partner)
        .await;
    assert_eq!(
        names(&found.body),
        ["Pelatihan Las"],
        "the sewing course serves one district"
    );
    let found = app
        .get("/api/v1/partner-services?region=61.03.01.2007", &partner)
        .await;
    assert_eq!(names(&found.body), ["Bantuan Sosial"]);
    let all = app.get("/api/v1/partner-services", &partner).await;
    assert_eq!(names(&all.body).len(), 3);
    let bad = app
        .get("/api/v1/partner-services?service=spa", &partner)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn bad_listings_are_refused_field_by_field_and_nothing_is_stored(app: TestApp) {
    let blk = app
        .create_org(&app.root_token, "BLK Batam", "disnakertrans", "21.71")
        .await;
    let mut body = listing(&blk, "", "spa", &["21.7", "99.99"]);
    body["capacity"] = json!(200_000);
    let r = app
        .post("/api/v1/partner-services", &app.root_token, body)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    for f in ["name", "service", "areas.0", "capacity"] {
        assert!(fields.contains_key(f), "{f} in {fields:?}");
    }
    let r = app
        .post(
            "/api/v1/partner-services",
            &app.root_token,
            listing(&blk, "Las", "vocational_training", &["99.99"]),
        )
        .await;
    assert!(
        r.body["error"]["fields"]["areas.0"].is_string(),
        "an unknown region: {:?}",
        r.body
    );
    let r = app
        .post(
            "/api/v1/partner-services",
            &app.root_token,
            listing("no-such-org", "Las", "vocational_training", &["21.71"]),
        )
        .await;
    assert!(
        r.body["error"]["fields"]["org_id"].is_string(),
        "{:?}",
        r.body
    );
    let all = app.get("/api/v1/partner-services", &app.root_token).await;
    assert_eq!(all.body["items"], json!([]), "nothing stored");
}
