//! The re-arrest linkage tried as an attacker would: a police liaison records hand-offs
//! with a NIK and reads whatever it can, hoping to learn whether the person was ever a
//! client. Each test runs two servers alike in all but one fact, whether the probed NIK
//! belongs to a client, and compares every answer a user outside the client's reach
//! gets from each (ids and session tokens masked): the liaison's always, a coordinator's
//! and an analyst's wherever the probe's count stays under the minimum of hand-offs.

use std::cell::RefCell;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestRunner};
use pulih_domain::rollup::Period;
use reqwest::StatusCode;
use serde_json::Value;

use crate::client_pages::page;
use crate::clients::{NIK, counsellor};
use crate::helpers::{TestApp, spawn_app};
use crate::linkage::{
    bnnk, bulk, closed_semesters, day_in, handoff, kind, liaison, past_client, strangers,
};
use crate::on_both_backends;

on_both_backends!(
    a_liaison_gets_the_same_answers_whether_or_not_its_hand_off_names_a_client,
    random_hand_offs_give_those_outside_reach_the_same_answers_whether_or_not_a_nik_is_a_client,
);

/// The NIK a client holds in every world.
const CLIENT: &str = "2171014106880002";
/// The NIK of the second client where the probe is nobody's.
const OTHER: &str = "2171016512870004";
/// The hand-off kinds.
const KINDS: [&str; 3] = ["arrest", "tat_assessment", "lapas_release"];

/// One server and its users.
struct World {
    app: TestApp,
    police: String,
    coordinator: String,
    analyst: String,
}

/// A server where `probe` is a client's NIK (`is_client`) or nobody's: in both, two
/// clients with episodes opened before the semesters in play, one holding [`CLIENT`].
async fn world(app: TestApp, probe: &str, is_client: bool) -> World {
    let police = liaison(&app).await;
    let (_, care) = counsellor(&app, "konselor").await;
    let (_, before) = closed_semesters(&app);
    let opened = day_in(before.previous().expect("a semester"), 1);
    past_client(&app, &care, CLIENT, &opened).await;
    let other = if is_client { probe } else { OTHER };
    past_client(&app, &care, other, &opened).await;
    World {
        coordinator: bnnk(&app, "koordinator", "coordinator").await,
        analyst: bnnk(&app, "analis", "analyst").await,
        police,
        app,
    }
}

/// Two worlds on the backend of `app`: in the first `probe` is a client's NIK.
async fn worlds(app: TestApp, probe: &str) -> (World, World) {
    let twin = spawn_app(app.backend).await.expect("a second server");
    (
        world(app, probe, true).await,
        world(twin, probe, false).await,
    )
}

/// `text` with UUIDs and the page's CSRF token masked.
fn masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let uuid = chars.get(i..i + 36).is_some_and(|w| {
            w.iter().enumerate().all(|(at, c)| match at {
                8 | 13 | 18 | 23 => *c == '-',
                _ => c.is_ascii_hexdigit(),
            })
        });
        if uuid {
            out.push_str("<id>");
            i += 36;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    let marker = "name=\"csrf\" value=\"";
    let mut masked = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find(marker) {
        let (head, tail) = rest.split_at(at + marker.len());
        masked.push_str(head);
        masked.push_str("<csrf>");
        rest = tail.find('"').map_or("", |end| &tail[end..]);
    }
    masked.push_str(rest);
    masked
}

/// Every answer the liaison can get about hand-offs, linkage, the regency and its
/// dashboard, masked.
async fn liaison_answers(w: &World, quiet_day: &str) -> Vec<String> {
    let (last, before) = closed_semesters(&w.app);
    let mut paths = vec![
        "/api/v1/handoffs".to_owned(),
        "/api/v1/regions/21.71/linkage".to_owned(),
        format!("/api/v1/regions/21.71/linkage?from={quiet_day}&to={quiet_day}"),
        "/api/v1/regions/21/linkage".to_owned(),
        "/api/v1/regions/ID/linkage".to_owned(),
        "/api/v1/dashboards/21.71".to_owned(),
    ];
    for s in [last, before] {
        paths.push(format!("/api/v1/regions/21.71/linkage?period={s}"));
        paths.push(format!("/api/v1/dashboards/21.71?period={s}"));
    }
    let mut out = Vec::new();
    for path in paths {
        let r = w.app.get(&path, &w.police).await;
        out.push(format!(
            "{path} {} {}",
            r.status,
            masked(&r.body.to_string())
        ));
    }
    for path in ["/handoffs", "/regions/21.71", "/dashboard/21.71"] {
        let p = page(&w.app, &w.police, path).await;
        out.push(format!("{path} {} {}", p.status, masked(&p.html)));
    }
    out
}

