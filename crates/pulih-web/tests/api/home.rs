//! Each role's home page, the one-time notice after a saved form, the unread count in the
//! menu, and compressed pages. Pages accept the bearer token, so these tests log in over
//! the API and read the HTML.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::client_pages::{form, page};
use crate::clients::{consent, counsellor, register};
use crate::helpers::{TestApp, USER_PASSWORD};
use crate::on_both_backends;
use crate::referrals::partner;
use crate::units::{PAHLAWAN, office};

on_both_backends!(
    an_administrator_of_a_new_installation_is_walked_through_setting_it_up,
    each_role_starts_on_its_own_work,
    a_saved_form_is_confirmed_once_on_the_next_page,
    the_menu_counts_unread_notifications_and_the_worklist_shows_only_what_waits,
    pages_and_scripts_are_sent_compressed,
);

/// The session's CSRF token, from the logout form of the home page.
pub(crate) async fn csrf(app: &TestApp, token: &str) -> String {
    let p = page(app, token, "/home").await;
    let at = p.html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    p.html[at..at + p.html[at..].find('"').expect("end")].to_owned()
}

/// How many set-up steps the page marks done.
fn steps_done(html: &str) -> usize {
    html.matches(r#"<span class="tag">selesai</span>"#).count()
}

async fn an_administrator_of_a_new_installation_is_walked_through_setting_it_up(app: TestApp) {
    let fresh = page(&app, &app.root_token, "/home").await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert!(fresh.html.contains("Menyiapkan Pulih"), "{}", fresh.html);
    assert_eq!(steps_done(&fresh.html), 0);

    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    assert_eq!(
        steps_done(&page(&app, &app.root_token, "/home").await.html),
        1
    );
    app.create_user(&app.root_token, "koor", "coordinator", &bnnk, "21.71")
        .await;
    partner(&app, "BLK Batam", "disnakertrans", "vocational_training").await;
    let ready = page(&app, &app.root_token, "/home").await;
    assert_eq!(steps_done(&ready.html), 4, "{}", ready.html);
    assert!(
        ready
            .html
            .contains("Semua langkah persiapan sudah selesai.")
    );

    let (coord, _) = office(&app, "BNNK Medan", "12.75", PAHLAWAN, 0).await;
    let theirs = page(&app, &coord, "/home").await;
    assert!(
        !theirs.html.contains("Menyiapkan Pulih"),
        "only administrators set Pulih up"
    );
}

async fn each_role_starts_on_its_own_work(app: TestApp) {
    let (coord, agents) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 1).await;
    let members = json!([{"user_id": agents[0].0, "phone": "081234567801", "sex": "female",
                          "age_band": "25_44"}]);
    let unit = app
        .post(
            &format!("/api/v1/villages/{PAHLAWAN}/ibm-unit"),
            &coord,
            json!({"founded_on": "2023-05-08", "place": "Kantor Kelurahan",
                   "attendees": {"agent": 1}, "decree_number": "141/KPTS/2023",
                   "decree_date": "2023-05-08", "decree_signed_by": "Lurah",
                   "members": members}),
        )
        .await;
    assert_eq!(unit.status, StatusCode::CREATED, "{:?}", unit.body);
    let unit = unit.body["id"].as_str().expect("unit id").to_owned();
    let agent = &agents[0].1;
    let waiting = page(&app, agent, "/home").await;
    assert!(
        waiting.html.contains(&format!(
            r#"href="/ibm-units/{unit}/activities/new?kind=awareness">Catat sosialisasi"#
        )),
        "one tap to record an activity: {}",
        waiting.html
    );
    assert!(waiting.html.contains("Belum ada bimtek"));
    assert!(
        waiting.html.contains(&format!(
            r#"Unit IBM Pahlawan <span class="code muted">({PAHLAWAN})</span></a>"#
        )),
        "the agent's unit is named by its village: {}",
        waiting.html
    );
    let plan = json!({"title": "Bimtek Agen Pemulihan Angkatan 2", "organiser": "BNNK Binjai",
        "starts_on": app.days_ahead(10), "ends_on": app.days_ahead(12),
        "modules": ["Adiksi"], "trainers": ["dr. Rina"]});
    let planned = app
        .post(&format!("/api/v1/ibm-units/{unit}/trainings"), &coord, plan)
        .await;
    assert_eq!(planned.status, StatusCode::CREATED, "{:?}", planned.body);
    let home = page(&app, agent, "/home").await.html;
    assert!(home.contains("Bimtek Agen Pemulihan Angkatan 2"), "{home}");
    let list = page(&app, agent, "/worklist").await.html;
    assert!(
        list.contains("Bimtek Agen Pemulihan Angkatan 2"),
        "the agent's coming bimtek is on its worklist: {list}"
    );

    let summary = page(&app, &coord, "/home").await.html;
    assert!(summary.contains("Ringkasan wilayah"), "{summary}");
    assert!(!summary.contains("Catat kegiatan"));

    let (_, worker) = counsellor(&app, "konselor").await;
    let (blk, _) = referred(&app, &worker).await;
    let incoming = page(&app, &blk, "/home").await.html;
    assert!(
        incoming.contains("Rujukan menunggu jawaban Anda (1)"),
        "{incoming}"
    );
    let counsellor_home = page(&app, &worker, "/home").await.html;
    assert!(counsellor_home.contains("Klien yang perlu ditindaklanjuti"));

    let login = app
        .request(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"username": "konselor", "password": USER_PASSWORD})),
            &[],
        )
        .await;
    let token = login.body["token"].as_str().expect("token");
    let root = app
        .client
        .get(format!("{}/", app.address))
        .header("cookie", format!("pulih_session={token}"))
        .send()
        .await
        .expect("root");
    assert_eq!(root.status(), StatusCode::SEE_OTHER);
    assert_eq!(root.headers()["location"], "/home");
    let stranger = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("root");
    assert_eq!(stranger.headers()["location"], "/login");
}

