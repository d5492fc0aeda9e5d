//! Two-factor login (RFC 6238) and the idle timeout, with two-factor login required of
//! administrators and coordinators as by default. Codes are computed here from the
//! secret the enrolment answered, by the RFC's algorithm, at the server's own clock.

use pulih_app::{AppConfig, Clock};
use pulih_crypto::totp::Totp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ROOT_PASSWORD, TestApp, USER_PASSWORD, app_config};

/// The settings of these tests: two-factor login required as by default, and a tiny
/// idle timeout.
fn required() -> AppConfig {
    AppConfig {
        totp_required_roles: AppConfig::default().totp_required_roles,
        session_idle_minutes: 2,
        ..app_config()
    }
}

/// The code of the step `ahead` steps from the server's now.
fn code(app: &TestApp, totp: &Totp, ahead: i64) -> String {
    totp.code(Totp::step_of(app.clock.now().timestamp()) + ahead)
}

/// Enrols the user of `token`: answers its secret and its recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (Totp, Vec<String>) {
    let begun = app.post("/api/v1/me/totp", token, json!({})).await;
    assert_eq!(begun.status, StatusCode::CREATED, "{:?}", begun.body);
    let secret = begun.body["secret"].as_str().expect("secret");
    let uri = begun.body["uri"].as_str().expect("uri");
    assert!(uri.starts_with("otpauth://totp/Pulih%3A") && uri.contains(secret));
    let totp = Totp::from_base32(secret).expect("base32 secret");
    let confirmed = app
        .post(
            "/api/v1/me/totp/confirm",
            token,
            json!({"code": code(app, &totp, 0)}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    let codes: Vec<String> = confirmed.body["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    (totp, codes)
}

/// An API login with an optional `totp`.
async fn login(
    app: &TestApp,
    username: &str,
    password: &str,
    totp: Option<&str>,
) -> (StatusCode, Value) {
    let mut body = json!({"username": username, "password": password});
    if let Some(code) = totp {
        body["totp"] = json!(code);
    }
    let r = app
        .request(Method::POST, "/api/v1/session", None, Some(body), &[])
        .await;
    (r.status, r.body)
}

/// Root enrolled (it must be, to manage anyone); answers its secret.
async fn root_enrolled(app: &TestApp) -> Totp {
    enrol(app, &app.root_token).await.0
}

/// A coordinator of Batam with a password, logged in (before any enrolment).
async fn coordinator(app: &TestApp) -> (String, String) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    app.create_user(&app.root_token, "kasi", "coordinator", &org, "21.71")
        .await
}

async fn an_administrator_without_totp_is_gated_to_enrolment(app: TestApp) {
    let gated = app.get("/api/v1/users", &app.root_token).await;
    assert_eq!(gated.status, StatusCode::FORBIDDEN);
    assert_eq!(
        gated.body["error"]["code"], "totp_enrolment_required",
        "{:?}",
        gated.body
    );
    let me = app.get("/api/v1/me", &app.root_token).await;
    assert_eq!(me.body["totp_enabled"], false);
    // a page goes to the account page, where enrolment is
    let page = app
        .client
        .get(format!("{}/home", app.address))
        .header("cookie", web_login(&app, "root", ROOT_PASSWORD, None).await)
        .send()
        .await
        .expect("get");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/account");
    root_enrolled(&app).await;
    let open = app.get("/api/v1/users", &app.root_token).await;
    assert_eq!(open.status, StatusCode::OK, "{:?}", open.body);
    assert_eq!(
        app.get("/api/v1/me", &app.root_token).await.body["totp_enabled"],
        true
    );
}

async fn after_enrolment_a_login_needs_a_current_code_and_a_wrong_one_is_throttled(app: TestApp) {
    let totp = root_enrolled(&app).await;
    let (status, body) = login(&app, "root", ROOT_PASSWORD, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "totp_required");
    assert!(body.get("token").is_none());
    let wrong = if code(&app, &totp, 1) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (status, body) = login(&app, "root", ROOT_PASSWORD, Some(wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "totp_failed");
    let far = code(&app, &totp, 3);
    let (status, _) = login(&app, "root", ROOT_PASSWORD, Some(&far)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a code three steps ahead is refused"
    );
    // three failures from this address (per_account = 3): the next attempt waits,
    // even with the right code
    let right = code(&app, &totp, 1);
    let (status, _) = login(&app, "root", ROOT_PASSWORD, Some(&right)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance_secs(61);
    let right = code(&app, &totp, 0);
    let (status, body) = login(&app, "root", ROOT_PASSWORD, Some(&right)).await;
    assert_eq!(status, StatusCode::CREATED, "{body:?}");
    assert!(body["token"].is_string());
}

async fn a_code_once_accepted_is_refused_when_replayed(app: TestApp) {
    let totp = root_enrolled(&app).await;
    // the enrolment took the current step: its code does not log in again
    let enrolled = code(&app, &totp, 0);
    let (status, _) = login(&app, "root", ROOT_PASSWORD, Some(&enrolled)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let next = code(&app, &totp, 1);
    let (status, _) = login(&app, "root", ROOT_PASSWORD, Some(&next)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = login(&app, "root", ROOT_PASSWORD, Some(&next)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "totp_failed");
}

async fn a_recovery_code_works_once_in_place_of_a_code(app: TestApp) {
    let (_, codes) = enrol(&app, &app.root_token).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    let (status, body) = login(&app, "root", ROOT_PASSWORD, Some(&typed)).await;
    assert_eq!(status, StatusCode::CREATED, "{body:?}");
    let (status, body) = login(&app, "root", ROOT_PASSWORD, Some(&codes[3])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "totp_failed");
    let (status, _) = login(&app, "root", ROOT_PASSWORD, Some(&codes[4])).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn a_wrong_password_is_answered_alike_for_accounts_with_and_without_totp(app: TestApp) {
    root_enrolled(&app).await;
    // kasi (a coordinator) has no two-factor login yet; root has
    coordinator(&app).await;
    let (with_status, with_body) = login(&app, "root", "wrong-password-1", None).await;
    let (without_status, without_body) = login(&app, "kasi", "wrong-password-1", None).await;
    let (stranger_status, stranger_body) = login(&app, "nobody", "wrong-password-1", None).await;
    assert_eq!(with_status, StatusCode::UNAUTHORIZED);
    assert_eq!((with_status, &with_body), (without_status, &without_body));
    assert_eq!((with_status, &with_body), (stranger_status, &stranger_body));
    // a wrong password with a code: the same answer again
    let (status, body) = login(&app, "root", "wrong-password-1", Some("123456")).await;
    assert_eq!((status, &body), (without_status, &without_body));
}

async fn a_password_reset_clears_the_users_totp_and_it_enrols_again(app: TestApp) {
    root_enrolled(&app).await;
    let (id, token) = coordinator(&app).await;
    let (totp, _) = enrol(&app, &token).await;
    let ahead = code(&app, &totp, 1);
    let (status, _) = login(&app, "kasi", USER_PASSWORD, Some(&ahead)).await;
    assert_eq!(status, StatusCode::CREATED);
    let reset = app
        .post(
            &format!("/api/v1/users/{id}/reset-password"),
            &app.root_token,
            json!({}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{:?}", reset.body);
    let password = "jalan pagi ke pelabuhan";
    app.redeem_link(&reset.body, password).await;
    let (status, body) = login(&app, "kasi", password, None).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "no code is asked any more: {body:?}"
    );
    assert_eq!(body["user"]["totp_enabled"], false);
    let audit = app.get("/api/v1/audit?limit=500", &app.root_token).await;
    let entries = audit.body["items"].as_array().expect("items");
    let cleared: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "user.totp_reset")
        .collect();
    assert_eq!(cleared.len(), 1, "{entries:?}");
    assert_eq!(cleared[0]["record_id"], id.as_str());
    let text = audit.body.to_string();
    assert!(
        !text.contains(&totp.base32()),
        "the secret never reaches the audit"
    );
}

async fn an_idle_browser_session_ends_and_the_login_page_says_why(app: TestApp) {
    let totp = root_enrolled(&app).await;
    let root = web_login(&app, "root", ROOT_PASSWORD, Some(&totp)).await;
    let get = |path: &'static str| {
        let (client, address, cookie) = (app.client.clone(), app.address.clone(), root.clone());
        async move {
            client
                .get(format!("{address}{path}"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("get")
        }
    };
    assert_eq!(get("/home").await.status(), StatusCode::OK);
    // used within the limit, it lives on
    app.clock.advance_secs(90);
    assert_eq!(get("/home").await.status(), StatusCode::OK);
    app.clock.advance_secs(90);
    assert_eq!(get("/home").await.status(), StatusCode::OK);
    app.clock.advance_secs(121);
    let ended = get("/home").await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    let location = ended.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert_eq!(location, "/login?next=/home&idle=1");
    let page = app
        .client
        .get(format!("{}{location}", app.address))
        .send()
        .await
        .expect("login page");
    let html = page.text().await.expect("html");
    assert!(html.contains("Sesi berakhir karena tidak aktif"), "{html}");
    // and the session stays ended
    assert_eq!(
        get("/home").await.headers()["location"],
        "/login?next=/home"
    );
}

/// Logs in through the browser's forms, with the code step when the account has
/// two-factor login (`totp`, its secret); answers the session cookie.
async fn web_login(app: &TestApp, username: &str, password: &str, totp: Option<&Totp>) -> String {
    let csrf = "c".repeat(43);
    let cookie = format!("pulih_login_csrf={csrf}");
    let r = app
        .client
        .post(format!("{}/login", app.address))
        .header("cookie", &cookie)
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("login");
    let r = if r.status() == StatusCode::OK {
        let html = r.text().await.expect("code page");
        let pending = html
            .split("name=\"pending\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the code step carries the password step's token")
            .to_owned();
        let totp = totp.expect("a code is asked only of an enrolled account");
        let code = code(app, totp, 1);
        app.client
            .post(format!("{}/login/code", app.address))
            .header("cookie", &cookie)
            .form(&[
                ("pending", pending.as_str()),
                ("code", &code),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .expect("code")
    } else {
        r
    };
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {username}");
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("pulih_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned()
}

crate::on_both_backends!(app = super::required();
    an_administrator_without_totp_is_gated_to_enrolment,
    after_enrolment_a_login_needs_a_current_code_and_a_wrong_one_is_throttled,
    a_code_once_accepted_is_refused_when_replayed,
    a_recovery_code_works_once_in_place_of_a_code,
    a_wrong_password_is_answered_alike_for_accounts_with_and_without_totp,
    a_password_reset_clears_the_users_totp_and_it_enrols_again,
    an_idle_browser_session_ends_and_the_login_page_says_why,
);
