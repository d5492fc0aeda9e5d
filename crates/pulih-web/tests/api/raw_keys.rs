//! No page shows a translation key instead of its text: every role of a seeded Kota Batam
//! scene walks the pages it can reach by following links, and the programme forms are
//! sent with bad input; nothing the user reads (text, labels for screen readers) may look
//! like a key of the locale files (`word.word`, in one of their namespaces).

use std::collections::{BTreeSet, VecDeque};

use reqwest::StatusCode;
use serde_json::json;

use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::programme_forms::{VILLAGE, coordinator};

on_both_backends!(no_page_any_role_reaches_shows_a_translation_key);

/// The first segments of the locale files' keys (`nav`, `field`, `invalid`…).
fn namespaces() -> BTreeSet<String> {
    let text = include_str!("../../locales/id.toml");
    let keys: toml::Table = toml::from_str(text).expect("locale parses");
    keys.keys()
        .filter_map(|k| k.split_once('.').map(|(ns, _)| ns.to_owned()))
        .collect()
}

/// What a user reads of a page: its text and its accessible labels.
fn readable(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close];
        for attr in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
            if let Some(at) = tag.find(attr) {
                let value = &tag[at + attr.len()..];
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                out.push(' ');
            }
        }
        let lower = tag.to_ascii_lowercase();
        rest = &rest[open + close + 1..];
        for skipped in ["script", "style"] {
            if lower.starts_with(&format!("<{skipped}")) {
                let end = format!("</{skipped}>");
                rest = rest.find(&end).map_or("", |e| &rest[e + end.len()..]);
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words of `text` that look like a key of one of `namespaces`.
fn keys_in(text: &str, namespaces: &BTreeSet<String>) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
        .filter(|w| {
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() >= 2
                && parts.iter().all(|p| !p.is_empty())
                && parts[0].starts_with(|c: char| c.is_ascii_lowercase())
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_')
                && namespaces.contains(parts[0])
        })
        .map(str::to_owned)
        .collect()
}

/// Same-site links worth following from a page: no downloads, no language switch, no
/// logout, and only the scene's part of the region tree.
fn links(html: &str) -> Vec<String> {
    html.match_indices("href=\"/")
        .map(|(i, _)| {
            let rest = &html[i + 6..];
            let link = &rest[..rest.find('"').unwrap_or(0)];
            link.split('#').next().unwrap_or("").replace("&amp;", "&")
        })
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("/lang/")
                && !l.starts_with("/static/")
                && !l.starts_with("/api/")
                // the audit log shows its action codes (`activity.record`) by design
                && !l.starts_with("/audit")
                && !l.contains("export")
                && !l.ends_with(".csv")
                && !l.ends_with(".pdf")
                && !l.ends_with(".xlsx")
                && (!l.starts_with("/regions/") || l.starts_with("/regions/21.71"))
        })
        .collect()
}

/// Walks up to `limit` pages from `start` as `token`; returns how many pages it read and
/// the (path, keys) found.
async fn walk(
    app: &TestApp,
    token: &str,
    start: &[&str],
    limit: usize,
) -> (usize, Vec<(String, Vec<String>)>) {
    let ns = namespaces();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = start.iter().map(|s| (*s).to_owned()).collect();
    let mut found = Vec::new();
    let mut read = 0;
    while let Some(path) = queue.pop_front() {
        if seen.len() >= limit || !seen.insert(path.clone()) {
            continue;
        }
        let p = page(app, token, &path).await;
        if p.status != StatusCode::OK {
            continue;
        }
        read += 1;
        let keys = keys_in(&readable(&p.html), &ns);
        if !keys.is_empty() {
            found.push((path.clone(), keys));
        }
        queue.extend(links(&p.html).into_iter().filter(|l| !seen.contains(l)));
    }
    (read, found)
}

async fn no_page_any_role_reaches_shows_a_translation_key(app: TestApp) {
    let (org, coord, csrf) = coordinator(&app).await;
    let c = csrf.as_str();
    let (agent_id, agent) = app
        .create_user(&app.root_token, "agen-buluh", "agent", &org, VILLAGE)
        .await;
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &org, "21.71")
        .await;
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
    let unit_path = formed.location.expect("to the unit");
    let unit_id = unit_path.trim_start_matches("/ibm-units/").to_owned();
    let add = [
        ("csrf", c),
        ("user_id", agent_id.as_str()),
        ("sex", "female"),
        ("age_band", "25_44"),
    ];
    form(&app, &coord, &format!("{unit_path}/members"), &add).await;
    let today = app.today().to_string();
    let plan = [
        ("csrf", c),
        ("title", "Bimtek"),
        ("organiser", "BNNK Batam"),
        ("starts_on", today.as_str()),
        ("ends_on", today.as_str()),
        ("modules", "Adiksi"),
    ];
    let planned = form(&app, &coord, &format!("{unit_path}/trainings"), &plan).await;
    let training = planned.location.expect("to the training");
    let session = json!({"kind": "awareness", "level": "rw", "total": 10, "male": 5, "female": 5});
    let r = app
        .post(
            &format!("/api/v1/ibm-units/{unit_id}/activities"),
            &agent,
            session,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let year = chrono::Datelike::year(&app.today()).to_string();
    form(
        &app,
        &coord,
        "/regencies/21.71/bersinar-targets",
        &[("csrf", c), ("year", &year), ("count", "5")],
    )
    .await;
    form(
        &app,
        &coord,
        &format!("/villages/{VILLAGE}/bersinar"),
        &[("csrf", c), ("step", "nominate")],
    )
    .await;

    let ns = namespaces();
    let mut shown = Vec::new();
    // the four coordinator forms refused
    let refusals: [(String, Vec<(&str, &str)>); 5] = [
        (
            "/villages/21.71.01.1003/ibm-unit".to_owned(),
            vec![("csrf", c), ("founded_on", "")],
        ),
        (
            format!("{unit_path}/trainings"),
            vec![("csrf", c), ("starts_on", "")],
        ),
        (
            format!("/villages/{VILLAGE}/bersinar"),
            vec![("csrf", c), ("step", "designate")],
        ),
        (
            "/regencies/21.71/bersinar-targets".to_owned(),
            vec![("csrf", c), ("year", "x"), ("count", "x")],
        ),
        (
            format!("{training}/attendance"),
            vec![("csrf", c), ("day", "1900-01-01")],
        ),
    ];
    for (path, fields) in &refusals {
        let r = form(&app, &coord, path, fields).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
        let keys = keys_in(&readable(&r.html), &ns);
        if !keys.is_empty() {
            shown.push((path.clone(), keys));
        }
    }
    let village = format!("/regions/{VILLAGE}");
    let start = [
        "/worklist",
        "/regions/21.71",
        &village,
        &unit_path,
        &training,
    ];
    for token in [&coord, &agent, &analyst, &app.root_token] {
        let (read, found) = walk(&app, token, &start, 60).await;
        assert!(read >= 10, "a walk reads the pages it reaches: {read}");
        shown.extend(found);
    }
    assert_eq!(
        shown,
        Vec::<(String, Vec<String>)>::new(),
        "pages showing keys"
    );
}

#[test]
fn a_key_is_found_in_text_and_labels_but_not_in_names_or_sentences() {
    let ns: BTreeSet<String> = ["field", "unit"].map(str::to_owned).into();
    let html = "<label for=\"x\">field.founded_on</label><input name=\"unit.x\" aria-label=\"unit.title\"><p>Isi tanggal. 21.71 pulih.css</p>";
    assert_eq!(
        keys_in(&readable(html), &ns),
        ["field.founded_on", "unit.title"]
    );
}
