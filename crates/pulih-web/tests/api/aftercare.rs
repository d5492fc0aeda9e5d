//! Aftercare over HTTP: a plan followed up on schedule until it ends, refusals that store
//! nothing, replayed submissions, relapse restarting care, the worklist's follow-ups and
//! the outcome figure. Dates are relative to today in Batam (WIB).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{csrf, form, page};
use crate::clients::{consent, counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_plan_is_followed_up_until_aftercare_ends,
    a_follow_up_before_discharge_is_refused_and_a_replay_returns_the_first_visit,
    a_relapse_restarts_the_step_of_care_and_the_page_offers_it,
    the_worklist_shows_due_and_overdue_follow_ups_without_clinical_words,
    the_outcome_counts_finishers_who_did_not_relapse_and_hides_small_cells_from_analysts,
);

/// A consenting client of the counsellor: its id and code.
async fn client(app: &TestApp, token: &str) -> (String, String) {
    let c = register(app, token, json!({"name": "Klien Pascarehab"})).await;
    let id = c["id"].as_str().expect("id").to_owned();
    consent(app, token, &id).await;
    (id, c["code"].as_str().expect("code").to_owned())
}

async fn post_ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.post(path, token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {:?}", r.body);
    r.body
}

async fn plan(app: &TestApp, token: &str, id: &str, body: Value) -> Value {
    post_ok(
        app,
        token,
        &format!("/api/v1/clients/{id}/aftercare-plans"),
        body,
    )
    .await
}

