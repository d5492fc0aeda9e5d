//! Health, readiness, metrics, the API description, and the pages around them.

use reqwest::{Method, StatusCode};

use crate::helpers::{METRICS_TOKEN, TestApp};

crate::on_both_backends!(
    operations_endpoints_answer,
    metrics_are_refused_without_the_scrapers_token,
    made_up_methods_are_counted_under_one_label,
    the_api_is_described_and_documented,
    the_audit_page_names_who_did_what_and_verifies_the_chain,
);

async fn operations_endpoints_answer(app: TestApp) {
    let get = |path: &'static str| app.client.get(format!("{}{path}", app.address)).send();
    assert_eq!(get("/healthz").await.expect("get").status(), StatusCode::OK);
    assert_eq!(get("/readyz").await.expect("get").status(), StatusCode::OK);
    app.get("/api/v1/regions/21.71", &app.root_token).await;
    let metrics = scrape(&app).await;
    assert!(
        metrics.contains("route=\"/api/v1/regions/{code}\",status=\"200\""),
        "{metrics}"
    );
    let missing = get("/no-such-page").await.expect("get");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let html = missing.text().await.expect("html");
    assert!(html.contains("tidak ditemukan"));
    let headers = get("/login").await.expect("get").headers().clone();
    assert_eq!(headers["x-frame-options"], "DENY");
    let csp = headers["content-security-policy"].to_str().expect("csp");
    for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'"] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
}

/// The metrics as the scraper with the token reads them.
async fn scrape(app: &TestApp) -> String {
    let res = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.expect("text")
}

async fn metrics_are_refused_without_the_scrapers_token(app: TestApp) {
    for token in [None, Some("wrong-token"), Some(app.root_token.as_str())] {
        let mut req = app.client.get(format!("{}/metrics", app.address));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("get");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "with {token:?}");
        let text = res.text().await.expect("text");
        assert!(!text.contains("pulih_http_requests_total"), "{text}");
    }
    assert!(scrape(&app).await.contains("pulih_http_requests_total"));
}

async fn made_up_methods_are_counted_under_one_label(app: TestApp) {
    for method in ["FOO123", "BAR456", "QUUX"] {
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        app.client
            .request(method, format!("{}/healthz", app.address))
            .send()
            .await
            .expect("request");
    }
    let metrics = scrape(&app).await;
    assert!(
        metrics.contains(
            "pulih_http_requests_total{method=\"other\",route=\"/healthz\",status=\"405\"} 3"
        ),
        "{metrics}"
    );
    for made_up in ["FOO123", "BAR456", "QUUX"] {
        assert!(!metrics.contains(made_up), "{made_up} in {metrics}");
    }
}

async fn the_api_is_described_and_documented(app: TestApp) {
    let doc: serde_json::Value = app
        .client
        .get(format!("{}/api/v1/openapi.json", app.address))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/regions/{code}"]["get"].is_object());
    let docs = app
        .client
        .get(format!("{}/api/docs", app.address))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(docs.contains("/api/v1/regions/{code}") && !docs.contains("https://"));
    let js = app
        .client
        .get(format!("{}/static/htmx-2.0.11.min.js", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(js.headers()["content-type"], "text/javascript");
}

async fn the_audit_page_names_who_did_what_and_verifies_the_chain(app: TestApp) {
    app.create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let page = |path: &'static str| {
        app.client
            .get(format!("{}{path}", app.address))
            .bearer_auth(&app.root_token)
            .send()
    };
    let html = page("/audit")
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("<td>root</td>") && html.contains("org.create"),
        "{html}"
    );
    let verified = page("/audit?verify=true")
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(verified.contains("Rantai log utuh"), "{verified}");
}