/// The linkage answer of `token` for `semester`.
async fn linkage(w: &World, token: &str, semester: Period) -> Value {
    let path = format!("/api/v1/regions/21.71/linkage?period={semester}");
    let r = w.app.get(&path, token).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

async fn a_liaison_gets_the_same_answers_whether_or_not_its_hand_off_names_a_client(app: TestApp) {
    let (client, stranger) = worlds(app, NIK).await;
    let (last, _) = closed_semesters(&client.app);
    let quiet_day = day_in(last, 45);
    for w in [&client, &stranger] {
        handoff(&w.app, &w.police, "arrest", NIK, &quiet_day).await;
    }
    assert_eq!(
        liaison_answers(&client, &quiet_day).await,
        liaison_answers(&stranger, &quiet_day).await,
        "one hand-off on a quiet day"
    );
    for w in [&client, &stranger] {
        let five = vec![("arrest", NIK, quiet_day.clone()); 5];
        bulk(&w.app, &w.police, &five).await;
    }
    assert_eq!(
        liaison_answers(&client, &quiet_day).await,
        liaison_answers(&stranger, &quiet_day).await,
        "six copies of the NIK"
    );
    for (a, b) in [
        (&client.coordinator, &stranger.coordinator),
        (&client.analyst, &stranger.analyst),
    ] {
        assert_eq!(
            linkage(&client, a, last).await,
            linkage(&stranger, b, last).await,
            "six arrests are under the minimum, for coordinators and analysts too"
        );
    }

    // ten arrests: the coordinator, who records none, sees the match
    for w in [&client, &stranger] {
        let others = strangers(4);
        let rows: Vec<_> = others
            .iter()
            .map(|nik| ("arrest", nik.as_str(), quiet_day.clone()))
            .collect();
        bulk(&w.app, &w.police, &rows).await;
    }
    let shown = linkage(&client, &client.coordinator, last).await;
    assert_eq!(
        kind(&shown, "arrest").1,
        6,
        "the coordinator's figure is the match"
    );
    let shown = linkage(&stranger, &stranger.coordinator, last).await;
    assert_eq!(kind(&shown, "arrest").1, 0);
    assert_eq!(
        liaison_answers(&client, &quiet_day).await,
        liaison_answers(&stranger, &quiet_day).await,
        "the liaison still learns nothing"
    );
}

/// Some hand-offs: a kind, whose NIK (0: the probe, 1: the client's, else a stranger's),
/// the last closed semester or the one before, a day in it and how many copies.
#[derive(Debug, Clone)]
struct Batch {
    kind: &'static str,
    nik: usize,
    earlier: bool,
    day: u64,
    copies: usize,
}

fn batch() -> impl Strategy<Value = Batch> {
    (
        select(&[KINDS[0], KINDS[0], KINDS[1], KINDS[2]][..]),
        0..4_usize,
        proptest::bool::weighted(0.3),
        0..150_u64,
        1..=5_usize,
    )
        .prop_map(|(kind, nik, earlier, day, copies)| Batch {
            kind,
            nik,
            earlier,
            day,
            copies,
        })
}

/// Hand-offs recorded so far per (semester, kind): all of them and the probe's.
type Cells = std::collections::BTreeMap<(bool, &'static str), (u64, u64)>;

async fn case(client: &World, stranger: &World, cells: &mut Cells, batches: &[Batch]) {
    let (last, before) = closed_semesters(&client.app);
    let pool = [NIK.to_owned(), CLIENT.to_owned()]
        .into_iter()
        .chain(strangers(2))
        .collect::<Vec<_>>();
    let mut rows = Vec::new();
    for b in batches {
        let semester = if b.earlier { before } else { last };
        let cell = cells.entry((b.earlier, b.kind)).or_default();
        cell.0 += b.copies as u64;
        if b.nik == 0 {
            cell.1 += b.copies as u64;
        }
        for _ in 0..b.copies {
            rows.push((b.kind, pool[b.nik].as_str(), day_in(semester, b.day)));
        }
    }
    for w in [client, stranger] {
        bulk(&w.app, &w.police, &rows).await;
    }
    let quiet_day = day_in(last, 0);
    assert_eq!(
        liaison_answers(client, &quiet_day).await,
        liaison_answers(stranger, &quiet_day).await,
        "the liaison's answers after {batches:?}"
    );
    for (earlier, semester) in [(false, last), (true, before)] {
        for role in [0, 1] {
            let token = |w: &World| [&w.coordinator, &w.analyst][role].clone();
            let a = linkage(client, &token(client), semester).await;
            let b = linkage(stranger, &token(stranger), semester).await;
            let rest = |v: &Value| {
                let mut v = v.clone();
                v["kinds"] = Value::Null;
                v
            };
            assert_eq!(rest(&a), rest(&b), "{semester}");
            for k in KINDS {
                let (recorded, probed) = cells.get(&(earlier, k)).copied().unwrap_or_default();
                let revealed = probed > 0 && recorded >= 10;
                assert!(
                    revealed || kind(&a, k) == kind(&b, k),
                    "{k} in {semester}: {recorded} recorded, {probed} probes"
                );
                if revealed && role == 0 {
                    let matched = |v: &Value| kind(v, k).1.as_u64().expect("shown");
                    assert_eq!(matched(&a), matched(&b) + probed, "{k} in {semester}");
                }
            }
        }
    }
}

async fn random_hand_offs_give_those_outside_reach_the_same_answers_whether_or_not_a_nik_is_a_client(
    app: TestApp,
) {
    let (client, stranger) = worlds(app, NIK).await;
    let cells = RefCell::new(Cells::new());
    let config = Config {
        cases: 6,
        max_shrink_iters: 16,
        failure_persistence: None,
        ..Config::default()
    };
    let handle = tokio::runtime::Handle::current();
    let outcome = tokio::task::block_in_place(|| {
        TestRunner::new(config).run(&proptest::collection::vec(batch(), 2..8), |batches| {
            handle.block_on(case(&client, &stranger, &mut cells.borrow_mut(), &batches));
            Ok(())
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}
