//! Correcting IBM activities from the pages: within seven days the author corrects one
//! (450 typed for 45) and the coordinator voids one, the dashboard figures follow and a
//! recount agrees; after that it stands. A day more than a year back needs confirming, a
//! future one is refused; bimtek attendance waits for its day and shows ticked once saved.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::dashboards::{dashboard, semester};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::programme_forms::{VILLAGE, coordinator, csrf_of};

on_both_backends!(
    a_corrected_or_voided_activity_moves_the_figures_and_a_recount_agrees,
    an_old_day_needs_confirming_and_attendance_waits_for_its_day_and_stays_ticked,
);

/// A Batam unit in [`VILLAGE`] with one agent: (coordinator, agent, agent's id, unit
/// path, CSRF tokens of the coordinator and the agent).
pub(crate) async fn unit(app: &TestApp) -> (String, String, String, String, String, String) {
    let (org, coord, csrf) = coordinator(app).await;
    let (agent_id, agent) = app
        .create_user(&app.root_token, "agen-buluh", "agent", &org, VILLAGE)
        .await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("founded_on", "2026-01-10"),
        ("place", "Balai Kelurahan"),
        ("attendees.agent", "6"),
        ("decree_number", "141/KPTS/2026"),
        ("decree_date", "2026-01-10"),
        ("decree_signed_by", "Lurah"),
    ];
    let formed = form(
        app,
        &coord,
        &format!("/villages/{VILLAGE}/ibm-unit"),
        &fields,
    )
    .await;
    let unit_path = formed.location.expect("to the unit");
    let add = [
        ("csrf", csrf.as_str()),
        ("user_id", agent_id.as_str()),
        ("sex", "female"),
        ("age_band", "25_44"),
    ];
    let added = form(app, &coord, &format!("{unit_path}/members"), &add).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html);
    let agent_csrf = csrf_of(&page(app, &agent, &format!("{unit_path}/activities/new")).await);
    (coord, agent, agent_id, unit_path, csrf, agent_csrf)
}

async fn figure(app: &TestApp, key: &str) -> i64 {
    let differences = app.app.verify_rollups(&|_| ()).await.expect("verify");
    assert!(differences.is_empty(), "a recount agrees: {differences:?}");
    let d: Value = dashboard(app, &app.root_token, "21.71", &semester(app)).await;
    d["figures"][key].as_i64().unwrap_or(0)
}

async fn a_corrected_or_voided_activity_moves_the_figures_and_a_recount_agrees(app: TestApp) {
    let (coord, agent, _, unit_path, csrf, agent_csrf) = unit(&app).await;
    let activities = format!("/api/v1{unit_path}/activities");
    let typo =
        json!({"kind": "awareness", "level": "rw", "total": 450, "male": 225, "female": 225});
    let r = app.post(&activities, &agent, typo).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    let outreach = json!({"kind": "outreach", "reached": 12, "agreed_to_screening": 2});
    let r = app.post(&activities, &agent, outreach).await;
    let other = r.body["id"].as_str().expect("id").to_owned();
    assert_eq!(figure(&app, "awareness_audience").await, 450);
    assert_eq!(figure(&app, "outreach_reached").await, 12);

    let village = page(&app, &coord, &format!("/regions/{VILLAGE}"))
        .await
        .html;
    assert!(
        village.contains(&format!("href=\"/activities/{id}/edit\"")),
        "a link to correct it"
    );
    let edit = page(&app, &agent, &format!("/activities/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.html.contains("value=\"450\"") && edit.html.contains("href=\"/worklist\""));
    let fixed = [
        ("csrf", agent_csrf.as_str()),
        ("kind", "awareness"),
        ("held_on", &app.today().to_string()),
        ("level", "rw"),
        ("total", "45"),
        ("male", "20"),
        ("female", "20"),
    ];
    let refused = form(&app, &agent, &format!("/activities/{id}"), &fixed).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "20 + 20 is not 45"
    );
    assert!(
        refused.html.contains("value=\"45\""),
        "what was typed is kept"
    );
    let mut fixed = fixed.to_vec();
    fixed[6] = ("female", "25");
    let done = form(&app, &agent, &format!("/activities/{id}"), &fixed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(
        figure(&app, "awareness_audience").await,
        45,
        "450 is taken back, 45 added"
    );

    let void = [("csrf", csrf.as_str())];
    let voided = form(&app, &coord, &format!("/activities/{other}/void"), &void).await;
    assert_eq!(voided.status, StatusCode::SEE_OTHER, "{}", voided.html);
    assert_eq!(figure(&app, "outreach_reached").await, 0);
    assert_eq!(figure(&app, "outreach_activities").await, 0);
    let gone = page(&app, &coord, &format!("/activities/{other}/edit")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let listed = app
        .get(&format!("/api/v1/villages/{VILLAGE}/activities"), &coord)
        .await;
    assert_eq!(listed.body["items"].as_array().expect("items").len(), 1);
    let audit = app
        .get("/api/v1/audit?action=activity.correct", &app.root_token)
        .await;
    assert!(
        audit.body.to_string().contains("activity.correct"),
        "{:?}",
        audit.body
    );

    app.clock.advance_days(8);
    let late = form(&app, &agent, &format!("/activities/{id}"), &fixed).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "a week later it stands");
    assert_eq!(figure(&app, "awareness_audience").await, 45);
}

