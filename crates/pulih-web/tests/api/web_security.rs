//! What a browser is told and what another site can make it do: cookies are `Secure` and
//! `__Host-` named off this machine, with HSTS, and plain ones on localhost; a plain
//! cookie planted beside the site is not read over HTTPS; a request another site makes
//! the browser send is refused, so no client record is read (and audited) in the user's
//! name.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

use crate::clients::{counsellor, register};
use crate::helpers::{ROOT_PASSWORD, TestApp};

crate::on_both_backends!(
    cookies_off_this_machine_are_secure_host_only_and_pinned_to_https,
    cookies_on_this_machine_over_plain_http_stay_plain,
    a_request_another_site_makes_never_reads_a_client_record,
);

/// The `Set-Cookie` values of a response.
fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect()
}

/// The session's `Set-Cookie` value among a login's.
fn session_cookie(headers: &HeaderMap) -> String {
    set_cookies(headers)
        .into_iter()
        .find(|c| c.contains("pulih_session="))
        .expect("session cookie")
}

/// The `name=value` part of a `Set-Cookie` value.
fn pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().expect("pair")
}

/// Logs in through the login form sent to `host`: (login page headers, answer headers).
async fn form_login(app: &TestApp, host: &str) -> (HeaderMap, HeaderMap) {
    let form = app
        .client
        .get(format!("{}/login", app.address))
        .header("host", host)
        .send()
        .await
        .expect("get");
    let page_headers = form.headers().clone();
    let csrf_cookie = set_cookies(&page_headers).pop().expect("csrf cookie");
    let csrf = pair(&csrf_cookie)
        .split_once('=')
        .expect("value")
        .1
        .to_owned();
    let answer = app
        .client
        .post(format!("{}/login", app.address))
        .header("host", host)
        .header("cookie", pair(&csrf_cookie))
        .form(&[
            ("username", "root"),
            ("password", ROOT_PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    (page_headers, answer.headers().clone())
}

/// The status of `/regions/21.71` asked of `host` with `cookie`.
async fn page_status(app: &TestApp, host: &str, cookie: &str) -> StatusCode {
    app.client
        .get(format!("{}/regions/21.71", app.address))
        .header("host", host)
        .header("cookie", cookie)
        .send()
        .await
        .expect("get")
        .status()
}

async fn cookies_off_this_machine_are_secure_host_only_and_pinned_to_https(app: TestApp) {
    let host = "pulih.bnn.example.id";
    let (page, answer) = form_login(&app, host).await;
    let csrf = set_cookies(&page).pop().expect("csrf cookie");
    assert!(
        csrf.starts_with("__Host-pulih_login_csrf=") && csrf.contains("; Secure"),
        "{csrf}"
    );
    assert_eq!(page["strict-transport-security"], "max-age=31536000");
    let session = session_cookie(&answer);
    assert!(
        set_cookies(&answer)
            .iter()
            .any(|c| c.starts_with("__Host-pulih_device=") && c.contains("; Secure")),
        "the device cookie is kept alike"
    );
    assert!(
        session.starts_with("__Host-pulih_session=")
            && session.contains("; Secure")
            && session.contains("; Path=/")
            && !session.contains("Domain"),
        "{session}"
    );
    assert_eq!(
        page_status(&app, host, pair(&session)).await,
        StatusCode::OK
    );
    // The same token in a plain cookie, as a sibling subdomain could plant one, opens nothing.
    let token = pair(&session).split_once('=').expect("value").1;
    let planted = format!("pulih_session={token}");
    assert_eq!(
        page_status(&app, host, &planted).await,
        StatusCode::SEE_OTHER,
        "sent to the login page"
    );
}

async fn cookies_on_this_machine_over_plain_http_stay_plain(app: TestApp) {
    let host = app.address.trim_start_matches("http://").to_owned();
    for local in [host.as_str(), "localhost:8080"] {
        let (page, answer) = form_login(&app, local).await;
        assert!(page.get("strict-transport-security").is_none());
        let session = session_cookie(&answer);
        assert!(
            session.starts_with("pulih_session=") && !session.contains("Secure"),
            "{session}"
        );
        assert_eq!(
            page_status(&app, local, pair(&session)).await,
            StatusCode::OK
        );
    }
    let behind_https_proxy = app
        .client
        .get(format!("{}/login", app.address))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("get");
    let csrf = set_cookies(behind_https_proxy.headers())
        .pop()
        .expect("cookie");
    assert!(
        csrf.starts_with("__Host-") && csrf.contains("; Secure"),
        "{csrf}"
    );
}

async fn a_request_another_site_makes_never_reads_a_client_record(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let client = register(
        &app,
        &token,
        json!({"name": "Budi Santoso", "birth_date": "1990-08-17", "sex": "male",
               "village": "21.71.01.1002"}),
    )
    .await;
    let id = client["id"].as_str().expect("id");
    let read = |path: String, site: Option<&'static str>| {
        let mut req = app
            .client
            .get(format!("{}{path}", app.address))
            .bearer_auth(&token);
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        req.send()
    };
    let audited = app.audit_count().await;
    for path in [format!("/api/v1/clients/{id}"), format!("/clients/{id}")] {
        for site in ["cross-site", "same-site"] {
            let res = read(path.clone(), Some(site)).await.expect("get");
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path} from {site}");
            let body = res.text().await.expect("body");
            assert!(!body.contains("Budi"), "{body}");
        }
    }
    assert_eq!(app.audit_count().await, audited, "nothing was read");
    let refused = read(format!("/api/v1/clients/{id}"), Some("cross-site"))
        .await
        .expect("get")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    assert_eq!(refused["error"]["code"], "cross_site");
    for path in [format!("/api/v1/clients/{id}"), format!("/clients/{id}")] {
        for site in [Some("same-origin"), Some("none"), None] {
            let res = read(path.clone(), site).await.expect("get");
            assert_eq!(res.status(), StatusCode::OK, "{path} from {site:?}");
        }
    }
    let entry = app
        .client
        .get(format!("{}/login", app.address))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("get");
    assert_eq!(
        entry.status(),
        StatusCode::OK,
        "another site may link to the login"
    );
}
