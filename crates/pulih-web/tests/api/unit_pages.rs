//! IBM units from the pages: a coordinator forms a unit, adds an agent, plans a bimtek
//! and takes attendance; the agent records an awareness session from a phone form that
//! keeps its input when refused; the village page shows it.

use reqwest::StatusCode;

use crate::client_pages::{Page, form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(a_coordinator_forms_a_unit_and_its_agent_records_a_session_from_the_pages);

const VILLAGE: &str = "12.75.01.1001";

fn csrf(p: &Page) -> String {
    let at = p.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    p.html[at..at + p.html[at..].find('"').expect("end")].to_owned()
}

fn after<'a>(html: &'a str, marker: &str) -> &'a str {
    &html[html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in page"))..]
}

async fn a_coordinator_forms_a_unit_and_its_agent_records_a_session_from_the_pages(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Binjai", "bnn", "12.75")
        .await;
    let (_, coord) = app
        .create_user(&app.root_token, "koordinator", "coordinator", &org, "12.75")
        .await;
    let (agent_id, agent) = app
        .create_user(&app.root_token, "sari", "agent", &org, VILLAGE)
        .await;

    let village = page(&app, &coord, &format!("/regions/{VILLAGE}")).await;
    assert!(
        village
            .html
            .contains(&format!("action=\"/villages/{VILLAGE}/ibm-unit\"")),
        "the form-unit card"
    );
    let token = csrf(&village);
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
    let formed = form(
        &app,
        &coord,
        &format!("/villages/{VILLAGE}/ibm-unit"),
        &fields,
    )
    .await;
    assert_eq!(formed.status, StatusCode::SEE_OTHER, "{}", formed.html);
    let unit_path = formed.location.expect("to the unit");
    let unit_id = unit_path.trim_start_matches("/ibm-units/").to_owned();
    let unit_page = page(&app, &coord, &unit_path).await;
    assert!(
        unit_page.html.contains(&format!("value=\"{agent_id}\"")),
        "the agent is a candidate"
    );
    let add = [
        ("csrf", token.as_str()),
        ("user_id", agent_id.as_str()),
        ("phone", "0812 3456 7890"),
        ("sex", "female"),
        ("age_band", "25_44"),
    ];
    let added = form(&app, &coord, &format!("{unit_path}/members"), &add).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html);
    let plan = [
        ("csrf", token.as_str()),
        ("title", "Bimtek"),
        ("organiser", "BNNK Binjai"),
        ("starts_on", "2023-05-09"),
        ("ends_on", "2023-05-10"),
        ("modules", "Adiksi\nKonseling"),
        ("trainers", ""),
    ];
    let planned = form(&app, &coord, &format!("{unit_path}/trainings"), &plan).await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.html);
    let training_path = planned.location.expect("to the training");
    for day in ["2023-05-09", "2023-05-10"] {
        let present = [
            ("csrf", token.as_str()),
            ("day", day),
            ("present", agent_id.as_str()),
        ];
        let r = form(
            &app,
            &coord,
            &format!("{training_path}/attendance"),
            &present,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    }
    let training = page(&app, &coord, &training_path).await;
    assert!(
        training
            .html
            .contains(&format!("BIMTEK/{VILLAGE}/2023-05-09/1")),
        "the certificate"
    );
    let list = page(&app, &coord, "/worklist").await;
    assert!(
        !list.html.contains("sari ·"),
        "a trained agent is not on the worklist"
    );

    let new = format!("/ibm-units/{unit_id}/activities/new");
    let blank = page(&app, &agent, &new).await;
    assert_eq!(blank.status, StatusCode::OK);
    assert!(
        blank.html.contains("name=\"kind\" value=\"awareness\""),
        "an awareness session by default"
    );
    let mine = page(&app, &agent, "/worklist").await;
    assert!(
        mine.html.contains(&format!("{new}?kind=awareness")),
        "the agent's worklist links to the form"
    );
    let token = csrf(&blank);
    let mut session = vec![
        ("csrf", token.as_str()),
        ("kind", "awareness"),
        ("held_on", ""),
        ("level", "rw"),
        ("total", "40"),
        ("male", "20"),
        ("female", "18"),
        ("materials", "leaflet"),
    ];
    let path = format!("/ibm-units/{unit_id}/activities");
    let refused = form(&app, &agent, &path, &session).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("id=\"err-sex\""), "{}", refused.html);
    assert!(
        refused.html.contains("value=\"leaflet\""),
        "what was typed is kept"
    );
    session[6] = ("female", "20");
    let saved = form(&app, &agent, &path, &session).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let seen = page(&app, &coord, &format!("/regions/{VILLAGE}")).await;
    let section = after(&seen.html, "id=\"activities\"");
    assert!(
        section.contains("40"),
        "the coordinator sees the session: {section}"
    );
    assert!(section.contains("leaflet"));
}