async fn record(app: &TestApp, token: &str, id: &str) -> Value {
    let r = app.get(&format!("/api/v1/clients/{id}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

async fn a_plan_is_followed_up_until_aftercare_ends(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let (id, _) = client(&app, &token).await;
    plan(
        &app,
        &token,
        &id,
        json!({"discharged_on": app.days_ago(30), "follow_up_by": "Agen Siti"}),
    )
    .await;
    let a = &record(&app, &token, &id).await["aftercare"];
    assert_eq!(a["weeks"], json!([1, 2, 4, 8, 12, 26]));
    assert_eq!(
        (a["next_due"].as_str(), a["overdue"].as_bool()),
        (Some(app.days_ago(23).as_str()), Some(true))
    );
    let again = app
        .post(
            &format!("/api/v1/clients/{id}/aftercare-plans"),
            &token,
            json!({"discharged_on": app.days_ago(2)}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let message = again.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("masih punya rencana"), "{:?}", again.body);

    // a visit today answers week 1 and catches up on weeks 2 and 4: week 8 is next
    let path = format!("/api/v1/clients/{id}/follow-ups");
    let visit = post_ok(
        &app,
        &token,
        &path,
        json!({"mode": "home_visit", "status": "well"}),
    )
    .await;
    assert_eq!(visit["next_due"], json!(app.days_ahead(26)));
    // an unreachable client leaves the visit due
    let missed = post_ok(
        &app,
        &token,
        &path,
        json!({"mode": "phone", "status": "unreachable"}),
    )
    .await;
    assert_eq!(missed["next_due"], json!(app.days_ahead(26)));
    let end = format!("/api/v1/clients/{id}/aftercare-end");
    let r = app.post(&end, &token, json!({"status": "finished"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    post_ok(
        &app,
        &token,
        &end,
        json!({"status": "dropped_out", "note": "Tidak mau lagi"}),
    )
    .await;
    let a = &record(&app, &token, &id).await["aftercare"];
    assert_eq!(
        (a["visits"].as_u64(), &a["next_due"]),
        (Some(2), &Value::Null)
    );
    assert_eq!(a["ended"]["status"], "dropped_out");
    let late = app
        .post(&path, &token, json!({"mode": "phone", "status": "well"}))
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let message = late.body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("buat rencana dulu"), "{:?}", late.body);

    // a short plan whose only visit is due today: that visit completes aftercare
    plan(
        &app,
        &token,
        &id,
        json!({"discharged_on": app.days_ago(91), "weeks": "13"}),
    )
    .await;
    let a = &record(&app, &token, &id).await["aftercare"];
    assert_eq!(
        (a["next_due"].as_str(), a["barc10_due"].as_bool()),
        (Some(app.today().to_string().as_str()), Some(true))
    );
    let barc = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    let last = post_ok(
        &app,
        &token,
        &path,
        json!({"mode": "in_person", "status": "well", "barc10": barc}),
    )
    .await;
    assert_eq!(
        (&last["ended"], &last["next_due"]),
        (&json!("completed"), &Value::Null)
    );
    let r = record(&app, &token, &id).await;
    assert_eq!(r["aftercare"]["ended"]["status"], "completed");
    let kinds: Vec<&str> = r["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "barc10").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "aftercare_end").count(), 2);
    // moving away ends aftercare as moved
    plan(&app, &token, &id, json!({"discharged_on": app.days_ago(3)})).await;
    let moved = post_ok(
        &app,
        &token,
        &path,
        json!({"mode": "phone", "status": "moved"}),
    )
    .await;
    assert_eq!(moved["ended"], "moved");
}

async fn a_follow_up_before_discharge_is_refused_and_a_replay_returns_the_first_visit(
    app: TestApp,
) {
    let (_, token) = counsellor(&app, "konselor").await;
    let (id, _) = client(&app, &token).await;
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/aftercare-plans"),
            &token,
            json!({"discharged_on": app.days_ago(10), "weeks": [1, 2, 40]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let says = |r: &crate::helpers::Reply, field: &str, words: &str| {
        let message = r.body["error"]["fields"][field]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(words), "{field}: {:?}", r.body);
    };
    says(&r, "weeks", "minggu 13 sampai 26");
    plan(
        &app,
        &token,
        &id,
        json!({"discharged_on": app.days_ago(10)}),
    )
    .await;
    let before = record(&app, &token, &id).await["timeline"]
        .as_array()
        .expect("timeline")
        .len();
    let path = format!("/api/v1/clients/{id}/follow-ups");
    let r = app
        .post(
            &path,
            &token,
            json!({"visited_on": app.days_ago(11), "mode": "phone", "status": "well", "note": "catatan"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    says(&r, "visited_on", "sebelum tanggal selesai rehabilitasi");
    let r = app
        .post(
            &path,
            &token,
            json!({"visited_on": app.days_ahead(1), "mode": "phone", "status": "well"}),
        )
        .await;
    says(&r, "visited_on", "masa depan");
    let r = app
        .post(
            &path,
            &token,
            json!({"mode": "phone", "status": "well", "barc10": [1, 2, 9]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let after = record(&app, &token, &id).await["timeline"]
        .as_array()
        .expect("timeline")
        .len();
    assert_eq!(after, before, "a refused visit stores nothing");

    let body = json!({"visited_on": app.days_ago(3), "mode": "in_person", "status": "struggling"});
    let key = [("idempotency-key", "visit-1")];
    let first = app
        .request(Method::POST, &path, Some(&token), Some(body.clone()), &key)
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let replay = app
        .request(Method::POST, &path, Some(&token), Some(body), &key)
        .await;
    assert_eq!(
        (replay.status, &replay.body["id"]),
        (StatusCode::CREATED, &first.body["id"])
    );
    let r = record(&app, &token, &id).await;
    assert_eq!(r["aftercare"]["visits"], 1, "the replay stored nothing");
}

async fn a_relapse_restarts_the_step_of_care_and_the_page_offers_it(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let (id, _) = client(&app, &token).await;
    post_ok(
        &app,
        &token,
        &format!("/api/v1/clients/{id}/care-steps"),
        json!({"done": "advice", "given_on": app.days_ago(40)}),
    )
    .await;
    plan(
        &app,
        &token,
        &id,
        json!({"discharged_on": app.days_ago(20)}),
    )
    .await;
    assert_eq!(
        record(&app, &token, &id).await["current_step"]["step"],
        "advice"
    );

    let csrf = csrf(&app, &token).await;
    let sent = form(
        &app,
        &token,
        &format!("/clients/{id}/aftercare/follow-up"),
        &[
            ("csrf", &csrf),
            ("visited_on", &app.days_ago(1)),
            ("mode", "home_visit"),
            ("status", "relapsed"),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let offer = sent.location.expect("location");
    assert_eq!(
        offer,
        format!(
            "/clients/{id}/aftercare?relapse={}#relapse",
            app.days_ago(1)
        )
    );
    let p = page(&app, &token, offer.trim_end_matches("#relapse")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.html.contains("id=\"relapse\"")
            && p.html.contains(&format!("value=\"{}\"", app.days_ago(1))),
        "the relapse form is offered with its date"
    );

    // refused input comes back on the page with the form's values
    let refused = form(
        &app,
        &token,
        &format!("/clients/{id}/relapse"),
        &[
            ("csrf", &csrf),
            ("relapsed_on", &app.days_ago(1)),
            ("substances", "amphetamines"),
            ("note", "pakai lagi"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("pakai lagi")
            && refused.html.contains("value=\"amphetamines\" checked")
    );

    let r = post_ok(
        &app,
        &token,
        &format!("/api/v1/clients/{id}/relapses"),
        json!({"relapsed_on": app.days_ago(1), "substances": ["amphetamines"], "response": "re_referral"}),
    )
    .await;
    assert_eq!(r["step"], "referral");
    assert!(
        r["plan"].is_string(),
        "a relapse during aftercare marks the plan"
    );
    let rec = record(&app, &token, &id).await;
    assert_eq!(
        (
            &rec["current_step"]["step"],
            &rec["current_step"]["after_relapse"]
        ),
        (&json!("referral"), &json!(true))
    );
    assert_eq!(rec["aftercare"]["relapsed"], true);
    post_ok(
        &app,
        &token,
        &format!("/api/v1/clients/{id}/relapses"),
        json!({"response": "none_yet"}),
    )
    .await;
    assert_eq!(
        record(&app, &token, &id).await["current_step"]["step"],
        Value::Null
    );
    post_ok(
        &app,
        &token,
        &format!("/api/v1/clients/{id}/relapses"),
        json!({"response": "brief_intervention"}),
    )
    .await;
    assert_eq!(
        record(&app, &token, &id).await["current_step"]["step"],
        "brief_intervention"
    );
}

async fn the_worklist_shows_due_and_overdue_follow_ups_without_clinical_words(app: TestApp) {
    let (org, token) = counsellor(&app, "konselor").await;
    let (late, late_code) = client(&app, &token).await;
    let (soon, soon_code) = client(&app, &token).await;
    let (later, _) = client(&app, &token).await;
    plan(
        &app,
        &token,
        &late,
        json!({"discharged_on": app.days_ago(10)}),
    )
    .await;
    plan(
        &app,
        &token,
        &soon,
        json!({"discharged_on": app.days_ago(3)}),
    )
    .await;
    plan(
        &app,
        &token,
        &later,
        json!({"discharged_on": app.days_ago(0), "weeks": [2, 13]}),
    )
    .await;
    post_ok(
        &app,
        &token,
        &format!("/api/v1/clients/{late}/relapses"),
        json!({"substances": ["opioids"], "response": "brief_intervention"}),
    )
    .await;

    let w = app.get("/api/v1/worklist", &token).await;
    assert_eq!(w.status, StatusCode::OK, "{:?}", w.body);
    let f = &w.body["follow_ups"];
    assert_eq!(
        f["overdue"],
        json!([{"client_id": late, "code": late_code, "due_on": app.days_ago(3), "kind": "follow_up"}])
    );
    assert_eq!(
        f["due"],
        json!([{"client_id": soon, "code": soon_code, "due_on": app.days_ahead(4), "kind": "follow_up"}])
    );
    let text = w.body.to_string();
    assert!(
        !text.contains("opioid") && !text.contains("relapse"),
        "{text}"
    );

    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator",
            "coordinator",
            &bnnk,
            "21.71",
        )
        .await;
    let w = app.get("/api/v1/worklist", &coordinator).await;
    let by = &w.body["caseloads"];
    assert_eq!(by.as_array().expect("workers").len(), 1, "{by}");
    assert_eq!(
        (&by[0]["name"], &by[0]["clients"]),
        (&json!("konselor"), &json!(3))
    );
    assert_eq!(by[0]["follow_ups_overdue"][0]["code"], json!(late_code));
    let p = page(&app, &coordinator, "/worklist").await;
    assert!(p.html.contains(&late_code) && !p.html.contains("opioid"));
    let _ = org;
}

async fn the_outcome_counts_finishers_who_did_not_relapse_and_hides_small_cells_from_analysts(
    app: TestApp,
) {
    let (_, token) = counsellor(&app, "konselor").await;
    for (n, relapsed) in [(0, true), (1, false), (2, false)] {
        let (id, _) = client(&app, &token).await;
        plan(
            &app,
            &token,
            &id,
            json!({"discharged_on": app.days_ago(60 + n)}),
        )
        .await;
        if relapsed {
            post_ok(
                &app,
                &token,
                &format!("/api/v1/clients/{id}/relapses"),
                json!({"relapsed_on": app.days_ago(30), "response": "brief_intervention"}),
            )
            .await;
        }
        post_ok(
            &app,
            &token,
            &format!("/api/v1/clients/{id}/aftercare-end"),
            json!({"status": "completed"}),
        )
        .await;
    }
    let (dropped, _) = client(&app, &token).await;
    plan(
        &app,
        &token,
        &dropped,
        json!({"discharged_on": app.days_ago(50)}),
    )
    .await;
    post_ok(
        &app,
        &token,
        &format!("/api/v1/clients/{dropped}/aftercare-end"),
        json!({"status": "dropped_out"}),
    )
    .await;

    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator",
            "coordinator",
            &bnnk,
            "21.71",
        )
        .await;
    let o = app
        .get("/api/v1/regions/21.71/outcomes/aftercare", &coordinator)
        .await;
    assert_eq!(o.status, StatusCode::OK, "{:?}", o.body);
    assert_eq!(
        (
            &o.body["finished"],
            &o.body["not_relapsed"],
            &o.body["relapsed"],
            &o.body["share_not_relapsed"],
            &o.body["meets_target"]
        ),
        (&json!(3), &json!(2), &json!(1), &json!(66), &json!(true))
    );
    let past = app
        .get(
            &format!(
                "/api/v1/regions/21.71/outcomes/aftercare?from={}&to={}",
                app.days_ago(400),
                app.days_ago(1)
            ),
            &coordinator,
        )
        .await;
    assert_eq!(past.body["finished"], 0);
    let bad = app
        .get(
            &format!(
                "/api/v1/regions/21.71/outcomes/aftercare?from={}&to={}",
                app.days_ago(1),
                app.days_ago(2)
            ),
            &coordinator,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = page(&app, &coordinator, "/regions/21.71").await;
    assert!(p.html.contains("66%"), "the regency page shows the figure");

    let bnnp = app
        .create_org(&app.root_token, "BNNP Kepri", "bnn", "21")
        .await;
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &bnnp, "21")
        .await;
    let o = app
        .get("/api/v1/regions/21.71/outcomes/aftercare", &analyst)
        .await;
    assert_eq!(
        (
            &o.body["finished"],
            &o.body["relapsed"],
            &o.body["share_not_relapsed"],
            &o.body["suppressed"]
        ),
        (&json!("<5"), &json!("<5"), &Value::Null, &json!(true))
    );
    let elsewhere = app
        .get("/api/v1/regions/61.03/outcomes/aftercare", &coordinator)
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/regions/21.71/outcomes/aftercare", &token)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
