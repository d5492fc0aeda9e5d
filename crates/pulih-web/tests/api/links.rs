//! One-time links to set a password: invitations and resets. Nobody who issues a link
//! sees a password; a link works once, for a week (an invitation) or three days (a
//! reset); every token that does not work gets the same answer; coordinators invite and
//! reset the field workers of their own area only.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp};

crate::on_both_backends!(
    an_invited_agent_chooses_a_password_and_the_link_works_once,
    a_link_that_does_not_work_looks_the_same_whatever_the_reason,
    a_coordinator_invites_and_resets_the_field_workers_of_its_area_only,
    a_link_is_never_kept_in_a_stored_answer_nor_replayed,
);

const CHOSEN: &str = "bakso di pinggir laut";

async fn holder(app: &TestApp, token: &str) -> Reply {
    app.request(
        Method::GET,
        &format!("/api/v1/links/{token}"),
        None,
        None,
        &[],
    )
    .await
}

async fn redeem(app: &TestApp, token: &str, password: &str) -> Reply {
    app.request(
        Method::POST,
        &format!("/api/v1/links/{token}"),
        None,
        Some(json!({ "password": password })),
        &[],
    )
    .await
}

fn token(issued: &Value) -> String {
    issued["link"]["token"].as_str().expect("token").to_owned()
}

/// A new agent of Pulau Buluh (21.71.05.1004) invited by `by`, without a password.
async fn invite(app: &TestApp, by: &str, org: &str, username: &str, role: &str) -> Reply {
    let body = json!({"username": username, "display_name": "Agen Pulau Buluh", "role": role, "org_id": org, "scope": "21.71.05.1004"});
    app.post("/api/v1/users", by, body).await
}

async fn an_invited_agent_chooses_a_password_and_the_link_works_once(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let invited = invite(&app, &app.root_token, &org, "agen.buluh", "agent").await;
    assert_eq!(invited.status, StatusCode::CREATED, "{:?}", invited.body);
    let link = &invited.body["link"];
    assert_eq!(link["purpose"], "invite");
    let token = token(&invited.body);
    assert_eq!(link["path"], format!("/link/{token}").as_str());
    assert!(invited.body["link_expires_at"].is_string());
    let shown = holder(&app, &token).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.body["username"], "agen.buluh");
    assert_eq!(shown.body["purpose"], "invite");
    // no password works before the person chooses one
    let early = app
        .request(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": "agen.buluh", "password": ""})),
            &[],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNAUTHORIZED);
    // the policy is checked and the link stays open
    let short = redeem(&app, &token, "pendek").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(holder(&app, &token).await.status, StatusCode::OK);
    assert_eq!(
        redeem(&app, &token, CHOSEN).await.status,
        StatusCode::NO_CONTENT
    );
    let session = app.login("agen.buluh", CHOSEN).await;
    let me = app.get("/api/v1/me", &session).await;
    assert_eq!(me.body["link_expires_at"], Value::Null);
    assert_eq!(me.body["must_change_password"], false);
    // once only
    assert_eq!(holder(&app, &token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        redeem(&app, &token, "another long password").await.status,
        StatusCode::NOT_FOUND
    );
    app.login("agen.buluh", CHOSEN).await;
    let audit = app.get("/api/v1/audit?limit=500", &app.root_token).await;
    let used = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "user.link_use")
        .count();
    assert_eq!(used, 1, "the use of the link is audited");
}

