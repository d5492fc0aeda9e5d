//! Official boundaries over HTTP: an administrator imports GeoJSON, the regency map draws
//! the villages as areas; a bad file is refused whole with every feature named, and
//! only administrators import, inside their scope.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::page;
use crate::helpers::{Reply, TestApp};
use crate::on_both_backends;

on_both_backends!(
    an_administrator_imports_boundaries_and_the_regency_map_draws_them,
    bad_geojson_is_refused_whole_with_every_feature_named_and_nothing_stored,
    only_administrators_import_boundaries_and_only_inside_their_scope,
);

/// Synthetic squares around 36 of Kota Binjai's 37 kelurahan (see `fixtures/README.md`).
const FIXTURE: &str = include_str!("../fixtures/binjai-synthetic-boundaries.geojson");

/// Posts a file to the import endpoint, in `lang`.
async fn upload(app: &TestApp, token: &str, query: &str, body: String, lang: &str) -> Reply {
    let res = app
        .client
        .post(format!("{}/api/v1/regions/boundaries{query}", app.address))
        .bearer_auth(token)
        .header("content-type", "application/geo+json")
        .header("accept-language", lang)
        .body(body)
        .send()
        .await
        .expect("request");
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.json().await.unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

/// A square feature of `side` degrees at (lon, lat) named `code`.
fn square(code: &str, lon: f64, lat: f64) -> Value {
    let (e, n) = (lon + 0.002, lat + 0.002);
    json!({"type": "Feature", "properties": {"kode": code},
           "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [e, lat], [e, n], [lon, n], [lon, lat]]]}})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// A coordinator of Kota Binjai, who sees the regency's programme and map.
async fn binjai_coordinator(app: &TestApp) -> String {
    let org = app
        .create_org(&app.root_token, "BNNK Binjai", "bnn", "12.75")
        .await;
    app.create_user(&app.root_token, "koordinator", "coordinator", &org, "12.75")
        .await
        .1
}

async fn an_administrator_imports_boundaries_and_the_regency_map_draws_them(app: TestApp) {
    let coord = binjai_coordinator(&app).await;
    let before = page(&app, &coord, "/regions/12.75").await.html;
    assert_eq!(before.matches("class=\"dot ").count(), 37, "points before");
    assert!(!before.contains("<path"));

    let r = upload(&app, &app.root_token, "", FIXTURE.to_owned(), "id").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"features": 36, "regions": 36, "replaced": 0, "vertices": 185, "by_level": [0, 0, 0, 36]}),
        "edge midpoints are simplified away"
    );
    let html = page(&app, &coord, "/regions/12.75").await.html;
    assert_eq!(
        html.matches("<path").count(),
        36,
        "villages with a boundary"
    );
    assert_eq!(
        html.matches("class=\"dot ").count(),
        1,
        "12.75.05.1008 stays a point"
    );
    assert!(
        html.contains("Pahlawan (12.75.01.1001): belum dinilai</title></path>"),
        "each area names its village and status"
    );
    let svg = &html[html.find("<svg").expect("svg")..html.find("</svg>").expect("end")];
    assert!(svg.len() < 12_000, "compact: {} bytes", svg.len());
    let first = svg.split("<path d=\"").nth(1).expect("a path");
    assert_eq!(
        first.split('"').next().expect("d").matches('z').count(),
        2,
        "the first kelurahan has an island: {first}"
    );

    let again = upload(&app, &app.root_token, "", FIXTURE.to_owned(), "id").await;
    assert_eq!(again.body["replaced"], 36, "a re-import replaces");
    let audit = app.get("/api/v1/audit?limit=5", &app.root_token).await.body;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "boundaries.import");
    assert_eq!(
        entry["region"], "12.75",
        "the lowest node holding every region"
    );
    let detail: Value = match &entry["detail"] {
        Value::String(text) => serde_json::from_str(text).expect("detail"),
        other => other.clone(),
    };
    assert_eq!(detail["summary"]["regions"], 36, "{detail}");
    assert!(
        !detail.to_string().contains("98.49"),
        "counts, not geometry"
    );
}

