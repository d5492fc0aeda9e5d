//! The client pages over HTTP: pseudonymous lists, the polite refusal, refused forms
//! shown again without storing anything, the live ASSIST score that saves and audits
//! nothing, and what the record draws. Pages accept the bearer token too, so these tests
//! log in over the API; forms carry the session's CSRF token, read from a page.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    the_client_list_names_no_one_and_a_record_outside_reach_is_refused_politely,
    a_refused_form_comes_back_with_its_messages_and_stores_nothing,
    the_live_assist_score_saves_and_audits_nothing,
    the_record_draws_the_barc10_trend_and_flags_an_overdue_tat_assessment,
    a_lighter_step_than_proposed_is_refused_on_the_record_without_a_reason,
);

/// An HTML answer.
pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) html: String,
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) async fn page(app: &TestApp, token: &str, path: &str) -> Page {
    let r = app.request(Method::GET, path, Some(token), None, &[]).await;
    let html = match r.body {
        Value::String(s) => s,
        other => other.to_string(),
    };
    Page {
        status: r.status,
        location: None,
        html,
    }
}

/// Sends a form as a browser would (urlencoded, repeated names allowed).
pub(crate) async fn form(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)]) -> Page {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
        .collect::<Vec<_>>()
        .join("&");
    let res = app
        .client
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = res.status();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("location").to_owned());
    Page {
        status,
        location,
        html: res.text().await.expect("body"),
    }
}

/// The session's CSRF token, from the hidden field of any page.
pub(crate) async fn csrf(app: &TestApp, token: &str) -> String {
    let p = page(app, token, "/clients").await;
    let at = p.html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    p.html[at..at + p.html[at..].find('"').expect("end")].to_owned()
}

/// A counsellor of an IPWL in Kota Batam: (token, CSRF token).
async fn counsellor(app: &TestApp) -> (String, String) {
    let org = app
        .create_org(&app.root_token, "IPWL Batam", "ipwl", "21.71")
        .await;
    let (_, token) = app
        .create_user(&app.root_token, "konselor", "counsellor", &org, "21.71")
        .await;
    let csrf = csrf(app, &token).await;
    (token, csrf)
}

