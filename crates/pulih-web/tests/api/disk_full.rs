//! A database that cannot write: SQLite on a disk that fills up, PostgreSQL turned
//! read-only. Writes answer 503 with `Retry-After` and a sentence in the user's language
//! (API and pages), nothing from them is stored, reads keep working, what was
//! acknowledged before stays, and writes succeed again once the database can write,
//! without a restart.

use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection};

use crate::helpers::{
    Backend, ROOT_PASSWORD, TestApp, app_config, spawn_app, spawn_app_in, web_config,
};

/// Room for the SQLite copy with the region tree and the test's writes; filled up later.
const DISK_SIZE: &str = "256m";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_full_disk_refuses_writes_with_503_and_recovers_when_space_returns() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let app = spawn_app_in(Backend::Sqlite, web_config(), app_config(), disk.path())
        .await
        .expect("sqlite app");
    writes_wait_out_an_outage(&app, &Outage::Full(disk)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_read_only_database_refuses_writes_with_503_and_recovers() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    writes_wait_out_an_outage(&app, &Outage::ReadOnly).await;
}

/// What stops the database from writing, and how it ends.
enum Outage {
    /// The SQLite file's filesystem is full.
    Full(SmallDisk),
    /// The PostgreSQL database answers `read_only_sql_transaction`.
    ReadOnly,
}

impl Outage {
    async fn begin(&self, app: &TestApp) {
        match self {
            Self::Full(disk) => disk.fill(),
            Self::ReadOnly => read_only(app, true).await,
        }
    }

    async fn end(&self, app: &TestApp) {
        match self {
            Self::Full(disk) => disk.free(),
            Self::ReadOnly => read_only(app, false).await,
        }
    }
}

async fn writes_wait_out_an_outage(app: &TestApp, outage: &Outage) {
    let before = app
        .create_org(&app.root_token, "Dinsos Batam", "dinsos", "21.71")
        .await;
    outage.begin(app).await;

    // API writes, one alone and several in one batch, in both languages
    let refused = app
        .request(
            reqwest::Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(json!({"name": "BLK Batam", "org_type": "disnakertrans", "region": "21.71"})),
            &[("idempotency-key", "blk-batam")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.headers["retry-after"], "30");
    assert_eq!(refused.body["error"]["code"], "unavailable");
    let message = refused.body["error"]["message"].as_str().expect("message");
    assert!(message.contains("penuh atau hanya-baca"), "{message}");
    let english = app
        .request(
            reqwest::Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(json!({"name": "Dinkes Batam", "org_type": "dinsos", "region": "21.71"})),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(english.status, StatusCode::SERVICE_UNAVAILABLE);
    let message = english.body["error"]["message"].as_str().expect("message");
    assert!(message.contains("full or read-only"), "{message}");
    let batch = futures::future::join_all((0..6).map(|i| {
        app.post(
            "/api/v1/organisations",
            &app.root_token,
            json!({"name": format!("LSM {i}"), "org_type": "bnn", "region": "21.71"}),
        )
    }))
    .await;
    for reply in &batch {
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{:?}",
            reply.body
        );
    }

    // a page: logging in writes a session, so the form answers with the same sentence
    let page = login_form(app).await;
    assert_eq!(page.0, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.1.contains("penuh atau hanya-baca"), "{}", page.1);

    // reads keep working, and show what was acknowledged and nothing refused
    assert_eq!(org_names(app).await, vec!["Dinsos Batam".to_owned()]);
    let region = app.get("/api/v1/regions/21.71", &app.root_token).await;
    assert_eq!(region.status, StatusCode::OK);

    outage.end(app).await;
    let retried = app
        .request(
            reqwest::Method::POST,
            "/api/v1/organisations",
            Some(&app.root_token),
            Some(json!({"name": "BLK Batam", "org_type": "disnakertrans", "region": "21.71"})),
            &[("idempotency-key", "blk-batam")],
        )
        .await;
    assert_eq!(retried.status, StatusCode::CREATED, "{:?}", retried.body);
    assert_eq!(login_form(app).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        org_names(app).await,
        vec!["BLK Batam".to_owned(), "Dinsos Batam".to_owned()]
    );
    let kept = app
        .get(&format!("/api/v1/organisations/{before}"), &app.root_token)
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{:?}", kept.body);
}

/// The names of the organisations this test writes, sorted.
async fn org_names(app: &TestApp) -> Vec<String> {
    let list = app.get("/api/v1/organisations", &app.root_token).await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    let mut names: Vec<String> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["name"].as_str().map(str::to_owned))
        .filter(|name| name.contains("Batam") || name.starts_with("LSM"))
        .collect();
    names.sort();
    names
}

/// Logs in through the login form: the answer's status and body.
async fn login_form(app: &TestApp) -> (StatusCode, String) {
    let form = app
        .client
        .get(format!("{}/login", app.address))
        .send()
        .await
        .expect("get");
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("login_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("csrf cookie")
        .to_owned();
    let csrf = cookie.split_once('=').expect("value").1.to_owned();
    let answer = app
        .client
        .post(format!("{}/login", app.address))
        .header("cookie", &cookie)
        .form(&[
            ("username", "root"),
            ("password", ROOT_PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("post");
    (answer.status(), answer.text().await.expect("body"))
}

/// Makes the test's PostgreSQL database read-only (or writable again) for new sessions
/// and ends the current ones, as a fail-over to a standby would: the store must find
/// new connections by itself.
async fn read_only(app: &TestApp, on: bool) {
    let db = app.postgres().expect("a PostgreSQL test database");
    let mut admin = PgConnection::connect_with(&db.admin_options())
        .await
        .expect("connect");
    // the name is generated by the test harness, never input: safe to splice
    let setting = if on {
        format!(
            r#"alter database "{}" set default_transaction_read_only = on"#,
            db.name()
        )
    } else {
        format!(
            r#"alter database "{}" reset default_transaction_read_only"#,
            db.name()
        )
    };
    admin.execute(setting.as_str()).await.expect("alter");
    sqlx::query(
        "select pg_terminate_backend(pid) from pg_stat_activity \
         where datname = $1 and pid <> pg_backend_pid()",
    )
    .bind(db.name())
    .execute(&mut admin)
    .await
    .expect("terminate");
    let _ = admin.close().await;
}

/// A small filesystem (tmpfs) of its own, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts it; none (with a notice) where mounting is not permitted, except under
    /// `CI=true`, where the test must run.
    fn mount() -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).expect("mount point");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={DISK_SIZE}"), "tmpfs"])
            .arg(&path)
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(Self { path, _dir: dir }),
            other => {
                let why = match other {
                    Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    std::env::var("CI").map_or(true, |v| v != "true"),
                    "cannot mount a small filesystem ({why}); CI=true, so the disk-full test must run"
                );
                eprintln!(
                    "\n* cannot mount a small filesystem ({why}): skipping the disk-full test\n"
                );
                None
            }
        }
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn filler(&self) -> PathBuf {
        self.path.join("filler")
    }

    /// Writes a file until the filesystem has no space left.
    fn fill(&self) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.filler()).expect("filler");
        let chunk = vec![0_u8; 64 * 1024];
        loop {
            match file.write(&chunk) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        // the last few bytes a partial write left
        while file.write(&[0]).is_ok_and(|n| n == 1) {}
    }

    /// Gives the space back.
    fn free(&self) {
        std::fs::remove_file(self.filler()).expect("remove filler");
    }
}

impl Drop for SmallDisk {
    /// Lazily: the server may still hold the database open until the runtime ends.
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}