async fn an_old_day_needs_confirming_and_attendance_waits_for_its_day_and_stays_ticked(
    app: TestApp,
) {
    let (coord, agent, agent_id, unit_path, csrf, agent_csrf) = unit(&app).await;
    let path = format!("{unit_path}/activities");
    let old = app.days_ago(400);
    let mut session = vec![
        ("csrf", agent_csrf.as_str()),
        ("kind", "coordination"),
        ("held_on", old.as_str()),
        ("attendees", "9"),
        ("topic", "Rencana sosialisasi"),
    ];
    let refused = form(&app, &agent, &path, &session).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("name=\"confirm_old_date\""),
        "{}",
        refused.html
    );
    session.push(("confirm_old_date", "1"));
    assert_eq!(
        form(&app, &agent, &path, &session).await.status,
        StatusCode::SEE_OTHER
    );
    let ahead = app.days_ahead(1);
    session[2] = ("held_on", ahead.as_str());
    let future = form(&app, &agent, &path, &session).await;
    assert_eq!(
        future.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a day to come is refused"
    );

    let (today, later) = (app.today().to_string(), app.days_ahead(2));
    let plan = [
        ("csrf", csrf.as_str()),
        ("title", "Bimtek"),
        ("organiser", "BNNK Batam"),
        ("starts_on", today.as_str()),
        ("ends_on", later.as_str()),
        ("modules", "Adiksi"),
    ];
    let planned = form(&app, &coord, &format!("{unit_path}/trainings"), &plan).await;
    let training = planned.location.expect("to the training");
    let shown = page(&app, &coord, &training).await.html;
    assert_eq!(
        shown.matches("name=\"day\"").count(),
        1,
        "only today's form"
    );
    let tomorrow = app.days_ahead(1);
    let early = [
        ("csrf", csrf.as_str()),
        ("day", tomorrow.as_str()),
        ("present", agent_id.as_str()),
    ];
    let r = form(&app, &coord, &format!("{training}/attendance"), &early).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("hari yang sudah tiba") && r.html.contains("href=\"/worklist\""));
    let present = [
        ("csrf", csrf.as_str()),
        ("day", today.as_str()),
        ("present", agent_id.as_str()),
    ];
    let r = form(&app, &coord, &format!("{training}/attendance"), &present).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let again = page(&app, &coord, &training).await.html;
    assert!(
        again.contains(&format!("value=\"{agent_id}\" checked")),
        "saved attendance is ticked: {again}"
    );
}
