//! The dashboard counters under random writes, on both backends: units formed,
//! activities, clients at villages, districts and regencies with episodes, screenings,
//! consent withdrawals, aftercare plans, visits and relapses, vocational steps and
//! erasures, refused writes among them. After each sequence every counter equals a
//! recount of the records, each node's change is what the writes below it add, and a
//! regency's change is its districts' plus what is kept at the regency itself.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, TestRunner};
use pulih_domain::rollup::Figure;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::clients::{consent, register};
use crate::dashboards::{dashboard, semester};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::units::{PAHLAWAN, form};

on_both_backends!(random_writes_keep_the_counters_equal_to_a_recount_and_the_tree_adding_up);

const REGENCIES: [&str; 2] = ["12.75", "21.71"];
const DISTRICTS: [&str; 4] = ["12.75.01", "12.75.02", "21.71.01", "21.71.02"];
const VILLAGES: [&str; 4] = [PAHLAWAN, "12.75.02.1001", "21.71.01.1002", "21.71.02.1002"];
/// The dashboards read around each sequence: every node above the villages in play.
const NODES: [&str; 9] = [
    "ID", "12", "21", "12.75", "21.71", "12.75.01", "12.75.02", "21.71.01", "21.71.02",
];
const PATHWAYS: [&str; 6] = [
    "ibm_outreach",
    "wajib_lapor",
    "tat",
    "lapas_release",
    "family_referral",
    "community_referral",
];

