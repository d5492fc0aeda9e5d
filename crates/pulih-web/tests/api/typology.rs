//! BNN's user typology recorded with an ASSIST screening (sealed with the answers, shown
//! on the record, counted on the dashboard under the suppression rules of client
//! figures), and stepped care's rule that an IBM unit handles mild use only: an agent
//! takes no IBM step where the latest screening proposes a referral, and the coordinator
//! sees such clients on the worklist until a step is recorded.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::clients::{consent, register};
use crate::dashboards::{counsellor, dashboard, semester};
use crate::helpers::{ROOT_PASSWORD, TestApp};
use crate::on_both_backends;
use crate::referrals::partner;

on_both_backends!(
    the_typology_is_sealed_with_the_screening_and_shown_on_the_record,
    the_dashboard_counts_screenings_by_typology_and_hides_small_counts_from_analysts,
    an_agent_takes_no_ibm_step_where_the_screening_proposes_a_referral,
    the_coordinator_sees_clients_proposed_for_referral_until_a_step_is_taken,
    a_referral_to_treatment_answers_the_proposal_until_it_is_declined,
);

/// A client of `token`'s with consent: its id and code.
async fn client(app: &TestApp, token: &str) -> (String, String) {
    let c = register(app, token, json!({})).await;
    let id = c["id"].as_str().expect("id").to_owned();
    consent(app, token, &id).await;
    (id, c["code"].as_str().expect("code").to_owned())
}

/// A screening of moderate cannabis use (a brief intervention), or, with `injecting`,
/// injecting in the past three months (a referral), with `typology`.
fn screening(typology: Option<&str>, injecting: bool) -> Value {
    json!({"substances": {"cannabis": {"q2": "weekly", "q3": "weekly"}},
           "q8": if injecting { "past_3_months" } else { "never" },
           "typology": typology})
}

async fn screen(app: &TestApp, token: &str, id: &str, body: Value) -> Value {
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/screenings/assist"),
            token,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

async fn the_typology_is_sealed_with_the_screening_and_shown_on_the_record(app: TestApp) {
    let worker = counsellor(&app, "konselor", "21.71").await;
    let (id, _) = client(&app, &worker).await;
    let result = screen(&app, &worker, &id, screening(Some("coba_pakai"), false)).await;
    assert_eq!(result["typology"], "coba_pakai");
    assert_eq!(result["recommendation"], "brief_intervention");

    let html = crate::client_pages::page(&app, &worker, &format!("/clients/{id}"))
        .await
        .html;
    assert!(
        html.contains("Coba pakai (baru satu atau dua kali)"),
        "{html}"
    );

    let r = app
        .request(
            Method::POST,
            &format!("/api/v1/clients/{id}/screenings/assist"),
            Some(&worker),
            Some(screening(Some("pemakai"), false)),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.body["error"]["fields"]["typology"],
        "Choose one typology: tried once or twice, regular use, or dependent."
    );
}

async fn the_dashboard_counts_screenings_by_typology_and_hides_small_counts_from_analysts(
    app: TestApp,
) {
    // Binjai (12.75) screens 2 who tried once or twice, Medan (12.71) 6
    let binjai = counsellor(&app, "binjai", "12.75").await;
    let medan = counsellor(&app, "medan", "12.71").await;
    for (token, n) in [(&binjai, 2), (&medan, 6)] {
        for _ in 0..n {
            let (id, _) = client(&app, token).await;
            screen(&app, token, &id, screening(Some("coba_pakai"), false)).await;
        }
    }
    let (id, _) = client(&app, &medan).await;
    screen(&app, &medan, &id, screening(None, false)).await;
    let period = semester(&app);
    let org = app
        .create_org(&app.root_token, "BNNP Sumut", "bnn", "12")
        .await;
    let (_, coordinator) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "12")
        .await;
    let live = dashboard(&app, &coordinator, "12", &period).await;
    assert_eq!(live["figures"]["typology_coba_pakai"], 8, "{live}");
    assert_eq!(live["figures"]["typology_pecandu"], 0, "{live}");
    assert_eq!(live["figures"]["assist_screenings"], 9, "{live}");

    app.clock.advance_days(200);
    let root = app.login("root", ROOT_PASSWORD).await;
    let (_, analyst) = app
        .create_user(&root, "analis", "analyst", &org, "12")
        .await;
    let closed = dashboard(&app, &analyst, "12", &period).await;
    assert_eq!(closed["figures"]["typology_coba_pakai"], 8, "{closed}");
    let child = |code: &str| {
        closed["children"]
            .as_array()
            .expect("children")
            .iter()
            .find(|c| c["region"]["code"] == code)
            .map(|c| c["figures"]["typology_coba_pakai"].clone())
    };
    assert_eq!(child("12.75"), Some(Value::Null), "2 is a small cell");
    assert_eq!(
        child("12.71"),
        Some(Value::Null),
        "8 − 6 would give it away"
    );
}

