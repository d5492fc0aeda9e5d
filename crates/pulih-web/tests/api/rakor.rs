//! Rakor over HTTP: a coordinator records a rakor with the organisations present and an
//! action item, the overdue item shows on the worklists of the owner's and the convener's
//! coordinators, the owner marks it done; and a coordinator of another regency cannot
//! reach another's rakor or MoUs unless its organisation is named.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

/// A well-formed id of nothing.
pub const NOTHING: &str = "01900000-0000-7000-8000-000000000000";

on_both_backends!(
    an_overdue_action_item_reaches_the_worklists_and_its_owner_marks_it_done,
    bad_rakor_input_is_refused_field_by_field,
    a_batam_coordinator_cannot_reach_sanggau_rakor_or_mous_unless_named,
);

/// An organisation with a coordinator: (org id, token).
pub async fn office(
    app: &TestApp,
    name: &str,
    kind: &str,
    region: &str,
    user: &str,
) -> (String, String) {
    let org = app.create_org(&app.root_token, name, kind, region).await;
    let (_, token) = app
        .create_user(&app.root_token, user, "coordinator", &org, region)
        .await;
    (org, token)
}

/// Records a rakor and returns its body.
pub async fn rakor(
    app: &TestApp,
    token: &str,
    region: &str,
    convener: &str,
    present: Value,
) -> Value {
    let body = json!({
        "region": region, "held_on": app.days_ago(10), "place": "Aula BNNK",
        "convener_org_id": convener, "present": present,
        "topics": ["Pembentukan IBM"], "decisions": ["Setiap OPD menunjuk satu penghubung"],
    });
    let r = app.post("/api/v1/rakor", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

async fn an_overdue_action_item_reaches_the_worklists_and_its_owner_marks_it_done(app: TestApp) {
    let (bnnk, coord) = office(&app, "BNNK Batam", "bnn", "21.71", "kasi-rehab").await;
    let (dinsos, dinsos_coord) = office(&app, "Dinsos Batam", "dinsos", "21.71", "dinsos").await;
    let (_, partner) = app
        .create_user(&app.root_token, "mitra-dinsos", "partner", &dinsos, "21.71")
        .await;
    let present = json!([{"org_id": dinsos}, {"name": "Kejaksaan Negeri Batam"}]);
    let m = rakor(&app, &coord, "21.71", &bnnk, present).await;
    assert_eq!(m["convener"]["name"], "BNNK Batam");
    assert_eq!(m["present"][0]["name"], "Dinsos Batam");
    assert_eq!(
        m["present"][1],
        json!({"org_id": null, "name": "Kejaksaan Negeri Batam"})
    );
    let id = m["id"].as_str().expect("id");
    let item = json!({"description": "Data penerima bansos pasca rehab", "owner_org_id": dinsos, "due_on": app.days_ago(2)});
    let r = app
        .post(&format!("/api/v1/rakor/{id}/action-items"), &coord, item)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let item = &r.body["action_items"][0];
    assert_eq!(item["status"], "open");
    assert_eq!(item["overdue"], true);
    let item_id = item["id"].as_str().expect("id").to_owned();

    for token in [&coord, &dinsos_coord] {
        let w = app.get("/api/v1/worklist", token).await;
        let overdue = w.body["action_items_overdue"].as_array().expect("items");
        assert_eq!(overdue.len(), 1, "{:?}", w.body);
        assert_eq!(overdue[0]["owner"]["name"], "Dinsos Batam");
    }

    let seen = app.get("/api/v1/rakor", &partner).await;
    assert_eq!(seen.body["items"].as_array().expect("items").len(), 1);
    let status = format!("/api/v1/action-items/{item_id}/status");
    let done = app
        .post(&status, &partner, json!({"status": "done", "version": 1}))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    assert_eq!(done.body["status"], "done");
    assert_eq!(done.body["overdue"], false);
    let stale = app
        .post(&status, &coord, json!({"status": "dropped", "version": 1}))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{:?}", stale.body);
    let same = app
        .post(&status, &partner, json!({"status": "done", "version": 2}))
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);

    let w = app.get("/api/v1/worklist", &coord).await;
    assert_eq!(w.body["action_items_overdue"], json!([]));
    let audit = app.get("/api/v1/audit?limit=50", &app.root_token).await;
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "rakor.record",
        "rakor.action_item.add",
        "rakor.action_item.status",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

async fn bad_rakor_input_is_refused_field_by_field(app: TestApp) {
    let (_, coord) = office(&app, "BNNK Batam", "bnn", "21.71", "kasi-rehab").await;
    let body = json!({
        "region": "61.03", "held_on": "kemarin", "place": "",
        "convener_org_id": NOTHING.to_owned(), "present": [{}], "topics": [],
    });
    let r = app.post("/api/v1/rakor", &coord, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    for f in [
        "region",
        "held_on",
        "place",
        "convener_org_id",
        "present.0",
        "topics",
    ] {
        assert!(fields.contains_key(f), "{f} in {fields:?}");
    }
    assert_eq!(
        app.get("/api/v1/rakor", &coord).await.body["items"],
        json!([])
    );
}

async fn a_batam_coordinator_cannot_reach_sanggau_rakor_or_mous_unless_named(app: TestApp) {
    let (sanggau, sanggau_coord) =
        office(&app, "BNNK Sanggau", "bnn", "61.03", "kasi-sanggau").await;
    let (batam, batam_coord) = office(&app, "BNNK Batam", "bnn", "21.71", "kasi-batam").await;
    let hidden = rakor(
        &app,
        &sanggau_coord,
        "61.03",
        &sanggau,
        json!([{"name": "Polres Sanggau"}]),
    )
    .await;
    let hidden_id = hidden["id"].as_str().expect("id");
    let mou = json!({
        "region": "61.03", "title": "Pembinaan pasca rehabilitasi", "document_no": "001/MOU/2026",
        "parties": [{"org_id": sanggau}, {"name": "Yayasan Harapan Tayan"}],
        "scopes": ["post_rehab_coaching"],
    });
    let r = app.post("/api/v1/mous", &sanggau_coord, mou.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let hidden_mou = r.body["id"].as_str().expect("id").to_owned();

    // every way in answers like an id of nothing
    let nothing = NOTHING;
    let absent = app
        .get(&format!("/api/v1/rakor/{nothing}"), &batam_coord)
        .await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
    let probes = [
        app.get(&format!("/api/v1/rakor/{hidden_id}"), &batam_coord).await,
        app.post(
            &format!("/api/v1/rakor/{hidden_id}/action-items"),
            &batam_coord,
            json!({"description": "Ambil alih", "owner_org_id": batam, "due_on": app.days_ahead(5)}),
        )
        .await,
        app.get(&format!("/api/v1/mous/{hidden_mou}"), &batam_coord).await,
        app.post(
            &format!("/api/v1/mous/{hidden_mou}/status"),
            &batam_coord,
            json!({"status": "ended", "version": 1}),
        )
        .await,
    ];
    for p in probes {
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        assert_eq!(p.body, absent.body);
    }
    assert_eq!(
        app.get("/api/v1/rakor", &batam_coord).await.body["items"],
        json!([])
    );
    assert_eq!(
        app.get("/api/v1/mous", &batam_coord).await.body["items"],
        json!([])
    );
    let inside = json!({"region": "61.03", "held_on": app.days_ago(1), "place": "Aula",
        "convener_org_id": batam, "topics": ["x"]});
    let r = app.post("/api/v1/rakor", &batam_coord, inside).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // named as present or as a party, Batam reads, but changes nothing of Sanggau's
    let named = rakor(
        &app,
        &sanggau_coord,
        "61.03",
        &sanggau,
        json!([{"org_id": batam}]),
    )
    .await;
    let named_id = named["id"].as_str().expect("id");
    let r = app
        .get(&format!("/api/v1/rakor/{named_id}"), &batam_coord)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["may_manage"], false);
    let r = app
        .post(
            &format!("/api/v1/rakor/{named_id}/action-items"),
            &batam_coord,
            json!({"description": "Ambil alih", "owner_org_id": batam, "due_on": app.days_ahead(5)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut shared = mou;
    shared["parties"] = json!([{"org_id": sanggau}, {"org_id": batam}]);
    let r = app.post("/api/v1/mous", &sanggau_coord, shared).await;
    let shared_id = r.body["id"].as_str().expect("id").to_owned();
    let r = app
        .get(&format!("/api/v1/mous/{shared_id}"), &batam_coord)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["parties"][1]["name"], "BNNK Batam");
    let listed = app.get("/api/v1/mous", &batam_coord).await;
    assert_eq!(listed.body["items"].as_array().expect("items").len(), 1);
    assert_eq!(
        app.get("/api/v1/rakor", &batam_coord).await.body["items"]
            .as_array()
            .expect("items")
            .len(),
        1
    );
}
