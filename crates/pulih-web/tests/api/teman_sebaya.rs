//! Teman Sebaya over HTTP: schools of a village, peer educators counted as history,
//! sessions, the regency's sums, refusals that store nothing, scope and roles, and the
//! village page with its forms.

use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    counts_supersede_keep_their_history_and_add_up_in_the_regency_summary,
    bad_input_is_refused_field_by_field_and_nothing_is_stored,
    only_the_village_records_and_analysts_only_view,
    a_repeated_session_with_the_same_key_is_stored_once,
    the_village_page_lists_schools_and_its_forms_record_them,
);

const VILLAGE: &str = "21.71.01.1002";
const NEXT_DOOR: &str = "21.71.01.1003";

/// Users of BNNK Batam: (coordinator of the city, agent of `VILLAGE`, analyst of the
/// city, agent of `NEXT_DOOR`).
async fn batam(app: &TestApp) -> (String, String, String, String) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let root = &app.root_token;
    let (_, coord) = app
        .create_user(root, "koordinator", "coordinator", &org, "21.71")
        .await;
    let (_, agent) = app.create_user(root, "agen", "agent", &org, VILLAGE).await;
    let (_, analyst) = app
        .create_user(root, "analis", "analyst", &org, "21.71")
        .await;
    let (_, neighbour) = app
        .create_user(root, "agen-tetangga", "agent", &org, NEXT_DOOR)
        .await;
    (coord, agent, analyst, neighbour)
}

