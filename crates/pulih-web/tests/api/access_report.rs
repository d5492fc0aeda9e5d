//! A client's right of access (issue 19, item 11): the record with every access to it,
//! from the audit chain, in plain words and the client's zone; the request audited and
//! listed in the next report; a break-glass reason shown; a client out of reach answered
//! exactly as an unknown id.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::page;
use crate::clients::{consent, counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    the_access_report_lists_every_access_in_plain_words_and_the_clients_zone,
    a_break_glass_access_shows_its_reason_in_the_report,
    a_client_out_of_reach_is_answered_as_an_unknown_id,
    the_access_report_page_prints_the_log_in_indonesian,
);

const REASON: &str = "Klien dirawat darurat di RSUD Tanjung Uban, perlu riwayat";

/// A Batam client of a counsellor in IPWL Batam: (counsellor's token, client id, code).
async fn batam_client(app: &TestApp) -> (String, String, String) {
    let (_, token) = counsellor(app, "konselor").await;
    let client = register(app, &token, json!({"name": "Rina Hartati"})).await;
    let text = |key: &str| client[key].as_str().expect(key).to_owned();
    (token, text("id"), text("code"))
}

async fn report(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/clients/{id}/access-report"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

fn log(report: &Value) -> &Vec<Value> {
    report["access_log"].as_array().expect("access log")
}

fn kinds(report: &Value) -> Vec<&str> {
    log(report)
        .iter()
        .map(|l| l["kind"].as_str().expect("kind"))
        .collect()
}

async fn the_access_report_lists_every_access_in_plain_words_and_the_clients_zone(app: TestApp) {
    let (token, id, code) = batam_client(&app).await;
    consent(&app, &token, &id).await;
    let read = app.get(&format!("/api/v1/clients/{id}"), &token).await;
    assert_eq!(read.status, StatusCode::OK);

    let first = report(&app, &token, &id).await;
    assert_eq!(first["client"]["code"], code.as_str());
    assert_eq!(first["client"]["identity"]["name"], "Rina Hartati");
    assert_eq!(first["zone"], "WIB", "Kota Batam keeps western time");
    assert_eq!(
        kinds(&first),
        ["register", "write_fact", "read_api", "read_access_report"],
        "every entry about the client, oldest first, the request itself last"
    );
    for line in log(&first) {
        assert_eq!(line["by"]["name"], "konselor");
        assert_eq!(line["by"]["organisation"], "IPWL Batam");
        assert_eq!(line["by"]["role"], "counsellor");
        assert_eq!(line["break_glass"], false);
        assert!(line["reason"].is_null());
        let at = line["at"].as_str().expect("at");
        assert!(at.ends_with("+07:00"), "local time: {at}");
        let when = line["when"].as_str().expect("when");
        assert!(when.ends_with(" WIB"), "{when}");
        let said = line["description"].as_str().expect("description");
        assert!(
            !said.contains("client.") && !said.contains("access.kind"),
            "plain words, not keys: {said}"
        );
    }
    assert_eq!(log(&first)[0]["description"], "Mendaftarkan klien");
    assert_eq!(
        log(&first)[3]["description"],
        "Mencetak laporan akses ini atas permintaan klien"
    );

    // the request is an audited read of the record, and the next report lists it
    let audit = app.get("/api/v1/audit?limit=500", &app.root_token).await;
    let requests: Vec<&Value> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| {
            e["action"] == "client.record.read"
                && e["record_id"] == id.as_str()
                && e["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("\"access_report\""))
        })
        .collect();
    assert_eq!(requests.len(), 1, "the request is audited once");
    let second = report(&app, &token, &id).await;
    assert_eq!(
        kinds(&second)
            .iter()
            .filter(|k| **k == "read_access_report")
            .count(),
        2
    );

    // English on request, same entries
    let english = app
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/clients/{id}/access-report"),
            Some(&token),
            None,
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(
        english.body["access_log"][0]["description"],
        "Registered the client"
    );
}

