//! The new-user form and `POST /api/v1/users`: nothing is chosen for the administrator,
//! an empty scope is proposed from the organisation but never saved silently, and an
//! administrator or a national user needs an explicit confirmation.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::{Page, form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    the_new_user_form_chooses_no_role_organisation_or_scope,
    a_user_form_with_only_a_name_is_refused_in_place_and_creates_nobody,
    an_empty_scope_is_proposed_from_the_organisation_and_saved_only_when_sent_again,
    an_administrator_or_a_national_user_is_created_only_with_the_confirmation,
    the_api_creates_no_administrator_or_national_user_without_the_confirmation,
    the_users_table_names_each_users_organisation,
);

/// The session's CSRF token, from the users page.
async fn csrf(app: &TestApp) -> String {
    let p = page(app, &app.root_token, "/users").await;
    let at = p.html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    p.html[at..at + p.html[at..].find('"').expect("end")].to_owned()
}

/// The national organisation made at the first start.
async fn national_org(app: &TestApp) -> String {
    let orgs = app.get("/api/v1/organisations", &app.root_token).await;
    orgs.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|o| o["name"] == "BNN RI")
        .expect("BNN RI")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn usernames(app: &TestApp) -> Vec<String> {
    let users = app.get("/api/v1/users", &app.root_token).await;
    users.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["username"].as_str().expect("username").to_owned())
        .collect()
}

/// The new-user form of a users page.
fn new_user_form(p: &Page) -> &str {
    let at = p.html.find("action=\"/users\"").expect("the new-user form");
    &p.html[at..]
}

async fn send(app: &TestApp, fields: &[(&str, &str)]) -> Page {
    let csrf = csrf(app).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    form(app, &app.root_token, "/users", &all).await
}

/// The value of the scope field (the place picker's input).
fn scope_value(html: &str) -> String {
    let at = html
        .find("id=\"scope\" name=\"scope\"")
        .expect("the scope field");
    let rest = &html[at..];
    let v = rest.find("value=\"").expect("a value") + 7;
    rest[v..v + rest[v..].find('"').expect("end")].to_owned()
}

async fn the_new_user_form_chooses_no_role_organisation_or_scope(app: TestApp) {
    let p = page(&app, &app.root_token, "/users").await;
    assert_eq!(p.status, StatusCode::OK);
    let f = new_user_form(&p);
    assert!(!f.contains(" selected"), "nothing is preselected: {f}");
    assert!(
        f.contains("<option value=\"\">Pilih…</option>"),
        "a choose option"
    );
    assert_eq!(scope_value(f), "", "no scope: {f}");
}

async fn a_user_form_with_only_a_name_is_refused_in_place_and_creates_nobody(app: TestApp) {
    let before = usernames(&app).await;
    let p = send(
        &app,
        &[("username", "sari.baru"), ("display_name", "Sari Baru")],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["role", "org_id", "scope"] {
        assert!(
            p.html.contains(&format!("id=\"err-{field}\"")),
            "{field} refused at the field"
        );
    }
    assert!(p.html.contains("value=\"sari.baru\""), "the input is kept");
    assert_eq!(usernames(&app).await, before, "nobody was created");
}

async fn an_empty_scope_is_proposed_from_the_organisation_and_saved_only_when_sent_again(
    app: TestApp,
) {
    let batam = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let fields = [
        ("username", "agen.batam"),
        ("display_name", "Agen Batam"),
        ("role", "agent"),
        ("org_id", batam.as_str()),
    ];
    let p = send(&app, &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        scope_value(&p.html).ends_with("21.71") || scope_value(&p.html).ends_with("(21.71)"),
        "the organisation's area is shown in the field: {}",
        scope_value(&p.html)
    );
    assert!(p.html.contains("id=\"err-scope\""), "and said at the field");
    assert!(!usernames(&app).await.contains(&"agen.batam".to_owned()));

    let mut again = fields.to_vec();
    again.push(("scope", "21.71"));
    let p = send(&app, &again).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    let users = app.get("/api/v1/users", &app.root_token).await;
    let created = users.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["username"] == "agen.batam")
        .cloned()
        .expect("created");
    assert_eq!(created["scope"], "21.71");
}

async fn an_administrator_or_a_national_user_is_created_only_with_the_confirmation(app: TestApp) {
    let bnn = national_org(&app).await;
    for (name, role, scope) in [
        ("admin.dua", "admin", "21.71"),
        ("koord.pusat", "coordinator", "ID"),
    ] {
        let fields = [
            ("username", name),
            ("display_name", name),
            ("role", role),
            ("org_id", bnn.as_str()),
            ("scope", scope),
        ];
        let p = send(&app, &fields).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            p.html.contains("id=\"err-confirm_privileged\""),
            "{name}: the confirmation is asked for"
        );
        assert!(
            p.html
                .contains("name=\"confirm_privileged\" value=\"1\" aria-invalid"),
            "{name}: an unticked box"
        );
        assert!(!usernames(&app).await.contains(&name.to_owned()), "{name}");

        let mut confirmed = fields.to_vec();
        confirmed.push(("confirm_privileged", "1"));
        let p = send(&app, &confirmed).await;
        assert_eq!(p.status, StatusCode::OK, "{name}: {}", p.html);
        assert!(usernames(&app).await.contains(&name.to_owned()), "{name}");
    }
    let p = page(&app, &app.root_token, "/users").await;
    assert!(
        !new_user_form(&p).contains("confirm_privileged"),
        "a fresh form asks nothing yet"
    );
}

async fn the_api_creates_no_administrator_or_national_user_without_the_confirmation(app: TestApp) {
    let bnn = national_org(&app).await;
    let body = |name: &str, role: &str, scope: &str, confirm: Option<bool>| {
        let mut b = json!({"username": name, "display_name": name, "role": role,
            "org_id": bnn, "scope": scope, "password": "panjang-sekali-123"});
        if let Some(c) = confirm {
            b["confirm_privileged"] = Value::Bool(c);
        }
        b
    };
    for (name, role, scope) in [
        ("admin.api", "admin", "21"),
        ("analis.api", "analyst", "ID"),
    ] {
        for confirm in [None, Some(false)] {
            let r = app
                .post(
                    "/api/v1/users",
                    &app.root_token,
                    body(name, role, scope, confirm),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            let fields = r.body["error"]["fields"].as_object().expect("fields");
            assert_eq!(
                fields.keys().collect::<Vec<_>>(),
                ["confirm_privileged"],
                "{name}"
            );
        }
        let r = app
            .post(
                "/api/v1/users",
                &app.root_token,
                body(name, role, scope, Some(true)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {:?}", r.body);
    }
    let r = app
        .post(
            "/api/v1/users",
            &app.root_token,
            json!({"username": "tanpa.cakupan", "display_name": "X", "role": "agent", "org_id": bnn}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no silent scope"
    );
    assert!(
        r.body["error"]["fields"]["scope"].is_string(),
        "{:?}",
        r.body
    );
}

async fn the_users_table_names_each_users_organisation(app: TestApp) {
    let batam = app
        .create_org(&app.root_token, "IPWL Puskesmas Batam", "ipwl", "21.71")
        .await;
    app.create_user(&app.root_token, "konselor", "counsellor", &batam, "21.71")
        .await;
    let p = page(&app, &app.root_token, "/users").await;
    let row = p
        .html
        .split("<tr>")
        .find(|r| r.contains(">konselor</td>"))
        .expect("the counsellor's row");
    assert!(
        row.contains("data-label=\"Organisasi\">IPWL Puskesmas Batam</td>"),
        "{row}"
    );
}