/// A consenting client of `worker` referred to a BLK's course: (the BLK's token, the
/// referral).
async fn referred(app: &TestApp, worker: &str) -> (String, serde_json::Value) {
    let client = register(app, worker, json!({"name": "Rina"})).await;
    let client = client["id"].as_str().expect("id").to_owned();
    consent(app, worker, &client).await;
    let (blk, service) = partner(app, "BLK Batam", "disnakertrans", "vocational_training").await;
    let sent = app
        .post(
            &format!("/api/v1/clients/{client}/referrals"),
            worker,
            json!({"service_id": service, "reason": "Pelatihan kerja"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    (blk, sent.body)
}

/// The `pulih_notice` values a response sets.
fn notices(headers: &reqwest::header::HeaderMap) -> Vec<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("pulih_notice="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .collect()
}

async fn home_with_cookie(app: &TestApp, token: &str, cookie: &str) -> (String, Vec<String>) {
    let r = app
        .client
        .get(format!("{}/home", app.address))
        .bearer_auth(token)
        .header("cookie", cookie)
        .send()
        .await
        .expect("home");
    let set = notices(r.headers());
    (r.text().await.expect("html"), set)
}

async fn a_saved_form_is_confirmed_once_on_the_next_page(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor").await;
    let own_csrf = csrf(&app, &token).await;
    let saved = app
        .client
        .post(format!("{}/account", app.address))
        .bearer_auth(&token)
        .form(&[
            ("csrf", own_csrf.as_str()),
            ("current_password", USER_PASSWORD),
            ("new_password", "kopi-susu-pagi-hari-2026"),
        ])
        .send()
        .await
        .expect("change");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], "/home");
    assert_eq!(notices(saved.headers()), ["pulih_notice=password"]);

    let (html, set) = home_with_cookie(&app, &token, "pulih_notice=password").await;
    assert!(
        html.contains(r#"<p class="notice" role="status">Kata sandi Anda sudah diganti."#),
        "{html}"
    );
    assert_eq!(set, ["pulih_notice="], "shown once, then cleared");
    let (again, _) = home_with_cookie(&app, &token, "").await;
    assert!(!again.contains(r#"class="notice""#));
    let (planted, _) = home_with_cookie(&app, &token, "pulih_notice=<b>hacked</b>").await;
    assert!(
        !planted.contains(r#"class="notice""#) && !planted.contains("hacked"),
        "only known notices are shown"
    );

    let admin_csrf = csrf(&app, &app.root_token).await;
    let org = form(
        &app,
        &app.root_token,
        "/orgs",
        &[
            ("csrf", &admin_csrf),
            ("name", "Dinsos Batam"),
            ("org_type", "dinsos"),
            ("region", "21.71"),
        ],
    )
    .await;
    assert_eq!(org.status, StatusCode::SEE_OTHER, "{}", org.html);
    let refused = app
        .client
        .post(format!("{}/orgs", app.address))
        .bearer_auth(&app.root_token)
        .form(&[("csrf", admin_csrf.as_str()), ("name", "")])
        .send()
        .await
        .expect("refused");
    assert!(
        notices(refused.headers()).is_empty(),
        "a refused form says nothing was saved"
    );
}

async fn the_menu_counts_unread_notifications_and_the_worklist_shows_only_what_waits(app: TestApp) {
    let (_, worker) = counsellor(&app, "konselor").await;
    let quiet = page(&app, &worker, "/worklist").await.html;
    assert!(quiet.contains("Tidak ada tugas yang menunggu."), "{quiet}");
    assert!(
        !quiet.contains("Tidak ada.</p>"),
        "empty sections are left out: {quiet}"
    );
    assert!(!quiet.contains(r#"class="badge""#));

    let (blk, referral) = referred(&app, &worker).await;
    let id = referral["id"].as_str().expect("id");
    let accepted = app
        .post(
            &format!("/api/v1/referrals/{id}/moves"),
            &blk,
            json!({"move": "accept", "version": referral["version"]}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);

    let told = page(&app, &worker, "/worklist").await.html;
    assert!(
        told.contains(r#"<span class="badge">1<span class="visually-hidden"> belum dibaca</span>"#),
        "{told}"
    );
    assert!(!told.contains("Tidak ada tugas yang menunggu."));
    let worker_csrf = csrf(&app, &worker).await;
    let marked = form(
        &app,
        &worker,
        "/notifications/read",
        &[("csrf", &worker_csrf)],
    )
    .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    let read = page(&app, &worker, "/worklist").await.html;
    assert!(
        !read.contains(r#"class="badge""#),
        "none unread once marked read"
    );
}

async fn pages_and_scripts_are_sent_compressed(app: TestApp) {
    for path in ["/static/htmx-2.0.11.min.js", "/login"] {
        let r = app
            .client
            .get(format!("{}{path}", app.address))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-encoding"], "gzip", "{path}");
        let size = r.bytes().await.expect("body").len();
        assert!(size < 20_000 || path == "/login", "{path}: {size} bytes");
    }
}
