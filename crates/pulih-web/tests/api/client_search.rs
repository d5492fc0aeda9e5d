//! Client search on `/clients` and `GET /api/v1/clients?…`: by code, by NIK or full name
//! through keyed hashes, by place and by status, only within reach; a search by name or
//! NIK is audited without the value, and a NIK held outside reach answers as a stranger's.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::{csrf, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    clients_are_found_by_code_name_nik_place_and_status_within_reach,
    a_search_for_a_nik_outside_reach_answers_as_for_a_stranger,
    a_search_by_name_or_nik_is_audited_without_the_value,
);

const NIK_HELD: &str = "2171015708900003";
const NIK_FAR: &str = "6103011708900005";
const NIK_STRANGER: &str = "2171011708900004";

/// A counsellor of an IPWL in `regency`: its token.
async fn counsellor(app: &TestApp, name: &str, regency: &str) -> String {
    let org = app
        .create_org(&app.root_token, &format!("IPWL {name}"), "ipwl", regency)
        .await;
    app.create_user(&app.root_token, name, "counsellor", &org, regency)
        .await
        .1
}

async fn register(app: &TestApp, token: &str, body: Value) -> (String, String) {
    let r = app.post("/api/v1/clients", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let field = |f: &str| r.body[f].as_str().expect("field").to_owned();
    (field("id"), field("code"))
}

async fn codes(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let r = app.get(&format!("/api/v1/clients?{query}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {:?}", r.body);
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .collect()
}

async fn clients_are_found_by_code_name_nik_place_and_status_within_reach(app: TestApp) {
    let token = counsellor(&app, "konselor", "21.71").await;
    let (budi, budi_code) = register(
        &app,
        &token,
        json!({"name": "Budi Santoso", "nik": NIK_HELD, "region": "21.71.01.1002"}),
    )
    .await;
    let (_, siti_code) = register(&app, &token, json!({"name": "Siti Aminah"})).await;
    let consent = json!({"services": true, "given_by": "client", "method": "signed_form",
        "given_on": app.days_ago(1)});
    let r = app
        .post(&format!("/api/v1/clients/{budi}/consents"), &token, consent)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    assert_eq!(
        codes(&app, &token, &format!("q={budi_code}")).await,
        vec![budi_code.clone()]
    );
    assert_eq!(
        codes(&app, &token, "q=budi%20%20SANTOSO").await,
        vec![budi_code.clone()]
    );
    assert!(
        codes(&app, &token, "q=Budi").await.is_empty(),
        "no partial names"
    );
    assert_eq!(
        codes(&app, &token, &format!("q={NIK_HELD}")).await,
        vec![budi_code.clone()]
    );
    assert_eq!(
        codes(&app, &token, "place=21.71.01.1002").await,
        vec![budi_code.clone()]
    );
    assert_eq!(
        codes(&app, &token, "status=no_consent").await,
        vec![siti_code.clone()]
    );
    assert!(codes(&app, &token, "status=referred").await.is_empty());
    let r = app.get("/api/v1/clients?status=lost", &token).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let p = page(&app, &token, "/clients?q=Siti+Aminah").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.html.contains(&siti_code) && !p.html.contains(&budi_code),
        "{}",
        p.html
    );
    assert!(!p.html.contains(">Siti"), "results show no names");
    let p = page(&app, &token, "/clients?q=1234").await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad NIK is said at the field"
    );
    assert!(p.html.contains("id=\"err-q\""));
    let p = page(&app, &token, "/clients?place=Pemping").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.html.contains(&budi_code) && !p.html.contains(&siti_code),
        "the place is found by its name: {}",
        p.html
    );
    assert!(
        p.html
            .contains("Pemping <span class=\"code muted\">(21.71.01.1002)</span>"),
        "results and the field name the place with its code"
    );
    assert!(p.html.contains("value=\"Pemping (21.71.01.1002)\""));
    let p = page(&app, &token, "/clients?place=Atlantis").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.html.contains("id=\"err-place\"") && p.html.contains("value=\"Atlantis\""));

    let far = counsellor(&app, "jauh", "61.03").await;
    assert!(
        codes(&app, &far, "q=Siti%20Aminah").await.is_empty(),
        "only within reach"
    );
    assert!(
        codes(&app, &far, &format!("q={siti_code}"))
            .await
            .is_empty()
    );
}

async fn a_search_for_a_nik_outside_reach_answers_as_for_a_stranger(app: TestApp) {
    let far = counsellor(&app, "jauh", "61.03").await;
    register(&app, &far, json!({"name": "Dewi", "nik": NIK_FAR})).await;
    let attacker = counsellor(&app, "penyerang", "21.71").await;
    let _ = csrf(&app, &attacker).await;
    let held = app
        .get(&format!("/api/v1/clients?q={NIK_FAR}"), &attacker)
        .await;
    let stranger = app
        .get(&format!("/api/v1/clients?q={NIK_STRANGER}"), &attacker)
        .await;
    assert_eq!((held.status, &held.body), (stranger.status, &stranger.body));
    assert_eq!(held.body, json!({"items": []}));

    let held = page(&app, &attacker, &format!("/clients?q={NIK_FAR}")).await;
    let stranger = page(&app, &attacker, &format!("/clients?q={NIK_STRANGER}")).await;
    assert_eq!(held.status, stranger.status);
    assert_eq!(
        held.html.replace(NIK_FAR, "NIK"),
        stranger.html.replace(NIK_STRANGER, "NIK"),
        "the pages differ only in the NIK typed"
    );
}

async fn a_search_by_name_or_nik_is_audited_without_the_value(app: TestApp) {
    let token = counsellor(&app, "konselor", "21.71").await;
    register(
        &app,
        &token,
        json!({"name": "Budi Santoso", "nik": NIK_HELD}),
    )
    .await;
    codes(&app, &token, &format!("q={NIK_HELD}")).await;
    codes(&app, &token, "q=Budi%20Santoso").await;
    let audit = app.get("/api/v1/audit?limit=500", &app.root_token).await;
    let searches: Vec<&Value> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "client.search")
        .collect();
    assert_eq!(searches.len(), 2, "{searches:?}");
    let text = audit.body.to_string();
    assert!(
        !text.contains(NIK_HELD) && !text.contains("Budi"),
        "no value searched"
    );
}
