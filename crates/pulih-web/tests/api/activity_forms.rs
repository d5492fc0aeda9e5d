//! One form per kind of activity: the unit page links a button per kind, each form shows
//! only its kind's fields (at most five inputs, the rest behind "more details"), and each
//! still records.

use reqwest::StatusCode;

use crate::activity_corrections::unit;
use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::programme_forms::VILLAGE;

on_both_backends!(
    each_kind_of_activity_has_a_form_with_only_its_fields_and_records,
    a_refused_form_keeps_its_kind_and_an_unknown_kind_is_not_found,
);

/// The fields of each kind, as the forms name them.
const FIELDS: [(&str, &[&str]); 3] = [
    (
        "awareness",
        &["level", "total", "male", "female", "materials"],
    ),
    ("outreach", &["reached", "agreed_to_screening", "clients"]),
    ("coordination", &["attendees", "topic"]),
];

/// The activity form of a page: from its `<form` to its end.
fn activity_form(html: &str) -> &str {
    let start = html
        .find("<form method=\"post\" action=\"/ibm-units/")
        .unwrap_or_else(|| panic!("an activity form: {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</form>").expect("form end")]
}

/// The inputs a person sees without opening "more details": text, number, date and
/// select fields outside `<details>`.
fn visible_inputs(form: &str) -> Vec<String> {
    let mut shown = String::new();
    let mut rest = form;
    while let Some(open) = rest.find("<details") {
        shown.push_str(&rest[..open]);
        let close = rest[open..].find("</details>").expect("details end");
        rest = &rest[open + close..];
    }
    shown.push_str(rest);
    shown
        .split('<')
        .filter(|tag| {
            (tag.starts_with("input ") && !tag.contains("type=\"hidden\""))
                || tag.starts_with("select ")
                || tag.starts_with("textarea ")
        })
        .map(|tag| {
            let at = tag.find("name=\"").expect("a named input") + 6;
            tag[at..at + tag[at..].find('"').expect("name end")].to_owned()
        })
        .collect()
}

async fn each_kind_of_activity_has_a_form_with_only_its_fields_and_records(app: TestApp) {
    let (coord, agent, _, unit_path, _, csrf) = unit(&app).await;
    let unit_page = page(&app, &agent, &unit_path).await.html;
    for (kind, _) in FIELDS {
        assert!(
            unit_page.contains(&format!("{unit_path}/activities/new?kind={kind}\"")),
            "the unit page links the {kind} form: {unit_page}"
        );
    }
    let defaulted = page(&app, &agent, &format!("{unit_path}/activities/new")).await;
    assert!(
        activity_form(&defaulted.html).contains("name=\"kind\" value=\"awareness\""),
        "an awareness session when no kind is named"
    );
    for (kind, _) in FIELDS {
        let shown = page(
            &app,
            &agent,
            &format!("{unit_path}/activities/new?kind={kind}"),
        )
        .await;
        assert_eq!(shown.status, StatusCode::OK, "{kind}");
        let html = activity_form(&shown.html);
        assert!(html.contains(&format!("name=\"kind\" value=\"{kind}\"")));
        for (other, others) in FIELDS {
            for field in others {
                assert_eq!(
                    html.contains(&format!("name=\"{field}\"")),
                    other == kind,
                    "the {kind} form and the {other} field {field}"
                );
            }
        }
        let visible = visible_inputs(html);
        assert!(
            visible.len() <= 5 && visible.contains(&"held_on".to_owned()),
            "the {kind} form shows at most five inputs: {visible:?}"
        );
    }

    let path = format!("{unit_path}/activities");
    let sent: [&[(&str, &str)]; 3] = [
        &[
            ("kind", "awareness"),
            ("level", "rt"),
            ("total", "31"),
            ("male", "14"),
            ("female", "17"),
        ],
        &[
            ("kind", "outreach"),
            ("reached", "23"),
            ("agreed_to_screening", "4"),
        ],
        &[
            ("kind", "coordination"),
            ("attendees", "19"),
            ("topic", "Rakor lurah dan Puskesmas"),
        ],
    ];
    for fields in sent {
        let mut all = vec![("csrf", csrf.as_str()), ("held_on", "")];
        all.extend_from_slice(fields);
        let saved = form(&app, &agent, &path, &all).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{fields:?}: {}",
            saved.html
        );
    }
    let village = page(&app, &coord, &format!("/regions/{VILLAGE}"))
        .await
        .html;
    for seen in [
        "31 orang",
        "23 orang, 4",
        "Rakor lurah dan Puskesmas · 19 orang",
    ] {
        assert!(village.contains(seen), "the village page lists {seen}");
    }
}

async fn a_refused_form_keeps_its_kind_and_an_unknown_kind_is_not_found(app: TestApp) {
    let (_, agent, _, unit_path, _, csrf) = unit(&app).await;
    let unknown = page(
        &app,
        &agent,
        &format!("{unit_path}/activities/new?kind=party"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "coordination"),
        ("held_on", ""),
        ("attendees", "0"),
        ("topic", "Rakor IBM"),
    ];
    let refused = form(&app, &agent, &format!("{unit_path}/activities"), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = activity_form(&refused.html);
    assert!(
        html.contains("name=\"kind\" value=\"coordination\""),
        "{html}"
    );
    assert!(html.contains("value=\"Rakor IBM\"") && html.contains("id=\"err-attendees\""));
    assert!(!html.contains("name=\"total\""), "no other kind's fields");
}
