//! The partner directory page: every role that refers clients or receives referrals
//! finds services by type and region from the menu; a partner lists services of its own
//! organisation only, and a refused form comes back as typed with each field's problem.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    whoever_refers_or_receives_referrals_finds_services_from_the_menu,
    a_partner_lists_for_its_own_organisation_and_a_refused_form_keeps_what_was_typed,
);

/// The session's CSRF token, from the directory page's hidden field.
async fn csrf(app: &TestApp, token: &str) -> String {
    let p = page(app, token, "/partner-services").await;
    let at = p.html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    p.html[at..at + p.html[at..].find('"').expect("end")].to_owned()
}

/// BLK Batam with a welding course for the city and a sewing course for one district.
async fn blk(app: &TestApp) -> String {
    let blk = app
        .create_org(&app.root_token, "BLK Batam", "disnakertrans", "21.71")
        .await;
    for (name, areas) in [("Pelatihan Las", ["21.71"]), ("Menjahit", ["21.71.01"])] {
        let body = json!({"org_id": blk, "name": name, "service": "vocational_training",
                          "areas": areas, "contact": "0778-123456"});
        let r = app
            .post("/api/v1/partner-services", &app.root_token, body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    blk
}

async fn whoever_refers_or_receives_referrals_finds_services_from_the_menu(app: TestApp) {
    let blk = blk(&app).await;
    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    for (name, role, org) in [
        ("koordinator", "coordinator", &bnnk),
        ("konselor", "counsellor", &bnnk),
        ("agen", "agent", &bnnk),
        ("staf.blk", "partner", &blk),
    ] {
        let (_, token) = app
            .create_user(&app.root_token, name, role, org, "21.71")
            .await;
        let p = page(&app, &token, "/account").await;
        assert!(
            p.html.contains("href=\"/partner-services\""),
            "{role} sees the menu entry"
        );
        let p = page(
            &app,
            &token,
            "/partner-services?service=vocational_training&region=21.71.02.1001",
        )
        .await;
        assert_eq!(p.status, StatusCode::OK, "{role}");
        assert!(p.html.contains("Pelatihan Las"), "{role}");
        assert!(
            !p.html.contains("Menjahit"),
            "the sewing course serves another district"
        );
    }
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &bnnk, "21.71")
        .await;
    let p = page(&app, &analyst, "/account").await;
    assert!(!p.html.contains("href=\"/partner-services\""), "{}", p.html);
    let p = page(&app, &analyst, "/partner-services").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    let r = app
        .request(
            Method::GET,
            "/partner-services?region=21.7",
            Some(&app.root_token),
            None,
            &[("accept-language", "en")],
        )
        .await;
    let html = r.body.as_str().expect("html");
    assert!(html.contains("Partner service directory"), "in English");
    assert!(
        html.contains("aria-invalid=\"true\""),
        "the bad region is marked"
    );
}

async fn a_partner_lists_for_its_own_organisation_and_a_refused_form_keeps_what_was_typed(
    app: TestApp,
) {
    let blk = blk(&app).await;
    let dinsos = app
        .create_org(&app.root_token, "Dinsos Batam", "dinsos", "21.71")
        .await;
    let (_, partner) = app
        .create_user(&app.root_token, "staf.blk", "partner", &blk, "21.71")
        .await;
    let p = page(&app, &partner, "/partner-services").await;
    assert!(
        p.html.contains(&format!("value=\"{blk}\"")),
        "its own organisation"
    );
    assert!(!p.html.contains(&dinsos), "no other organisation to choose");
    let csrf = csrf(&app, &partner).await;
    let typed = [
        ("csrf", csrf.as_str()),
        ("org_id", blk.as_str()),
        ("name", ""),
        ("service", "vocational_training"),
        ("areas", "21.71, 21.99"),
        ("capacity", "dua puluh"),
        ("contact", "0778-999888"),
        ("hours", "Sabtu 09.00–12.00"),
    ];
    let p = form(&app, &partner, "/partner-services", &typed).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    for kept in [
        "21.71, 21.99",
        "dua puluh",
        "0778-999888",
        "Sabtu 09.00–12.00",
    ] {
        assert!(p.html.contains(kept), "{kept} kept");
    }
    for field in ["err-name", "err-capacity"] {
        assert!(p.html.contains(&format!("id=\"{field}\"")), "{field}");
    }
    let all = app.get("/api/v1/partner-services", &partner).await;
    assert_eq!(
        all.body["items"].as_array().expect("items").len(),
        2,
        "nothing stored"
    );

    let mut fixed = typed;
    fixed[2] = ("name", "Kursus Barista");
    fixed[4] = ("areas", "21.71, 21.72");
    fixed[5] = ("capacity", "15");
    let p = form(&app, &partner, "/partner-services", &fixed).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.html);
    assert!(p.html.contains("Layanan dicatat"), "{}", p.html);
    assert!(p.html.contains("Kursus Barista"));

    let mut other = fixed;
    other[1] = ("org_id", dinsos.as_str());
    let p = form(&app, &partner, "/partner-services", &other).await;
    assert_eq!(
        p.status,
        StatusCode::FORBIDDEN,
        "another organisation's service"
    );
}