#[derive(Debug, Clone)]
enum Op {
    /// An activity of a kind reaching some people, by the agent of a village's unit
    /// (formed first when the village has none).
    Activity(usize, &'static str, i64),
    /// A client registered at one of the villages, districts or regencies, with consent
    /// and maybe an episode.
    Client(usize, Option<&'static str>),
    /// A write about one of the clients registered so far.
    Step(Index, Step),
}

#[derive(Debug, Clone)]
enum Step {
    Episode(&'static str),
    TatAssessment,
    Assist,
    Withdrawal,
    Plan,
    FollowUp(&'static str),
    Relapse,
    Enrolment,
    Placement,
    Erasure,
}

fn op() -> impl Strategy<Value = Op> {
    let village = 0..VILLAGES.len();
    let place = 0..VILLAGES.len() + DISTRICTS.len() + REGENCIES.len();
    let kind = select(&["awareness", "outreach", "coordination"][..]);
    prop_oneof![
        3 => (village, kind, 1..80_i64).prop_map(|(v, k, n)| Op::Activity(v, k, n)),
        3 => (place, proptest::option::of(select(&PATHWAYS[..])))
            .prop_map(|(p, e)| Op::Client(p, e)),
        12 => (any::<Index>(), steps()).prop_map(|(c, s)| Op::Step(c, s)),
    ]
}

fn steps() -> impl Strategy<Value = Step> {
    let status = select(&["well", "relapsed", "unreachable"][..]);
    prop_oneof![
        2 => select(&PATHWAYS[..]).prop_map(Step::Episode),
        2 => Just(Step::TatAssessment),
        2 => Just(Step::Assist),
        1 => Just(Step::Withdrawal),
        2 => Just(Step::Plan),
        3 => status.prop_map(Step::FollowUp),
        2 => Just(Step::Relapse),
        1 => Just(Step::Enrolment),
        1 => Just(Step::Placement),
        2 => Just(Step::Erasure),
    ]
}

/// Who writes in a regency, and in each of its villages.
struct Office {
    coordinator: String,
    counsellor: String,
}

struct Client {
    id: String,
    code: String,
    place: &'static str,
    consent: String,
    /// TAT episodes not yet assessed.
    tat: Vec<String>,
    /// The figures its accepted writes added, to take back on erasure.
    figures: Vec<Figure>,
    erased: bool,
}

/// What the sequences so far have made, across the cases of one run.
struct World {
    offices: Vec<Office>,
    /// Per village: its agent's (id, token), and its unit once formed.
    agents: Vec<(String, String)>,
    units: Vec<Option<String>>,
    clients: Vec<Client>,
    /// Whether the last case failed, leaving counters that differ from a recount.
    dirty: bool,
}

/// What a sequence added: (figure, place, delta), today.
type Added = Vec<(Figure, &'static str, i64)>;

fn regency_of(place: &str) -> usize {
    REGENCIES
        .iter()
        .position(|r| place.starts_with(r))
        .expect("a regency in play")
}

async fn world(app: &TestApp) -> World {
    let root = &app.root_token;
    let (mut offices, mut agents) = (Vec::new(), Vec::new());
    for regency in REGENCIES {
        let bnnk = app
            .create_org(root, &format!("BNNK {regency}"), "bnn", regency)
            .await;
        let ipwl = app
            .create_org(root, &format!("IPWL {regency}"), "ipwl", regency)
            .await;
        let (_, coordinator) = app
            .create_user(
                root,
                &format!("koor{regency}"),
                "coordinator",
                &bnnk,
                regency,
            )
            .await;
        let (_, counsellor) = app
            .create_user(
                root,
                &format!("konselor{regency}"),
                "counsellor",
                &ipwl,
                regency,
            )
            .await;
        offices.push(Office {
            coordinator,
            counsellor,
        });
        for village in VILLAGES.iter().filter(|v| v.starts_with(regency)) {
            let name = format!("agen{}", village.replace('.', ""));
            agents.push(app.create_user(root, &name, "agent", &bnnk, village).await);
        }
    }
    World {
        offices,
        agents,
        units: vec![None; VILLAGES.len()],
        clients: Vec::new(),
        dirty: false,
    }
}

fn activity(kind: &str, people: i64, today: &str) -> (Value, Vec<(Figure, i64)>) {
    match kind {
        "awareness" => (
            json!({"kind": "awareness", "level": "rw", "total": people, "male": people / 2,
                   "female": people - people / 2, "age_bands": {"25_44": people},
                   "materials": "leaflet", "held_on": today}),
            vec![
                (Figure::AwarenessSessions, 1),
                (Figure::AwarenessAudience, people),
            ],
        ),
        "outreach" => (
            json!({"kind": "outreach", "reached": people, "held_on": today}),
            vec![
                (Figure::OutreachActivities, 1),
                (Figure::OutreachReached, people),
            ],
        ),
        _ => (
            json!({"kind": "coordination", "attendees": people, "topic": "Rencana RW",
                   "held_on": today}),
            vec![(Figure::CoordinationMeetings, 1)],
        ),
    }
}

fn episode(pathway: &str, today: &str) -> Value {
    match pathway {
        "tat" => json!({"pathway": pathway, "arrested_on": today}),
        "wajib_lapor" => json!({"pathway": pathway, "card_number": "WL-2026-0001"}),
        "lapas_release" => json!({"pathway": pathway, "released_on": today}),
        _ => json!({"pathway": pathway}),
    }
}

fn intake(pathway: &str) -> Vec<Figure> {
    let by_pathway = Figure::parse(&format!("intake_{pathway}")).expect("an intake figure");
    vec![Figure::Intakes, by_pathway]
}

/// Runs one write about `client`, noting what it adds when it is accepted.
async fn take_step(
    app: &TestApp,
    world: &mut World,
    client: usize,
    step: &Step,
    added: &mut Added,
) {
    let today = app.today().to_string();
    let c = &world.clients[client];
    let office = &world.offices[regency_of(c.place)];
    let path = |tail: &str| format!("/api/v1/clients/{}/{tail}", c.id);
    let (request, figures) = match step {
        Step::Episode(p) => ((path("episodes"), episode(p, &today)), intake(p)),
        Step::TatAssessment => {
            let Some(episode) = c.tat.first() else { return };
            let tail = format!("episodes/{episode}/tat-assessment");
            let body = json!({"assessed_on": today});
            ((path(&tail), body), vec![Figure::TatAssessments])
        }
        Step::Assist => {
            let body = json!({"substances": {"amphetamines": {"q2": "weekly"}}});
            (
                (path("screenings/assist"), body),
                vec![Figure::AssistScreenings],
            )
        }
        Step::Withdrawal => {
            let tail = format!("consents/{}/withdrawal", c.consent);
            let body = json!({"reason": "pindah kota"});
            ((path(&tail), body), vec![Figure::ConsentsWithdrawn])
        }
        Step::Plan => {
            let body = json!({"discharged_on": today});
            (
                (path("aftercare-plans"), body),
                vec![Figure::AftercarePlans],
            )
        }
        Step::FollowUp(status) => {
            let body = json!({"mode": "phone", "status": status, "visited_on": today});
            ((path("follow-ups"), body), vec![Figure::FollowUps])
        }
        Step::Relapse => {
            let body = json!({"relapsed_on": today, "response": "brief_intervention"});
            ((path("relapses"), body), vec![Figure::Relapses])
        }
        Step::Enrolment => {
            let body = json!({"course": "Las listrik", "started_on": today});
            let tail = "vocational/enrolments";
            ((path(tail), body), vec![Figure::VocationalEnrolments])
        }
        Step::Placement => {
            let body = json!({"kind": "job", "sector": "trade_repair", "placed_on": today});
            (
                (path("vocational/placements"), body),
                vec![Figure::Placements],
            )
        }
        Step::Erasure => {
            let body = json!({"confirm_code": c.code});
            let r = app.post(&path("erasure"), &office.coordinator, body).await;
            refused_or(&r, c.erased, StatusCode::OK);
            if r.status.is_success() {
                let c = &mut world.clients[client];
                c.erased = true;
                added.extend(c.figures.drain(..).map(|f| (f, c.place, -1)));
            }
            return;
        }
    };
    let (path, body) = request;
    let r = app.post(&path, &office.counsellor, body).await;
    refused_or(&r, c.erased, StatusCode::CREATED);
    if !r.status.is_success() {
        return;
    }
    let c = &mut world.clients[client];
    match step {
        Step::Episode("tat") => c.tat.push(r.body["id"].as_str().expect("id").to_owned()),
        Step::TatAssessment => {
            c.tat.remove(0);
        }
        _ => (),
    }
    added.extend(figures.iter().map(|f| (*f, c.place, 1)));
    c.figures.extend(figures);
}

/// The answer is `ok`, or a refusal the user can act on (a missing record once erased).
fn refused_or(r: &crate::helpers::Reply, erased: bool, ok: StatusCode) {
    let refused = [StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY];
    assert!(
        r.status == ok
            || refused.contains(&r.status)
            || (erased && r.status == StatusCode::NOT_FOUND),
        "{}: {:?}",
        r.status,
        r.body
    );
    assert!(
        !(erased && r.status.is_success()),
        "an erased client takes no write"
    );
}

async fn apply(app: &TestApp, world: &mut World, op: &Op, added: &mut Added) {
    let today = app.today().to_string();
    match op {
        Op::Activity(v, kind, people) => {
            let (village, agent) = (VILLAGES[*v], &world.agents[*v]);
            let unit = match world.units[*v].clone() {
                Some(unit) => unit,
                None => {
                    let coordinator = &world.offices[regency_of(village)].coordinator;
                    let formed = form(app, coordinator, village, std::slice::from_ref(agent)).await;
                    let id = formed["id"].as_str().expect("unit id").to_owned();
                    world.units[*v] = Some(id.clone());
                    id
                }
            };
            let (body, figures) = activity(kind, *people, &today);
            let path = format!("/api/v1/ibm-units/{unit}/activities");
            let r = app.post(&path, &agent.1, body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            added.extend(figures.into_iter().map(|(f, n)| (f, village, n)));
        }
        Op::Client(p, pathway) => {
            let place = *VILLAGES
                .iter()
                .chain(&DISTRICTS)
                .chain(&REGENCIES)
                .nth(*p)
                .expect("a place");
            let token = &world.offices[regency_of(place)].counsellor;
            let c = register(app, token, json!({"region": place})).await;
            let id = c["id"].as_str().expect("id").to_owned();
            world.clients.push(Client {
                consent: consent(app, token, &id).await,
                code: c["code"].as_str().expect("code").to_owned(),
                id,
                place,
                tat: Vec::new(),
                figures: Vec::new(),
                erased: false,
            });
            if let Some(p) = pathway {
                let last = world.clients.len() - 1;
                take_step(app, world, last, &Step::Episode(p), added).await;
            }
        }
        Op::Step(_, _) if world.clients.is_empty() => (),
        Op::Step(c, s) => take_step(app, world, c.index(world.clients.len()), s, added).await,
    }
}

/// Every figure of every node in play and of its children, as the administrator reads
/// them this semester.
async fn read(app: &TestApp) -> BTreeMap<(String, String), i64> {
    let mut out = BTreeMap::new();
    for node in NODES {
        let d = dashboard(app, &app.root_token, node, &semester(app)).await;
        let children = d["children"].as_array().expect("children").iter();
        let of = |v: &Value| {
            (
                v["region"]["code"].as_str().expect("code").to_owned(),
                v["figures"].clone(),
            )
        };
        for (code, figures) in children
            .map(of)
            .chain([(node.to_owned(), d["figures"].clone())])
        {
            for (key, n) in figures.as_object().expect("figures") {
                out.insert((code.clone(), key.clone()), n.as_i64().expect("a count"));
            }
        }
    }
    out
}

fn within(place: &str, node: &str) -> bool {
    node == "ID" || place == node || place.starts_with(&format!("{node}."))
}

async fn case(app: &TestApp, world: &mut World, ops: &[Op]) {
    if world.dirty {
        app.app.rebuild_rollups(&|_| ()).await.expect("rebuild");
    }
    world.dirty = true;
    let before = read(app).await;
    let mut added = Added::new();
    for op in ops {
        apply(app, world, op, &mut added).await;
    }
    let differences = app.app.verify_rollups(&|_| ()).await.expect("verify");
    assert_eq!(differences, Vec::new(), "the counters equal a recount");
    let after = read(app).await;
    let change = |node: &str, figure: Figure| {
        let key = (node.to_owned(), figure.key().to_owned());
        after.get(&key).unwrap_or(&0) - before.get(&key).unwrap_or(&0)
    };
    let nodes: BTreeSet<&String> = after.keys().map(|(node, _)| node).collect();
    for figure in Figure::ALL {
        let kept = |node: &str| -> i64 {
            let at = added
                .iter()
                .filter(|(f, place, _)| *f == figure && within(place, node));
            at.map(|(_, _, n)| n).sum()
        };
        for node in &nodes {
            assert_eq!(
                change(node, figure),
                kept(node),
                "{node} {figure:?} after {ops:?}"
            );
        }
        for regency in REGENCIES {
            let districts: i64 = DISTRICTS
                .iter()
                .filter(|d| d.starts_with(regency))
                .map(|d| change(d, figure))
                .sum();
            let at_regency: i64 = added
                .iter()
                .filter(|(f, place, _)| *f == figure && *place == regency)
                .map(|(_, _, n)| n)
                .sum();
            assert_eq!(
                change(regency, figure),
                districts + at_regency,
                "{regency} {figure:?}"
            );
        }
    }
    world.dirty = false;
}

async fn random_writes_keep_the_counters_equal_to_a_recount_and_the_tree_adding_up(app: TestApp) {
    let world = RefCell::new(world(&app).await);
    let config = Config {
        cases: 8,
        max_shrink_iters: 64,
        failure_persistence: None,
        ..Config::default()
    };
    let handle = tokio::runtime::Handle::current();
    let outcome = tokio::task::block_in_place(|| {
        TestRunner::new(config).run(&proptest::collection::vec(op(), 1..30), |ops| {
            handle.block_on(case(&app, &mut world.borrow_mut(), &ops));
            Ok(())
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}
