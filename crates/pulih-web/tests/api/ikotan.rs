//! IKOTAN over HTTP: the configurable lower cut-off applies to new assessments only, and
//! coordinators record a regency's assessment from its page.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_new_ikotan_cut_off_applies_to_new_assessments_only,
    a_coordinator_records_ikotan_from_the_regency_page_and_a_refused_form_keeps_its_input,
);

const BANDS: &str = "/api/v1/settings/ikotan-bands";

/// A coordinator and an agent of Kota Binjai.
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

fn all(score: &str) -> Value {
    json!({"family": score, "community": score, "territory": score, "institutions": score, "law": score})
}

async fn put_bands(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let r = app
        .request(Method::PUT, BANDS, Some(token), Some(body), &[])
        .await;
    (r.status, r.body)
}

async fn a_new_ikotan_cut_off_applies_to_new_assessments_only(app: TestApp) {
    let (coord, _) = binjai(&app).await;
    let shown = app.get(BANDS, &coord).await.body;
    assert_eq!(
        (shown["kurang_tanggap_from"].as_str(), &shown["version"]),
        (Some("2.135"), &Value::Null)
    );
    assert_eq!(
        shown["bands"][3],
        json!({"band": "kurang_tanggap", "from": "2.135"})
    );
    let path = "/api/v1/regencies/12.75/ikotan";
    let before = app
        .post(path, &coord, json!({"year": 2024, "scores": all("2.2")}))
        .await;
    assert_eq!(
        before.body["outcome"], "kurang_tanggap",
        "{:?}",
        before.body
    );

    let (status, _) = put_bands(&app, &coord, json!({"kurang_tanggap_from": "2.3"})).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "national administrators only"
    );
    let (status, body) =
        put_bands(&app, &app.root_token, json!({"kurang_tanggap_from": "2,7"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["fields"]["kurang_tanggap_from"].is_string(),
        "{body:?}"
    );
    let (status, body) = put_bands(
        &app,
        &app.root_token,
        json!({"kurang_tanggap_from": "2.25", "version": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    assert_eq!(body["version"], 1);
    let (status, _) = put_bands(
        &app,
        &app.root_token,
        json!({"kurang_tanggap_from": "2.4", "version": null}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "set already: the version read is stale"
    );
    let (status, body) = put_bands(
        &app,
        &app.root_token,
        json!({"kurang_tanggap_from": 2.3, "version": 1}),
    )
    .await;
    assert_eq!((status, &body["version"]), (StatusCode::OK, &json!(2)));
    assert_eq!(body["kurang_tanggap_from"], "2.300");

    let after = app
        .post(path, &coord, json!({"year": 2025, "scores": all("2.2")}))
        .await;
    assert_eq!(after.body["outcome"], "tidak_tanggap", "{:?}", after.body);
    assert_eq!(after.body["rules"]["kurang_tanggap_from"], "2.300");
    let history = app.get(path, &coord).await.body;
    let old = &history["items"][1];
    assert_eq!(
        (
            old["outcome"].as_str(),
            old["rules"]["kurang_tanggap_from"].as_str()
        ),
        (Some("kurang_tanggap"), Some("2.135")),
        "the earlier assessment keeps its bands"
    );
    let audit = app
        .get("/api/v1/audit?limit=20", &app.root_token)
        .await
        .body;
    let changes = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "settings.ikotan_bands")
        .count();
    assert_eq!(changes, 2);
}

async fn a_coordinator_records_ikotan_from_the_regency_page_and_a_refused_form_keeps_its_input(
    app: TestApp,
) {
    let (coord, agent) = binjai(&app).await;
    let regency = page(&app, &coord, "/regions/12.75").await.html;
    assert!(
        regency.contains("action=\"/regencies/12.75/ikotan\""),
        "the form is on the regency page"
    );
    let year = app.today().format("%Y").to_string();
    assert!(
        regency.contains(&format!("name=\"year\" type=\"number\" inputmode=\"numeric\" min=\"2000\" max=\"2100\" value=\"{year}\"")),
        "this year by default"
    );
    let at = regency.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = regency[at..at + regency[at..].find('"').expect("end")].to_owned();
    let agents_view = page(&app, &agent, "/regions/12.75").await.html;
    assert!(
        !agents_view.contains("/regencies/12.75/ikotan"),
        "not for agents"
    );

    let path = "/regencies/12.75/ikotan";
    let bad = [
        ("csrf", csrf.as_str()),
        ("year", "2999"),
        ("scores.family", "5"),
        ("scores.community", "3,5"),
        ("scores.territory", ""),
        ("scores.institutions", "3.1234"),
        ("scores.law", "4"),
    ];
    let refused = form(&app, &coord, path, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["year", "family", "territory", "institutions"] {
        assert!(
            refused.html.contains(&format!("id=\"err-ikotan-{id}\"")),
            "{id}: {}",
            refused.html
        );
    }
    assert!(!refused.html.contains("id=\"err-ikotan-community\""));
    assert!(
        refused.html.contains("value=\"3,5\"") && refused.html.contains("value=\"3.1234\""),
        "the input is kept"
    );
    assert!(
        refused.html.contains("Nilai antara 1 dan 4"),
        "in Indonesian"
    );

    let good = [
        ("csrf", csrf.as_str()),
        ("year", "2025"),
        ("scores.family", "3,6"),
        ("scores.community", "3.5"),
        ("scores.territory", "3.55"),
        ("scores.institutions", "4"),
        ("scores.law", "3"),
    ];
    let saved = form(&app, &coord, path, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert_eq!(
        saved.location.as_deref(),
        Some("/regions/12.75#assessments")
    );
    let history = app.get("/api/v1/regencies/12.75/ikotan", &coord).await.body;
    assert_eq!(
        (
            history["items"][0]["index"].as_str(),
            history["items"][0]["outcome"].as_str()
        ),
        (Some("3.530"), Some("tanggap"))
    );
    let shown = page(&app, &coord, "/regions/12.75").await.html;
    assert!(shown.contains(">3.530</td>"), "the history shows it");
    let at = |marker: &str| {
        shown
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} on the regency page"))
    };
    assert!(
        at("id=\"bersinar\"") < at("id=\"ikotan-title\""),
        "the regency page opens on its figures, the IKOTAN form after them"
    );
    assert!(
        shown.contains("<details class=\"change\">\n<summary id=\"ikotan-title\">"),
        "the IKOTAN form waits behind its summary line"
    );

    assert_eq!(page(&app, &agent, path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        form(&app, &agent, path, &good).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&app, &coord, "/regencies/12.75.01/ikotan")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let alone = page(&app, &coord, path).await;
    assert_eq!(alone.status, StatusCode::OK);
    assert!(alone.html.contains("<h1 id=\"ikotan-title\">"));
}
