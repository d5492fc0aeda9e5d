//! Demo data on both backends: the regency scale from a fixed seed loads its programme
//! and clients, the same seed makes the same counts and counters on a second database,
//! the counters equal a recount, the dashboards show the data, and a demo client opens
//! for the regency's coordinator like any other, whose next registration is numbered after
//! them.

use pulih_app::{DemoScale, DemoSummary};
use reqwest::StatusCode;
use serde_json::Value;

use crate::client_pages::page;
use crate::helpers::{TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(a_seed_makes_the_same_demo_data_whose_counters_match_a_recount);

const SEED: u64 = 42;

/// Generates the regency's demo data; answers what was made and last year's dashboards
/// of the regency and of its first district, as the national administrator reads them.
async fn generate(app: &TestApp) -> (DemoSummary, Vec<Value>) {
    let made = app
        .app
        .generate_demo(DemoScale::Regency, SEED, &|_| {})
        .await
        .expect("demo data");
    // last year lies wholly inside the demo's history; this year may be a day old
    let year = app.year() - 1;
    let mut dashboards = Vec::new();
    for node in ["21.71", "21.71.01"] {
        let r = app
            .get(
                &format!("/api/v1/dashboards/{node}?period={year}"),
                &app.root_token,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        dashboards.push(r.body);
    }
    (made, dashboards)
}

async fn a_seed_makes_the_same_demo_data_whose_counters_match_a_recount(app: TestApp) {
    let (made, dashboards) = generate(&app).await;
    assert_eq!(made.clients, 5_000);
    assert!(made.facts > 2 * made.clients, "{made:?}");
    assert!(made.units > 0 && made.activities > made.units, "{made:?}");
    let intakes = dashboards[0]["figures"]["intakes"].as_i64().unwrap_or(0);
    assert!(intakes > 0, "{:?}", dashboards[0]["figures"]);
    let differences = app.app.verify_rollups(&|_| {}).await.expect("verify");
    assert!(differences.is_empty(), "{differences:?}");

    let again = spawn_app(app.backend).await.expect("a second database");
    let (remade, shown) = generate(&again).await;
    let counts = |s: &DemoSummary| {
        let n = (s.orgs, s.users, s.units, s.activities, s.clients, s.facts);
        (n, s.counters)
    };
    assert_eq!(counts(&made), counts(&remade));
    assert_eq!(
        dashboards, shown,
        "the same seed shows different dashboards"
    );

    let coordinator = app.login(&made.coordinator, &made.password).await;
    let r = app.get("/api/v1/clients", &coordinator).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let id = r.body["items"][0]["id"].as_str().expect("a demo client");
    let opened = page(&app, &coordinator, &format!("/clients/{id}")).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.html);

    // demo clients keep the earlier numbered codes, which still open; a new client
    // gets a random one
    let demo_code = r.body["items"][0]["code"].as_str().expect("a code");
    assert!(demo_code.starts_with("2171-0"), "{demo_code}");
    let r = app
        .post("/api/v1/clients", &coordinator, serde_json::json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let code = r.body["code"].as_str().expect("a code");
    assert!(crate::clients::is_client_code(code), "{code}");
}
