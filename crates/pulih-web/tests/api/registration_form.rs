//! The registration form: an anonymous client only by an explicit choice, and a possible
//! duplicate (same name and birth date, through a keyed hash) named only when it lies in
//! the worker's reach; outside it the answer is the same as for nobody.

use reqwest::StatusCode;
use serde_json::json;

use crate::client_pages::{Page, csrf, form};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    an_empty_registration_is_refused_in_place_unless_anonymous_is_chosen,
    a_possible_duplicate_in_reach_is_named_and_registered_only_anyway,
    a_duplicate_outside_reach_is_answered_like_a_stranger,
    the_api_registers_as_before_and_checks_duplicates_the_same_way,
);

/// A counsellor of an IPWL in `regency`: (token, CSRF token).
async fn counsellor(app: &TestApp, name: &str, regency: &str) -> (String, String) {
    let org = app
        .create_org(&app.root_token, &format!("IPWL {name}"), "ipwl", regency)
        .await;
    let (_, token) = app
        .create_user(&app.root_token, name, "counsellor", &org, regency)
        .await;
    let csrf = csrf(app, &token).await;
    (token, csrf)
}

async fn client_count(app: &TestApp, token: &str) -> usize {
    let r = app.get("/api/v1/clients", token).await;
    r.body["items"].as_array().expect("items").len()
}

async fn register(app: &TestApp, token: &str, csrf: &str, fields: &[(&str, &str)]) -> Page {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    form(app, token, "/clients", &all).await
}

async fn an_empty_registration_is_refused_in_place_unless_anonymous_is_chosen(app: TestApp) {
    let (token, csrf) = counsellor(&app, "konselor", "21.71").await;
    let list = crate::client_pages::page(&app, &token, "/clients").await;
    assert!(
        !list
            .html
            .contains("name=\"identity\" value=\"with\" checked")
            && !list
                .html
                .contains("name=\"identity\" value=\"anonymous\" checked"),
        "nothing is chosen"
    );
    let p = register(&app, &token, &csrf, &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.html.contains("id=\"err-identity\""), "said at the choice");
    let p = register(&app, &token, &csrf, &[("identity", "with"), ("phone", "")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "with nothing");
    assert_eq!(client_count(&app, &token).await, 0, "nobody registered");

    let p = register(
        &app,
        &token,
        &csrf,
        &[("identity", "anonymous"), ("name", "Budi")],
    )
    .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "anonymous holds no name"
    );
    assert!(
        p.html.contains("value=\"anonymous\" checked"),
        "the choice is kept"
    );
    assert!(p.html.contains("value=\"Budi\""), "the input is kept");

    let p = register(&app, &token, &csrf, &[("identity", "anonymous")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(client_count(&app, &token).await, 1);
}

async fn a_possible_duplicate_in_reach_is_named_and_registered_only_anyway(app: TestApp) {
    let (token, csrf) = counsellor(&app, "konselor", "21.71").await;
    let first = register(
        &app,
        &token,
        &csrf,
        &[("name", "Budi Santoso"), ("birth_date", "1990-08-17")],
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    let id = first.location.expect("location")["/clients/".len()..].to_owned();
    let listed = app.get("/api/v1/clients", &token).await.body;
    let code = listed["items"][0]["code"]
        .as_str()
        .expect("code")
        .to_owned();

    let again = [
        ("identity", "with"),
        ("name", "  budi   SANTOSO "),
        ("birth_date", "1990-08-17"),
    ];
    let p = register(&app, &token, &csrf, &again).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.html
            .contains(&format!("<a href=\"/clients/{id}\">{code}</a>")),
        "the possible duplicate is named with a link: {}",
        p.html
    );
    assert!(
        p.html.contains("name=\"register_anyway\""),
        "register anyway is offered"
    );
    assert_eq!(client_count(&app, &token).await, 1, "nobody new");

    let other_day = [("name", "Budi Santoso"), ("birth_date", "1991-08-17")];
    let p = register(&app, &token, &csrf, &other_day).await;
    assert_eq!(
        p.status,
        StatusCode::SEE_OTHER,
        "another birth date is another person"
    );

    let mut anyway = again.to_vec();
    anyway.push(("register_anyway", "1"));
    let p = register(&app, &token, &csrf, &anyway).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(client_count(&app, &token).await, 3);
}

async fn a_duplicate_outside_reach_is_answered_like_a_stranger(app: TestApp) {
    let (far, far_csrf) = counsellor(&app, "jauh", "61.03").await;
    let held = [("name", "Siti Aminah"), ("birth_date", "1988-02-01")];
    let p = register(&app, &far, &far_csrf, &held).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);

    let (token, csrf) = counsellor(&app, "penyerang", "21.71").await;
    let stranger = [("name", "Dewi Lestari"), ("birth_date", "1988-02-01")];
    let answers = [
        register(&app, &token, &csrf, &held).await,
        register(&app, &token, &csrf, &stranger).await,
    ];
    for p in &answers {
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert!(
            p.location
                .as_deref()
                .is_some_and(|l| l.starts_with("/clients/"))
        );
    }
    assert_eq!(client_count(&app, &token).await, 2, "both registered alike");
}

async fn the_api_registers_as_before_and_checks_duplicates_the_same_way(app: TestApp) {
    let (token, _) = counsellor(&app, "konselor", "21.71").await;
    let r = app.post("/api/v1/clients", &token, json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "no choice sent: as before");
    let r = app
        .post("/api/v1/clients", &token, json!({"anonymous": false}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["identity"].is_string());

    let person = json!({"name": "Budi Santoso", "birth_date": "1990-08-17"});
    let r = app.post("/api/v1/clients", &token, person.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let code = r.body["code"].as_str().expect("code").to_owned();
    let r = app.post("/api/v1/clients", &token, person.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = r.body["error"]["fields"]["duplicate"]
        .as_str()
        .expect("a duplicate message");
    assert!(message.contains(&code), "{message}");
    let mut anyway = person;
    anyway["register_anyway"] = json!(true);
    let r = app.post("/api/v1/clients", &token, anyway).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}
