//! The worklist's client sections over HTTP: TAT deadlines, consents ending, clients not
//! contacted for 30 days, and the coordinator's one caseload row per worker. Dates are
//! relative to today in Batam (WIB).

use chrono::Days;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::page;
use crate::clients::{consent, counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_worker_sees_deadlines_endings_and_silences_and_the_coordinator_one_row_per_worker,
);

/// Registers a client of the counsellor: its id and code.
async fn client(app: &TestApp, token: &str) -> (String, String) {
    let c = register(app, token, json!({})).await;
    let id = c["id"].as_str().expect("id").to_owned();
    (id, c["code"].as_str().expect("code").to_owned())
}

async fn post(app: &TestApp, token: &str, path: String, body: Value) {
    let r = app.post(&path, token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {:?}", r.body);
}

/// Client code and overdue mark of each item of a worklist section.
fn items(list: &Value, section: &str) -> Vec<(String, bool)> {
    list[section]
        .as_array()
        .unwrap_or_else(|| panic!("{section}: {list}"))
        .iter()
        .map(|i| {
            let code = i["client_code"].as_str().expect("code").to_owned();
            (code, i["overdue"].as_bool().expect("overdue"))
        })
        .collect()
}

async fn a_worker_sees_deadlines_endings_and_silences_and_the_coordinator_one_row_per_worker(
    app: TestApp,
) {
    let (_, token) = counsellor(&app, "konselor").await;
    let arrested = |days| json!({"pathway": "tat", "arrested_on": app.days_ago(days)});
    let (soon, soon_code) = client(&app, &token).await;
    consent(&app, &token, &soon).await;
    post(
        &app,
        &token,
        format!("/api/v1/clients/{soon}/episodes"),
        arrested(5),
    )
    .await;
    let (late, late_code) = client(&app, &token).await;
    consent(&app, &token, &late).await;
    post(
        &app,
        &token,
        format!("/api/v1/clients/{late}/episodes"),
        arrested(8),
    )
    .await;
    let (quiet, quiet_code) = client(&app, &token).await;
    let ending = json!({"services": true, "share_with": [], "follow_up": true,
        "given_by": "client", "method": "signed_form", "given_on": app.days_ago(40),
        "expires_on": (app.today() + Days::new(10)).to_string()});
    post(
        &app,
        &token,
        format!("/api/v1/clients/{quiet}/consents"),
        ending,
    )
    .await;

    let mine = app.get("/api/v1/worklist", &token).await.body;
    assert_eq!(
        items(&mine, "tat_due"),
        [(late_code.clone(), true), (soon_code.clone(), false)],
        "{mine}"
    );
    assert_eq!(
        items(&mine, "consents_expiring"),
        [(quiet_code.clone(), false)]
    );
    assert_eq!(items(&mine, "no_contact"), [(quiet_code.clone(), true)]);
    assert_eq!(mine["no_contact"][0]["due_on"], app.days_ago(40));
    assert_eq!(
        mine["caseloads"],
        json!([]),
        "caseloads are for coordinators"
    );

    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coordinator) = app
        .create_user(&app.root_token, "kasi.rehab", "coordinator", &bnnk, "21.71")
        .await;
    let scope = app.get("/api/v1/worklist", &coordinator).await.body;
    assert_eq!(
        items(&scope, "tat_due"),
        [(late_code, true), (soon_code.clone(), false)],
        "every deadline in scope"
    );
    assert_eq!(
        items(&scope, "consents_expiring"),
        [],
        "not the coordinator's own"
    );
    assert_eq!(items(&scope, "no_contact"), []);
    let rows = scope["caseloads"].as_array().expect("caseloads");
    assert_eq!(rows.len(), 1, "{scope}");
    assert_eq!(
        (
            &rows[0]["name"],
            &rows[0]["clients"],
            &rows[0]["no_contact"],
            &rows[0]["tat_overdue"]
        ),
        (&json!("konselor"), &json!(3), &json!(1), &json!(1))
    );
    let shown = page(&app, &coordinator, "/worklist").await;
    assert!(
        shown.html.contains("id=\"tat_overdue_in_caseloads\"")
            && shown
                .html
                .contains("<td>konselor</td><td>3</td><td>1</td><td>1</td>")
            && shown.html.contains(&soon_code),
        "{}",
        shown.html
    );
}
