//! Region scopes and roles over the API and the pages.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    a_batam_administrator_cannot_touch_sanggau,
    an_analyst_never_receives_identities,
    pages_need_a_login_and_forms_need_their_csrf_token,
    the_users_page_adds_resets_and_disables_users,
);

async fn a_batam_administrator_cannot_touch_sanggau(app: TestApp) {
    let batam = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let sanggau = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    let (_, sanggau_user_token) = app
        .create_user(
            &app.root_token,
            "sanggau.coord",
            "coordinator",
            &sanggau,
            "61.03",
        )
        .await;
    let sanggau_user = app.get("/api/v1/me", &sanggau_user_token).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (_, admin) = app
        .create_user(&app.root_token, "batam.admin", "admin", &batam, "21.71")
        .await;

    let org = app
        .post(
            "/api/v1/organisations",
            &admin,
            json!({"name": "Dinsos Sanggau", "org_type": "dinsos", "region": "61.03"}),
        )
        .await;
    assert_eq!(org.status, StatusCode::FORBIDDEN);
    let user = app.post("/api/v1/users", &admin, json!({"username": "x.sanggau", "display_name": "X", "role": "agent", "org_id": batam, "scope": "61.03", "password": "panjang-sekali-123"})).await;
    assert_eq!(user.status, StatusCode::FORBIDDEN);
    let foreign_org = app.post("/api/v1/users", &admin, json!({"username": "y.batam", "display_name": "Y", "role": "agent", "org_id": sanggau, "scope": "21.71", "password": "panjang-sekali-123"})).await;
    assert_eq!(foreign_org.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get(&format!("/api/v1/organisations/{sanggau}"), &admin)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/users/{sanggau_user}"), &admin)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/users/{sanggau_user}/disable"),
            &admin,
            json!({})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let orgs = app.get("/api/v1/organisations", &admin).await;
    let names: Vec<&str> = orgs.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["BNNK Batam"]);
    let users = app.get("/api/v1/users", &admin).await;
    assert!(
        users.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|u| u["scope"].as_str().is_some_and(|s| s.starts_with("21.71")))
    );
    assert_eq!(
        app.get("/api/v1/audit/verify", &admin).await.status,
        StatusCode::FORBIDDEN
    );
    let regions = app.get("/api/v1/regions/61.03", &admin).await;
    assert_eq!(
        regions.status,
        StatusCode::OK,
        "the region tree itself is reference data"
    );
}

async fn an_analyst_never_receives_identities(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNP Kepri", "bnn", "21")
        .await;
    let (id, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &org, "21")
        .await;
    assert_eq!(
        app.get("/api/v1/users", &analyst).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/api/v1/users/{id}"), &analyst)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/audit", &analyst).await.status,
        StatusCode::FORBIDDEN
    );
    let (_, police) = app
        .create_user(&app.root_token, "polisi", "police_liaison", &org, "21")
        .await;
    assert_eq!(
        app.get("/api/v1/users", &police).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn pages_need_a_login_and_forms_need_their_csrf_token(app: TestApp) {
    let page = app
        .client
        .get(format!("{}/regions/21.71", app.address))
        .send()
        .await
        .expect("get");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/login?next=/regions/21.71");
    let login = app
        .client
        .get(format!("{}/login", app.address))
        .send()
        .await
        .expect("get");
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let csrf = cookie
        .split(';')
        .next()
        .expect("pair")
        .split_once('=')
        .expect("value")
        .1
        .to_owned();
    let without = app
        .client
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", "root"),
            ("password", crate::helpers::ROOT_PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    let with = app
        .client
        .post(format!("{}/login", app.address))
        .header("cookie", format!("pulih_login_csrf={csrf}"))
        .form(&[
            ("username", "root"),
            ("password", crate::helpers::ROOT_PASSWORD),
            ("csrf", &csrf),
            ("next", "/regions/21.71"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(with.status(), StatusCode::SEE_OTHER);
    assert_eq!(with.headers()["location"], "/regions/21.71");
    assert!(
        with.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with("pulih_device=") && c.contains("HttpOnly")),
        "the browser keeps a device token"
    );
    let session = with.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let page = app
        .client
        .get(format!("{}/regions/21.71", app.address))
        .header("cookie", &session)
        .send()
        .await
        .expect("get");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains(r#"<h1>Kota Batam <span class="code muted">(21.71)</span></h1>"#)
            && html.contains("Wilayah di bawahnya (12)")
    );
    let api_by_cookie = app
        .client
        .get(format!("{}/api/v1/me", app.address))
        .header("cookie", &session)
        .send()
        .await
        .expect("get");
    assert_eq!(
        api_by_cookie.status(),
        StatusCode::UNAUTHORIZED,
        "the API takes bearer tokens only"
    );
    let forged = app
        .client
        .post(format!("{}/orgs", app.address))
        .header("cookie", &session)
        .form(&[
            ("name", "Palsu"),
            ("org_type", "ngo"),
            ("region", "21.71"),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let orgs = app.get("/api/v1/organisations", &app.root_token).await;
    assert!(
        orgs.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|o| o["name"] != "Palsu")
    );
}

/// The users page as an administrator uses it: add a user, who gets an invitation link,
/// reset it (a reset link), disable the user from the row, and a stale row action is
/// refused.
async fn the_users_page_adds_resets_and_disables_users(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let page = |path: &'static str| {
        app.client
            .get(format!("{}{path}", app.address))
            .bearer_auth(&app.root_token)
            .send()
    };
    let html = page("/users")
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_owned();
    let post = |path: String, form: Vec<(&'static str, String)>| {
        app.client
            .post(format!("{}{path}", app.address))
            .bearer_auth(&app.root_token)
            .form(&form)
            .send()
    };
    let created = post(
        "/users".into(),
        vec![
            ("csrf", csrf.clone()),
            ("username", "agen.tanjung".into()),
            ("display_name", "Agen Tanjung".into()),
            ("role", "agent".into()),
            ("org_id", org.clone()),
            ("scope", "21.71.05.1001".into()),
        ],
    )
    .await
    .expect("post");
    assert_eq!(created.status(), StatusCode::OK);
    let html = created.text().await.expect("html");
    assert!(
        html.contains("<strong>agen.tanjung</strong>:") && html.contains("/link/"),
        "the invitation link is shown"
    );
    let users = app.get("/api/v1/users", &app.root_token).await;
    let agent = users.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["username"] == "agen.tanjung")
        .expect("created")
        .clone();
    let id = agent["id"].as_str().expect("id").to_owned();
    let reset = post(
        format!("/users/{id}/reset-password"),
        vec![("csrf", csrf.clone())],
    )
    .await
    .expect("post");
    assert!(
        reset.text().await.expect("html").contains("/link/"),
        "the reset link is shown"
    );
    let stale = post(
        format!("/users/{id}/disable"),
        vec![("csrf", csrf.clone()), ("version", "1".into())],
    )
    .await
    .expect("post");
    assert_eq!(
        stale.status(),
        StatusCode::CONFLICT,
        "the reset raised the version"
    );
    let version = app
        .get(&format!("/api/v1/users/{id}"), &app.root_token)
        .await
        .body["version"]
        .to_string();
    let disabled = post(
        format!("/users/{id}/disable"),
        vec![("csrf", csrf), ("version", version)],
    )
    .await
    .expect("post");
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    let after = app
        .get(&format!("/api/v1/users/{id}"), &app.root_token)
        .await;
    assert_eq!(after.body["disabled"], true);
}
