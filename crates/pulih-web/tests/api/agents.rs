//! Supervision of IBM agents over HTTP: the officer who accompanied an activity, the
//! coordinators' supervision visits, the per-agent view, idle agents on the worklist, and
//! scope: a Kota Batam coordinator learns nothing of Kabupaten Sanggau's agents.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::helpers::{TestApp, USER_PASSWORD};
use crate::on_both_backends;
use crate::units::{awareness, form as form_unit, office};

on_both_backends!(
    a_coordinator_visits_a_unit_and_reads_each_agents_work,
    an_accompanying_officer_is_a_bnnk_coordinator_or_counsellor_of_the_place,
    agents_with_no_activity_for_thirty_days_are_on_their_coordinators_worklist,
    a_batam_coordinator_learns_nothing_of_sanggau_agents_or_visits,
    the_agent_page_opens_from_the_unit_page_and_a_refused_visit_keeps_what_was_typed,
);

/// Desa Binjai, Kec. Tayan Hulu, Kab. Sanggau.
const BINJAI: &str = "61.03.10.2010";
const SANGGAU: &str = "61.03";
/// A well-formed id nothing has.
const UNKNOWN: &str = "0190f0c8-1c2d-7e3f-8a4b-5c6d7e8f9a0b";

/// BNNK Sanggau with a coordinator, a counsellor and two agents in a unit of Desa Binjai:
/// (coordinator token, counsellor id, [(agent id, agent token)], unit id).
async fn sanggau(app: &TestApp) -> (String, String, Vec<(String, String)>, String) {
    let (coord, agents) = office(app, "BNNK Sanggau", SANGGAU, BINJAI, 2).await;
    let org = app
        .create_org(
            &app.root_token,
            "Klinik Pratama BNNK Sanggau",
            "bnn",
            SANGGAU,
        )
        .await;
    let (counsellor, _) = app
        .create_user(
            &app.root_token,
            "konselor-sanggau",
            "counsellor",
            &org,
            SANGGAU,
        )
        .await;
    let unit = form_unit(app, &coord, BINJAI, &agents).await;
    let unit = unit["id"].as_str().expect("id").to_owned();
    (coord, counsellor, agents, unit)
}

fn outreach(officer: Option<&str>) -> Value {
    json!({"kind": "outreach", "reached": 12, "agreed_to_screening": 3, "accompanied_by": officer})
}

fn visit(day: &str) -> Value {
    json!({"visited_on": day, "findings": "Dua agen aktif menjangkau di Dusun II.\nLeaflet habis.",
           "follow_up": "Kirim 200 leaflet minggu depan"})
}

