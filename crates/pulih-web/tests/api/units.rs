//! IBM units over HTTP: forming a unit with its agents, a three-day bimtek with
//! attendance and certificates, activities, the worklist, and scope.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_unit_of_five_agents_runs_a_three_day_bimtek_and_records_activities,
    agents_record_only_for_their_own_unit_and_coordinators_only_in_their_scope,
    bad_unit_training_and_activity_input_is_refused_and_nothing_is_stored,
    outreach_links_only_clients_who_consent_and_whom_the_agent_may_record_for,
);

pub(crate) const PAHLAWAN: &str = "12.75.01.1001";
const SANGGAU_VILLAGE: &str = "61.03.01.2007";

/// A BNNK with a coordinator of `regency` and `n` agents of `village`: (coordinator
/// token, [(agent id, agent token)]).
pub(crate) async fn office(
    app: &TestApp,
    name: &str,
    regency: &str,
    village: &str,
    n: usize,
) -> (String, Vec<(String, String)>) {
    let org = app.create_org(&app.root_token, name, "bnn", regency).await;
    let (_, coord) = app
        .create_user(
            &app.root_token,
            &format!("koor{regency}"),
            "coordinator",
            &org,
            regency,
        )
        .await;
    let mut agents = Vec::new();
    for i in 0..n {
        let username = format!("agen{}{i}", village.replace('.', ""));
        agents.push(
            app.create_user(&app.root_token, &username, "agent", &org, village)
                .await,
        );
    }
    (coord, agents)
}

fn member(id: &str, i: usize) -> Value {
    json!({"user_id": id, "phone": format!("08123456780{i}"), "sex": if i.is_multiple_of(2) { "female" } else { "male" }, "age_band": "25_44"})
}

fn unit_body(members: Vec<Value>) -> Value {
    json!({
        "founded_on": "2023-05-08", "place": "Kantor Kelurahan",
        "attendees": {"village_head": 1, "agent": 5, "religious_leader": 2, "bnnk_officer": 3},
        "decree_number": "141/KPTS/2023", "decree_date": "2023-05-08",
        "decree_signed_by": "Lurah Pahlawan", "members": members
    })
}

