//! Hand-offs name their regency or city as people do: by name ("Kota Batam"), by code
//! (`21.71`) or both, in the one-at-a-time form and in the bulk lines. A name several
//! regencies share is refused with each one's full path and code; a name nobody has and
//! a name outside the liaison's reach get the same answer.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::form;
use crate::clients::NIK;
use crate::helpers::TestApp;
use crate::home::csrf;
use crate::linkage::{STRANGER, strangers};
use crate::on_both_backends;

on_both_backends!(
    bulk_hand_offs_take_their_regency_by_name_or_code,
    a_regency_name_that_is_not_one_place_within_reach_is_refused_per_row,
);

/// A police liaison of Polda Kepulauan Riau, whose reach is the province: its token.
async fn provincial_liaison(app: &TestApp) -> String {
    let org = app
        .create_org(&app.root_token, "Polda Kepri", "police", "21")
        .await;
    app.create_user(&app.root_token, "polda", "police_liaison", &org, "21")
        .await
        .1
}

/// Sends bulk lines over the API.
async fn bulk(app: &TestApp, token: &str, csv: &str) -> crate::helpers::Reply {
    app.post("/api/v1/handoffs/bulk", token, json!({ "csv": csv }))
        .await
}

/// The message of one row's region.
fn region_message(body: &Value, row: usize) -> String {
    body["error"]["fields"][format!("rows.{row}.region")]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn bulk_hand_offs_take_their_regency_by_name_or_code(app: TestApp) {
    let police = provincial_liaison(&app).await;
    let day = app.days_ago(3);
    let niks = strangers(3);
    let csv = format!(
        "arrest,{NIK},{day},Kota Batam\narrest,{STRANGER},{day},batam\n\
         tat_assessment,{},{day},21.72\nlapas_release,{},{day},Kabupaten Bintan (21.01)\n",
        niks[0], niks[1]
    );
    let r = bulk(&app, &police, &csv).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["recorded"], json!(4));
    let listed = app.get("/api/v1/handoffs", &police).await.body;
    let mut regions: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| h["region"].as_str().expect("region"))
        .collect();
    regions.sort_unstable();
    assert_eq!(regions, ["21.01", "21.71", "21.71", "21.72"]);

    let one = json!({"kind": "arrest", "nik": niks[2], "occurred_on": day,
                     "region": "Kota Tanjung Pinang"});
    let r = app.post("/api/v1/handoffs", &police, one).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["region"], "21.72");

    let token = csrf(&app, &police).await;
    let sent = form(
        &app,
        &police,
        "/handoffs/bulk",
        &[
            ("csrf", &token),
            ("csv", &format!("arrest,{NIK},{day},Kota Batam")),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(sent.location.as_deref(), Some("/handoffs?saved=1"));
}

async fn a_regency_name_that_is_not_one_place_within_reach_is_refused_per_row(app: TestApp) {
    let police = provincial_liaison(&app).await;
    let day = app.days_ago(3);
    let csv = format!(
        "arrest,{NIK},{day},Kota\narrest,{STRANGER},{day},Kota Bandung\n\
         arrest,{NIK},{day},Kota Atlantis\narrest,{NIK},{day},Kota Batam\n"
    );
    let r = bulk(&app, &police, &csv).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let several = region_message(&r.body, 1);
    assert!(
        several.contains("Kota Batam, Kepulauan Riau (21.71)")
            && several.contains("Kota Tanjung Pinang, Kepulauan Riau (21.72)"),
        "the choices are named with their paths: {several}"
    );
    assert!(
        !several.contains("Bandung"),
        "only places within reach are offered: {several}"
    );
    let outside = region_message(&r.body, 2);
    let nowhere = region_message(&r.body, 3);
    assert!(!outside.is_empty(), "{:?}", r.body);
    assert_eq!(
        outside.replace("Kota Bandung", "…"),
        nowhere.replace("Kota Atlantis", "…"),
        "a place out of reach answers as one that does not exist"
    );
    assert_eq!(
        region_message(&r.body, 4),
        "",
        "a place within reach is taken"
    );
    let listed = app.get("/api/v1/handoffs", &police).await.body;
    assert_eq!(listed["items"], json!([]), "a refused entry stores nothing");

    let token = csrf(&app, &police).await;
    let shown = form(
        &app,
        &police,
        "/handoffs/bulk",
        &[
            ("csrf", &token),
            ("csv", &format!("arrest,{NIK},{day},Kota")),
        ],
    )
    .await;
    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        shown
            .html
            .contains("Kota Tanjung Pinang, Kepulauan Riau (21.72)"),
        "the page names the choices beside the row: {}",
        shown.html
    );
    assert!(!shown.html.contains(NIK), "the NIK is never echoed");
}
