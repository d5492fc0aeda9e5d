//! `pulih backup`, `pulih backup verify` and `pulih restore` on SQLite and PostgreSQL, as
//! an operator (and an attacker holding a backup) meets them: a backup taken while a
//! phone keeps writing restores into a fresh target whose server, given the master key
//! kept apart, serves the same client; the backup holds neither the key nor a client's
//! name; a changed row is found and its table named; a database in use is never replaced
//! without `--force`.
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::{Value, json};
use support::{CHIEF_PASSWORD, Target, WORKER_PASSWORD, counsellor, create, login};

mod support;

const NAME: &str = "Budi Santoso Rahasia";

/// Runs `pulih` with `args` on `target`, with `stdin` if given.
fn run(target: &Target, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = target
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pulih");
    if let Some(text) = stdin {
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stop(mut server: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
}

async fn client_record(http: &reqwest::Client, base: &str, token: &str, id: &str) -> Value {
    let r = http
        .get(format!("{base}/api/v1/clients/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("record");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.expect("json")
}

fn screenings(record: &Value) -> usize {
    record["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|f| f["kind"] == "barc10")
        .count()
}

/// A chief, a counsellor and one named client with consent; returns the counsellor's
/// token and the client's id.
async fn prepare(target: &Target, http: &reqwest::Client, base: &str) -> (String, String) {
    let token = counsellor(http, base).await;
    let client = create(
        http,
        base,
        &token,
        "/clients",
        json!({"name": NAME, "village": "21.71.01.1002"}),
    )
    .await;
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
    assert!(target.dir.join("master.key").exists());
    (token, id)
}

fn create_chief(target: &Target) {
    let out = run(
        target,
        &["admin", "create", "--username", "chief", "--password-stdin"],
        Some(CHIEF_PASSWORD),
    );
    assert!(out.status.success(), "{}", text(&out));
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn backup_under_writes_restores_and_serves_the_same_client(source: Target, fresh: Target) {
    create_chief(&source);
    let (server, base) = source.serve();
    let http = reqwest::Client::new();
    let (token, client) = prepare(&source, &http, &base).await;

    // a phone keeps sending screenings while the backup runs
    let writing = Arc::new(AtomicBool::new(true));
    let written = Arc::new(AtomicUsize::new(0));
    let phone = {
        let (http, base, token, client) =
            (http.clone(), base.clone(), token.clone(), client.clone());
        let (writing, written) = (writing.clone(), written.clone());
        tokio::spawn(async move {
            while writing.load(Ordering::SeqCst) {
                let r = http
                    .post(format!("{base}/api/v1/clients/{client}/screenings/barc10"))
                    .bearer_auth(&token)
                    .json(&json!({"items": [4, 5, 4, 5, 4, 5, 4, 5, 4, 5]}))
                    .send()
                    .await
                    .expect("screening");
                assert_eq!(r.status(), reqwest::StatusCode::CREATED);
                written.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    while written.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let file = source.dir.parent().expect("parent").join("pulih.backup");
    let before = written.load(Ordering::SeqCst);
    let out = run(&source, &["backup", "--out", arg(&file)], None);
    let after = written.load(Ordering::SeqCst);
    writing.store(false, Ordering::SeqCst);
    phone.await.expect("phone");
    assert!(out.status.success(), "{}", text(&out));
    assert!(after > before, "the phone wrote while the backup ran");
    let said = text(&out);
    assert!(
        said.contains("client_facts") && said.contains("Backup written to"),
        "{said}"
    );
    assert!(said.contains("NOT in the backup"), "{said}");
    let original = client_record(&http, &base, &token, &client).await;
    stop(server);

    // the backup and its manifest: private, and without the key or a name in clear
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .expect("backup")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let bytes = std::fs::read(&file).expect("backup");
    let key_file = std::fs::read_to_string(source.dir.join("master.key")).expect("key");
    let key = key_file.trim();
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(key)
        .expect("base64 key");
    assert!(
        !contains(&bytes, key.as_bytes()) && !contains(&bytes, &raw),
        "no key material"
    );
    assert!(!contains(&bytes, NAME.as_bytes()), "names are sealed");
    let manifest =
        std::fs::read_to_string(format!("{}.manifest.toml", file.display())).expect("manifest");
    assert!(
        manifest.contains("NOT in this backup") && !manifest.contains(key),
        "{manifest}"
    );

    // restored into an empty target, checked against the manifest
    let out = run(&fresh, &["restore", "--from", arg(&file)], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("verified"), "{}", text(&out));
    let out = run(&fresh, &["backup", "verify", "--from", arg(&file)], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Backup intact")
            && text(&out).contains("The live database holds exactly what the backup holds."),
        "{}",
        text(&out)
    );
    let again = run(&fresh, &["restore", "--from", arg(&file)], None);
    assert!(
        !again.status.success(),
        "a database in use is never replaced"
    );
    assert!(
        text(&again).contains("refusing to restore"),
        "{}",
        text(&again)
    );

    // the key was kept apart: without it the restored server refuses to start
    let refused = run(&fresh, &["audit", "verify"], None);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("no master key at"),
        "{}",
        text(&refused)
    );
    std::fs::create_dir_all(&fresh.dir).expect("data folder");
    std::fs::copy(source.dir.join("master.key"), fresh.dir.join("master.key")).expect("key");
    let (server, base) = fresh.serve();
    let token = login(&http, &base, "worker", WORKER_PASSWORD).await;
    let restored = client_record(&http, &base, &token, &client).await;
    stop(server);
    assert_eq!(restored["identity"]["name"], NAME);
    assert_eq!(restored["summary"], original["summary"]);
    let kept = screenings(&restored);
    assert!(
        (before..=after + 1).contains(&kept),
        "the backup holds the writes acknowledged before it began, and none begun after it \
         ended: {before} ≤ {kept} ≤ {after} + 1"
    );
    let audit = run(&fresh, &["audit", "verify"], None);
    assert!(audit.status.success(), "{}", text(&audit));
}

/// A backup whose row was changed afterwards, by `change` (given the backup's path).
async fn a_changed_row_is_named(target: Target, fresh: Target, change: impl FnOnce(&Path)) {
    create_chief(&target);
    let file = target.dir.parent().expect("parent").join("pulih.backup");
    let out = run(&target, &["backup", "--out", arg(&file)], None);
    assert!(out.status.success(), "{}", text(&out));
    let again = run(&target, &["backup", "--out", arg(&file)], None);
    assert!(
        !again.status.success(),
        "an existing backup is never overwritten"
    );
    assert!(text(&again).contains("--force"), "{}", text(&again));
    let forced = run(&target, &["backup", "--out", arg(&file), "--force"], None);
    assert!(forced.status.success(), "{}", text(&forced));
    let intact = run(&target, &["backup", "verify", "--from", arg(&file)], None);
    assert!(intact.status.success(), "{}", text(&intact));
    assert!(text(&intact).contains("Backup intact"), "{}", text(&intact));

    change(&file);
    let damaged = run(&target, &["backup", "verify", "--from", arg(&file)], None);
    assert_eq!(damaged.status.code(), Some(1), "{}", text(&damaged));
    let said = text(&damaged);
    assert!(
        said.contains("table users differs") && said.contains("Backup DAMAGED: 1 tables"),
        "{said}"
    );
    let restored = run(&fresh, &["restore", "--from", arg(&file)], None);
    assert_eq!(restored.status.code(), Some(1), "{}", text(&restored));
    assert!(
        text(&restored).contains("table users differs")
            && text(&restored).contains("does NOT match"),
        "{}",
        text(&restored)
    );
}

fn dirs(tmp: &Path) -> (PathBuf, PathBuf) {
    (
        tmp.join("source").join("data"),
        tmp.join("fresh").join("data"),
    )
}

fn sqlite(dir: PathBuf) -> Target {
    Target {
        dir,
        database_url: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sqlite_backup_under_writes_restores_into_a_fresh_folder_serving_the_same_client() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (source, fresh) = dirs(tmp.path());
    backup_under_writes_restores_and_serves_the_same_client(sqlite(source), sqlite(fresh)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_changed_row_in_a_sqlite_backup_fails_verify_and_restore_naming_its_table() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (source, fresh) = dirs(tmp.path());
    let fresh_db = fresh.join("pulih.db");
    a_changed_row_is_named(sqlite(source), sqlite(fresh), |file| {
        let status = Command::new("sqlite3")
            .arg(file)
            .arg("update users set display_name = 'Orang Lain'")
            .status()
            .expect("sqlite3");
        assert!(status.success());
    })
    .await;
    assert!(
        !fresh_db.exists(),
        "a copy that does not match never takes the database's place"
    );
}

/// An empty database on the test server, dropped with its guard.
struct EmptyDatabase {
    url: String,
    _guard: pulih_store_postgres::testing::TestDatabase,
}

/// A fresh database emptied of the schema its store migrated in.
async fn empty_database() -> Option<EmptyDatabase> {
    let (store, guard) = pulih_store_postgres::testing::fresh_database().await?;
    store.close().await;
    let url = guard.url();
    let out = Command::new("psql")
        .arg(libpq(&url))
        .args(["-qc", "drop schema public cascade; create schema public"])
        .output()
        .expect("psql");
    assert!(out.status.success(), "{}", text(&out));
    Some(EmptyDatabase { url, _guard: guard })
}

/// The URL without sqlx's own parameters, for the PostgreSQL client tools.
fn libpq(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

fn postgres(tmp: &Path, name: &str, url: &str) -> Target {
    Target {
        dir: tmp.join(name).join("data"),
        database_url: Some(url.to_owned()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgres_backup_under_writes_restores_into_a_fresh_database_serving_the_same_client() {
    let (Some(source), Some(fresh)) = (empty_database().await, empty_database().await) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    backup_under_writes_restores_and_serves_the_same_client(
        postgres(tmp.path(), "source", &source.url),
        postgres(tmp.path(), "fresh", &fresh.url),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_changed_row_in_a_postgres_backup_fails_verify_and_restore_naming_its_table() {
    let (Some(source), Some(fresh), Some(scratch)) = (
        empty_database().await,
        empty_database().await,
        empty_database().await,
    ) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let change = |file: &Path| {
        let run = |cmd: &mut Command| {
            let out = cmd.output().expect("client tool");
            assert!(out.status.success(), "{}", text(&out));
        };
        run(Command::new("pg_restore")
            .arg("--no-owner")
            .arg("-d")
            .arg(libpq(&scratch.url))
            .arg(file));
        run(Command::new("psql")
            .arg(libpq(&scratch.url))
            .args(["-qc", "update users set display_name = 'Orang Lain'"]));
        run(Command::new("pg_dump")
            .args(["-Fc", "--no-owner", "-f"])
            .arg(file)
            .arg(libpq(&scratch.url)));
    };
    a_changed_row_is_named(
        postgres(tmp.path(), "source", &source.url),
        postgres(tmp.path(), "fresh", &fresh.url),
        change,
    )
    .await;
}

#[tokio::test]
async fn a_postgres_backup_without_pg_dump_refuses_and_says_what_to_install() {
    let Some(source) = empty_database().await else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let target = postgres(tmp.path(), "source", &source.url);
    let file = tmp.path().join("pulih.backup");
    let out = target
        .command(&["backup", "--out", arg(&file)])
        .env("PATH", tmp.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        text(&out).contains("pg_dump is not on PATH"),
        "{}",
        text(&out)
    );
    assert!(!file.exists(), "nothing is left behind");
}
