//! Places by name and times by zone on the pages: a place is typed as a name and
//! resolved inside the user's area (one, several to choose from, none, outside), shown as
//! "Name (code)", and times are shown in the zone of the user's region.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use reqwest::StatusCode;
use serde_json::json;

use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    a_place_typed_by_name_in_the_user_form_is_taken_when_one_place_has_it,
    a_name_several_places_have_is_offered_as_choices_and_the_choice_is_taken,
    a_name_no_place_in_the_area_has_is_a_field_error_like_one_outside_it,
    the_picker_suggests_places_of_the_users_area_with_their_full_path,
    a_referral_shows_its_times_in_wib_in_batam_and_wita_in_makassar,
    notifications_say_how_long_ago_with_the_full_time_in_the_title,
);

const PULAU_BULUH: &str = "21.71.05.1002";

/// An administrator of BNNK Batam: (org id, token, CSRF token).
async fn batam_admin(app: &TestApp) -> (String, String, String) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, token) = app
        .create_user(&app.root_token, "admin.batam", "admin", &org, "21.71")
        .await;
    let users = page(app, &token, "/users").await;
    let at = users.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = users.html[at..at + users.html[at..].find('"').expect("end")].to_owned();
    (org, token, csrf)
}

async fn add_user(
    app: &TestApp,
    token: &str,
    csrf: &str,
    org: &str,
    scope: &str,
) -> crate::client_pages::Page {
    let fields = [
        ("csrf", csrf),
        ("username", "agen.buluh"),
        ("display_name", "Agen Buluh"),
        ("role", "agent"),
        ("org_id", org),
        ("scope", scope),
        ("password", ""),
    ];
    form(app, token, "/users", &fields).await
}

async fn a_place_typed_by_name_in_the_user_form_is_taken_when_one_place_has_it(app: TestApp) {
    let (org, token, csrf) = batam_admin(&app).await;
    let added = add_user(&app, &token, &csrf, &org, "pulau buluh").await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.html);
    assert!(
        added.html.contains(&format!(
            "Pulau Buluh <span class=\"code muted\">({PULAU_BULUH})</span>"
        )),
        "the new user's scope is shown by name"
    );
    let users = app.get("/api/v1/users", &token).await.body;
    let agent = users["items"]
        .as_array()
        .or(users.as_array())
        .expect("users")
        .iter()
        .find(|u| u["username"] == "agen.buluh")
        .cloned()
        .expect("the agent");
    assert_eq!(agent["scope"], PULAU_BULUH);
}

async fn a_name_several_places_have_is_offered_as_choices_and_the_choice_is_taken(app: TestApp) {
    let (org, token, csrf) = batam_admin(&app).await;
    let asked = add_user(&app, &token, &csrf, &org, "Pulau").await;
    assert_eq!(asked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        asked.html.contains(&format!(
            "<input type=\"radio\" name=\"scope\" value=\"{PULAU_BULUH}\">"
        )),
        "Pulau Buluh is offered"
    );
    assert!(
        asked
            .html
            .contains("Pulau Buluh, Kec. Bulang, Kota Batam, Kepulauan Riau")
    );
    assert!(
        asked.html.contains("value=\"Agen Buluh\""),
        "the input is kept"
    );
    let chosen = add_user(&app, &token, &csrf, &org, PULAU_BULUH).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.html);
    assert!(chosen.html.contains("agen.buluh"));
}

async fn a_name_no_place_in_the_area_has_is_a_field_error_like_one_outside_it(app: TestApp) {
    let (org, token, csrf) = batam_admin(&app).await;
    let nowhere = add_user(&app, &token, &csrf, &org, "Kampung Entah").await;
    let outside = add_user(&app, &token, &csrf, &org, "Kutabuluh").await;
    for refused in [&nowhere, &outside] {
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .html
                .contains("Tidak ada tempat dengan nama itu di wilayah Anda"),
            "{}",
            refused.html
        );
        assert!(refused.html.contains("aria-invalid=\"true\""));
    }
    assert!(
        nowhere.html.contains("value=\"Kampung Entah\""),
        "kept as typed"
    );
    assert!(
        !outside.html.contains("12.06.13"),
        "nothing of the place outside"
    );
}