/// Registers a client through the page and returns its id.
async fn register(app: &TestApp, token: &str, csrf: &str) -> String {
    let p = form(
        app,
        token,
        "/clients",
        &[("csrf", csrf), ("name", "Budi Santoso Rahasia")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let location = p.location.expect("location");
    location
        .strip_prefix("/clients/")
        .expect("record path")
        .to_owned()
}

async fn consent(app: &TestApp, token: &str, id: &str) {
    let body = json!({"services": true, "given_by": "client", "method": "signed_form", "given_on": "2026-01-05"});
    let r = app
        .post(&format!("/api/v1/clients/{id}/consents"), token, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

async fn timeline_len(app: &TestApp, token: &str, id: &str) -> usize {
    let r = app.get(&format!("/api/v1/clients/{id}"), token).await;
    r.body["timeline"].as_array().expect("timeline").len()
}

async fn the_client_list_names_no_one_and_a_record_outside_reach_is_refused_politely(app: TestApp) {
    let (token, csrf) = counsellor(&app).await;
    let id = register(&app, &token, &csrf).await;
    let record = page(&app, &token, &format!("/clients/{id}")).await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(
        record.html.contains("Budi Santoso Rahasia"),
        "the record shows the identity"
    );
    let code = record
        .html
        .split("<span class=\"code\">")
        .nth(1)
        .expect("code")[..9]
        .to_owned();
    assert!(crate::clients::is_client_code(&code), "{code}");

    let list = page(&app, &token, "/clients").await;
    assert!(
        list.html.contains(&code) && !list.html.contains("Budi"),
        "the list is pseudonymous"
    );

    let sanggau = app
        .create_org(&app.root_token, "IPWL Sanggau", "ipwl", "61.03")
        .await;
    let (_, far) = app
        .create_user(&app.root_token, "jauh", "counsellor", &sanggau, "61.03")
        .await;
    // out of reach, the record and its forms are answered as for an id of nothing
    let unknown = "0192f5a0-0000-7000-8000-000000000000";
    let nothing = page(&app, &far, &format!("/clients/{unknown}")).await;
    let refused = page(&app, &far, &format!("/clients/{id}")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(
        refused.html.replace(&id, unknown),
        nothing.html,
        "the same polite page as for an unknown id"
    );
    assert!(!refused.html.contains("Budi"), "nothing leaks");
    for form in ["consent", "episode", "assist", "barc10", "care-plan"] {
        let refused = page(&app, &far, &format!("/clients/{id}/{form}")).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{form} form");
    }
}

async fn a_refused_form_comes_back_with_its_messages_and_stores_nothing(app: TestApp) {
    let (token, csrf) = counsellor(&app).await;
    let id = register(&app, &token, &csrf).await;
    consent(&app, &token, &id).await;
    let before = timeline_len(&app, &token, &id).await;
    let p = form(
        &app,
        &token,
        &format!("/clients/{id}/assist"),
        &[
            ("csrf", &csrf),
            ("substances.tobacco.q2", "never"),
            ("substances.tobacco.q3", "daily"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.html.contains("id=\"err-tobacco-q3\""),
        "the message sits at the question"
    );
    assert!(
        p.html.contains("value=\"never\" checked"),
        "the answers are kept"
    );
    assert_eq!(
        timeline_len(&app, &token, &id).await,
        before,
        "nothing stored"
    );

    let wrong_token = form(
        &app,
        &token,
        &format!("/clients/{id}/barc10"),
        &[("csrf", "nope")],
    )
    .await;
    assert_eq!(
        wrong_token.status,
        StatusCode::FORBIDDEN,
        "a form without its token is refused"
    );
}

async fn the_live_assist_score_saves_and_audits_nothing(app: TestApp) {
    let (token, csrf) = counsellor(&app).await;
    let id = register(&app, &token, &csrf).await;
    consent(&app, &token, &id).await;
    let before = (
        timeline_len(&app, &token, &id).await,
        app.audit_count().await,
    );
    let path = format!("/clients/{id}/assist/preview");
    let answers = [
        ("csrf", csrf.as_str()),
        ("substances.alcohol.q2", "daily"),
        ("substances.alcohol.q3", "weekly"),
        ("substances.tobacco.q2", ""),
    ];
    let p = form(&app, &token, &path, &answers).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    assert!(!p.html.contains("<html"), "a fragment for htmx");
    assert!(p.html.contains("Alkohol: 11"), "{}", p.html);
    assert!(
        p.html.contains("risiko sedang") && p.html.contains("Intervensi singkat"),
        "{}",
        p.html
    );
    let after = (
        timeline_len(&app, &token, &id).await,
        app.audit_count().await,
    );
    // Reading the timeline through the API is itself audited, once per read.
    assert_eq!(
        after,
        (before.0, before.1 + 1),
        "the preview stores and audits nothing"
    );

    let without = form(&app, &token, &path, &answers[1..]).await;
    assert_eq!(
        without.status,
        StatusCode::FORBIDDEN,
        "the form's token is needed"
    );
    let analysts = app
        .create_org(&app.root_token, "BNNP Kepri", "bnn", "21")
        .await;
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &analysts, "21")
        .await;
    let theirs = csrf_of_any_page(&app, &analyst).await;
    let mut as_analyst = answers.to_vec();
    as_analyst[0] = ("csrf", theirs.as_str());
    let refused = form(&app, &analyst, &path, &as_analyst).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "only roles that work with clients"
    );
}

/// The CSRF token of a user who has no client pages.
async fn csrf_of_any_page(app: &TestApp, token: &str) -> String {
    let p = page(app, token, "/account").await;
    let at = p.html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    p.html[at..at + p.html[at..].find('"').expect("end")].to_owned()
}

async fn the_record_draws_the_barc10_trend_and_flags_an_overdue_tat_assessment(app: TestApp) {
    let (token, csrf) = counsellor(&app).await;
    let id = register(&app, &token, &csrf).await;
    consent(&app, &token, &id).await;
    let episode = json!({"pathway": "tat", "arrested_on": "2026-01-02", "opened_on": "2026-01-03"});
    let r = app
        .post(&format!("/api/v1/clients/{id}/episodes"), &token, episode)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    for (items, on) in [([4; 10], "2026-01-10"), ([5; 10], "2026-02-10")] {
        let body = json!({"items": items, "taken_on": on});
        let r = app
            .post(
                &format!("/api/v1/clients/{id}/screenings/barc10"),
                &token,
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let p = page(&app, &token, &format!("/clients/{id}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.html
            .contains("role=\"img\" aria-labelledby=\"barc-title barc-desc\""),
        "an accessible chart"
    );
    let points = p
        .html
        .split("<polyline class=\"trend\" points=\"")
        .nth(1)
        .expect("a polyline");
    assert_eq!(
        points[..points.find('"').expect("end")].split(' ').count(),
        2,
        "two totals"
    );
    assert!(p.html.contains("class=\"threshold\""), "the line at 47");
    assert!(
        p.html.contains("<td>2026-02-10</td><td>50</td><td>Ya</td>"),
        "the table fallback"
    );
    assert!(
        p.html.contains("2026-01-08"),
        "the TAT assessment is due six days after arrest"
    );
    assert!(p.html.contains("Terlambat"), "and is overdue");
}

async fn a_lighter_step_than_proposed_is_refused_on_the_record_without_a_reason(app: TestApp) {
    let (token, csrf) = counsellor(&app).await;
    let id = register(&app, &token, &csrf).await;
    consent(&app, &token, &id).await;
    let screening = json!({"substances": {"amphetamines": {"q2": "weekly"}}});
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/screenings/assist"),
            &token,
            screening,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let record = page(&app, &token, &format!("/clients/{id}")).await;
    assert!(
        record.html.contains("value=\"brief_intervention\" checked"),
        "prefilled with the proposed step"
    );

    let path = format!("/clients/{id}/care-step");
    let p = form(&app, &token, &path, &[("csrf", &csrf), ("done", "advice")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.html.contains("id=\"err-care-note\""),
        "the note is asked for on the record page"
    );
    assert!(
        p.html.contains("value=\"advice\" checked"),
        "the choice is kept"
    );
    let p = form(
        &app,
        &token,
        &path,
        &[
            ("csrf", &csrf),
            ("done", "advice"),
            ("note", "Klien menolak."),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
}