async fn bad_geojson_is_refused_whole_with_every_feature_named_and_nothing_stored(app: TestApp) {
    let coord = binjai_coordinator(&app).await;
    let audited = app.audit_count().await;
    let mut open = square("12.75.01.1003", 98.50, 3.61);
    open["geometry"]["coordinates"][0][4] = json!([98.5, 3.6111]);
    let point = json!({"type": "Feature", "properties": {"kode": "12.75.01.1005"},
                       "geometry": {"type": "Point", "coordinates": [98.48, 3.63]}});
    let file = collection(vec![
        square("12.75.01.1002", 98.49, 3.61),
        square("12.75.01.1999", 98.49, 3.62),
        open,
        square("12.75.01.1004", 2.35, 48.85),
        point,
        square("3275019999", 98.48, 3.65),
    ]);
    let r = upload(&app, &app.root_token, "", file.clone(), "id").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "features.1",
            "features.2",
            "features.3",
            "features.4",
            "features.5"
        ]
    );
    assert!(
        fields["features.2"]
            .as_str()
            .is_some_and(|m| m.starts_with("Fitur 2 (12.75.01.1003)") && m.contains("tertutup")),
        "{fields:?}"
    );
    let english = upload(&app, &app.root_token, "", file, "en").await.body;
    let fields = &english["error"]["fields"];
    assert_eq!(
        fields["features.1"],
        "Feature 1 (12.75.01.1999): this code is not a region in force."
    );
    assert!(
        fields["features.3"]
            .as_str()
            .is_some_and(|m| m.contains("outside Indonesia"))
    );
    assert!(
        fields["features.4"]
            .as_str()
            .is_some_and(|m| m.contains("Polygon or MultiPolygon"))
    );
    assert!(
        fields["features.5"]
            .as_str()
            .is_some_and(|m| m.starts_with("Feature 5 (32.75.01.9999): this code is not")),
        "a plain code reads, but names no region: {fields}"
    );

    for (bad, key) in [
        (
            "{\"type\": \"FeatureCollection\", \"features\": [".to_owned(),
            "Berkas bukan JSON",
        ),
        (json!({"type": "Feature"}).to_string(), "FeatureCollection"),
        (collection(vec![]), "tidak berisi fitur"),
    ] {
        let r = upload(&app, &app.root_token, "", bad, "id").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let message = r.body["error"]["fields"]["file"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(key), "{message}");
    }
    let named = upload(
        &app,
        &app.root_token,
        "?property=WADMKD",
        FIXTURE.to_owned(),
        "en",
    )
    .await;
    assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        named.body["error"]["fields"]["features.0"]
            .as_str()
            .is_some_and(|m| m.contains("(Pahlawan): not a Kemendagri region code")),
        "{:?}",
        named.body
    );

    assert_eq!(app.audit_count().await, audited, "nothing audited");
    let html = page(&app, &coord, "/regions/12.75").await.html;
    assert!(!html.contains("<path"), "nor stored");
}

async fn only_administrators_import_boundaries_and_only_inside_their_scope(app: TestApp) {
    let coord = binjai_coordinator(&app).await;
    let refused = upload(&app, &coord, "", FIXTURE.to_owned(), "id").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let org = app
        .create_org(&app.root_token, "BNNP Sumatera Utara", "bnn", "12")
        .await;
    let (_, admin) = app
        .create_user(&app.root_token, "admin-sumut", "admin", &org, "12")
        .await;
    let mut file: Value = serde_json::from_str(FIXTURE).expect("fixture");
    let features = file["features"].as_array_mut().expect("features");
    features.push(square("21.71.01.1002", 103.78, 1.10));
    let r = upload(&app, &admin, "", file.to_string(), "en").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.body["error"]["fields"]["features.36"],
        "Feature 36 (21.71.01.1002): this region lies outside your scope."
    );
    let ok = upload(&app, &admin, "", FIXTURE.to_owned(), "en").await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert_eq!(ok.body["regions"], 36);
}
