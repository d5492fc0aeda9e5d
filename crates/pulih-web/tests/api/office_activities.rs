//! A BNN office's own activities over HTTP (article-002): BNNP Kalimantan Barat holds an
//! awareness session at a school in Desa Binjai with relawan and guru BK, BNNK Sanggau an
//! outreach across the regency; both count in the dashboard where they happened, a
//! correction and a void move the figures and a recount agrees. Bad counts are refused
//! field by field; a coordinator of Kota Batam learns nothing of Sanggau's office
//! activities, and an agent records none.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::dashboards::{dashboard, semester};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::programme_forms::csrf_of;
use crate::rakor::{NOTHING, office};

on_both_backends!(
    office_activities_count_where_they_happened_and_corrections_move_the_figures,
    bad_office_activity_counts_are_refused_field_by_field,
    a_batam_coordinator_cannot_reach_sanggau_office_activities_and_an_agent_records_none,
    an_office_activity_is_recorded_and_corrected_from_the_pages,
);

const BINJAI: &str = "61.03.10.2010";

fn school_session(total: u32) -> Value {
    json!({"kind": "awareness", "level": "school", "total": total, "male": total / 2,
           "female": total - total / 2,
           "audience_groups": {"students": 100, "school_counsellors": 4, "relawan": 6},
           "facilitators": {"bnn_staff": 2, "relawan": 3}})
}

async fn figures(app: &TestApp, node: &str) -> Value {
    let differences = app.app.verify_rollups(&|_| ()).await.expect("verify");
    assert!(differences.is_empty(), "a recount agrees: {differences:?}");
    dashboard(app, &app.root_token, node, &semester(app)).await["figures"].clone()
}

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> crate::helpers::Reply {
    app.request(Method::PUT, path, Some(token), Some(body), &[])
        .await
}