async fn a_link_that_does_not_work_looks_the_same_whatever_the_reason(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let mut tokens = Vec::new();
    // used
    let used = invite(&app, &app.root_token, &org, "agen.satu", "agent").await;
    app.redeem_link(&used.body, CHOSEN).await;
    tokens.push(token(&used.body));
    // revoked
    let revoked = invite(&app, &app.root_token, &org, "agen.dua", "agent").await;
    let id = revoked.body["id"].as_str().expect("id");
    let done = app
        .post(
            &format!("/api/v1/users/{id}/revoke-link"),
            &app.root_token,
            json!({}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["link_expires_at"], Value::Null);
    tokens.push(token(&revoked.body));
    // replaced by a reset
    let replaced = invite(&app, &app.root_token, &org, "agen.tiga", "agent").await;
    let id = replaced.body["id"].as_str().expect("id");
    let reset = app
        .post(
            &format!("/api/v1/users/{id}/reset-password"),
            &app.root_token,
            json!({}),
        )
        .await;
    tokens.push(token(&replaced.body));
    // of a disabled account
    let disabled = invite(&app, &app.root_token, &org, "agen.empat", "agent").await;
    let id = disabled.body["id"].as_str().expect("id");
    app.post(
        &format!("/api/v1/users/{id}/disable"),
        &app.root_token,
        json!({}),
    )
    .await;
    tokens.push(token(&disabled.body));
    // made up
    tokens.push("x".repeat(43));
    // expired: a reset lasts three days, an invitation a week
    let invited = invite(&app, &app.root_token, &org, "agen.lima", "agent").await;
    app.clock.advance_days(4);
    tokens.push(token(&reset.body));
    assert_eq!(
        holder(&app, &token(&invited.body)).await.status,
        StatusCode::OK
    );
    app.clock.advance_days(4);
    tokens.push(token(&invited.body));

    let first = holder(&app, &tokens[0]).await;
    assert_eq!(first.status, StatusCode::NOT_FOUND);
    for t in &tokens {
        let read = holder(&app, t).await;
        assert_eq!(
            (read.status, &read.body),
            (first.status, &first.body),
            "{t}"
        );
        let set = redeem(&app, t, "a long enough password").await;
        assert_eq!((set.status, &set.body), (first.status, &first.body), "{t}");
        let page = app
            .request(Method::GET, &format!("/link/{t}"), None, None, &[])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{t}");
        assert!(
            page.body
                .as_str()
                .is_some_and(|b| b.contains("tidak dapat dipakai"))
        );
    }
}

async fn a_coordinator_invites_and_resets_the_field_workers_of_its_area_only(app: TestApp) {
    let batam = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let sanggau = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koord.batam",
            "coordinator",
            &batam,
            "21.71",
        )
        .await;
    let (other, _) = app
        .create_user(
            &app.root_token,
            "koord.lain",
            "coordinator",
            &batam,
            "21.71",
        )
        .await;
    let (far, _) = app
        .create_user(
            &app.root_token,
            "agen.sanggau",
            "agent",
            &sanggau,
            "61.03.10.2010",
        )
        .await;
    let agent = invite(&app, &coordinator, &batam, "agen.buluh", "agent").await;
    assert_eq!(agent.status, StatusCode::CREATED, "{:?}", agent.body);
    let counsellor = invite(&app, &coordinator, &batam, "konselor.buluh", "counsellor").await;
    assert_eq!(counsellor.status, StatusCode::CREATED);
    for role in [
        "coordinator",
        "admin",
        "analyst",
        "partner",
        "police_liaison",
    ] {
        let refused = invite(&app, &coordinator, &batam, "tidak.boleh", role).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{role}");
        assert!(
            refused.body["error"]["fields"]["role"].is_string(),
            "{role}: said next to the role, {:?}",
            refused.body
        );
    }
    // another area's organisation is as unknown as a made-up one
    let elsewhere = json!({"username": "agen.binjai", "display_name": "Agen Binjai", "role": "agent", "org_id": sanggau, "scope": "61.03.10.2010"});
    let refused = app.post("/api/v1/users", &coordinator, elsewhere).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let id = agent.body["id"].as_str().expect("id");
    let reset = app
        .post(
            &format!("/api/v1/users/{id}/reset-password"),
            &coordinator,
            json!({}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(reset.body["link"]["purpose"], "reset");
    let peer = app
        .post(
            &format!("/api/v1/users/{other}/reset-password"),
            &coordinator,
            json!({}),
        )
        .await;
    assert_eq!(
        peer.status,
        StatusCode::FORBIDDEN,
        "a fellow coordinator is not a field worker"
    );
    let unknown = app
        .post(
            "/api/v1/users/0190c0de-0000-7000-8000-000000000000/reset-password",
            &coordinator,
            json!({}),
        )
        .await;
    let outside = app
        .post(
            &format!("/api/v1/users/{far}/reset-password"),
            &coordinator,
            json!({}),
        )
        .await;
    assert_eq!(
        (outside.status, &outside.body),
        (unknown.status, &unknown.body),
        "out of reach is unknown"
    );
    let agents = app.get("/api/v1/users", &coordinator).await;
    assert!(agents.body.to_string().contains("agen.buluh"));
    assert!(!agents.body.to_string().contains("agen.sanggau"));
}

async fn a_link_is_never_kept_in_a_stored_answer_nor_replayed(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let body = json!({"username": "agen.buluh", "display_name": "Agen", "role": "agent", "org_id": org, "scope": "21.71.05.1004"});
    let key = [("idempotency-key", "invite-buluh-1")];
    let first = app
        .request(
            Method::POST,
            "/api/v1/users",
            Some(&app.root_token),
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let token = token(&first.body);
    let again = app
        .request(
            Method::POST,
            "/api/v1/users",
            Some(&app.root_token),
            Some(body),
            &key,
        )
        .await;
    assert_eq!(again.body["id"], first.body["id"]);
    assert!(
        !again.body.to_string().contains(&token),
        "a replay never shows the link again"
    );
    for answer in app.stored_answers().await {
        assert!(!answer.contains(&token), "stored: {answer}");
    }
}