pub(crate) async fn form(
    app: &TestApp,
    coord: &str,
    village: &str,
    agents: &[(String, String)],
) -> Value {
    let members = agents
        .iter()
        .enumerate()
        .map(|(i, (id, _))| member(id, i))
        .collect();
    let path = format!("/api/v1/villages/{village}/ibm-unit");
    let r = app.post(&path, coord, unit_body(members)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

pub(crate) fn awareness() -> Value {
    json!({"kind": "awareness", "level": "rw", "total": 40, "male": 22, "female": 18,
           "age_bands": {"15_24": 25, "25_44": 15}, "materials": "leaflet"})
}

async fn a_unit_of_five_agents_runs_a_three_day_bimtek_and_records_activities(app: TestApp) {
    let (coord, agents) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 5).await;
    let unit = form(&app, &coord, PAHLAWAN, &agents).await;
    let unit_id = unit["id"].as_str().expect("id").to_owned();
    assert_eq!(unit["members"].as_array().expect("members").len(), 5);
    assert_eq!(unit["founding"]["attendees"]["agent"], 5);
    assert!(
        unit["members"][0]["phone"].is_string(),
        "the coordinator sees phones"
    );
    let seen_by_agent = app
        .get(
            &format!("/api/v1/villages/{PAHLAWAN}/ibm-unit"),
            &agents[0].1,
        )
        .await;
    assert_eq!(seen_by_agent.status, StatusCode::OK);
    assert!(
        seen_by_agent.body["members"][0]["phone"].is_null(),
        "agents do not"
    );
    let again = app
        .post(
            &format!("/api/v1/villages/{PAHLAWAN}/ibm-unit"),
            &coord,
            unit_body(vec![]),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "one unit per village");

    let plan = json!({"title": "Bimtek Agen Pemulihan", "organiser": "BNNK Binjai",
        "starts_on": "2023-05-09", "ends_on": "2023-05-11",
        "modules": ["Adiksi", "Konseling dasar", "Rujukan"], "trainers": ["dr. Rina"]});
    let t = app
        .post(
            &format!("/api/v1/ibm-units/{unit_id}/trainings"),
            &coord,
            plan,
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{:?}", t.body);
    assert_eq!(t.body["days"].as_array().expect("days").len(), 3);
    let training = t.body["id"].as_str().expect("id").to_owned();
    let attendance = format!("/api/v1/trainings/{training}/attendance");
    let everyone: Vec<&str> = agents.iter().map(|(id, _)| id.as_str()).collect();
    for (day, present) in [
        ("2023-05-09", &everyone[..]),
        ("2023-05-10", &everyone[..]),
        ("2023-05-11", &everyone[..4]),
    ] {
        let r = app
            .post(&attendance, &coord, json!({"day": day, "present": present}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let issued = r.body["certificates"]
            .as_array()
            .expect("certificates")
            .len();
        assert_eq!(issued, if day == "2023-05-11" { 4 } else { 0 }, "{day}");
    }
    let shown = app
        .get(&format!("/api/v1/trainings/{training}"), &agents[0].1)
        .await;
    let trained = shown.body["agents"].as_array().expect("agents");
    assert_eq!(trained.len(), 5);
    assert_eq!(trained.iter().filter(|a| a["trained"] == true).count(), 4);
    let list = app.get("/api/v1/worklist", &coord).await;
    let untrained = list.body["untrained_agents"].as_array().expect("list");
    assert_eq!(untrained.len(), 1, "{:?}", list.body);
    assert_eq!(untrained[0]["user_id"], agents[4].0.as_str());
    let theirs = app.get("/api/v1/worklist", &agents[0].1).await;
    assert_eq!(theirs.body["untrained_agents"], json!([]));

    let activities = format!("/api/v1/ibm-units/{unit_id}/activities");
    let r = app.post(&activities, &agents[0].1, awareness()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["detail"]["audience"]["total"], 40);
    assert!(r.body["held_on"].is_string(), "today by default");
    let outreach = json!({"kind": "outreach", "held_on": "2023-06-01", "reached": 12, "agreed_to_screening": 3, "confirm_old_date": true});
    assert_eq!(
        app.post(&activities, &coord, outreach).await.status,
        StatusCode::CREATED
    );
    let meeting = json!({"kind": "coordination", "held_on": "2023-06-02", "attendees": 9, "topic": "Rencana sosialisasi RW 03", "confirm_old_date": true});
    assert_eq!(
        app.post(&activities, &agents[1].1, meeting).await.status,
        StatusCode::CREATED
    );
    let listed = app
        .get(&format!("/api/v1/villages/{PAHLAWAN}/activities"), &coord)
        .await;
    let kinds: Vec<&str> = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["detail"]["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        ["awareness", "coordination", "outreach"],
        "newest first"
    );

    let member_path = format!("/api/v1/ibm-units/{unit_id}/members/{}", agents[4].0);
    let change = json!({"sex": "male", "age_band": "25_44", "status": "resigned", "version": 1});
    let r = app
        .request(
            Method::PUT,
            &member_path,
            Some(&coord),
            Some(change.clone()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["version"], 2);
    let stale = app
        .request(Method::PUT, &member_path, Some(&coord), Some(change), &[])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let list = app.get("/api/v1/worklist", &coord).await;
    assert_eq!(
        list.body["untrained_agents"],
        json!([]),
        "a resigned agent leaves the list"
    );
    let r = app.post(&activities, &agents[4].1, awareness()).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a resigned agent records nothing"
    );
}

async fn agents_record_only_for_their_own_unit_and_coordinators_only_in_their_scope(app: TestApp) {
    let (binjai, binjai_agents) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 1).await;
    let (_, neighbours) =
        office(&app, "IBM Jati Negara", "12.75.01.1002", "12.75.01.1002", 1).await;
    let (batam, _) = office(&app, "BNNK Batam", "21.71", "21.71.01.1002", 0).await;
    let (sanggau, sanggau_agents) = office(&app, "BNNK Sanggau", "61.03", SANGGAU_VILLAGE, 1).await;
    let pahlawan = form(&app, &binjai, PAHLAWAN, &binjai_agents).await;
    form(&app, &binjai, "12.75.01.1002", &neighbours).await;
    let sanggau_unit = form(&app, &sanggau, SANGGAU_VILLAGE, &sanggau_agents).await;
    let sanggau_id = sanggau_unit["id"].as_str().expect("id");

    let r = app
        .post(
            &format!("/api/v1/villages/{SANGGAU_VILLAGE}/ibm-unit"),
            &batam,
            unit_body(vec![]),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "Batam cannot touch Sanggau"
    );
    let activities = format!("/api/v1/ibm-units/{sanggau_id}/activities");
    assert_eq!(
        app.post(&activities, &batam, awareness()).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/api/v1/ibm-units/{sanggau_id}"), &batam)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&activities, &binjai_agents[0].1, awareness())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let pahlawan_activities = format!(
        "/api/v1/ibm-units/{}/activities",
        pahlawan["id"].as_str().expect("id")
    );
    let r = app
        .post(&pahlawan_activities, &neighbours[0].1, awareness())
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "an agent of another village records nothing here"
    );
    assert_eq!(
        app.post(&pahlawan_activities, &binjai_agents[0].1, awareness())
            .await
            .status,
        StatusCode::CREATED
    );

    let r = app
        .post(
            &format!("/api/v1/ibm-units/{sanggau_id}/members"),
            &sanggau,
            member(&binjai_agents[0].0, 0),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert!(
        r.body["error"]["fields"]["user_id"].is_string(),
        "{:?}",
        r.body
    );
    let r = app
        .post(
            &format!("/api/v1/ibm-units/{sanggau_id}/trainings"),
            &sanggau_agents[0].1,
            json!({}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "agents do not run trainings"
    );
}

async fn bad_unit_training_and_activity_input_is_refused_and_nothing_is_stored(app: TestApp) {
    let (coord, agents) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 2).await;
    let path = format!("/api/v1/villages/{PAHLAWAN}/ibm-unit");
    let mut body = unit_body(vec![
        member(&agents[0].0, 0),
        json!({"user_id": agents[1].0, "sex": "x", "age_band": "under_15"}),
    ]);
    body["decree_date"] = json!("2999-01-01");
    body["attendees"] = json!({"mayor": 1});
    let r = app.post(&path, &coord, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    for f in [
        "attendees.mayor",
        "attendees",
        "decree_date",
        "members.1.sex",
        "members.1.age_band",
    ] {
        assert!(fields.contains_key(f), "{f} in {fields:?}");
    }
    assert_eq!(
        app.get(&path, &coord).await.status,
        StatusCode::NOT_FOUND,
        "nothing stored"
    );

    let unit = form(&app, &coord, PAHLAWAN, &agents).await;
    let unit_id = unit["id"].as_str().expect("id");
    let bad_plan = json!({"title": "", "organiser": "BNNK", "starts_on": "2023-05-11", "ends_on": "2023-05-09", "modules": []});
    let r = app
        .post(
            &format!("/api/v1/ibm-units/{unit_id}/trainings"),
            &coord,
            bad_plan,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let plan = json!({"title": "Bimtek", "organiser": "BNNK Binjai", "starts_on": "2023-05-09", "ends_on": "2023-05-11", "modules": ["Adiksi"]});
    let t = app
        .post(
            &format!("/api/v1/ibm-units/{unit_id}/trainings"),
            &coord,
            plan,
        )
        .await;
    let training = t.body["id"].as_str().expect("id").to_owned();
    let attendance = format!("/api/v1/trainings/{training}/attendance");
    let r = app
        .post(
            &attendance,
            &coord,
            json!({"day": "2023-05-12", "present": [agents[0].0]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["day"].is_string(), "{:?}", r.body);
    let r = app
        .post(
            &attendance,
            &coord,
            json!({"day": "2023-05-09", "present": [coord_id(&app, &coord).await]}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only the unit's agents attend"
    );
    let shown = app
        .get(&format!("/api/v1/trainings/{training}"), &coord)
        .await;
    assert_eq!(shown.body["agents"], json!([]), "no attendance stored");

    let activities = format!("/api/v1/ibm-units/{unit_id}/activities");
    let uneven = json!({"kind": "awareness", "level": "rw", "total": 40, "male": 20, "female": 18});
    let r = app.post(&activities, &agents[0].1, uneven).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body["error"]["fields"]["sex"].is_string(), "{:?}", r.body);
    let future = json!({"kind": "outreach", "held_on": "2999-01-01", "reached": 3});
    assert_eq!(
        app.post(&activities, &agents[0].1, future).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let named = json!({"kind": "outreach", "reached": 2, "names": ["Budi"]});
    assert_eq!(
        app.post(&activities, &agents[0].1, named).await.status,
        StatusCode::BAD_REQUEST,
        "unknown fields are refused, so no name slips in"
    );
    let listed = app
        .get(&format!("/api/v1/villages/{PAHLAWAN}/activities"), &coord)
        .await;
    assert_eq!(listed.body["items"], json!([]), "nothing stored");
}

async fn coord_id(app: &TestApp, token: &str) -> String {
    let me = app.get("/api/v1/me", token).await;
    me.body["id"].as_str().expect("id").to_owned()
}

async fn outreach_links_only_clients_who_consent_and_whom_the_agent_may_record_for(app: TestApp) {
    use crate::clients::{consent, register};
    let (coord, agents) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 1).await;
    let unit = form(&app, &coord, PAHLAWAN, &agents).await;
    let agent = &agents[0].1;
    let willing = register(&app, agent, json!({})).await;
    let unwilling = register(&app, agent, json!({})).await;
    let willing_id = willing["id"].as_str().expect("id");
    consent(&app, agent, willing_id).await;
    let codes = [
        willing["code"].as_str().expect("code"),
        unwilling["code"].as_str().expect("code"),
        "1275-99999",
    ];
    let path = format!(
        "/api/v1/ibm-units/{}/activities",
        unit["id"].as_str().expect("id")
    );
    let outreach = |clients: &[&str]| json!({"kind": "outreach", "reached": 5, "agreed_to_screening": 2, "clients": clients});

    let r = app.post(&path, agent, outreach(&codes)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    let refused: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(
        refused,
        ["clients.1", "clients.2"],
        "no consent, and no such client"
    );
    let listed = app
        .get(&format!("/api/v1/villages/{PAHLAWAN}/activities"), &coord)
        .await;
    assert_eq!(listed.body["items"], json!([]), "nothing stored");

    let awareness_with_clients = json!({"kind": "awareness", "level": "rw", "total": 2, "male": 1, "female": 1, "clients": [codes[0]]});
    let r = app.post(&path, agent, awareness_with_clients).await;
    assert!(
        r.body["error"]["fields"]["clients"].is_string(),
        "{:?}",
        r.body
    );

    let r = app.post(&path, agent, outreach(&codes[..1])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let record = app
        .get(&format!("/api/v1/clients/{willing_id}"), agent)
        .await;
    let kinds: Vec<&str> = record.body["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|f| f["kind"].as_str().expect("kind"))
        .collect();
    assert!(
        kinds.contains(&"outreach"),
        "the client's timeline shows the outreach: {kinds:?}"
    );
    let unlinked = app
        .get(
            &format!("/api/v1/clients/{}", unwilling["id"].as_str().expect("id")),
            agent,
        )
        .await;
    assert!(
        !unlinked.body.to_string().contains("outreach"),
        "the other client is not linked"
    );
}