async fn office_activities_count_where_they_happened_and_corrections_move_the_figures(
    app: TestApp,
) {
    let (_, bnnp) = office(&app, "BNNP Kalimantan Barat", "bnn", "61", "kabid-p2m").await;
    let sanggau = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    let (_, counsellor) = app
        .create_user(
            &app.root_token,
            "penyuluh-sgu",
            "counsellor",
            &sanggau,
            "61.03",
        )
        .await;
    let path = format!("/api/v1/regions/{BINJAI}/office-activities");
    let r = app.post(&path, &bnnp, school_session(120)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let session = r.body["id"].as_str().expect("id").to_owned();
    assert_eq!(r.body["place"], BINJAI);
    assert_eq!(r.body["counts"]["audience_groups"]["relawan"], 6);
    assert_eq!(r.body["may_correct"], true);
    let outreach = json!({"kind": "outreach", "reached": 30, "agreed_to_screening": 3,
                          "facilitators": {"bnn_staff": 1, "relawan": 5}});
    let r = app
        .post(
            "/api/v1/regions/61.03/office-activities",
            &counsellor,
            outreach,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let f = figures(&app, "61.03").await;
    assert_eq!(
        (
            &f["awareness_sessions"],
            &f["awareness_audience"],
            &f["outreach_reached"]
        ),
        (&json!(1), &json!(120), &json!(30))
    );
    assert_eq!(
        (&f["relawan_reached"], &f["school_counsellors_reached"]),
        (&json!(6), &json!(4))
    );
    let district = figures(&app, "61.03.10").await;
    assert_eq!(district["awareness_audience"], 120);
    assert_eq!(
        district["outreach_reached"].as_i64().unwrap_or(0),
        0,
        "held regency-wide"
    );

    let list = app
        .get("/api/v1/regions/61.03/office-activities", &bnnp)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    let kinds: Vec<&str> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["detail"]["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["outreach", "awareness"], "newest first");
    assert_eq!(list.body["next"], Value::Null);
    assert_eq!(list.body["may_record"], true);
    let older = app
        .get(
            &format!(
                "/api/v1/regions/61.03/office-activities?before={}",
                list.body["items"][0]["id"].as_str().expect("id")
            ),
            &bnnp,
        )
        .await;
    assert_eq!(older.body["items"].as_array().map(Vec::len), Some(1));
    let here = app
        .get(
            &format!("/api/v1/regions/{BINJAI}/office-activities"),
            &counsellor,
        )
        .await;
    assert_eq!(here.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        here.body["items"][0]["may_correct"], false,
        "not the counsellor's"
    );

    let one = format!("/api/v1/office-activities/{session}");
    let mut fixed = school_session(110);
    fixed["audience_groups"]["relawan"] = json!(2);
    let r = put(&app, &one, &counsellor, fixed.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let r = put(&app, &one, &bnnp, fixed).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let f = figures(&app, "61").await;
    assert_eq!(
        (&f["awareness_audience"], &f["relawan_reached"]),
        (&json!(110), &json!(2))
    );
    let r = app.post(&format!("{one}/void"), &bnnp, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let f = figures(&app, "61.03").await;
    assert_eq!(f["awareness_audience"].as_i64().unwrap_or(0), 0);
    assert_eq!(f["relawan_reached"].as_i64().unwrap_or(0), 0);
    assert_eq!(f["outreach_reached"], 30);
    assert_eq!(app.get(&one, &bnnp).await.status, StatusCode::NOT_FOUND);

    app.clock.advance_days(8);
    let outreach_id = kinds_first_id(&list.body);
    let r = put(
        &app,
        &format!("/api/v1/office-activities/{outreach_id}"),
        &counsellor,
        json!({"kind": "outreach", "reached": 31, "facilitators": {"bnn_staff": 1}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "after seven days it stands");
}

fn kinds_first_id(list: &Value) -> String {
    list["items"][0]["id"].as_str().expect("id").to_owned()
}

async fn bad_office_activity_counts_are_refused_field_by_field(app: TestApp) {
    let (_, bnnk) = office(&app, "BNNK Sanggau", "bnn", "61.03", "kasi-p2m").await;
    let path = format!("/api/v1/regions/{BINJAI}/office-activities");
    let fields = |r: &crate::helpers::Reply| -> Vec<String> {
        let mut found: Vec<String> = r.body["error"]["fields"]
            .as_object()
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default();
        found.sort();
        found
    };
    let too_many = json!({"kind": "awareness", "level": "school", "total": 10, "male": 5,
        "female": 5, "audience_groups": {"students": 11, "names": 1}, "facilitators": {}});
    let r = app.post(&path, &bnnk, too_many).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert_eq!(
        fields(&r),
        ["audience_groups", "audience_groups.names", "facilitators"]
    );
    let meeting = json!({"kind": "coordination", "facilitators": {"bnn_staff": 1}});
    let r = app.post(&path, &bnnk, meeting).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert_eq!(fields(&r), ["kind"]);
    let grouped = json!({"kind": "outreach", "reached": 4, "audience_groups": {"students": 2},
                         "facilitators": {"relawan": 1}});
    let r = app.post(&path, &bnnk, grouped).await;
    assert_eq!(fields(&r), ["audience_groups"]);
    let named = json!({"kind": "outreach", "reached": 4, "facilitators": {"relawan": 1},
                       "names": ["Budi"]});
    let r = app.post(&path, &bnnk, named).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "no name slips in");
}

async fn a_batam_coordinator_cannot_reach_sanggau_office_activities_and_an_agent_records_none(
    app: TestApp,
) {
    let (sanggau, bnnk) = office(&app, "BNNK Sanggau", "bnn", "61.03", "kasi-sgu").await;
    let (_, batam) = office(&app, "BNNK Batam", "bnn", "21.71", "kasi-btm").await;
    let r = app
        .post(
            &format!("/api/v1/regions/{BINJAI}/office-activities"),
            &bnnk,
            school_session(120),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();

    let refused = |r: crate::helpers::Reply| (r.status, r.body);
    let unknown = refused(
        app.post(
            "/api/v1/regions/61.03.10.2999/office-activities",
            &batam,
            school_session(120),
        )
        .await,
    );
    let theirs = refused(
        app.post(
            &format!("/api/v1/regions/{BINJAI}/office-activities"),
            &batam,
            school_session(120),
        )
        .await,
    );
    assert_eq!(theirs, unknown, "recording at Binjai");
    assert_eq!(theirs.0, StatusCode::NOT_FOUND);
    let list = |code: &str| format!("/api/v1/regions/{code}/office-activities");
    assert_eq!(
        refused(app.get(&list("61.03"), &batam).await),
        refused(app.get(&list("61.99"), &batam).await)
    );
    assert_eq!(
        app.get(&list("61.03"), &batam).await.status,
        StatusCode::NOT_FOUND
    );
    let one = |id: &str| format!("/api/v1/office-activities/{id}");
    for (theirs, nothing) in [
        (
            app.get(&one(&id), &batam).await,
            app.get(&one(NOTHING), &batam).await,
        ),
        (
            put(&app, &one(&id), &batam, school_session(1)).await,
            put(&app, &one(NOTHING), &batam, school_session(1)).await,
        ),
        (
            app.post(&format!("{}/void", one(&id)), &batam, json!({}))
                .await,
            app.post(&format!("{}/void", one(NOTHING)), &batam, json!({}))
                .await,
        ),
    ] {
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{:?}", theirs.body);
        assert_eq!((theirs.status, theirs.body), (nothing.status, nothing.body));
    }
    let r = app
        .post(
            "/api/v1/regions/21.71/office-activities",
            &batam,
            school_session(110),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "its own city: {:?}", r.body);

    let (_, agent) = app
        .create_user(&app.root_token, "agen-binjai", "agent", &sanggau, BINJAI)
        .await;
    let r = app
        .post(
            &format!("/api/v1/regions/{BINJAI}/office-activities"),
            &agent,
            school_session(120),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let dinsos = app
        .create_org(&app.root_token, "Dinsos Sanggau", "dinsos", "61.03")
        .await;
    let (_, not_bnn) = app
        .create_user(
            &app.root_token,
            "kasi-dinsos",
            "coordinator",
            &dinsos,
            "61.03",
        )
        .await;
    let r = app
        .post(
            &format!("/api/v1/regions/{BINJAI}/office-activities"),
            &not_bnn,
            school_session(120),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "not an office: {:?}",
        r.body
    );
    let seen = app.get(&one(&id), &bnnk).await;
    assert_eq!(seen.body["place"], BINJAI);
}

async fn an_office_activity_is_recorded_and_corrected_from_the_pages(app: TestApp) {
    let (_, bnnk) = office(&app, "BNNK Sanggau", "bnn", "61.03", "kasi-sgu").await;
    let regency = page(&app, &bnnk, "/regions/61.03").await;
    assert!(
        regency
            .html
            .contains("/regions/61.03/office-activities/new"),
        "the regency page offers the form"
    );
    let new = page(
        &app,
        &bnnk,
        &format!("/regions/{BINJAI}/office-activities/new"),
    )
    .await;
    assert_eq!(new.status, StatusCode::OK);
    let csrf = csrf_of(&new);
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "awareness"),
        ("held_on", ""),
        ("level", "school"),
        ("total", "50"),
        ("male", "20"),
        ("female", "30"),
        ("audience_groups.students", "45"),
        ("audience_groups.relawan", "5"),
        ("facilitators.bnn_staff", ""),
    ];
    let path = format!("/regions/{BINJAI}/office-activities");
    let refused = form(&app, &bnnk, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("value=\"45\""),
        "what was typed stays"
    );
    let mut fields = fields.to_vec();
    fields.push(("facilitators.relawan", "2"));
    let saved = form(&app, &bnnk, &path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let to = saved.location.expect("to the activity");
    let shown = page(&app, &bnnk, &to).await;
    assert!(
        shown.html.contains("Relawan anti-narkoba"),
        "{}",
        shown.html
    );
    let id = to
        .trim_start_matches("/office-activities/")
        .split('?')
        .next()
        .expect("id")
        .to_owned();
    let edit = page(&app, &bnnk, &format!("/office-activities/{id}/edit")).await;
    assert!(edit.html.contains("value=\"45\""), "the stored counts");
    let list = page(&app, &bnnk, "/regions/61.03/office-activities").await;
    assert!(list.html.contains(&format!("/office-activities/{id}")));
}
