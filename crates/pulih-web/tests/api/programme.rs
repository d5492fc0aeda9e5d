//! The village programme over HTTP: IKN assessments kept as history and approved, the
//! thresholds an administrator changes, IKOTAN bands, and scope.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    ikn_assessments_keep_their_history_and_follow_the_thresholds_in_force,
    ikotan_scores_a_city_into_the_bands_of_the_design,
    a_village_is_assessed_only_from_inside_the_scope,
    bersinar_villages_count_against_the_yearly_targets,
    an_agent_records_an_ikn_assessment_from_the_village_page,
    a_coordinator_takes_bersinar_steps_and_sets_targets_from_the_pages,
);

const CORE: [&str; 8] = [
    "drug_cases",
    "crime_violence",
    "dealers",
    "production",
    "users",
    "seizures",
    "entry_points",
    "couriers",
];
const SUPPORTING: [&str; 5] = [
    "entertainment_venues",
    "private_lodging",
    "poverty",
    "lacking_public_facilities",
    "low_social_interaction",
];

/// Indicators with the first `core` core and first `supporting` supporting present.
pub(crate) fn indicators(core: usize, supporting: usize) -> Value {
    let mut map = serde_json::Map::new();
    for (i, key) in CORE.iter().enumerate() {
        map.insert(
            (*key).into(),
            json!({"present": i < core, "source": "Polsek"}),
        );
    }
    for (i, key) in SUPPORTING.iter().enumerate() {
        map.insert((*key).into(), json!({"present": i < supporting}));
    }
    Value::Object(map)
}

/// A BNNK in Kota Binjai with a coordinator and an agent of Desa (Kelurahan) 12.75.01.1001.
async fn binjai(app: &TestApp) -> (String, String) {
    let org = app
        .create_org(&app.root_token, "BNNK Binjai", "bnn", "12.75")
        .await;
    let (_, coord) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "12.75")
        .await;
    let (_, agent) = app
        .create_user(&app.root_token, "agen", "agent", &org, "12.75.01.1001")
        .await;
    (coord, agent)
}

