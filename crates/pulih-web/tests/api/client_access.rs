//! Who reaches a client: agents only their own, break-glass with review, and erasure.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::clients::{NIK, consent, counsellor, field_errors, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    an_agent_reaches_only_its_own_clients,
    break_glass_access_is_time_limited_flagged_and_reviewed,
    erasure_leaves_counts_but_nothing_readable,
);

async fn an_agent_reaches_only_its_own_clients(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Binjai", "bnn", "12.75")
        .await;
    let village = "12.75.01.1001";
    let (_, agent_a) = app
        .create_user(&app.root_token, "agen-a", "agent", &org, village)
        .await;
    let (_, agent_b) = app
        .create_user(&app.root_token, "agen-b", "agent", &org, village)
        .await;
    let (_, coord) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "12.75")
        .await;
    let id = register(&app, &agent_a, json!({})).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        app.get(&format!("/api/v1/clients/{id}"), &agent_a)
            .await
            .status,
        StatusCode::OK
    );
    // out of reach is answered as an unknown id: the answer never tells it exists
    assert_eq!(
        app.get(&format!("/api/v1/clients/{id}"), &agent_b)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/clients", &agent_b).await.body["items"],
        json!([])
    );
    assert_eq!(
        app.get("/api/v1/clients", &coord).await.body["items"]
            .as_array()
            .expect("items")
            .len(),
        1
    );
    assert_eq!(
        app.get("/api/v1/clients", &app.root_token).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/api/v1/clients/{id}"), &app.root_token)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    for (name, role, org_type) in [
        ("analis", "analyst", "bnn"),
        ("polisi", "police_liaison", "police"),
        ("mitra", "partner", "dinsos"),
    ] {
        let other = app
            .create_org(&app.root_token, name, org_type, "12.75")
            .await;
        let (_, token) = app
            .create_user(&app.root_token, name, role, &other, "12.75")
            .await;
        for path in [
            format!("/api/v1/clients/{id}"),
            format!("/api/v1/clients/{id}/export"),
            "/api/v1/clients".to_owned(),
        ] {
            let r = app.get(&path, &token).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} on {path}");
        }
    }
    let sanggau = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    let (_, far) = app
        .create_user(
            &app.root_token,
            "koordinator-sanggau",
            "coordinator",
            &sanggau,
            "61.03",
        )
        .await;
    assert_eq!(
        app.get(&format!("/api/v1/clients/{id}"), &far).await.status,
        StatusCode::NOT_FOUND
    );

    let (b_id, _) = (
        app.get("/api/v1/users", &app.root_token).await.body["items"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["username"] == "agen-b")
            .expect("agen-b")["id"]
            .as_str()
            .expect("id")
            .to_owned(),
        (),
    );
    let version = app.get(&format!("/api/v1/clients/{id}"), &coord).await.body["version"]
        .as_i64()
        .expect("version");
    let r = app
        .request(
            Method::PUT,
            &format!("/api/v1/clients/{id}/assignment"),
            Some(&coord),
            Some(json!({"assigned_to": b_id, "version": version})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        app.get(&format!("/api/v1/clients/{id}"), &agent_b)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/clients/{id}"), &agent_a)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a client reassigned away is, for the agent, as unknown as any other"
    );
    let stale = app
        .request(
            Method::PUT,
            &format!("/api/v1/clients/{id}/assignment"),
            Some(&coord),
            Some(json!({"assigned_to": null, "version": version})),
            &[],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
}

async fn break_glass_access_is_time_limited_flagged_and_reviewed(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let client = register(&app, &token, json!({"name": "Rina"})).await;
    let (id, code) = (
        client["id"].as_str().expect("id"),
        client["code"].as_str().expect("code"),
    );
    let karimun = app
        .create_org(&app.root_token, "BNNK Karimun", "bnn", "21.01")
        .await;
    let (_, far) = app
        .create_user(
            &app.root_token,
            "koordinator-karimun",
            "coordinator",
            &karimun,
            "21.01",
        )
        .await;
    assert_eq!(
        app.get(&format!("/api/v1/clients/{id}"), &far).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            "/api/v1/break-glass",
            &far,
            json!({"code": code, "reason": "darurat"}),
        )
        .await;
    assert_eq!(field_errors(&r.body), ["reason"]);
    let r = app
        .post(
            "/api/v1/break-glass",
            &token,
            json!({"code": code, "reason": "klien dirawat darurat di RSUD"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "only coordinators break the glass"
    );
    // and the refusal is the same whether or not the code belongs to a client
    let last = code.chars().last().expect("a code");
    let other = if last == '0' { '1' } else { '0' };
    let unknown = format!("{}{other}", &code[..code.len() - 1]);
    for probe in [unknown.as_str(), "bukan-kode"] {
        let probed = app
            .post(
                "/api/v1/break-glass",
                &token,
                json!({"code": probe, "reason": "klien dirawat darurat di RSUD"}),
            )
            .await;
        assert_eq!(
            (probed.status, &probed.body),
            (r.status, &r.body),
            "{probe}"
        );
    }
    let reason = "Klien dirawat darurat di RSUD Karimun, perlu riwayat";
    let r = app
        .post(
            "/api/v1/break-glass",
            &far,
            json!({"code": code, "reason": reason}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let record = app.get(&format!("/api/v1/clients/{id}"), &far).await;
    assert_eq!(
        (record.status, record.body["break_glass"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    assert_eq!(record.body["identity"]["name"], "Rina");

    let batam_admin_org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, admin) = app
        .create_user(
            &app.root_token,
            "admin-batam",
            "admin",
            &batam_admin_org,
            "21.71",
        )
        .await;
    let grants = app.get("/api/v1/break-glass", &admin).await;
    let items = grants.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{:?}", grants.body);
    assert_eq!(
        (
            items[0]["reason"].as_str(),
            items[0]["client_code"].as_str()
        ),
        (Some(reason), Some(code))
    );
    assert_eq!(
        app.get("/api/v1/break-glass", &far).await.status,
        StatusCode::FORBIDDEN
    );
    let grant = items[0]["id"].as_str().expect("id");
    let review = format!("/api/v1/break-glass/{grant}/review");
    let r = app
        .post(
            &review,
            &admin,
            json!({"outcome": "signed_off", "note": "sah"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        app.post(&review, &admin, json!({"outcome": "escalated"}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.get("/api/v1/break-glass", &admin).await.body["items"],
        json!([])
    );
    let audit = app.get("/api/v1/audit?limit=100", &app.root_token).await;
    let entries = audit.body["items"].as_array().expect("items");
    let admin_id = app.get("/api/v1/me", &admin).await.body["id"].clone();
    let reads = entries
        .iter()
        .filter(|e| e["action"] == "grant.read" && e["record_id"] == grant)
        .filter(|e| e["actor"] == admin_id)
        .count();
    assert_eq!(
        reads, 2,
        "each opening of the reason is audited: the list, the review's answer"
    );
    let flagged = entries
        .iter()
        .find(|e| e["action"] == "client.break_glass")
        .expect("flagged entry")
        .clone();
    assert!(
        flagged["detail"].to_string().contains("break_glass"),
        "{flagged}"
    );
    assert!(
        !flagged.to_string().contains("RSUD"),
        "the reason stays out of the audit log"
    );
}

async fn erasure_leaves_counts_but_nothing_readable(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coord) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "21.71")
        .await;
    let client = register(&app, &coord, json!({"name": "Andi", "nik": NIK})).await;
    let (id, code) = (
        client["id"].as_str().expect("id"),
        client["code"].as_str().expect("code"),
    );
    consent(&app, &coord, id).await;
    let erase = format!("/api/v1/clients/{id}/erasure");
    let r = app
        .post(&erase, &coord, json!({"confirm_code": "2171-99999"}))
        .await;
    assert_eq!(field_errors(&r.body), ["confirm_code"]);
    let r = app
        .post(&erase, &coord, json!({"confirm_code": code}))
        .await;
    assert_eq!(
        (r.status, r.body["erased"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{:?}",
        r.body
    );
    let record = app.get(&format!("/api/v1/clients/{id}"), &coord).await.body;
    assert_eq!(record["identity"], Value::Null);
    assert_eq!(record["timeline"][0]["body"]["type"], "erased");
    assert_eq!(
        app.get("/api/v1/clients", &coord).await.body["items"]
            .as_array()
            .expect("items")
            .len(),
        1
    );
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/screenings/barc10"),
            &coord,
            json!({"items": [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let again = register(&app, &coord, json!({"nik": NIK})).await;
    assert_ne!(
        again["id"], client["id"],
        "the NIK index entry went with the data"
    );
    let audit = app.get("/api/v1/audit?limit=100", &app.root_token).await;
    assert!(
        audit.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|e| e["action"] == "client.erase")
    );
}
