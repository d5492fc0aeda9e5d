//! `pulih audit verify` and `pulih audit checkpoint` against someone who can write the
//! database file but does not hold the master key: altered, recomputed and cut chains,
//! and an altered checkpoint file, on an embedded SQLite folder.
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Utc};
use pulih_domain::audit::{AuditEvent, ChainKey, GENESIS, Links};
use sqlx::{Connection, Executor, SqliteConnection};

fn pulih(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pulih"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("PULIH_DATABASE_URL")
        .env_remove("PULIH_CONFIG")
        .env_remove("PULIH_MASTER_KEY")
        .env_remove("PULIH_MASTER_KEY_FILE")
        .env_remove("PULIH_AUDIT_CHECKPOINT_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("run pulih")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A data folder whose log holds three entries: two administrators created (and the
/// keys' start).
fn three_entries() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, password) in [
        ("sari", "kopi-susu-pagi-2026"),
        ("budi", "teh-manis-sore-2026"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pulih"))
            .args(["admin", "create", "--username", name, "--password-stdin"])
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("PULIH_DATABASE_URL")
            .env_remove("PULIH_MASTER_KEY")
            .env_remove("PULIH_MASTER_KEY_FILE")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("run pulih");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), password.as_bytes())
            .expect("password");
        assert!(child.wait().expect("wait").success());
    }
    let verified = pulih(dir.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "{}", text(&verified));
    assert!(
        text(&verified).contains("Audit log chain: 3 entries verified."),
        "{}",
        text(&verified)
    );
    dir
}

async fn open(dir: &Path) -> SqliteConnection {
    let url = format!("sqlite://{}", dir.join("pulih.db").display());
    let mut conn = SqliteConnection::connect(&url).await.expect("open");
    conn.execute(
        "drop trigger if exists audit_log_no_update; drop trigger if exists audit_log_no_delete",
    )
    .await
    .expect("drop the triggers");
    conn
}

type Row = (
    i64,
    DateTime<Utc>,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
);

/// What someone without the master key can do at best: keep the first `keep` entries,
/// change entry 2's detail, and relink the whole chain with plain SHA-256 (moving where
/// the keyed links start past the end), head included.
async fn forge(conn: &mut SqliteConnection, keep: i64) {
    let rows: Vec<Row> = sqlx::query_as(
        "select seq, at, actor, action, record_type, record_id, region, ip, detail \
         from audit_log where seq <= $1 order by seq",
    )
    .bind(keep)
    .fetch_all(&mut *conn)
    .await
    .expect("read the log");
    let guess = ChainKey::new([0; 32]);
    let plain = Links {
        keyed_from: i64::MAX,
        key: &guess,
    };
    let mut prev = GENESIS.to_owned();
    conn.execute(format!("delete from audit_log where seq > {keep}").as_str())
        .await
        .expect("cut");
    for (seq, at, actor, action, record_type, record_id, region, ip, detail) in rows {
        let detail = if seq == 2 {
            r#"{"forged":true}"#.to_owned()
        } else {
            detail
        };
        let event = AuditEvent {
            at,
            actor,
            action,
            record_type,
            record_id,
            region,
            ip,
            detail,
        };
        let hash = plain.hash(&event, seq, &prev);
        sqlx::query("update audit_log set detail = $1, prev_hash = $2, hash = $3 where seq = $4")
            .bind(&event.detail)
            .bind(&prev)
            .bind(&hash)
            .bind(seq)
            .execute(&mut *conn)
            .await
            .expect("relink");
        prev = hash;
    }
    sqlx::query("update chain_head set seq = $1, hash = $2, keyed_from = 1000000")
        .bind(keep)
        .bind(&prev)
        .execute(&mut *conn)
        .await
        .expect("rewrite the head");
}

#[tokio::test]
async fn audit_verify_finds_the_first_altered_or_removed_entry() {
    let dir = three_entries();
    let mut conn = SqliteConnection::connect(&format!(
        "sqlite://{}",
        dir.path().join("pulih.db").display()
    ))
    .await
    .expect("open");
    let refused = conn
        .execute("update audit_log set action = 'x' where seq = 2")
        .await;
    assert!(refused.is_err(), "the log is append-only");
    conn.close().await.expect("close");

    let mut conn = open(dir.path()).await;
    conn.execute("update audit_log set detail = '{}' where seq = 2")
        .await
        .expect("tamper");
    conn.close().await.expect("close");
    let altered = pulih(dir.path(), &["audit", "verify"]);
    assert_eq!(altered.status.code(), Some(1));
    assert!(
        text(&altered).contains("BROKEN at entry 2 (altered)"),
        "{}",
        text(&altered)
    );
}