async fn ikn_assessments_keep_their_history_and_follow_the_thresholds_in_force(app: TestApp) {
    let (coord, agent) = binjai(&app).await;
    let path = "/api/v1/villages/12.75.01.1001/ikn";
    let body = json!({"assessed_on": "2026-01-10", "indicators": indicators(5, 4)});
    let first = app.post(path, &agent, body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert_eq!(
        first.body["outcome"], "bahaya",
        "the published rule: 5 core and 4 supporting"
    );
    let r = app
        .post(
            path,
            &agent,
            json!({"assessed_on": "2026-06-10", "indicators": indicators(5, 3)}),
        )
        .await;
    assert_eq!(r.body["outcome"], "waspada");

    let missing = app
        .post(
            path,
            &agent,
            json!({"indicators": {"dealers": {"present": true}, "unicorns": {"present": true}}}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = missing.body["error"]["fields"].as_object().expect("fields");
    assert!(
        fields.contains_key("indicators.unicorns") && fields.contains_key("indicators.poverty"),
        "{fields:?}"
    );
    let future = app
        .post(
            path,
            &agent,
            json!({"assessed_on": "2999-01-01", "indicators": indicators(0, 0)}),
        )
        .await;
    assert!(
        future.body["error"]["fields"]["assessed_on"].is_string(),
        "{:?}",
        future.body
    );

    let history = app.get(path, &coord).await.body;
    let outcomes: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["outcome"].as_str().expect("outcome"))
        .collect();
    assert_eq!(
        outcomes,
        ["waspada", "bahaya"],
        "newest first, nothing overwritten"
    );

    let id = first.body["id"].as_str().expect("id");
    let approval = format!("/api/v1/assessments/{id}/approval");
    assert_eq!(
        app.post(&approval, &agent, json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post(&approval, &coord, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert!(r.body["approved_by"].is_string());
    assert_eq!(
        app.post(&approval, &coord, json!({})).await.status,
        StatusCode::CONFLICT
    );

    let thresholds = app
        .get("/api/v1/settings/ikn-thresholds", &coord)
        .await
        .body;
    assert_eq!(thresholds["version"], Value::Null, "the defaults");
    let stricter = json!({"rules": [
        {"category": "bahaya", "min_core": 6, "min_supporting": 4},
        {"category": "waspada", "min_core": 3, "min_supporting": 0},
        {"category": "siaga", "min_core": 1, "min_supporting": 0}], "version": null});
    let r = app
        .request(
            Method::PUT,
            "/api/v1/settings/ikn-thresholds",
            Some(&coord),
            Some(stricter.clone()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "administrators configure");
    let r = app
        .request(
            Method::PUT,
            "/api/v1/settings/ikn-thresholds",
            Some(&app.root_token),
            Some(stricter.clone()),
            &[],
        )
        .await;
    assert_eq!(
        (r.status, &r.body["version"]),
        (StatusCode::OK, &json!(1)),
        "{:?}",
        r.body
    );
    let stale = app
        .request(
            Method::PUT,
            "/api/v1/settings/ikn-thresholds",
            Some(&app.root_token),
            Some(stricter),
            &[],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let backwards = json!({"rules": [
        {"category": "bahaya", "min_core": 1, "min_supporting": 0},
        {"category": "siaga", "min_core": 3, "min_supporting": 0}], "version": 1});
    let r = app
        .request(
            Method::PUT,
            "/api/v1/settings/ikn-thresholds",
            Some(&app.root_token),
            Some(backwards),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);

    let r = app
        .post(path, &agent, json!({"indicators": indicators(5, 4)}))
        .await;
    assert_eq!(
        r.body["outcome"], "waspada",
        "new assessments follow the new thresholds"
    );
    let history = app.get(path, &coord).await.body;
    let oldest = history["items"]
        .as_array()
        .expect("items")
        .last()
        .expect("oldest")
        .clone();
    assert_eq!(oldest["outcome"], "bahaya", "old assessments keep theirs");

    let page = app
        .request(
            Method::GET,
            "/regions/12.75.01.1001",
            Some(&coord),
            None,
            &[],
        )
        .await;
    let html = page.body.as_str().expect("html");
    assert!(
        html.contains("Riwayat IKN") && html.contains("Bahaya") && html.contains("Waspada"),
        "the village page shows the category history: {html}"
    );
}

async fn ikotan_scores_a_city_into_the_bands_of_the_design(app: TestApp) {
    let (coord, agent) = binjai(&app).await;
    let path = "/api/v1/regencies/12.75/ikotan";
    let scores = |v: &str, law: &str| json!({"family": v, "community": v, "territory": v, "institutions": v, "law": law});
    let r = app
        .post(
            path,
            &coord,
            json!({"year": 2025, "scores": scores("3.533", "3.533")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(
        (r.body["outcome"].as_str(), r.body["index"].as_str()),
        (Some("sangat_tanggap"), Some("3.533"))
    );
    let r = app
        .post(
            path,
            &coord,
            json!({"year": 2026, "scores": scores("3", "3,325")}),
        )
        .await;
    assert_eq!(
        (r.body["outcome"].as_str(), r.body["index"].as_str()),
        (Some("tanggap"), Some("3.065")),
        "{:?}",
        r.body
    );
    let r = app
        .post(
            path,
            &coord,
            json!({"year": 2026, "scores": scores("2.6", "2.6")}),
        )
        .await;
    assert_eq!(r.body["outcome"], "cukup_tanggap");
    let bad = app
        .post(
            path,
            &coord,
            json!({"year": 2999, "scores": {"family": "5", "luck": "4"}}),
        )
        .await;
    let fields = bad.body["error"]["fields"].as_object().expect("fields");
    for f in ["year", "scores.family", "scores.luck", "scores.law"] {
        assert!(fields.contains_key(f), "{f}: {fields:?}");
    }
    assert_eq!(
        app.post(
            path,
            &agent,
            json!({"year": 2026, "scores": scores("3", "3")})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let history = app.get(path, &coord).await.body;
    assert_eq!(history["items"].as_array().expect("items").len(), 3);
    assert_eq!(
        app.get("/api/v1/regencies/12.75.01/ikotan", &coord)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn a_village_is_assessed_only_from_inside_the_scope(app: TestApp) {
    let (coord, agent) = binjai(&app).await;
    let body = json!({"indicators": indicators(1, 0)});
    let other_village = app
        .post("/api/v1/villages/12.75.01.1002/ikn", &agent, body.clone())
        .await;
    assert_eq!(
        other_village.status,
        StatusCode::FORBIDDEN,
        "an agent assesses its own village only"
    );
    let sanggau = app
        .post("/api/v1/villages/61.03.01.1001/ikn", &coord, body.clone())
        .await;
    assert_eq!(
        sanggau.status,
        StatusCode::FORBIDDEN,
        "Binjai cannot touch Sanggau"
    );
    let org = app
        .create_org(&app.root_token, "Polres", "police", "12.75")
        .await;
    let (_, police) = app
        .create_user(&app.root_token, "polisi", "police_liaison", &org, "12.75")
        .await;
    assert_eq!(
        app.get("/api/v1/villages/12.75.01.1001/ikn", &police)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post("/api/v1/villages/12.75.01/ikn", &coord, body)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// A coordinator of Kota Batam.
async fn batam(app: &TestApp) -> String {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coord) = app
        .create_user(
            &app.root_token,
            "koordinator-batam",
            "coordinator",
            &org,
            "21.71",
        )
        .await;
    coord
}

async fn step(app: &TestApp, token: &str, village: &str, body: Value) -> StatusCode {
    let r = app
        .post(&format!("/api/v1/villages/{village}/bersinar"), token, body)
        .await;
    r.status
}

async fn bersinar_villages_count_against_the_yearly_targets(app: TestApp) {
    let coord = batam(&app).await;
    let target = |count: u32, version: Option<i64>| json!({"count": count, "version": version});
    let put = |year: i32, body: Value| {
        let path = format!("/api/v1/regencies/21.71/bersinar-targets/{year}");
        let coord = coord.clone();
        let app = &app;
        async move {
            app.request(Method::PUT, &path, Some(&coord), Some(body), &[])
                .await
        }
    };
    let year = app.year();
    let r = put(year, target(5, None)).await;
    assert_eq!(
        (r.status, &r.body["version"]),
        (StatusCode::OK, &json!(1)),
        "{:?}",
        r.body
    );
    assert_eq!(put(year + 1, target(15, None)).await.status, StatusCode::OK);
    let closed = put(year - 1, target(3, None)).await;
    assert!(
        closed.body["error"]["fields"]["year"].is_string(),
        "{:?}",
        closed.body
    );
    let again = put(year, target(6, None)).await;
    assert_eq!(
        (again.status, &again.body["version"]),
        (StatusCode::OK, &json!(2)),
        "a year's target set again without a version replaces it"
    );
    assert_eq!(
        put(year, target(5, Some(1))).await.status,
        StatusCode::CONFLICT,
        "a version someone moved on is refused"
    );
    assert_eq!(put(year, target(5, Some(2))).await.status, StatusCode::OK);
    let over = put(year + 1, target(65, None)).await;
    assert!(
        over.body["error"]["fields"]["count"].is_string(),
        "Batam has 64 kelurahan: {:?}",
        over.body
    );

    // a decree of a month ago counts in this year's target even in January: targets count
    // the villages Bersinar by the end of their year
    let decree_date = app.days_ago(30);
    let decree = |n: &str| json!({"step": "designate", "decree_number": n, "decree_date": decree_date, "decree_issuer": "Wali Kota Batam"});
    let villages = ["21.71.01.1002", "21.71.01.1003", "21.71.01.1004"];
    for v in villages {
        assert_eq!(
            step(&app, &coord, v, json!({"step": "nominate"})).await,
            StatusCode::CREATED
        );
        assert_eq!(
            step(&app, &coord, v, decree("188.45/1/2026")).await,
            StatusCode::CREATED
        );
    }
    let r = app
        .post(
            "/api/v1/villages/21.71.01.1002/bersinar",
            &coord,
            json!({"step": "nominate"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "already designated: {:?}",
        r.body
    );
    let future = app.post("/api/v1/villages/21.71.01.1002/bersinar", &coord,
        json!({"step": "designate", "decree_number": "x", "decree_date": "2999-01-01", "decree_issuer": "Wali Kota"})).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            "/api/v1/villages/21.71.01.1003/bersinar",
            &coord,
            json!({"step": "revoke"}),
        )
        .await;
    assert!(
        r.body["error"]["fields"]["reason"].is_string(),
        "a revocation needs its reason: {:?}",
        r.body
    );
    assert_eq!(
        step(
            &app,
            &coord,
            "21.71.01.1003",
            json!({"step": "revoke", "reason": "kasus peredaran baru"})
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        step(&app, &coord, "21.71.01.1004", json!({"step": "evaluate"})).await,
        StatusCode::CREATED
    );

    let overview = app
        .get("/api/v1/regencies/21.71/bersinar", &coord)
        .await
        .body;
    assert_eq!(overview["designated_now"], 2, "{overview}");
    assert_eq!(
        overview["years"][0],
        json!({"year": year, "target": 5, "designated": 2, "version": 3, "standing": "in_progress"})
    );
    assert_eq!(overview["years"][1]["target"], 15);
    let history = app
        .get("/api/v1/villages/21.71.01.1003/bersinar", &coord)
        .await
        .body;
    let statuses: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["candidate", "designated", "revoked"]);

    let aman = json!({"indicators": indicators(0, 1)});
    let r = app
        .post("/api/v1/villages/21.71.02.1001/ikn", &coord, aman)
        .await;
    assert_eq!(
        (r.status, r.body["outcome"].as_str()),
        (StatusCode::CREATED, Some("aman"))
    );
    let page = app
        .request(Method::GET, "/regions/21.71", Some(&coord), None, &[])
        .await;
    let html = page.body.as_str().expect("html");
    assert!(
        html.contains("<svg") && html.contains("ring ring-bersinar-designated"),
        "the map: {html}"
    );
    assert_eq!(
        html.matches("class=\"dot ").count(),
        64,
        "every kelurahan of Batam is a point"
    );
    assert!(
        html.contains(r#"<a href="/regions/21.71.02.1001"><circle"#),
        "each village links to its page"
    );
    let candidates = html.split("id=\"candidates\"").nth(1).expect("candidates");
    let candidates = &candidates[..candidates.find("</ol>").expect("the list")];
    assert!(
        candidates.contains("21.71.02.1001") && !candidates.contains("21.71.01.1002"),
        "{candidates}"
    );
    let sanggau = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    let (_, far) = app
        .create_user(
            &app.root_token,
            "koordinator-sanggau",
            "coordinator",
            &sanggau,
            "61.03",
        )
        .await;
    assert_eq!(
        step(&app, &far, "21.71.01.1002", json!({"step": "evaluate"})).await,
        StatusCode::FORBIDDEN
    );
    let path = "/api/v1/regencies/21.71/bersinar-targets/2027";
    let r = app
        .request(Method::PUT, path, Some(&far), Some(target(1, Some(1))), &[])
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "Sanggau cannot touch Batam's targets"
    );
}

async fn an_agent_records_an_ikn_assessment_from_the_village_page(app: TestApp) {
    use crate::client_pages::{form, page};
    let (coord, agent) = binjai(&app).await;
    let path = "/villages/12.75.01.1001/ikn";
    let village = page(&app, &agent, "/regions/12.75.01.1001").await;
    assert!(
        village.html.contains(path),
        "the village page links to the form"
    );
    let blank = page(&app, &agent, path).await;
    assert_eq!(blank.status, StatusCode::OK);
    let at = blank.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = blank.html[at..at + blank.html[at..].find('"').expect("end")].to_owned();

    let mut answers: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    for (i, key) in CORE.iter().enumerate() {
        answers.push((
            format!("present.{key}"),
            if i < 5 { "yes" } else { "no" }.into(),
        ));
    }
    for (i, key) in SUPPORTING.iter().enumerate().take(4) {
        answers.push((
            format!("present.{key}"),
            if i < 4 { "yes" } else { "no" }.into(),
        ));
    }
    let fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = form(&app, &agent, path, &fields).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one indicator unanswered"
    );
    assert!(
        refused.html.contains("id=\"err-low_social_interaction\""),
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("value=\"yes\" checked"),
        "answers are kept"
    );

    answers.push(("present.low_social_interaction".into(), "no".into()));
    let fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = form(&app, &agent, path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let history = app
        .get("/api/v1/villages/12.75.01.1001/ikn", &coord)
        .await
        .body;
    assert_eq!(history["items"][0]["outcome"], "bahaya");
    let other = page(&app, &agent, "/villages/12.75.01.1002/ikn").await;
    assert_eq!(
        other.status,
        StatusCode::FORBIDDEN,
        "not the agent's village"
    );
}

async fn a_coordinator_takes_bersinar_steps_and_sets_targets_from_the_pages(app: TestApp) {
    use crate::client_pages::{form, page};
    let coord = batam(&app).await;
    let village = page(&app, &coord, "/regions/21.71.01.1002").await;
    assert!(
        village
            .html
            .contains("action=\"/villages/21.71.01.1002/bersinar\""),
        "the step form"
    );
    let at = village.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = village.html[at..at + village.html[at..].find('"').expect("end")].to_owned();
    let path = "/villages/21.71.01.1002/bersinar";
    let done = form(&app, &coord, path, &[("csrf", &csrf), ("step", "nominate")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let refused = form(
        &app,
        &coord,
        path,
        &[("csrf", &csrf), ("step", "designate")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("Tanggal SK"),
        "the page names the missing field: {}",
        refused.html
    );
    let (decree_date, year) = (app.days_ago(30), app.year().to_string());
    let designate = [
        ("csrf", csrf.as_str()),
        ("step", "designate"),
        ("decree_number", "188.45/7/2026"),
        ("decree_date", decree_date.as_str()),
        ("decree_issuer", "Wali Kota Batam"),
    ];
    assert_eq!(
        form(&app, &coord, path, &designate).await.status,
        StatusCode::SEE_OTHER
    );
    let shown = page(&app, &coord, "/regions/21.71.01.1002").await.html;
    assert!(
        shown.contains("188.45/7/2026") && shown.contains("Bersinar"),
        "{shown}"
    );

    let targets = "/regencies/21.71/bersinar-targets";
    let set = [
        ("csrf", csrf.as_str()),
        ("year", year.as_str()),
        ("count", "5"),
        ("version", ""),
    ];
    assert_eq!(
        form(&app, &coord, targets, &set).await.status,
        StatusCode::SEE_OTHER
    );
    let regency = page(&app, &coord, "/regions/21.71").await.html;
    assert!(
        regency.contains(&format!("<td>{year}</td><td>5</td><td><span class=\"tag standing-in_progress\">berjalan 1/5</span>")),
        "target 5, one designated: {regency}"
    );
    let again = [
        ("csrf", csrf.as_str()),
        ("year", year.as_str()),
        ("count", "7"),
        ("version", ""),
    ];
    assert_eq!(
        form(&app, &coord, targets, &again).await.status,
        StatusCode::SEE_OTHER,
        "set again without a version"
    );
    let stale = [
        ("csrf", csrf.as_str()),
        ("year", year.as_str()),
        ("count", "8"),
        ("version", "1"),
    ];
    assert_eq!(
        form(&app, &coord, targets, &stale).await.status,
        StatusCode::CONFLICT
    );
}
