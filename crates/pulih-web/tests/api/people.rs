//! Accounts managed where the work is: a coordinator invites an agent from its unit (one
//! write: account, membership, link), places a district's agent in a village's unit,
//! changes a worker's name, organisation and scope, and sees and revokes the links still
//! open; a Kota Batam coordinator reaches none of Kabupaten Sanggau's units or people.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{csrf, form as send_form, page};
use crate::clients::register;
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::units::{awareness, form as form_unit, office};

on_both_backends!(
    a_coordinator_invites_an_agent_into_its_unit_who_sets_a_password_and_works_there,
    a_batam_coordinator_invites_into_no_sanggau_unit_and_bad_invitations_store_nothing,
    a_district_agent_serves_a_village_unit_and_works_within_its_district,
    a_worker_is_changed_within_the_editors_scope_and_never_away_from_its_work,
    open_links_of_the_callers_scope_are_listed_and_revoked,
    the_unit_page_invites_and_the_user_page_changes_an_account,
);

/// Desa Binjai, Kec. Tayan Hulu, Kab. Sanggau.
const BINJAI: &str = "61.03.10.2010";
const TAYAN_HULU: &str = "61.03.10";
const SANGGAU: &str = "61.03";
/// A well-formed id nothing has.
const UNKNOWN: &str = "0190f0c8-1c2d-7e3f-8a4b-5c6d7e8f9a0b";

/// BNNK Sanggau with a coordinator and a unit of Desa Binjai without agents:
/// (coordinator token, unit id).
async fn sanggau(app: &TestApp) -> (String, String) {
    let (coord, _) = office(app, "BNNK Sanggau", SANGGAU, BINJAI, 0).await;
    let unit = form_unit(app, &coord, BINJAI, &[]).await;
    (coord, unit["id"].as_str().expect("id").to_owned())
}

fn invitation(username: &str) -> Value {
    json!({"username": username, "display_name": "Siti Aminah", "phone": "081234567801",
           "sex": "female", "age_band": "25_44"})
}

async fn invite(app: &TestApp, token: &str, unit: &str, body: Value) -> crate::helpers::Reply {
    app.post(
        &format!("/api/v1/ibm-units/{unit}/invitations"),
        token,
        body,
    )
    .await
}

async fn patch(app: &TestApp, token: &str, user: &str, body: Value) -> crate::helpers::Reply {
    let path = format!("/api/v1/users/{user}");
    app.request(Method::PATCH, &path, Some(token), Some(body), &[])
        .await
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn a_coordinator_invites_an_agent_into_its_unit_who_sets_a_password_and_works_there(
    app: TestApp,
) {
    let (coord, unit) = sanggau(&app).await;
    let before = app.audit_count().await;
    let r = invite(&app, &coord, &unit, invitation("siti-binjai")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["role"], "agent");
    assert_eq!(r.body["scope"], BINJAI, "scoped to the unit's village");
    assert_eq!(r.body["link"]["purpose"], "invite");
    let agent = id(&r.body);
    assert_eq!(
        app.audit_count().await,
        before + 2,
        "account and membership"
    );
    let audit = app.get("/api/v1/audit?limit=2", &app.root_token).await;
    let text = audit.body.to_string();
    assert!(
        text.contains("unit.member_add") && text.contains("user.create"),
        "{text}"
    );
    assert!(
        !text.contains("0812345678") && !text.contains("Siti"),
        "no personal data: {text}"
    );
    for answer in app.stored_answers().await {
        assert!(
            !answer.contains("0812345678") && !answer.contains("Siti"),
            "{answer}"
        );
    }

    let shown = app.get(&format!("/api/v1/ibm-units/{unit}"), &coord).await;
    let members = shown.body["members"].as_array().expect("members");
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["user_id"], agent.as_str());
    assert_eq!(members[0]["phone"], "081234567801");

    app.redeem_link(&r.body, "kata-sandi-siti-2026").await;
    let token = app.login("siti-binjai", "kata-sandi-siti-2026").await;
    let home = page(&app, &token, "/home").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.html.contains(&format!("/ibm-units/{unit}")),
        "its unit on its home"
    );
    let path = format!("/api/v1/ibm-units/{unit}/activities");
    let r = app.post(&path, &token, awareness()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let again = invite(&app, &coord, &unit, invitation("siti-binjai")).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        again.body
    );
}