#[tokio::test]
async fn a_chain_relinked_without_the_key_fails_its_keyed_links() {
    let dir = three_entries();
    let mut conn = open(dir.path()).await;
    // relinked from entry 2 on with plain SHA-256, keyed links start left alone
    forge(&mut conn, 3).await;
    conn.execute("update chain_head set keyed_from = 1")
        .await
        .expect("keep the start");
    conn.close().await.expect("close");
    let verified = pulih(dir.path(), &["audit", "verify"]);
    assert_eq!(verified.status.code(), Some(1), "{}", text(&verified));
    assert!(
        text(&verified).contains("BROKEN at entry 1 (altered)"),
        "{}",
        text(&verified)
    );
}

#[tokio::test]
async fn a_chain_relinked_and_cut_fails_against_the_signed_checkpoint() {
    let dir = three_entries();
    let signed = pulih(dir.path(), &["audit", "checkpoint"]);
    assert!(signed.status.success(), "{}", text(&signed));
    assert!(
        text(&signed).contains("\n3\n") && text(&signed).contains("\u{2014} pulih/"),
        "the checkpoint is printed as a signed note: {}",
        text(&signed)
    );
    let intact = pulih(dir.path(), &["audit", "verify"]);
    assert!(intact.status.success(), "{}", text(&intact));
    assert!(
        text(&intact).contains("the newest of entry 3") && text(&intact).contains("intact"),
        "{}",
        text(&intact)
    );

    // the plain links and the moved start verify, but not against the checkpoint
    let mut conn = open(dir.path()).await;
    forge(&mut conn, 3).await;
    conn.close().await.expect("close");
    let relinked = pulih(dir.path(), &["audit", "verify"]);
    assert_eq!(relinked.status.code(), Some(1), "{}", text(&relinked));
    assert!(
        text(&relinked).contains("BROKEN at entry 3 (checkpoint)"),
        "{}",
        text(&relinked)
    );

    // cutting the last entry as well leaves a chain shorter than the checkpoint
    let mut conn = open(dir.path()).await;
    forge(&mut conn, 2).await;
    conn.close().await.expect("close");
    let cut = pulih(dir.path(), &["audit", "verify"]);
    assert_eq!(cut.status.code(), Some(1), "{}", text(&cut));
    assert!(
        text(&cut).contains("BROKEN at entry 3 (missing)"),
        "{}",
        text(&cut)
    );
    // and the server does not sign a checkpoint the log no longer extends
    let refused = pulih(dir.path(), &["audit", "checkpoint"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("no longer extends its last checkpoint"),
        "{}",
        text(&refused)
    );
    // both administrators are told, once however often the signing is retried
    let again = pulih(dir.path(), &["audit", "checkpoint"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    let mut conn = open(dir.path()).await;
    let told: Vec<(String, String)> = sqlx::query_as(
        "select subject, detail from notifications where kind = 'audit.checkpoint_refused'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("notifications");
    assert_eq!(told.len(), 2, "{told:?}");
    for (subject, detail) in &told {
        assert_eq!(subject, "3");
        assert!(detail.contains("\"size\":2"), "{told:?}");
    }
}

#[test]
fn an_altered_checkpoint_file_is_found() {
    let dir = three_entries();
    assert!(pulih(dir.path(), &["audit", "checkpoint"]).status.success());
    let file = dir.path().join("audit-checkpoints");
    let line = std::fs::read_to_string(&file).expect("checkpoints");
    assert!(line.starts_with("3 "), "{line}");
    std::fs::write(&file, line.replacen("3 ", "2 ", 1)).expect("alter");
    let verified = pulih(dir.path(), &["audit", "verify"]);
    assert_eq!(verified.status.code(), Some(1), "{}", text(&verified));
    assert!(
        text(&verified).contains("ALTERED at line 1"),
        "{}",
        text(&verified)
    );
}
