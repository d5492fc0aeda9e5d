//! The far ends of the outgoing channels, started by the tests: a real SMTP server
//! (aiosmtpd, `tests/smtp/sink.py`) that writes every message it receives to a folder,
//! and a local HTTP stub of an SMS/WhatsApp gateway that fails as told.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

/// The python with aiosmtpd: `PULIH_AIOSMTPD_PYTHON`, else the venv `scripts/smtp-venv`
/// builds. None (the test skips with a notice) unless under CI, where it must be there.
fn python() -> Option<PathBuf> {
    let found = std::env::var_os("PULIH_AIOSMTPD_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            let home = std::env::var_os("HOME")?;
            Some(PathBuf::from(home).join(".cache/pulih/aiosmtpd-1.4.6/bin/python"))
        })
        .filter(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "aiosmtpd is missing under CI: run scripts/smtp-venv"
        );
        eprintln!("skipping: no python with aiosmtpd (run scripts/smtp-venv)");
    }
    found
}

/// A running SMTP sink; killed when dropped.
pub struct SmtpSink {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    folder: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpSink {
    /// Starts the sink, or none when aiosmtpd is not installed (outside CI).
    pub fn start() -> Option<Self> {
        let python = python()?;
        let folder = tempfile::tempdir().expect("mail folder");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/smtp/sink.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(folder.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        let out = child.stdout.take().expect("stdout");
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .expect("the sink's port");
        let port = line.trim().parse().expect("a port");
        Some(Self {
            child,
            port,
            folder,
        })
    }

    /// The messages received so far, waiting up to five seconds for `n` of them.
    pub async fn received(&self, n: usize) -> Vec<Value> {
        for _ in 0..50 {
            let mut found: Vec<Value> = std::fs::read_dir(self.folder.path())
                .expect("folder")
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .map(|e| {
                    serde_json::from_str(&std::fs::read_to_string(e.path()).expect("mail"))
                        .expect("json")
                })
                .collect();
            if found.len() >= n {
                found.sort_by_key(|m| m["rcpt_tos"].to_string());
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("fewer than {n} messages arrived");
    }
}

/// What the gateway stub was sent, and how it answers.
#[derive(Default)]
pub struct GatewayLog {
    /// Every request: (authorization header, JSON body).
    pub requests: Vec<(String, Value)>,
    /// Attempts per number.
    pub attempts: HashMap<String, usize>,
}

/// A running gateway stub: a number ending in `99` always gets a 500; any other fails
/// its first `fail_first` attempts with a 503, then is accepted (202).
pub struct GatewayStub {
    /// Its URL.
    pub url: String,
    /// What it was sent.
    pub log: Arc<Mutex<GatewayLog>>,
}

impl GatewayStub {
    /// Starts the stub on a port of its own.
    pub async fn start(fail_first: usize) -> Self {
        let log = Arc::new(Mutex::new(GatewayLog::default()));
        let state = (log.clone(), fail_first);
        let router = axum::Router::new()
            .route("/send", post(answer))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/send", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, log }
    }

    /// Attempts made for `to`.
    pub fn attempts(&self, to: &str) -> usize {
        let log = self.log.lock().expect("log");
        log.attempts.get(to).copied().unwrap_or_default()
    }
}

async fn answer(
    State((log, fail_first)): State<(Arc<Mutex<GatewayLog>>, usize)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> StatusCode {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let to = body["to"].as_str().unwrap_or_default().to_owned();
    let mut log = log.lock().expect("log");
    log.requests.push((auth, body));
    let n = log.attempts.entry(to.clone()).or_default();
    *n += 1;
    if to.ends_with("99") {
        StatusCode::INTERNAL_SERVER_ERROR
    } else if *n <= fail_first {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::ACCEPTED
    }
}
