//! The coordinator's programme forms from the pages: a refused IBM unit, bimtek, Bersinar
//! step or yearly target comes back in the page frame with the menu, plain messages
//! beside the fields and every typed value; a year's target is set again without a
//! version, never above the regency's villages, and judged only once the year is over;
//! a village is offered only the Bersinar steps its status allows.

use reqwest::StatusCode;

use crate::client_pages::{Page, form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    refused_coordinator_forms_come_back_in_the_page_frame_with_plain_messages_and_the_input,
    a_year_target_is_set_again_without_a_version_and_never_above_the_villages,
    a_village_is_offered_only_the_bersinar_steps_its_status_allows,
);

/// A kelurahan of Kota Batam.
pub(crate) const VILLAGE: &str = "21.71.01.1002";

/// A coordinator of BNNK Batam: (its organisation, token, CSRF token of its session).
pub(crate) async fn coordinator(app: &TestApp) -> (String, String, String) {
    let org = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coord) = app
        .create_user(&app.root_token, "kasi-rehab", "coordinator", &org, "21.71")
        .await;
    let csrf = csrf_of(&page(app, &coord, &format!("/regions/{VILLAGE}")).await);
    (org, coord, csrf)
}

/// The CSRF token in a page's first form.
pub(crate) fn csrf_of(p: &Page) -> String {
    let at = p.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    p.html[at..at + p.html[at..].find('"').expect("end")].to_owned()
}

/// The page frame: the main menu is there.
fn framed(p: &Page) -> bool {
    p.html.contains("href=\"/worklist\"") && p.html.contains("href=\"/regions\"")
}