async fn the_picker_suggests_places_of_the_users_area_with_their_full_path(app: TestApp) {
    let (_, token, _) = batam_admin(&app).await;
    let near = page(
        &app,
        &token,
        "/places/suggest?field=scope&level=village&scope=Pulau%20Bu",
    )
    .await;
    assert_eq!(near.status, StatusCode::OK);
    assert!(
        near.html
            .contains("Pulau Buluh, Kec. Bulang, Kota Batam, Kepulauan Riau"),
        "{}",
        near.html
    );
    assert!(!near.html.contains("Pulau Burung"), "Riau is outside Batam");
    let chosen = page(
        &app,
        &token,
        &format!("/places/choose?field=scope&level=village&code={PULAU_BULUH}"),
    )
    .await;
    assert!(
        chosen
            .html
            .contains(&format!("value=\"Pulau Buluh ({PULAU_BULUH})\""))
    );
}

/// A counsellor in `regency` who refers a consenting client to a partner there:
/// (counsellor token, referral id).
async fn referral_in(app: &TestApp, regency: &str, tag: &str) -> (String, String) {
    let ipwl = app
        .create_org(&app.root_token, &format!("IPWL {tag}"), "ipwl", regency)
        .await;
    let (_, counsellor) = app
        .create_user(
            &app.root_token,
            &format!("konselor.{tag}"),
            "counsellor",
            &ipwl,
            regency,
        )
        .await;
    let client = crate::clients::register(app, &counsellor, json!({"name": "Rina"})).await;
    let id = client["id"].as_str().expect("id");
    crate::clients::consent(app, &counsellor, id).await;
    let blk = app
        .create_org(
            &app.root_token,
            &format!("BLK {tag}"),
            "disnakertrans",
            regency,
        )
        .await;
    let (_, partner) = app
        .create_user(
            &app.root_token,
            &format!("blk.{tag}"),
            "partner",
            &blk,
            regency,
        )
        .await;
    let service = app
        .post(
            "/api/v1/partner-services",
            &partner,
            json!({"org_id": blk, "name": "Las", "service": "vocational_training",
                   "areas": [regency], "capacity": 1, "contact": "0778-1", "hours": "Senin"}),
        )
        .await;
    assert_eq!(service.status, StatusCode::CREATED, "{:?}", service.body);
    let sent = app
        .post(
            &format!("/api/v1/clients/{id}/referrals"),
            &counsellor,
            json!({"service_id": service.body["id"], "reason": "Butuh keterampilan kerja"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    (counsellor, sent.body["id"].as_str().expect("id").to_owned())
}

/// The first `<time datetime="…">text</time>` of a page: the instant and its text.
fn first_time(html: &str) -> (DateTime<Utc>, String) {
    let at = html.find("<time datetime=\"").expect("a time") + 16;
    let end = at + html[at..].find('"').expect("end");
    let instant = DateTime::parse_from_rfc3339(&html[at..end])
        .expect("rfc3339")
        .with_timezone(&Utc);
    let text_at = end + html[end..].find('>').expect("tag end") + 1;
    let text_end = text_at + html[text_at..].find("</time>").expect("close");
    (instant, html[text_at..text_end].to_owned())
}

/// "2 Des 2026, 17.46 WIB" for `at` at `hours` east of UTC.
fn indonesian(at: DateTime<Utc>, hours: i64, zone: &str) -> String {
    let months = [
        "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
    ];
    let local = at + Duration::hours(hours);
    format!(
        "{} {} {}, {:02}.{:02} {zone}",
        local.day(),
        months[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute()
    )
}

async fn a_referral_shows_its_times_in_wib_in_batam_and_wita_in_makassar(app: TestApp) {
    for (regency, tag, hours, zone) in [
        ("21.71", "batam", 7, "WIB"),
        ("73.71", "makassar", 8, "WITA"),
    ] {
        let (counsellor, id) = referral_in(&app, regency, tag).await;
        let shown = page(&app, &counsellor, &format!("/referrals/{id}")).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.html);
        let (at, text) = first_time(&shown.html);
        assert_eq!(text, indonesian(at, hours, zone), "{tag}");
        assert!(!shown.html.contains(" UTC"), "no time in UTC");
    }
}

async fn notifications_say_how_long_ago_with_the_full_time_in_the_title(app: TestApp) {
    let (counsellor, id) = referral_in(&app, "21.71", "batam").await;
    let partner = app.login("blk.batam", crate::helpers::USER_PASSWORD).await;
    let _ = counsellor;
    app.clock.advance_secs(3 * 3600 + 60);
    let told = page(&app, &partner, "/notifications").await;
    assert_eq!(told.status, StatusCode::OK, "{}", told.html);
    let (at, text) = first_time(&told.html);
    assert_eq!(text, "3 jam lalu");
    assert!(
        told.html
            .contains(&format!("title=\"{}\"", indonesian(at, 7, "WIB"))),
        "{}",
        told.html
    );
    assert!(told.html.contains(&id) || told.html.contains("/referrals/"));
}
