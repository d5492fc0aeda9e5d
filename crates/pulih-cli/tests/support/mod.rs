//! What the tests that run `pulih serve` as a process share: where it keeps its data, how
//! it is started, and logging in and creating over its API.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// The first administrator's password in these tests.
pub const CHIEF_PASSWORD: &str = "granite-harbour-lantern-7";
/// The counsellor's password.
pub const WORKER_PASSWORD: &str = "meadow-copper-violin-42";

/// How `pulih` reaches its database: a data folder, and PostgreSQL's URL if used.
pub struct Target {
    pub dir: PathBuf,
    pub database_url: Option<String>,
}

impl Target {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pulih"));
        cmd.args(args)
            .arg("--data-dir")
            .arg(&self.dir)
            .env_remove("PULIH_CONFIG")
            .env_remove("PULIH_MASTER_KEY")
            .env_remove("PULIH_MASTER_KEY_FILE")
            .env("PULIH_LOG", "warn")
            // two-factor login has its own tests; these log in with passwords only
            .env("PULIH_TOTP_REQUIRED_ROLES", "none");
        match &self.database_url {
            Some(url) => cmd.env("PULIH_DATABASE_URL", url),
            None => cmd.env_remove("PULIH_DATABASE_URL"),
        };
        cmd
    }

    /// Starts `pulih serve` and waits for its address.
    pub fn serve(&self) -> (Child, String) {
        let mut child = self
            .command(&["serve", "--bind", "127.0.0.1:0", "--no-scheduler"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pulih");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("pulih printed its address")
                .expect("line");
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.split_whitespace().next().expect("url").to_owned();
            }
        };
        // keep reading so the server never blocks on a full pipe
        std::thread::spawn(move || lines.for_each(drop));
        (child, address)
    }
}

pub async fn login(http: &reqwest::Client, base: &str, username: &str, password: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("login");
    let body: Value = r.json().await.expect("json");
    body["token"].as_str().expect("token").to_owned()
}

pub async fn create(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    body: Value,
) -> Value {
    let r = http
        .post(format!("{base}/api/v1{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.expect("json")
}

/// The chief (the first administrator) creates a counsellor of IPWL Batam: its token.
pub async fn counsellor(http: &reqwest::Client, base: &str) -> String {
    let chief = login(http, base, "chief", CHIEF_PASSWORD).await;
    let org = create(
        http,
        base,
        &chief,
        "/organisations",
        json!({"name": "IPWL Batam", "org_type": "ipwl", "region": "21.71"}),
    )
    .await;
    let user = json!({"username": "worker", "display_name": "Worker", "role": "counsellor",
        "org_id": org["id"], "scope": "21.71", "password": WORKER_PASSWORD});
    create(http, base, &chief, "/users", user).await;
    login(http, base, "worker", WORKER_PASSWORD).await
}