async fn a_batam_coordinator_invites_into_no_sanggau_unit_and_bad_invitations_store_nothing(
    app: TestApp,
) {
    let (coord, unit) = sanggau(&app).await;
    let (batam, _) = office(&app, "BNNK Batam", "21.71", "21.71.01.1001", 0).await;
    let users = app.get("/api/v1/users", &app.root_token).await.body["items"]
        .as_array()
        .expect("items")
        .len();
    let theirs = invite(&app, &batam, &unit, invitation("penyusup")).await;
    let nothing = invite(&app, &batam, UNKNOWN, invitation("penyusup")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{:?}", theirs.body);
    assert_eq!(
        (theirs.status, &theirs.body),
        (nothing.status, &nothing.body)
    );

    let bad = json!({"username": "x", "display_name": "", "phone": "12", "sex": "robot", "age_band": "old"});
    let r = invite(&app, &coord, &unit, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = crate::clients::field_errors(&r.body);
    for f in ["username", "display_name", "phone", "sex", "age_band"] {
        assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
    }
    let after = app.get("/api/v1/users", &app.root_token).await.body["items"]
        .as_array()
        .expect("items")
        .len();
    assert_eq!(users, after, "nothing stored");
    let shown = app.get(&format!("/api/v1/ibm-units/{unit}"), &coord).await;
    assert_eq!(shown.body["members"].as_array().expect("members").len(), 0);
}

async fn a_district_agent_serves_a_village_unit_and_works_within_its_district(app: TestApp) {
    let (coord, unit) = sanggau(&app).await;
    let org = app
        .create_org(&app.root_token, "IBM Tayan Hulu", "ngo", SANGGAU)
        .await;
    let (agent, token) = app
        .create_user(&app.root_token, "agen-tayan", "agent", &org, TAYAN_HULU)
        .await;
    let (elsewhere, _) = app
        .create_user(&app.root_token, "agen-kapuas", "agent", &org, "61.03.11")
        .await;
    let members = format!("/api/v1/ibm-units/{unit}/members");
    let profile =
        |user: &str| json!({"user_id": user, "phone": null, "sex": "male", "age_band": "45_plus"});
    let r = app.post(&members, &coord, profile(&elsewhere)).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another kecamatan: {:?}",
        r.body
    );
    let r = app.post(&members, &coord, profile(&agent)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let home = page(&app, &token, "/home").await;
    assert!(
        home.html.contains(&format!("/ibm-units/{unit}")),
        "its unit on its home"
    );
    let r = app
        .post(
            &format!("/api/v1/ibm-units/{unit}/activities"),
            &token,
            awareness(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let clients = app.get("/api/v1/clients", &token).await;
    assert_eq!(clients.status, StatusCode::OK, "{:?}", clients.body);
    assert_eq!(
        clients.body["items"].as_array().map(Vec::len),
        Some(0),
        "only its own"
    );

    let (batam, _) = office(&app, "BNNK Batam", "21.71", "21.71.01.1001", 0).await;
    let batam_unit = id(&form_unit(&app, &batam, "21.71.05.1001", &[]).await);
    let theirs = app
        .get(&format!("/api/v1/ibm-units/{batam_unit}"), &token)
        .await;
    assert!(theirs.status.is_client_error(), "{:?}", theirs.status);
    let path = format!("/api/v1/ibm-units/{batam_unit}/activities");
    let r = app.post(&path, &token, awareness()).await;
    assert!(r.status.is_client_error(), "{:?}", r.status);
}

async fn a_worker_is_changed_within_the_editors_scope_and_never_away_from_its_work(app: TestApp) {
    let (coord, unit) = sanggau(&app).await;
    let r = invite(&app, &coord, &unit, invitation("siti-binjai")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let agent = id(&r.body);
    let version = r.body["version"].as_i64().expect("version");

    let r = patch(
        &app,
        &coord,
        &agent,
        json!({"display_name": "Siti A.", "version": version}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["display_name"], "Siti A.");
    let version = r.body["version"].as_i64().expect("version");
    let audit = app
        .get("/api/v1/audit?limit=1", &app.root_token)
        .await
        .body
        .to_string();
    assert!(
        audit.contains("user.change") && !audit.contains("Siti"),
        "{audit}"
    );
    let stale = patch(
        &app,
        &coord,
        &agent,
        json!({"display_name": "Lain", "version": version - 1}),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{:?}", stale.body);

    let far = patch(
        &app,
        &coord,
        &agent,
        json!({"scope": "21.71", "version": version}),
    )
    .await;
    assert_eq!(
        far.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        far.body
    );
    assert_eq!(crate::clients::field_errors(&far.body), ["scope"]);
    let away = patch(
        &app,
        &coord,
        &agent,
        json!({"scope": "61.03.11", "version": version}),
    )
    .await;
    assert_eq!(
        away.status,
        StatusCode::CONFLICT,
        "its unit stays in Binjai: {:?}",
        away.body
    );
    let wider = patch(
        &app,
        &coord,
        &agent,
        json!({"scope": TAYAN_HULU, "version": version}),
    )
    .await;
    assert_eq!(
        wider.status,
        StatusCode::OK,
        "its district still serves Binjai: {:?}",
        wider.body
    );
    assert_eq!(wider.body["scope"], TAYAN_HULU);

    // a worker following a client of Binjai is not moved away from it
    let client = register(&app, &coord, json!({"name": "Dewi", "region": BINJAI})).await;
    let cid = id(&client);
    let cv = app
        .get(&format!("/api/v1/clients/{cid}"), &coord)
        .await
        .body["version"]
        .as_i64()
        .expect("version");
    let org = app
        .create_org(&app.root_token, "Klinik Sanggau", "bnn", SANGGAU)
        .await;
    let (counsellor, _) = app
        .create_user(
            &app.root_token,
            "konselor-binjai",
            "counsellor",
            &org,
            TAYAN_HULU,
        )
        .await;
    let assign = json!({"assigned_to": counsellor, "version": cv});
    let path = format!("/api/v1/clients/{cid}/assignment");
    let r = app
        .request(Method::PUT, &path, Some(&coord), Some(assign), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let cv = app
        .get(&format!("/api/v1/users/{counsellor}"), &coord)
        .await
        .body["version"]
        .as_i64()
        .expect("version");
    let r = patch(
        &app,
        &coord,
        &counsellor,
        json!({"scope": "61.03.11", "version": cv}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert!(
        r.body.to_string().contains("conflict.user_clients_outside")
            || r.body.to_string().contains("klien"),
        "{:?}",
        r.body
    );
    let shown = app
        .get(&format!("/api/v1/users/{counsellor}"), &coord)
        .await;
    assert_eq!(shown.body["scope"], TAYAN_HULU, "nothing changed");

    // a Batam coordinator reaches no Sanggau account; a coordinator changes no coordinator
    let (batam, _) = office(&app, "BNNK Batam", "21.71", "21.71.01.1001", 0).await;
    let theirs = patch(
        &app,
        &batam,
        &agent,
        json!({"display_name": "X", "version": 1}),
    )
    .await;
    let nothing = patch(
        &app,
        &batam,
        UNKNOWN,
        json!({"display_name": "X", "version": 1}),
    )
    .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (theirs.status, &theirs.body),
        (nothing.status, &nothing.body)
    );
    let users = app.get("/api/v1/users", &coord).await.body["items"].clone();
    let me = users
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["role"] == "coordinator")
        .expect("the coordinator");
    let r = patch(
        &app,
        &coord,
        me["id"].as_str().expect("id"),
        json!({"scope": BINJAI, "version": me["version"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    // an administrator moves anyone of its scope
    let r = patch(
        &app,
        &app.root_token,
        me["id"].as_str().expect("id"),
        json!({"display_name": "Koordinator Sanggau", "version": me["version"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

async fn open_links_of_the_callers_scope_are_listed_and_revoked(app: TestApp) {
    let (coord, unit) = sanggau(&app).await;
    let r = invite(&app, &coord, &unit, invitation("siti-binjai")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let agent = id(&r.body);
    let issued = r.body.clone();
    let (batam, _) = office(&app, "BNNK Batam", "21.71", "21.71.01.1001", 0).await;

    let open = app.get("/api/v1/open-links", &coord).await;
    assert_eq!(open.status, StatusCode::OK, "{:?}", open.body);
    let items = open.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["id"], agent.as_str());
    assert_eq!(items[0]["purpose"], "invite");
    assert!(items[0]["expires_at"].is_string());
    let theirs = app.get("/api/v1/open-links", &batam).await;
    assert_eq!(theirs.body["items"].as_array().map(Vec::len), Some(0));
    let root = app.get("/api/v1/open-links", &app.root_token).await;
    assert_eq!(root.body["items"].as_array().map(Vec::len), Some(1));

    let r = app
        .post(
            &format!("/api/v1/users/{agent}/revoke-link"),
            &batam,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &format!("/api/v1/users/{agent}/revoke-link"),
            &coord,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let open = app.get("/api/v1/open-links", &coord).await;
    assert_eq!(open.body["items"].as_array().map(Vec::len), Some(0));
    let token = issued["link"]["token"].as_str().expect("token");
    let used = app
        .request(
            Method::POST,
            &format!("/api/v1/links/{token}"),
            None,
            Some(json!({"password": "kata-sandi-siti-2026"})),
            &[],
        )
        .await;
    assert_eq!(
        used.status,
        StatusCode::NOT_FOUND,
        "a revoked link works no more"
    );

    let org = app
        .create_org(&app.root_token, "IBM Binjai", "ngo", SANGGAU)
        .await;
    let (_, agent_token) = app
        .create_user(&app.root_token, "agen-lain", "agent", &org, BINJAI)
        .await;
    let r = app.get("/api/v1/open-links", &agent_token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
}

async fn the_unit_page_invites_and_the_user_page_changes_an_account(app: TestApp) {
    let (coord, unit) = sanggau(&app).await;
    let csrf = csrf(&app, &coord).await;
    let path = format!("/ibm-units/{unit}/invitations");
    let sent = send_form(
        &app,
        &coord,
        &path,
        &[
            ("csrf", &csrf),
            ("display_name", "Siti Aminah"),
            ("username", ""),
            ("phone", "0812"),
            ("sex", "female"),
            ("age_band", "25_44"),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sent.html.contains("value=\"Siti Aminah\""),
        "what was typed stays"
    );
    assert!(sent.html.contains("id=\"err-invite-username\""));
    let sent = send_form(
        &app,
        &coord,
        &path,
        &[
            ("csrf", &csrf),
            ("display_name", "Siti Aminah"),
            ("username", "siti-binjai"),
            ("phone", "081234567801"),
            ("sex", "female"),
            ("age_band", "25_44"),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.html);
    assert!(sent.html.contains("/link/"), "the link, once");
    let again = page(&app, &coord, &format!("/ibm-units/{unit}")).await;
    assert!(!again.html.contains("/link/") && again.html.contains("Siti Aminah"));

    let users = page(&app, &coord, "/users").await;
    assert!(users.html.contains("id=\"open-links\"") && users.html.contains("siti-binjai"));
    let agent = app.get("/api/v1/users", &coord).await.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["username"] == "siti-binjai")
        .cloned()
        .expect("the agent");
    let user_path = format!("/users/{}", agent["id"].as_str().expect("id"));
    let shown = page(&app, &coord, &user_path).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.html.contains("name=\"display_name\""));
    let version = agent["version"].to_string();
    let r = send_form(
        &app,
        &coord,
        &user_path,
        &[
            ("csrf", &csrf),
            ("display_name", "Siti A."),
            ("org_id", agent["org_id"].as_str().expect("org")),
            ("scope", "Kota Batam"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("value=\"Siti A.\""));
    let r = send_form(
        &app,
        &coord,
        &user_path,
        &[
            ("csrf", &csrf),
            ("display_name", "Siti A."),
            ("org_id", agent["org_id"].as_str().expect("org")),
            ("scope", TAYAN_HULU),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let changed = app
        .get(
            &format!("/api/v1/users/{}", agent["id"].as_str().expect("id")),
            &coord,
        )
        .await;
    assert_eq!(
        (
            changed.body["display_name"].as_str(),
            changed.body["scope"].as_str()
        ),
        (Some("Siti A."), Some(TAYAN_HULU))
    );
}