async fn refused_coordinator_forms_come_back_in_the_page_frame_with_plain_messages_and_the_input(
    app: TestApp,
) {
    let (_, coord, csrf) = coordinator(&app).await;
    let c = csrf.as_str();
    let unit = [
        ("csrf", c),
        ("founded_on", ""),
        ("place", "Balai Kelurahan Pulau Buluh"),
        ("attendees.village_head", "1"),
        ("attendees.agent", "6"),
        ("decree_number", "141/KPTS/2026"),
        ("decree_date", "2026-13-45"),
        ("decree_signed_by", "Lurah Pulau Buluh"),
    ];
    let r = form(
        &app,
        &coord,
        &format!("/villages/{VILLAGE}/ibm-unit"),
        &unit,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(framed(&r), "the menu is there: {}", r.html);
    assert!(r.html.contains("id=\"err-founded_on\""), "{}", r.html);
    assert!(
        r.html.contains("Isi tanggal."),
        "an empty date asks for one"
    );
    assert!(r.html.contains("id=\"err-unit_decree_date\""));
    assert!(!r.html.contains("field."), "no raw key");
    for typed in [
        "value=\"Balai Kelurahan Pulau Buluh\"",
        "value=\"6\"",
        "value=\"141/KPTS/2026\"",
        "value=\"2026-13-45\"",
        "value=\"Lurah Pulau Buluh\"",
    ] {
        assert!(r.html.contains(typed), "{typed} is kept");
    }

    let unit = [
        ("csrf", c),
        ("founded_on", "2026-01-10"),
        ("place", "Balai Kelurahan"),
        ("attendees.agent", "6"),
        ("decree_number", "141/KPTS/2026"),
        ("decree_date", "2026-01-10"),
        ("decree_signed_by", "Lurah"),
    ];
    let formed = form(
        &app,
        &coord,
        &format!("/villages/{VILLAGE}/ibm-unit"),
        &unit,
    )
    .await;
    assert_eq!(formed.status, StatusCode::SEE_OTHER, "{}", formed.html);
    let unit_path = formed.location.expect("to the unit");
    let bimtek = [
        ("csrf", c),
        ("title", "Bimtek Agen Pemulihan Pulau Buluh"),
        ("organiser", "BNNK Batam"),
        ("starts_on", ""),
        ("ends_on", ""),
        ("modules", "Adiksi\nKonseling"),
        ("trainers", "dr. Sari"),
    ];
    let r = form(&app, &coord, &format!("{unit_path}/trainings"), &bimtek).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(framed(&r));
    assert!(r.html.contains("id=\"err-starts_on\"") && r.html.contains("id=\"err-ends_on\""));
    assert!(r.html.contains("Isi tanggal.") && !r.html.contains("TTTT"));
    assert!(
        r.html
            .contains("value=\"Bimtek Agen Pemulihan Pulau Buluh\"")
    );
    assert!(
        r.html.contains(">Adiksi\nKonseling</textarea>"),
        "modules kept"
    );
    assert!(r.html.contains(">dr. Sari</textarea>"));
    let blank = page(&app, &coord, &format!("{unit_path}/trainings/new")).await;
    assert_eq!(
        blank.status,
        StatusCode::OK,
        "the form has a page of its own"
    );

    let path = format!("/villages/{VILLAGE}/bersinar");
    let done = form(&app, &coord, &path, &[("csrf", c), ("step", "nominate")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let designate = [
        ("csrf", c),
        ("step", "designate"),
        ("decree_number", "188.45/12/2026"),
        ("decree_date", ""),
        ("decree_issuer", "Wali Kota Batam"),
    ];
    let r = form(&app, &coord, &path, &designate).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(framed(&r));
    assert!(r.html.contains("id=\"err-designate-decree_date\""));
    assert!(r.html.contains("Isi tanggal."));
    assert!(
        r.html.contains("value=\"188.45/12/2026\"") && r.html.contains("value=\"Wali Kota Batam\"")
    );

    let targets = "/regencies/21.71/bersinar-targets";
    let r = form(
        &app,
        &coord,
        targets,
        &[("csrf", c), ("year", "2030"), ("count", "999")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(framed(&r));
    assert!(r.html.contains("id=\"err-target-count\""), "{}", r.html);
    assert!(r.html.contains("value=\"999\"") && r.html.contains("value=\"2030\""));
}

async fn a_year_target_is_set_again_without_a_version_and_never_above_the_villages(app: TestApp) {
    let (_, coord, csrf) = coordinator(&app).await;
    let c = csrf.as_str();
    let year = chrono::Datelike::year(&app.today());
    let (this, next) = (year.to_string(), (year + 1).to_string());
    let targets = "/regencies/21.71/bersinar-targets";
    for (y, n) in [
        (this.as_str(), "5"),
        (this.as_str(), "6"),
        (next.as_str(), "15"),
    ] {
        let set = form(
            &app,
            &coord,
            targets,
            &[("csrf", c), ("year", y), ("count", n)],
        )
        .await;
        assert_eq!(set.status, StatusCode::SEE_OTHER, "{y}: {}", set.html);
    }
    let regency = page(&app, &coord, "/regions/21.71").await.html;
    assert!(
        regency.contains("berjalan 0/6"),
        "this year is in progress: {regency}"
    );
    assert!(
        regency.contains("direncanakan, target 15"),
        "next year is planned"
    );
    assert!(
        !regency.contains("di bawah target"),
        "no year is below target yet"
    );
    assert!(
        !regency.contains("<select id=\"target-version\""),
        "no version to pick"
    );

    // a year's own form carries the version it showed; only a real change meanwhile is
    // refused, and the refusal shows the new figure with what was typed
    let version_of = |html: &str| {
        let form = &html[html
            .find(&format!("id=\"target-{this}-title\""))
            .expect("the year's form")..];
        let at = form.find("name=\"version\" value=\"").expect("version") + 22;
        form[at..at + form[at..].find('"').expect("end")].to_owned()
    };
    let shown = version_of(&regency);
    let mine = [
        ("csrf", c),
        ("year", this.as_str()),
        ("version", shown.as_str()),
        ("count", "7"),
    ];
    let theirs = [
        ("csrf", c),
        ("year", this.as_str()),
        ("version", shown.as_str()),
        ("count", "8"),
    ];
    assert_eq!(
        form(&app, &coord, targets, &theirs).await.status,
        StatusCode::SEE_OTHER
    );
    let stale = form(&app, &coord, targets, &mine).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.html.contains("role=\"alert\"") && stale.html.contains("value=\"7\""));
    assert!(
        stale.html.contains("berjalan 0/8"),
        "the new figure is shown"
    );

    let over = form(
        &app,
        &coord,
        targets,
        &[("csrf", c), ("year", next.as_str()), ("count", "1000")],
    )
    .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        over.html.contains("lebih dari jumlah desa/kelurahan"),
        "{}",
        over.html
    );
}

async fn a_village_is_offered_only_the_bersinar_steps_its_status_allows(app: TestApp) {
    let (_, coord, csrf) = coordinator(&app).await;
    let c = csrf.as_str();
    let village = format!("/regions/{VILLAGE}");
    let steps = |html: &str| -> Vec<String> {
        html.match_indices("name=\"step\" value=\"")
            .map(|(i, _)| {
                let rest = &html[i + 19..];
                rest[..rest.find('"').expect("end")].to_owned()
            })
            .collect()
    };
    // the Bersinar section of the village page (the IBM unit's form follows it)
    let section = |html: String| {
        let from = html.find("id=\"bersinar-village\"").expect("the section");
        let to = html.find("id=\"ibm-unit\"").expect("the unit section");
        html[from..to].to_owned()
    };
    let fresh = section(page(&app, &coord, &village).await.html);
    assert_eq!(steps(&fresh), ["nominate"]);
    assert!(
        !fresh.contains("name=\"decree_number\""),
        "nominating needs no decree"
    );
    let path = format!("/villages/{VILLAGE}/bersinar");
    form(&app, &coord, &path, &[("csrf", c), ("step", "nominate")]).await;
    let candidate = section(page(&app, &coord, &village).await.html);
    assert_eq!(steps(&candidate), ["designate"]);
    assert!(candidate.contains("name=\"decree_date\"") && !candidate.contains("name=\"reason\""));
    let designate = [
        ("csrf", c),
        ("step", "designate"),
        ("decree_number", "188.45/12/2026"),
        ("decree_date", &app.days_ago(3)),
        ("decree_issuer", "Wali Kota Batam"),
    ];
    let r = form(&app, &coord, &path, &designate).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let designated = section(page(&app, &coord, &village).await.html);
    assert_eq!(steps(&designated), ["evaluate", "revoke"]);
    assert!(!designated.contains("name=\"decree_date\"") && designated.contains("name=\"reason\""));
    let regency = page(&app, &coord, "/regions/21.71").await.html;
    assert!(!regency.contains("di bawah target"));
}