async fn a_coordinator_visits_a_unit_and_reads_each_agents_work(app: TestApp) {
    let (coord, counsellor, agents, unit) = sanggau(&app).await;
    let activities = format!("/api/v1/ibm-units/{unit}/activities");
    let r = app
        .post(&activities, &agents[0].1, outreach(Some(&counsellor)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["accompanied_by"], counsellor.as_str());
    let r = app.post(&activities, &agents[0].1, awareness()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(r.body["accompanied_by"].is_null());

    let visits = format!("/api/v1/ibm-units/{unit}/supervision-visits");
    let before = app.audit_count().await;
    let r = app.post(&visits, &coord, visit(&app.days_ago(1))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["recorded_by_name"], format!("koor{SANGGAU}"));
    assert_eq!(app.audit_count().await, before + 1, "the visit is audited");
    let audit = app.get("/api/v1/audit?limit=1", &app.root_token).await;
    let entry = audit.body["items"][0].to_string();
    assert!(
        entry.contains("supervision.record") && !entry.contains("Leaflet"),
        "the audit names the visit, not its findings: {entry}"
    );
    let bad = json!({"visited_on": app.days_ahead(1), "findings": " ", "follow_up": ""});
    let r = app.post(&visits, &coord, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["visited_on", "findings", "follow_up"] {
        assert!(
            r.body["error"]["fields"][field].is_string(),
            "{field}: {:?}",
            r.body
        );
    }
    let listed = app.get(&visits, &coord).await;
    assert_eq!(listed.status, StatusCode::OK);
    let items = listed.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "the refused visit is not stored");
    assert_eq!(items[0]["follow_up"], "Kirim 200 leaflet minggu depan");

    let view = app
        .get(
            &format!("/api/v1/ibm-units/{unit}/agents/{}", agents[0].0),
            &coord,
        )
        .await;
    assert_eq!(view.status, StatusCode::OK, "{:?}", view.body);
    let v = &view.body;
    assert_eq!(v["awareness_sessions"], 1);
    assert_eq!(v["awareness_audience"], 40);
    assert_eq!(v["outreach_activities"], 1);
    assert_eq!(v["outreach_reached"], 12);
    assert_eq!(v["coordination_meetings"], 0);
    assert_eq!(v["clients_assigned"], 0);
    assert_eq!(v["follow_ups_done"], 0);
    assert_eq!(v["follow_ups_overdue"], 0);
    assert_eq!(v["idle"], false);
    assert_eq!(v["last_activity"], app.today().to_string());
    assert_eq!(v["activities"].as_array().expect("activities").len(), 2);
    assert_eq!(v["visits"].as_array().expect("visits").len(), 1);
    assert!(
        v["agent"]["phone"].is_string(),
        "the coordinator sees the phone"
    );
    let quiet = app
        .get(
            &format!("/api/v1/ibm-units/{unit}/agents/{}", agents[1].0),
            &coord,
        )
        .await;
    assert_eq!(quiet.body["awareness_sessions"], 0);
    assert!(quiet.body["last_activity"].is_null());

    // agents and counsellors record and read no supervision
    let own = app
        .get(
            &format!("/api/v1/ibm-units/{unit}/agents/{}", agents[0].0),
            &agents[0].1,
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    let r = app
        .post(&visits, &agents[0].1, visit(&app.days_ago(0)))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn an_accompanying_officer_is_a_bnnk_coordinator_or_counsellor_of_the_place(app: TestApp) {
    let (_, counsellor, agents, unit) = sanggau(&app).await;
    let officers = app
        .get(&format!("/api/v1/ibm-units/{unit}/officers"), &agents[0].1)
        .await;
    assert_eq!(officers.status, StatusCode::OK, "{:?}", officers.body);
    let names: Vec<&str> = officers.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["display_name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["konselor-sanggau", "koor61.03"],
        "by name, no agents"
    );

    let batam = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (batam_coord, _) = app
        .create_user(
            &app.root_token,
            "koor-batam",
            "coordinator",
            &batam,
            "21.71",
        )
        .await;
    let activities = format!("/api/v1/ibm-units/{unit}/activities");
    let unknown = UNKNOWN.to_owned();
    for officer in [
        agents[1].0.as_str(),
        batam_coord.as_str(),
        unknown.as_str(),
        "x",
    ] {
        let r = app
            .post(&activities, &agents[0].1, outreach(Some(officer)))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{officer}");
        assert!(r.body["error"]["fields"]["accompanied_by"].is_string());
    }
    let meeting = json!({"kind": "coordination", "attendees": 8, "topic": "Rencana penjangkauan",
                         "accompanied_by": counsellor});
    let r = app.post(&activities, &agents[0].1, meeting).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not for a meeting"
    );
    let villages = app
        .get(
            &format!("/api/v1/villages/{BINJAI}/activities"),
            &agents[0].1,
        )
        .await;
    assert!(villages.body["items"].as_array().expect("items").is_empty());

    // a correction may name the officer afterwards, or take the name back
    let r = app.post(&activities, &agents[0].1, outreach(None)).await;
    let id = r.body["id"].as_str().expect("id").to_owned();
    let corrected = app
        .request(
            Method::PUT,
            &format!("/api/v1/activities/{id}"),
            Some(&agents[0].1),
            Some(outreach(Some(&counsellor))),
            &[],
        )
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{:?}", corrected.body);
    assert_eq!(corrected.body["accompanied_by"], counsellor.as_str());
    let village = page(&app, &agents[0].1, &format!("/regions/{BINJAI}")).await;
    assert_eq!(village.status, StatusCode::OK);
    assert_eq!(
        village.html.matches("didampingi konselor-sanggau").count(),
        1,
        "the village's activity list names the officer of the one accompanied activity"
    );
}

async fn agents_with_no_activity_for_thirty_days_are_on_their_coordinators_worklist(app: TestApp) {
    let (coord, _, agents, unit) = sanggau(&app).await;
    let worklist = app.get("/api/v1/worklist", &coord).await;
    assert!(
        worklist.body["idle_agents"]
            .as_array()
            .expect("idle")
            .is_empty(),
        "agents who just joined are not idle"
    );
    let activities = format!("/api/v1/ibm-units/{unit}/activities");
    let r = app.post(&activities, &agents[0].1, awareness()).await;
    assert_eq!(r.status, StatusCode::CREATED);

    app.clock.advance_days(31);
    let coord = app.login(&format!("koor{SANGGAU}"), USER_PASSWORD).await;
    let idle = |body: &Value| -> Vec<String> {
        body["idle_agents"]
            .as_array()
            .expect("idle")
            .iter()
            .map(|a| a["user_id"].as_str().expect("id").to_owned())
            .collect()
    };
    let worklist = app.get("/api/v1/worklist", &coord).await;
    assert_eq!(
        idle(&worklist.body),
        [agents[0].0.clone(), agents[1].0.clone()]
    );
    let first = &worklist.body["idle_agents"][0];
    assert_eq!(first["village"], BINJAI);
    assert_eq!(first["last_activity"], app.days_ago(31));
    let view = app
        .get(
            &format!("/api/v1/ibm-units/{unit}/agents/{}", agents[0].0),
            &coord,
        )
        .await;
    assert_eq!(view.body["idle"], true);
    assert_eq!(view.body["awareness_sessions"], 1, "still within 90 days");

    let agent = app
        .login(&format!("agen{}0", BINJAI.replace('.', "")), USER_PASSWORD)
        .await;
    let r = app.post(&activities, &agent, awareness()).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let worklist = app.get("/api/v1/worklist", &coord).await;
    assert_eq!(idle(&worklist.body), [agents[1].0.clone()]);

    // an inactive agent is not chased
    let member = format!("/api/v1/ibm-units/{unit}/members/{}", agents[1].0);
    let change = json!({"sex": "male", "age_band": "25_44", "status": "inactive", "version": 1});
    let r = app
        .request(Method::PUT, &member, Some(&coord), Some(change), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let worklist = app.get("/api/v1/worklist", &coord).await;
    assert!(idle(&worklist.body).is_empty());
    assert_eq!(
        worklist.body["idle_agents"].as_array().map(Vec::len),
        Some(0)
    );
}

async fn a_batam_coordinator_learns_nothing_of_sanggau_agents_or_visits(app: TestApp) {
    let (coord, _, agents, unit) = sanggau(&app).await;
    let visits = format!("/api/v1/ibm-units/{unit}/supervision-visits");
    let r = app.post(&visits, &coord, visit(&app.days_ago(0))).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let (batam, _) = office(&app, "BNNK Batam", "21.71", "21.71.01.1001", 0).await;

    let (unknown_unit, unknown_user) = (UNKNOWN, UNKNOWN);
    let theirs = [
        format!("/api/v1/ibm-units/{unit}/agents/{}", agents[0].0),
        visits.clone(),
    ];
    let none = [
        format!("/api/v1/ibm-units/{unknown_unit}/agents/{unknown_user}"),
        format!("/api/v1/ibm-units/{unknown_unit}/supervision-visits"),
    ];
    for (theirs, none) in theirs.iter().zip(&none) {
        let seen = app.get(theirs, &batam).await;
        let absent = app.get(none, &batam).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{theirs}");
        assert_eq!(seen.body, absent.body, "the same answer as for nothing");
    }
    let posted = app.post(&visits, &batam, visit(&app.days_ago(0))).await;
    let nowhere = app.post(&none[1], &batam, visit(&app.days_ago(0))).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    assert_eq!(posted.body, nowhere.body);
    // nor may it add or change the unit's members: the unit is not there for it
    let member = json!({"user_id": agents[0].0, "sex": "female", "age_band": "25_44"});
    for unit in [unit.as_str(), unknown_unit] {
        let added = app
            .post(
                &format!("/api/v1/ibm-units/{unit}/members"),
                &batam,
                member.clone(),
            )
            .await;
        assert_eq!(
            (added.status, &added.body),
            (posted.status, &posted.body),
            "{unit}"
        );
        let change =
            json!({"sex": "male", "age_band": "25_44", "status": "inactive", "version": 1});
        let path = format!("/api/v1/ibm-units/{unit}/members/{}", agents[1].0);
        let changed = app
            .request(Method::PUT, &path, Some(&batam), Some(change), &[])
            .await;
        assert_eq!(
            (changed.status, &changed.body),
            (posted.status, &posted.body),
            "{unit}"
        );
    }
    // an agent of another unit, in scope, is not this unit's
    let stranger = app
        .get(
            &format!("/api/v1/ibm-units/{unit}/agents/{unknown_user}"),
            &coord,
        )
        .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);

    app.clock.advance_days(31);
    let batam = app.login("koor21.71", USER_PASSWORD).await;
    let coord = app.login(&format!("koor{SANGGAU}"), USER_PASSWORD).await;
    let theirs = app.get("/api/v1/worklist", &batam).await;
    assert!(
        theirs.body["idle_agents"]
            .as_array()
            .expect("idle")
            .is_empty()
    );
    let ours = app.get("/api/v1/worklist", &coord).await;
    assert_eq!(ours.body["idle_agents"].as_array().expect("idle").len(), 2);
    let listed = app.get(&visits, &coord).await;
    assert_eq!(listed.body["items"].as_array().expect("items").len(), 1);
}

async fn the_agent_page_opens_from_the_unit_page_and_a_refused_visit_keeps_what_was_typed(
    app: TestApp,
) {
    let (coord, _, agents, unit) = sanggau(&app).await;
    let unit_page = page(&app, &coord, &format!("/ibm-units/{unit}")).await;
    assert_eq!(unit_page.status, StatusCode::OK);
    let link = format!("href=\"/ibm-units/{unit}/agents/{}\"", agents[0].0);
    assert!(
        unit_page.html.contains(&link),
        "the member list links the agent"
    );
    let at = unit_page.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = unit_page.html[at..at + unit_page.html[at..].find('"').expect("end")].to_owned();

    let fields = [
        ("csrf", csrf.as_str()),
        ("visited_on", &app.days_ahead(2)),
        ("findings", "Buku catatan kegiatan belum diisi"),
        ("follow_up", ""),
    ];
    let path = format!("/ibm-units/{unit}/supervision-visits");
    let refused = form(&app, &coord, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("id=\"err-visited_on\""));
    assert!(refused.html.contains("id=\"err-follow_up\""));
    assert!(
        refused.html.contains("Buku catatan kegiatan belum diisi"),
        "kept"
    );

    let fields = [
        ("csrf", csrf.as_str()),
        ("visited_on", &app.days_ago(0)),
        ("findings", "Buku catatan kegiatan belum diisi"),
        ("follow_up", "Agen mengisi buku setiap minggu"),
    ];
    let done = form(&app, &coord, &path, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let agent_page = page(
        &app,
        &coord,
        &format!("/ibm-units/{unit}/agents/{}", agents[0].0),
    )
    .await;
    assert_eq!(agent_page.status, StatusCode::OK);
    assert!(agent_page.html.contains("Agen mengisi buku setiap minggu"));
    assert!(agent_page.html.contains("Desa Binjai") || agent_page.html.contains("Binjai"));

    let agent_sees = page(&app, &agents[0].1, &format!("/ibm-units/{unit}")).await;
    assert!(
        !agent_sees.html.contains(&link),
        "agents see no supervision links"
    );
    assert!(!agent_sees.html.contains("id=\"visits\""));
}