async fn an_agent_takes_no_ibm_step_where_the_screening_proposes_a_referral(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, agent) = app
        .create_user(&app.root_token, "agen", "agent", &org, "21.71.01.1002")
        .await;
    let (id, _) = client(&app, &agent).await;
    screen(&app, &agent, &id, screening(Some("pecandu"), true)).await;
    let step = |done: &str| json!({"done": done, "note": "Klien menolak dirujuk"});
    for (lang, message) in [
        (
            "en",
            "An IBM unit handles mild use only. The latest ASSIST screening proposes a \
             referral: record the referral, or hand this client to a counsellor.",
        ),
        (
            "id",
            "Unit IBM hanya menangani penggunaan ringan. Skrining ASSIST terakhir mengusulkan \
             rujukan: catat rujukan, atau serahkan klien ini kepada konselor.",
        ),
    ] {
        let r = app
            .request(
                Method::POST,
                &format!("/api/v1/clients/{id}/care-steps"),
                Some(&agent),
                Some(step("brief_intervention")),
                &[("accept-language", lang)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
        assert_eq!(r.body["error"]["fields"]["done"], message);
    }
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/care-steps"),
            &agent,
            step("referral"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // after a screening of mild use the agent gives the brief intervention itself
    screen(&app, &agent, &id, screening(Some("coba_pakai"), false)).await;
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/care-steps"),
            &agent,
            step("brief_intervention"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

fn codes(list: &Value) -> Vec<&str> {
    list["referral_needed"]
        .as_array()
        .unwrap_or_else(|| panic!("referral_needed: {list}"))
        .iter()
        .map(|i| i["client_code"].as_str().expect("code"))
        .collect()
}

async fn the_coordinator_sees_clients_proposed_for_referral_until_a_step_is_taken(app: TestApp) {
    let batam = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let sanggau = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    let (_, agent) = app
        .create_user(&app.root_token, "agen", "agent", &batam, "21.71.01.1002")
        .await;
    let (_, binjai_agent) = app
        .create_user(
            &app.root_token,
            "agen.binjai",
            "agent",
            &sanggau,
            "61.03.10.2010",
        )
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator",
            "coordinator",
            &batam,
            "21.71",
        )
        .await;
    let (_, sanggau_coordinator) = app
        .create_user(
            &app.root_token,
            "koord.sanggau",
            "coordinator",
            &sanggau,
            "61.03",
        )
        .await;
    let (high, high_code) = client(&app, &agent).await;
    let (mild, _) = client(&app, &agent).await;
    let (binjai, binjai_code) = client(&app, &binjai_agent).await;
    screen(&app, &agent, &high, screening(Some("pecandu"), true)).await;
    screen(&app, &agent, &mild, screening(Some("coba_pakai"), false)).await;
    screen(&app, &binjai_agent, &binjai, screening(None, true)).await;

    let list = app.get("/api/v1/worklist", &coordinator).await.body;
    assert_eq!(codes(&list), [high_code.as_str()], "Batam's only: {list}");
    assert_eq!(
        codes(&app.get("/api/v1/worklist", &agent).await.body),
        [high_code.as_str()]
    );
    let list = app.get("/api/v1/worklist", &sanggau_coordinator).await.body;
    assert_eq!(codes(&list), [binjai_code.as_str()], "{list}");
    let html = crate::client_pages::page(&app, &coordinator, "/worklist")
        .await
        .html;
    assert!(html.contains(&high_code) && !html.contains(&binjai_code));

    // the referral step takes the client off the list
    let r = app
        .post(
            &format!("/api/v1/clients/{high}/care-steps"),
            &agent,
            json!({"done": "referral"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(codes(&app.get("/api/v1/worklist", &coordinator).await.body).is_empty());

    // a new screening that proposes a referral puts it back; a milder one after it clears it
    screen(&app, &agent, &high, screening(Some("pecandu"), true)).await;
    let list = app.get("/api/v1/worklist", &coordinator).await.body;
    assert_eq!(codes(&list), [high_code.as_str()]);
    screen(&app, &agent, &high, screening(Some("teratur_pakai"), false)).await;
    assert!(codes(&app.get("/api/v1/worklist", &coordinator).await.body).is_empty());
}

async fn a_referral_to_treatment_answers_the_proposal_until_it_is_declined(app: TestApp) {
    let worker = counsellor(&app, "konselor", "21.71").await;
    let c = register(&app, &worker, json!({})).await;
    let (id, code) = (
        c["id"].as_str().expect("id"),
        c["code"].as_str().expect("code"),
    );
    let consent = json!({"services": true, "share_with": ["rehab_centre", "disnakertrans"],
        "follow_up": true, "given_by": "client", "method": "signed_form",
        "given_on": app.days_ago(1)});
    let r = app
        .post(&format!("/api/v1/clients/{id}/consents"), &worker, consent)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    screen(&app, &worker, id, screening(Some("pecandu"), true)).await;
    assert_eq!(
        codes(&app.get("/api/v1/worklist", &worker).await.body),
        [code]
    );

    // a course at a BLK does not treat: the proposal stands
    let (_, course) = partner(&app, "BLK Batam", "disnakertrans", "vocational_training").await;
    refer(&app, &worker, id, &course).await;
    assert_eq!(
        codes(&app.get("/api/v1/worklist", &worker).await.body),
        [code]
    );

    // outpatient rehab answers it, until the centre declines
    let (rehab, service) = partner(&app, "Rehab Batam", "rehab_centre", "rehab_outpatient").await;
    let sent = refer(&app, &worker, id, &service).await;
    assert!(codes(&app.get("/api/v1/worklist", &worker).await.body).is_empty());
    let r = app
        .post(
            &format!(
                "/api/v1/referrals/{}/moves",
                sent["id"].as_str().expect("id")
            ),
            &rehab,
            json!({"move": "decline", "reason": "Penuh", "version": sent["version"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        codes(&app.get("/api/v1/worklist", &worker).await.body),
        [code]
    );
}

async fn refer(app: &TestApp, token: &str, client: &str, service: &str) -> Value {
    let r = app
        .post(
            &format!("/api/v1/clients/{client}/referrals"),
            token,
            json!({"service_id": service, "reason": "Rujukan setelah skrining"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}