async fn add_school(app: &TestApp, token: &str, village: &str, body: Value) -> String {
    let r = app
        .post(&format!("/api/v1/villages/{village}/schools"), token, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

fn counts(male: u32, female: u32, bands: Value) -> Value {
    json!({"total": male + female, "male": male, "female": female, "by_grade_band": bands})
}

fn field_errors(r: &crate::helpers::Reply) -> Vec<String> {
    let fields = r.body["error"]["fields"].as_object();
    let mut keys: Vec<String> = fields
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .collect();
    keys.sort();
    keys
}

async fn counts_supersede_keep_their_history_and_add_up_in_the_regency_summary(app: TestApp) {
    let (coord, agent, _, _) = batam(&app).await;
    let smp = add_school(
        &app,
        &agent,
        VILLAGE,
        json!({"name": "SMP Negeri 12 Batam", "level": "smp", "npsn": "21000012"}),
    )
    .await;
    let sma = add_school(
        &app,
        &agent,
        VILLAGE,
        json!({"name": "SMA Negeri 3 Batam", "level": "sma"}),
    )
    .await;
    let sd = add_school(
        &app,
        &coord,
        NEXT_DOOR,
        json!({"name": "SD Negeri 5", "level": "sd"}),
    )
    .await;

    let year = app.today().year();
    let educators = |id: &str| format!("/api/v1/schools/{id}/peer-educators");
    let first = json!({"as_of": format!("{}-12-01", year - 1), "educators": counts(5, 7, json!({"7_9": 12}))});
    let r = app.post(&educators(&smp), &agent, first).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["educators"]["total"], 12);
    let latest = json!({"educators": counts(4, 6, json!({"7_9": 10}))});
    let r = app.post(&educators(&smp), &agent, latest).await;
    assert_eq!(r.body["as_of"], app.today().to_string(), "today by default");
    let backdated = json!({"as_of": format!("{}-12-15", year - 1), "educators": counts(1, 1, json!({"7_9": 2}))});
    app.post(&educators(&smp), &agent, backdated).await;
    let r = app
        .post(
            &educators(&sma),
            &agent,
            json!({"educators": counts(3, 3, json!({"10_12": 6}))}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            &educators(&sd),
            &coord,
            json!({"educators": counts(2, 2, json!({"4_6": 4}))}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let history = app.get(&educators(&smp), &coord).await.body;
    let totals: Vec<i64> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["educators"]["total"].as_i64().expect("total"))
        .collect();
    assert_eq!(totals, [10, 2, 12], "current first, every count kept");

    let sessions = |id: &str| format!("/api/v1/schools/{id}/sessions");
    let held = [
        (
            &smp,
            json!({"topic": "Bahaya narkoba bagi remaja", "audience": counts(20, 25, json!({"7_9": 45}))}),
        ),
        (
            &smp,
            json!({"held_on": app.today().to_string(), "topic": "Menolak ajakan teman", "audience": counts(10, 5, json!({}))}),
        ),
        (
            &sma,
            json!({"topic": "Ngobrol santai soal narkoba", "audience": counts(30, 30, json!({"10_12": 60}))}),
        ),
        (
            &smp,
            json!({"held_on": format!("{}-06-01", year - 1), "topic": "Tahun lalu", "audience": counts(50, 50, json!({}))}),
        ),
    ];
    for (school, body) in held {
        let r = app.post(&sessions(school), &agent, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let r = app
        .post(
            &sessions(&sd),
            &coord,
            json!({"topic": "Kelas 5", "audience": counts(8, 9, json!({"4_6": 17}))}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let listed = app.get(&sessions(&smp), &agent).await.body;
    assert_eq!(listed["items"].as_array().expect("items").len(), 3);
    assert_eq!(listed["items"][2]["topic"], "Tahun lalu", "newest first");

    let schools = app
        .get(&format!("/api/v1/villages/{VILLAGE}/schools"), &coord)
        .await
        .body;
    let names: Vec<&str> = schools["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["SMA Negeri 3 Batam", "SMP Negeri 12 Batam"]);
    let smp_row = &schools["items"][1];
    assert_eq!(smp_row["educators"]["educators"]["total"], 10);
    assert_eq!(smp_row["sessions_this_year"], 2);
    assert_eq!(smp_row["audience_this_year"], 60);

    let summary = app
        .get("/api/v1/regencies/21.71/teman-sebaya", &coord)
        .await;
    assert_eq!(summary.status, StatusCode::OK, "{:?}", summary.body);
    let s = summary.body;
    assert_eq!(
        (s["year"].as_i64(), s["schools"].as_i64()),
        (Some(i64::from(year)), Some(3))
    );
    assert_eq!(s["schools_with_educators"], 3);
    assert_eq!(
        s["educators"],
        json!({"total": 20, "male": 9, "female": 11, "grade_band_unknown": 0,
               "by_grade_band": {"1_3": 0, "4_6": 4, "7_9": 10, "10_12": 6}})
    );
    assert_eq!(s["sessions"], 4);
    assert_eq!(
        s["audience"],
        json!({"total": 137, "male": 68, "female": 69, "grade_band_unknown": 15,
               "by_grade_band": {"1_3": 0, "4_6": 17, "7_9": 45, "10_12": 60}})
    );
    let last_year = app
        .get(
            &format!("/api/v1/regencies/21.71/teman-sebaya?year={}", year - 1),
            &coord,
        )
        .await
        .body;
    assert_eq!(
        (&last_year["sessions"], &last_year["audience"]["total"]),
        (&json!(1), &json!(100))
    );
    let future = app
        .get(
            &format!("/api/v1/regencies/21.71/teman-sebaya?year={}", year + 1),
            &coord,
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn bad_input_is_refused_field_by_field_and_nothing_is_stored(app: TestApp) {
    let (_, agent, _, _) = batam(&app).await;
    let schools = format!("/api/v1/villages/{VILLAGE}/schools");
    let smp = add_school(
        &app,
        &agent,
        VILLAGE,
        json!({"name": "SMP Negeri 1", "level": "smp", "npsn": "21000001"}),
    )
    .await;
    let audit = app.audit_count().await;

    let r = app
        .post(
            &schools,
            &agent,
            json!({"name": "X", "level": "university", "npsn": "123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), ["level", "name", "npsn"]);
    let twin = json!({"name": "SMP Satu", "level": "smp", "npsn": "21000001"});
    let r = app.post(&schools, &agent, twin).await;
    assert_eq!(field_errors(&r), ["npsn"], "an NPSN is registered once");

    let educators = format!("/api/v1/schools/{smp}/peer-educators");
    let r = app
        .post(
            &educators,
            &agent,
            json!({"educators": {"total": 12, "male": 5, "female": 6, "by_grade_band": {"7_9": 12}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r), ["educators.sex"]);
    let r = app
        .post(
            &educators,
            &agent,
            json!({"educators": counts(2, 2, json!({"10_12": 4}))}),
        )
        .await;
    assert_eq!(
        field_errors(&r),
        ["educators.by_grade_band.10_12"],
        "an SMP has no grade 10–12"
    );

    let sessions = format!("/api/v1/schools/{smp}/sessions");
    let tomorrow = (app.today() + Duration::days(1)).to_string();
    let cases = [
        (
            json!({"held_on": tomorrow, "topic": "Besok", "audience": counts(1, 1, json!({}))}),
            vec!["held_on"],
        ),
        (
            json!({"topic": "Kelas", "audience": counts(1, 1, json!({"13_15": 2}))}),
            vec!["audience.by_grade_band.13_15"],
        ),
        (
            json!({"topic": "Kelas", "audience": counts(3, 4, json!({"7_9": 6}))}),
            vec!["audience.by_grade_band"],
        ),
        (
            json!({"topic": "Kelas", "name": "Budi", "audience": counts(1, 0, json!({}))}),
            vec!["name"],
        ),
        (
            json!({"topic": "Kelas", "audience": {"total": 1, "male": 1, "female": 0, "name": "Siti"}}),
            vec!["audience.name"],
        ),
        (
            json!({"topic": "", "audience": {}}),
            vec![
                "audience.female",
                "audience.male",
                "audience.total",
                "topic",
            ],
        ),
    ];
    for (body, expected) in cases {
        let r = app.post(&sessions, &agent, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(field_errors(&r), expected, "{body}");
        let message = r.body["error"]["fields"][expected[0]].as_str();
        assert!(
            message.is_some_and(|m| !m.starts_with("invalid.")),
            "{r:?}",
            r = r.body
        );
    }
    assert!(
        app.get(&sessions, &agent).await.body["items"]
            .as_array()
            .expect("items")
            .is_empty()
    );
    assert!(
        app.get(&educators, &agent).await.body["items"]
            .as_array()
            .expect("items")
            .is_empty()
    );
    let listed = app.get(&schools, &agent).await.body;
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);
    assert_eq!(
        app.audit_count().await,
        audit,
        "no refused write reached the log"
    );
}

async fn only_the_village_records_and_analysts_only_view(app: TestApp) {
    let (_, agent, analyst, neighbour) = batam(&app).await;
    let smp = add_school(
        &app,
        &agent,
        VILLAGE,
        json!({"name": "SMP Negeri 2", "level": "smp"}),
    )
    .await;
    let schools = format!("/api/v1/villages/{VILLAGE}/schools");
    let sessions = format!("/api/v1/schools/{smp}/sessions");
    let educators = format!("/api/v1/schools/{smp}/peer-educators");
    let session = json!({"topic": "Sesi", "audience": counts(1, 1, json!({}))});
    let count = json!({"educators": counts(1, 1, json!({"7_9": 2}))});
    let school = json!({"name": "SMP Lain", "level": "smp"});

    for token in [&neighbour, &analyst] {
        assert_eq!(
            app.post(&schools, token, school.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post(&sessions, token, session.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post(&educators, token, count.clone()).await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        app.get(&schools, &neighbour).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&sessions, &neighbour).await.status,
        StatusCode::FORBIDDEN
    );
    for path in [&schools, &sessions, &educators] {
        assert_eq!(
            app.get(path, &analyst).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
    let summary = app
        .get("/api/v1/regencies/21.71/teman-sebaya", &analyst)
        .await;
    assert_eq!(summary.status, StatusCode::OK);

    let org = app
        .create_org(&app.root_token, "BNNK Tanjungpinang", "bnn", "21.72")
        .await;
    let (_, other_city) = app
        .create_user(
            &app.root_token,
            "koordinator-tpi",
            "coordinator",
            &org,
            "21.72",
        )
        .await;
    assert_eq!(
        app.get(&schools, &other_city).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/regencies/21.71/teman-sebaya", &other_city)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let unknown = format!("/api/v1/schools/{}/sessions", uuid_like());
    assert_eq!(
        app.get(&unknown, &agent).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/schools/not-an-id/sessions", &agent)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/villages/21.71.01.9999/schools", &agent)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.get(&sessions, &agent).await.body["items"]
            .as_array()
            .expect("items")
            .is_empty(),
        "no refused write was stored"
    );
}

/// An id no school has.
fn uuid_like() -> &'static str {
    "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
}

async fn a_repeated_session_with_the_same_key_is_stored_once(app: TestApp) {
    let (_, agent, _, _) = batam(&app).await;
    let smp = add_school(
        &app,
        &agent,
        VILLAGE,
        json!({"name": "MTs Negeri 1", "level": "mts"}),
    )
    .await;
    let path = format!("/api/v1/schools/{smp}/sessions");
    let body = json!({"topic": "Sesi di aula", "audience": counts(6, 4, json!({"7_9": 10}))});
    let key = [("idempotency-key", "sesi-aula-1")];
    let first = app
        .request(Method::POST, &path, Some(&agent), Some(body.clone()), &key)
        .await;
    let again = app
        .request(Method::POST, &path, Some(&agent), Some(body), &key)
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(
        (again.status, &again.body["id"]),
        (StatusCode::CREATED, &first.body["id"])
    );
    assert!(again.headers.contains_key("idempotent-replayed"));
    let listed = app.get(&path, &agent).await.body;
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);
}

/// The CSRF token of a page's forms.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    html[at..at + html[at..].find('"').expect("end")].to_owned()
}

async fn the_village_page_lists_schools_and_its_forms_record_them(app: TestApp) {
    let (coord, agent, analyst, _) = batam(&app).await;
    let village_page = format!("/regions/{VILLAGE}");
    let shown = page(&app, &agent, &village_page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.html.contains("id=\"teman-sebaya\""), "{}", shown.html);
    let add = format!("/villages/{VILLAGE}/schools");
    assert!(shown.html.contains(&format!("action=\"{add}\"")));
    let token = csrf(&shown.html);

    let refused = form(
        &app,
        &agent,
        &add,
        &[
            ("csrf", &token),
            ("name", "SMP Negeri 7"),
            ("level", "smp"),
            ("npsn", "12"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("id=\"err-school-npsn\""),
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("value=\"SMP Negeri 7\""),
        "the input is kept"
    );
    let saved = form(
        &app,
        &agent,
        &add,
        &[
            ("csrf", &token),
            ("name", "SMP Negeri 7"),
            ("level", "smp"),
            ("npsn", "21000007"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let schools = app
        .get(&format!("/api/v1/villages/{VILLAGE}/schools"), &agent)
        .await
        .body;
    assert_eq!(
        schools["items"].as_array().expect("items").len(),
        1,
        "stored once"
    );
    let school = schools["items"][0]["id"].as_str().expect("id").to_owned();

    let shown = page(&app, &agent, &village_page).await.html;
    assert!(shown.contains("SMP Negeri 7"));
    assert!(
        shown.contains(&format!("value=\"{}\"", app.today())),
        "a session is dated today by default"
    );
    let record = format!("/villages/{VILLAGE}/peer-sessions");
    let sent = [
        ("csrf", token.as_str()),
        ("school", school.as_str()),
        ("held_on", ""),
        ("topic", "Bahaya narkoba di sekolah"),
        ("total", "30"),
        ("male", "12"),
        ("female", "17"),
        ("band_7_9", ""),
    ];
    let refused = form(&app, &agent, &record, &sent).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("value=\"Bahaya narkoba di sekolah\""),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("role=\"alert\""));
    let mut fixed = sent;
    fixed[6] = ("female", "18");
    let saved = form(&app, &agent, &record, &fixed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let count = [
        ("csrf", token.as_str()),
        ("school", school.as_str()),
        ("as_of", ""),
        ("total", "8"),
        ("male", "3"),
        ("female", "5"),
        ("band_7_9", "8"),
    ];
    let saved = form(
        &app,
        &agent,
        &format!("/villages/{VILLAGE}/peer-educators"),
        &count,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);

    let shown = page(&app, &analyst, &village_page).await.html;
    assert!(shown.contains("Bahaya narkoba di sekolah"), "{shown}");
    assert!(
        !shown.contains(&format!("action=\"{record}\"")),
        "analysts see no forms"
    );
    let city = page(&app, &coord, "/regions/21.71").await.html;
    assert!(city.contains("id=\"teman-sebaya\""), "the regency's sums");
}
