//! Correcting and voiding IBM activities over the JSON API: `PUT /api/v1/activities/{id}`
//! and `POST /api/v1/activities/{id}/void`. Within seven days the author and a
//! coordinator of the village may; another agent of the same unit is refused, someone
//! out of reach finds nothing, and after seven days the activity stands for everyone.

use reqwest::StatusCode;
use serde_json::json;

use crate::activity_corrections::unit;
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::programme_forms::VILLAGE;
use crate::units::{PAHLAWAN, office};

on_both_backends!(
    the_author_or_a_coordinator_corrects_or_voids_an_activity_within_a_week,
    others_cannot_correct_an_activity_and_after_a_week_nobody_can,
);

const TYPO: &str =
    r#"{"kind": "awareness", "level": "rw", "total": 450, "male": 225, "female": 225}"#;

/// The corrected session: 45 people, not 450.
fn fixed(app: &TestApp) -> serde_json::Value {
    json!({"kind": "awareness", "held_on": app.today().to_string(), "level": "rw",
           "total": 45, "male": 20, "female": 25})
}

/// Records the typo as `token` in the unit at `unit_path`: its id.
async fn typo(app: &TestApp, token: &str, unit_path: &str) -> String {
    let body = serde_json::from_str(TYPO).expect("json");
    let r = app
        .post(&format!("/api/v1{unit_path}/activities"), token, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

async fn put(
    app: &TestApp,
    token: &str,
    id: &str,
    body: serde_json::Value,
) -> crate::helpers::Reply {
    let path = format!("/api/v1/activities/{id}");
    app.request(reqwest::Method::PUT, &path, Some(token), Some(body), &[])
        .await
}

async fn void(app: &TestApp, token: &str, id: &str) -> crate::helpers::Reply {
    app.post(&format!("/api/v1/activities/{id}/void"), token, json!({}))
        .await
}

/// The people an awareness session counted.
fn people(activity: &serde_json::Value) -> i64 {
    activity["detail"]["audience"]["total"]
        .as_i64()
        .unwrap_or(-1)
}

/// The people counted in the village's activities, as listed.
async fn listed_people(app: &TestApp, token: &str) -> Vec<i64> {
    let listed = app
        .get(&format!("/api/v1/villages/{VILLAGE}/activities"), token)
        .await;
    listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(people)
        .collect()
}

async fn the_author_or_a_coordinator_corrects_or_voids_an_activity_within_a_week(app: TestApp) {
    let (coord, agent, _, unit_path, _, _) = unit(&app).await;
    let id = typo(&app, &agent, &unit_path).await;

    let mut wrong = fixed(&app);
    wrong["female"] = json!(20);
    let r = put(&app, &agent, &id, wrong).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "20 + 20 is not 45"
    );
    let mut other_kind = fixed(&app);
    other_kind["kind"] = json!("coordination");
    let r = put(&app, &agent, &id, other_kind).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the kind stays");

    let r = put(&app, &agent, &id, fixed(&app)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["id"].as_str(), Some(people(&r.body))),
        (Some(id.as_str()), Some(45))
    );
    assert_eq!(listed_people(&app, &coord).await, [45]);

    let mut again = fixed(&app);
    again["total"] = json!(46);
    again["male"] = json!(21);
    let r = put(&app, &coord, &id, again).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a coordinator corrects too: {:?}",
        r.body
    );

    let r = void(&app, &coord, &id).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["id"].as_str(), Some(id.as_str()));
    assert!(
        listed_people(&app, &coord).await.is_empty(),
        "a voided one counts nowhere"
    );
    assert_eq!(
        void(&app, &coord, &id).await.status,
        StatusCode::NOT_FOUND,
        "voided is gone"
    );
    let differences = app.app.verify_rollups(&|_| ()).await.expect("verify");
    assert!(differences.is_empty(), "a recount agrees: {differences:?}");
    let audit = app.get("/api/v1/audit?limit=200", &app.root_token).await;
    let audit = audit.body.to_string();
    assert!(audit.contains("activity.correct") && audit.contains("activity.void"));

    let mine = typo(&app, &agent, &unit_path).await;
    let r = void(&app, &agent, &mine).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the author voids its own: {:?}",
        r.body
    );
}

async fn others_cannot_correct_an_activity_and_after_a_week_nobody_can(app: TestApp) {
    let (coord, agent, _, unit_path, _, _) = unit(&app).await;
    let id = typo(&app, &agent, &unit_path).await;
    let me = app.get("/api/v1/me", &coord).await.body;
    let org = me["org_id"]
        .as_str()
        .expect("the coordinator's organisation");
    let (other_id, other) = app
        .create_user(&app.root_token, "agen-dua", "agent", org, VILLAGE)
        .await;
    let member = json!({"user_id": other_id, "sex": "male", "age_band": "25_44"});
    let added = app
        .post(&format!("/api/v1{unit_path}/members"), &coord, member)
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    assert_eq!(
        put(&app, &other, &id, fixed(&app)).await.status,
        StatusCode::FORBIDDEN,
        "another agent of the unit"
    );
    assert_eq!(void(&app, &other, &id).await.status, StatusCode::FORBIDDEN);

    let (stranger, _) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 0).await;
    let unknown = "01890000-0000-7000-8000-000000000000";
    for target in [id.as_str(), unknown] {
        assert_eq!(
            put(&app, &stranger, target, fixed(&app)).await.status,
            StatusCode::NOT_FOUND,
            "out of reach is the same as unknown"
        );
        assert_eq!(
            void(&app, &stranger, target).await.status,
            StatusCode::NOT_FOUND
        );
    }

    app.clock.advance_days(8);
    for token in [&agent, &coord] {
        let r = put(&app, token, &id, fixed(&app)).await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "a week later it stands: {:?}",
            r.body
        );
        assert_eq!(void(&app, token, &id).await.status, StatusCode::CONFLICT);
    }
    assert_eq!(listed_people(&app, &coord).await, [450]);
}
