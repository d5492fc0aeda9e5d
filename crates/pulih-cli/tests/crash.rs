//! The server killed with `kill -9` ten times while phones send keyed writes, on SQLite
//! and on PostgreSQL: every acknowledged write is there after the last restart, every key
//! (retried after a crash or not) wrote exactly once, and the audit chain verifies.
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use support::{CHIEF_PASSWORD, Target, counsellor, create};

mod support;

/// Clients written for at once, one connection each.
const CLIENTS: usize = 4;
/// Screenings sent per client at least, each with its own key; the phones go on until
/// the last kill is over.
const WRITES: usize = 30;
/// How many times the server is killed.
const KILLS: usize = 10;

fn kill_hard(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// The chief creates a counsellor, who registers the clients with consent.
async fn prepare(http: &reqwest::Client, base: &str) -> (String, Vec<String>) {
    let token = counsellor(http, base).await;
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let client = create(http, base, &token, "/clients", json!({})).await;
        let id = client["id"].as_str().expect("id").to_owned();
        let consent = json!({"services": true, "share_with": [], "follow_up": true,
            "given_by": "client", "method": "signed_form", "given_on": "2026-01-05"});
        create(
            http,
            base,
            &token,
            &format!("/clients/{id}/consents"),
            consent,
        )
        .await;
        clients.push(id);
    }
    (token, clients)
}

/// Sends screenings for `client` until the killing is over (and at least `WRITES`), each
/// retried with its key until answered; returns each key's acknowledged fact id and how
/// many sends failed and were retried.
async fn phone(
    http: reqwest::Client,
    base: Arc<Mutex<String>>,
    token: String,
    client: String,
    killing: Arc<AtomicBool>,
) -> (BTreeMap<String, String>, usize) {
    let mut acknowledged = BTreeMap::new();
    let mut retried = 0;
    let mut n = 0;
    while n < WRITES || killing.load(Ordering::SeqCst) {
        let key = format!("{client}-{n}");
        n += 1;
        loop {
            let url = {
                let base = base.lock().expect("base").clone();
                format!("{base}/api/v1/clients/{client}/screenings/barc10")
            };
            let sent = http
                .post(url)
                .bearer_auth(&token)
                .header("idempotency-key", &key)
                .json(&json!({"items": [4, 5, 4, 5, 4, 5, 4, 5, 4, 5]}))
                .timeout(Duration::from_secs(5))
                .send()
                .await;
            if let Ok(r) = sent
                && r.status() == reqwest::StatusCode::CREATED
                && let Ok(body) = r.json::<Value>().await
            {
                let id = body["id"].as_str().expect("id").to_owned();
                acknowledged.insert(key, id);
                break;
            }
            // the server is down or restarting: the phone tries again with the same key
            retried += 1;
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }
    (acknowledged, retried)
}

async fn crash_and_recover(target: Target) {
    let admin = target
        .command(&["admin", "create", "--username", "chief", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("admin create");
    let mut admin = admin;
    admin
        .stdin
        .take()
        .expect("stdin")
        .write_all(CHIEF_PASSWORD.as_bytes())
        .expect("password");
    assert!(admin.wait().expect("wait").success(), "admin create failed");
    let (mut server, address) = target.serve();
    let http = reqwest::Client::new();
    let (token, clients) = prepare(&http, &address).await;
    let base = Arc::new(Mutex::new(address));
    let killing = Arc::new(AtomicBool::new(true));
    let phones: Vec<_> = clients
        .iter()
        .map(|c| {
            let sent = phone(
                http.clone(),
                base.clone(),
                token.clone(),
                c.clone(),
                killing.clone(),
            );
            tokio::spawn(sent)
        })
        .collect();
    for round in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(150 + 40 * round as u64)).await;
        kill_hard(&mut server);
        let (next, address) = target.serve();
        server = next;
        *base.lock().expect("base") = address;
    }
    killing.store(false, Ordering::SeqCst);
    let mut acknowledged = BTreeMap::new();
    let mut retried = 0;
    for p in phones {
        let (mut keys, failed) = p.await.expect("phone");
        acknowledged.append(&mut keys);
        retried += failed;
    }
    assert!(retried > 0, "the kills hit the phones mid-write");
    let address = base.lock().expect("base").clone();
    for client in &clients {
        let r = http
            .get(format!("{address}/api/v1/clients/{client}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("record");
        let record: Value = r.json().await.expect("json");
        let stored: Vec<&str> = record["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .filter(|f| f["kind"] == "barc10")
            .filter_map(|f| f["id"].as_str())
            .collect();
        let keys: Vec<_> = acknowledged
            .iter()
            .filter(|(k, _)| k.starts_with(client.as_str()))
            .collect();
        assert_eq!(stored.len(), keys.len(), "every key wrote exactly once");
        for (key, id) in keys {
            assert!(
                stored.contains(&id.as_str()),
                "{key}: acknowledged {id} is stored"
            );
        }
    }
    kill_hard(&mut server);
    let verified = target
        .command(&["audit", "verify"])
        .output()
        .expect("audit verify");
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}

fn data_dir(tmp: &Path) -> PathBuf {
    tmp.join("data")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_keyed_writes_survive_ten_kills_on_sqlite() {
    let tmp = tempfile::tempdir().expect("temp dir");
    crash_and_recover(Target {
        dir: data_dir(tmp.path()),
        database_url: None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_keyed_writes_survive_ten_kills_on_postgres() {
    let Some((_store, db)) = pulih_store_postgres::testing::fresh_database().await else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    crash_and_recover(Target {
        dir: data_dir(tmp.path()),
        database_url: Some(db.url()),
    })
    .await;
}
