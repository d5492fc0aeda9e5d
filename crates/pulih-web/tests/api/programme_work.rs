//! The worklist items of DESIGN §9 computed from the programme and care records: care-plan
//! reviews due, IBM units to train, IKN re-assessments due and Bersinar targets at risk,
//! each appearing and going away as its condition changes, and never crossing from
//! Kabupaten Sanggau into a Kota Batam coordinator's list.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::clients::{consent, counsellor, register};
use crate::helpers::{TestApp, USER_PASSWORD};
use crate::on_both_backends;
use crate::programme::indicators;
use crate::units::{form, office};

on_both_backends!(
    a_care_plan_review_shows_a_week_ahead_and_goes_when_the_plan_is_revised,
    a_unit_with_untrained_agents_needs_a_bimtek_until_one_is_planned,
    a_village_is_due_for_ikn_again_a_year_after_its_latest_assessment,
    a_regency_behind_the_share_of_its_target_is_at_risk_until_villages_are_designated,
);

const BATAM_VILLAGE: &str = "21.71.01.1002";
const BINJAI: &str = "61.03.10.2010";

async fn worklist(app: &TestApp, token: &str) -> Value {
    let r = app.get("/api/v1/worklist", token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

/// The values at `field` of each item of a worklist section.
fn column(list: &Value, section: &str, field: &str) -> Vec<String> {
    list[section]
        .as_array()
        .unwrap_or_else(|| panic!("{section}: {list}"))
        .iter()
        .map(|i| i[field].as_str().expect(field).to_owned())
        .collect()
}

async fn plan(
    app: &TestApp,
    token: &str,
    id: &str,
    review_on: String,
    revises: Option<&str>,
) -> String {
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/care-plans"),
            token,
            json!({"goals": ["Kerja lagi"], "responsible": "Konselor",
                   "review_on": review_on, "revises": revises}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["id"].as_str().expect("id").to_owned()
}

async fn a_care_plan_review_shows_a_week_ahead_and_goes_when_the_plan_is_revised(app: TestApp) {
    let (_, worker) = counsellor(&app, "konselor").await;
    let mut clients = Vec::new();
    for _ in 0..2 {
        let c = register(&app, &worker, json!({})).await;
        let id = c["id"].as_str().expect("id").to_owned();
        consent(&app, &worker, &id).await;
        clients.push((id, c["code"].as_str().expect("code").to_owned()));
    }
    let soon = plan(&app, &worker, &clients[0].0, app.days_ahead(3), None).await;
    plan(&app, &worker, &clients[1].0, app.days_ahead(30), None).await;
    let list = worklist(&app, &worker).await;
    assert_eq!(
        column(&list, "care_plan_reviews", "client_code"),
        [clients[0].1.as_str()]
    );
    assert_eq!(list["care_plan_reviews"][0]["due_on"], app.days_ahead(3));

    // the review past its date is overdue; the other comes into the week
    app.clock.advance_days(24);
    let worker = app.login("konselor", USER_PASSWORD).await;
    let list = worklist(&app, &worker).await;
    assert_eq!(
        list["care_plan_reviews"].as_array().map(Vec::len),
        Some(2),
        "{list}"
    );
    assert_eq!(list["care_plan_reviews"][0]["overdue"], true);

    // reviewing the plan (a revision) takes it off
    plan(
        &app,
        &worker,
        &clients[0].0,
        app.days_ahead(90),
        Some(&soon),
    )
    .await;
    let list = worklist(&app, &worker).await;
    assert_eq!(
        column(&list, "care_plan_reviews", "client_code"),
        [clients[1].1.as_str()]
    );
}

async fn a_unit_with_untrained_agents_needs_a_bimtek_until_one_is_planned(app: TestApp) {
    let (batam, agents) = office(&app, "BNNK Batam", "21.71", BATAM_VILLAGE, 2).await;
    let unit = form(&app, &batam, BATAM_VILLAGE, &agents).await;
    let unit_id = unit["id"].as_str().expect("id").to_owned();
    let (sanggau, binjai_agents) = office(&app, "BNNK Sanggau", "61.03", BINJAI, 1).await;
    form(&app, &sanggau, BINJAI, &binjai_agents).await;

    let list = worklist(&app, &batam).await;
    assert_eq!(column(&list, "trainings_due", "village"), [BATAM_VILLAGE]);
    assert_eq!(list["trainings_due"][0]["untrained"], 2);
    assert_eq!(column(&list, "trainings_due", "unit"), [unit_id.as_str()]);
    let sanggau_list = worklist(&app, &sanggau).await;
    assert_eq!(column(&sanggau_list, "trainings_due", "village"), [BINJAI]);
    let agents_list = worklist(&app, &agents[0].1).await;
    assert_eq!(
        agents_list["trainings_due"],
        json!([]),
        "coordinators' work"
    );

    let bimtek = json!({"title": "Bimtek Agen Pemulihan", "organiser": "BNNK Batam",
        "starts_on": app.days_ahead(10), "ends_on": app.days_ahead(12), "modules": ["Adiksi"]});
    let r = app
        .post(
            &format!("/api/v1/ibm-units/{unit_id}/trainings"),
            &batam,
            bimtek,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let list = worklist(&app, &batam).await;
    assert_eq!(list["trainings_due"], json!([]), "a bimtek is planned");

    // once it is over with nobody certified, the unit needs one again
    app.clock.advance_days(13);
    let batam = app.login("koor21.71", USER_PASSWORD).await;
    let list = worklist(&app, &batam).await;
    assert_eq!(column(&list, "trainings_due", "village"), [BATAM_VILLAGE]);
}

async fn a_village_is_due_for_ikn_again_a_year_after_its_latest_assessment(app: TestApp) {
    let (batam, agents) = office(&app, "BNNK Batam", "21.71", BATAM_VILLAGE, 1).await;
    let (sanggau, _) = office(&app, "BNNK Sanggau", "61.03", BINJAI, 0).await;
    let assess = |village: &'static str, token: String, on: String| {
        let app = &app;
        async move {
            let body = json!({"assessed_on": on, "indicators": indicators(2, 1)});
            let r = app
                .post(&format!("/api/v1/villages/{village}/ikn"), &token, body)
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        }
    };
    assess(BATAM_VILLAGE, agents[0].1.clone(), app.days_ago(400)).await;
    assess("21.71.01.1003", batam.clone(), app.days_ago(100)).await;
    assess(BINJAI, sanggau.clone(), app.days_ago(500)).await;

    let list = worklist(&app, &batam).await;
    assert_eq!(column(&list, "ikn_due", "village"), [BATAM_VILLAGE]);
    assert_eq!(list["ikn_due"][0]["assessed_on"], app.days_ago(400));
    let sanggau_list = worklist(&app, &sanggau).await;
    assert_eq!(column(&sanggau_list, "ikn_due", "village"), [BINJAI]);

    assess(BATAM_VILLAGE, agents[0].1.clone(), app.days_ago(1)).await;
    let list = worklist(&app, &batam).await;
    assert_eq!(list["ikn_due"], json!([]), "assessed again");
}

async fn a_regency_behind_the_share_of_its_target_is_at_risk_until_villages_are_designated(
    app: TestApp,
) {
    if chrono::Datelike::ordinal(&app.today()) < 10 {
        // in the first days of a year no target Batam can have calls for a village yet
        app.clock.advance_days(10);
    }
    let (batam, _) = office(&app, "BNNK Batam", "21.71", BATAM_VILLAGE, 0).await;
    let (sanggau, _) = office(&app, "BNNK Sanggau", "61.03", BINJAI, 0).await;
    // the smallest target of which the year so far already calls for one village
    let today = app.today();
    let target = (1..=64)
        .find(|t| pulih_domain::programme::bersinar::due_by(*t, today) == 1)
        .expect("a target");
    let year = app.year();
    for (token, regency) in [(&batam, "21.71"), (&sanggau, "61.03")] {
        let r = app
            .request(
                Method::PUT,
                &format!("/api/v1/regencies/{regency}/bersinar-targets/{year}"),
                Some(token),
                Some(json!({"count": target})),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    }
    let list = worklist(&app, &batam).await;
    assert_eq!(
        column(&list, "targets_at_risk", "regency"),
        ["21.71"],
        "{list}"
    );
    let risk = &list["targets_at_risk"][0];
    assert_eq!(
        (&risk["target"], &risk["designated"], &risk["due_by_now"]),
        (&json!(target), &json!(0), &json!(1))
    );
    assert_eq!(
        column(
            &worklist(&app, &sanggau).await,
            "targets_at_risk",
            "regency"
        ),
        ["61.03"]
    );

    // a candidate does not count; a designated village does
    let step = |body: Value| {
        let app = &app;
        let batam = batam.clone();
        async move {
            let r = app
                .post(
                    &format!("/api/v1/villages/{BATAM_VILLAGE}/bersinar"),
                    &batam,
                    body,
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        }
    };
    step(json!({"step": "nominate"})).await;
    let list = worklist(&app, &batam).await;
    assert_eq!(column(&list, "targets_at_risk", "regency"), ["21.71"]);
    step(
        json!({"step": "designate", "decree_number": "188.45/1/2026",
                "decree_date": app.days_ago(1), "decree_issuer": "Wali Kota Batam"}),
    )
    .await;
    let list = worklist(&app, &batam).await;
    assert_eq!(list["targets_at_risk"], json!([]), "{list}");
    let html = crate::client_pages::page(&app, &sanggau, "/worklist")
        .await
        .html;
    assert!(
        html.contains("Target Bersinar yang terancam tidak tercapai"),
        "{html}"
    );
}
