//! Places are shown by name: a unit, a client's village and the lists of a Batam scene
//! name each place, and no page shows a Kemendagri code without the place's name.

use reqwest::StatusCode;
use serde_json::json;

use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    the_unit_page_of_pulau_buluh_names_its_village,
    a_client_registered_in_a_village_typed_by_name_shows_the_villages_name,
    no_page_of_a_batam_scene_shows_a_code_without_its_place,
);

const PULAU_BULUH: &str = "21.71.05.1002";

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    html[at..at + html[at..].find('"').expect("end")].to_owned()
}

/// A Batam scene: a coordinator who forms the unit of Pulau Buluh with an agent there,
/// and a counsellor: (coordinator, counsellor, agent, unit path).
async fn scene(app: &TestApp) -> (String, String, String, String) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coord) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "21.71")
        .await;
    let (_, agent) = app
        .create_user(&app.root_token, "agen", "agent", &org, PULAU_BULUH)
        .await;
    let (_, counsellor) = app
        .create_user(&app.root_token, "konselor", "counsellor", &org, "21.71")
        .await;
    let village = page(app, &coord, &format!("/regions/{PULAU_BULUH}")).await;
    let token = csrf_of(&village.html);
    let fields = [
        ("csrf", token.as_str()),
        ("founded_on", "2023-05-08"),
        ("place", "Kantor Kelurahan"),
        ("attendees.village_head", "1"),
        ("attendees.agent", "5"),
        ("attendees.other", ""),
        ("decree_number", "141/KPTS/2023"),
        ("decree_date", "2023-05-08"),
        ("decree_signed_by", "Lurah"),
    ];
    let path = format!("/villages/{PULAU_BULUH}/ibm-unit");
    let formed = form(app, &coord, &path, &fields).await;
    assert_eq!(formed.status, StatusCode::SEE_OTHER, "{}", formed.html);
    let unit = formed.location.expect("to the unit");
    (coord, counsellor, agent, unit)
}

async fn register_in_pulau_buluh(app: &TestApp, counsellor: &str) -> String {
    let list = page(app, counsellor, "/clients").await;
    let token = csrf_of(&list.html);
    let fields = [
        ("csrf", token.as_str()),
        ("name", "Rina"),
        ("village", "pulau buluh"),
    ];
    let p = form(app, counsellor, "/clients", &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    p.location.expect("to the record")
}

async fn the_unit_page_of_pulau_buluh_names_its_village(app: TestApp) {
    let (coord, _, _, unit) = scene(&app).await;
    let shown = page(&app, &coord, &unit).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.html.contains(&format!(
            "Pulau Buluh <span class=\"code muted\">({PULAU_BULUH})</span></h1>"
        )),
        "{}",
        shown.html
    );
    assert!(
        !shown.html.contains(&format!(">{PULAU_BULUH}<")),
        "no bare code"
    );
}

async fn a_client_registered_in_a_village_typed_by_name_shows_the_villages_name(app: TestApp) {
    let (_, counsellor, _, _) = scene(&app).await;
    let record = register_in_pulau_buluh(&app, &counsellor).await;
    let shown = page(&app, &counsellor, &record).await;
    assert!(
        shown.html.contains(&format!(
            "<dd>Pulau Buluh <span class=\"code muted\">({PULAU_BULUH})</span></dd>"
        )),
        "{}",
        shown.html
    );
    assert!(
        shown
            .html
            .contains("<dd>Kota Batam <span class=\"code muted\">(21.71)</span></dd>")
    );
}

/// The Kemendagri codes in a page's text (tags and attributes left out) that are not
/// written in brackets after a name. Times ("17.46 WIB") are not codes.
fn bare_codes(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let bytes = text.as_bytes();
    let mut bare = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit()
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let token = text[start..i].trim_end_matches('.');
        let parts: Vec<usize> = token.split('.').map(str::len).collect();
        let code_like = matches!(parts.as_slice(), [2, 2] | [2, 2, 2] | [2, 2, 2, 4]);
        let after = &text[start + token.len()..];
        let time = after.starts_with(" WI");
        let named = text[..start].ends_with('(')
            && after.starts_with(')')
            && text[..start - 1]
                .trim_end()
                .chars()
                .last()
                .is_some_and(char::is_alphabetic);
        if code_like && !time && !named {
            bare.push(token.to_owned());
        }
    }
    bare
}

async fn no_page_of_a_batam_scene_shows_a_code_without_its_place(app: TestApp) {
    let (coord, counsellor, agent, unit) = scene(&app).await;
    let record = register_in_pulau_buluh(&app, &counsellor).await;
    let batam_admin = {
        let org = app
            .create_org(&app.root_token, "BNNK Batam Admin", "bnn", "21.71")
            .await;
        app.create_user(&app.root_token, "admin.batam", "admin", &org, "21.71")
            .await
            .1
    };
    let convener = app.get("/api/v1/me", &coord).await.body["org_id"]
        .as_str()
        .expect("org")
        .to_owned();
    let rakor = json!({
        "region": "21.71", "held_on": app.days_ago(3), "place": "Aula BNNK",
        "convener_org_id": convener, "present": [{"org_id": null, "name": "Dinsos Kota Batam"}],
        "topics": ["Pembentukan IBM"], "decisions": ["Satu penghubung per OPD"],
    });
    let rakor = app.post("/api/v1/rakor", &coord, rakor).await;
    assert_eq!(rakor.status, StatusCode::CREATED, "{:?}", rakor.body);
    let rakor = format!("/rakor/{}", rakor.body["id"].as_str().expect("id"));
    let pages = [
        (&coord, unit.as_str()),
        (&coord, "/rakor"),
        (&coord, rakor.as_str()),
        (&coord, "/mous"),
        (&coord, "/worklist"),
        (&agent, "/worklist"),
        (&counsellor, "/clients"),
        (&counsellor, record.as_str()),
        (&counsellor, "/worklist"),
        (&counsellor, "/partner-services"),
        (&batam_admin, "/users"),
        (&batam_admin, "/orgs"),
        (&batam_admin, "/audit"),
    ];
    for (token, path) in pages {
        let shown = page(&app, token, path).await;
        assert_eq!(shown.status, StatusCode::OK, "{path}");
        assert_eq!(bare_codes(&shown.html), Vec::<String>::new(), "{path}");
    }
}