async fn a_break_glass_access_shows_its_reason_in_the_report(app: TestApp) {
    let (token, id, code) = batam_client(&app).await;
    let bintan = app
        .create_org(&app.root_token, "BNNK Bintan", "bnn", "21.01")
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator-bintan",
            "coordinator",
            &bintan,
            "21.01",
        )
        .await;
    let opened = app
        .post(
            "/api/v1/break-glass",
            &coordinator,
            json!({"code": code, "reason": REASON}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{:?}", opened.body);
    let read = app
        .get(&format!("/api/v1/clients/{id}"), &coordinator)
        .await;
    assert_eq!(read.status, StatusCode::OK);
    // the administrators review it, reading the reason
    let reviewed = app.get("/api/v1/break-glass", &app.root_token).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{:?}", reviewed.body);

    let body = report(&app, &token, &id).await;
    let lines = log(&body);
    let glass: Vec<&Value> = lines.iter().filter(|l| l["break_glass"] == true).collect();
    assert_eq!(
        glass.len(),
        2,
        "the opening and the read under it: {lines:?}"
    );
    for line in &glass {
        assert_eq!(line["reason"], REASON);
        assert_eq!(line["by"]["name"], "koordinator-bintan");
        assert_eq!(line["by"]["organisation"], "BNNK Bintan");
    }
    assert_eq!(glass[0]["kind"], "break_glass");
    assert_eq!(
        glass[0]["description"],
        "Membuka akses darurat ke catatan klien"
    );
    assert_eq!(glass[1]["kind"], "read_api");
    assert!(
        kinds(&body).contains(&"grant_read"),
        "the reviewer's reading of the reason is listed too: {:?}",
        kinds(&body)
    );
    let unflagged = lines
        .iter()
        .filter(|l| l["break_glass"] == false)
        .all(|l| l["reason"].is_null());
    assert!(unflagged, "no reason where none was given");
}

async fn a_client_out_of_reach_is_answered_as_an_unknown_id(app: TestApp) {
    // a client of Desa Binjai, Kabupaten Sanggau
    let sanggau = app
        .create_org(&app.root_token, "IPWL Sanggau", "ipwl", "61.03")
        .await;
    let (_, far) = app
        .create_user(
            &app.root_token,
            "konselor-sanggau",
            "counsellor",
            &sanggau,
            "61.03",
        )
        .await;
    let client = register(
        &app,
        &far,
        json!({"name": "Dewi", "region": "61.03.10.2010"}),
    )
    .await;
    let id = client["id"].as_str().expect("id");
    let batam = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator-batam",
            "coordinator",
            &batam,
            "21.71",
        )
        .await;
    let unknown = pulih_domain::ids::ClientId::new().to_string();
    for path in [
        "/api/v1/clients/{id}/access-report",
        "/clients/{id}/access-report",
    ] {
        let there = app.get(&path.replace("{id}", id), &coordinator).await;
        let nowhere = app.get(&path.replace("{id}", &unknown), &coordinator).await;
        assert_eq!(there.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            (there.status, &there.body),
            (nowhere.status, &nowhere.body),
            "{path}: a client out of reach is answered as an unknown id"
        );
    }
    // a role without clients is refused alike, whether or not the client exists
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &batam, "21.71")
        .await;
    let there = app
        .get(&format!("/api/v1/clients/{id}/access-report"), &analyst)
        .await;
    let nowhere = app
        .get(
            &format!("/api/v1/clients/{unknown}/access-report"),
            &analyst,
        )
        .await;
    assert_eq!(there.status, StatusCode::FORBIDDEN);
    assert_eq!((there.status, &there.body), (nowhere.status, &nowhere.body));
    // the probes left no trace on the client's record
    let own = report(&app, &far, id).await;
    assert_eq!(kinds(&own), ["register", "read_access_report"]);
}

async fn the_access_report_page_prints_the_log_in_indonesian(app: TestApp) {
    let (token, id, code) = batam_client(&app).await;
    let record = page(&app, &token, &format!("/clients/{id}")).await;
    assert!(
        record
            .html
            .contains(&format!("href=\"/clients/{id}/access-report\"")),
        "the record links to the report"
    );
    let printed = page(&app, &token, &format!("/clients/{id}/access-report")).await;
    assert_eq!(printed.status, StatusCode::OK);
    let html = &printed.html;
    assert!(html.contains(&code));
    assert!(html.contains("Rina Hartati"), "the record itself");
    assert!(html.contains("Siapa yang mengakses catatan ini"));
    assert!(html.contains("Mendaftarkan klien"));
    assert!(
        html.contains("Membuka catatan klien"),
        "the record page read"
    );
    assert!(html.contains("Mencetak laporan akses ini atas permintaan klien"));
    assert!(html.contains("IPWL Batam"));
    assert!(html.contains(" WIB</time>"), "times in the client's zone");
    assert!(
        !html.contains("client.record") && !html.contains("access.kind"),
        "no raw keys"
    );
}
