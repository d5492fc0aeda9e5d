//! The `pulih` binary as an operator uses it: first start, administrators, imports and
//! configuration layers, on an embedded SQLite folder.
#![expect(
    clippy::expect_used,
    reason = "test code: a panic is the failure message"
)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn pulih(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pulih"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("PULIH_DATABASE_URL")
        .env_remove("PULIH_CONFIG")
        .env_remove("PULIH_MASTER_KEY")
        .env_remove("PULIH_MASTER_KEY_FILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pulih");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
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

#[test]
fn the_first_start_loads_the_regions_creates_the_named_administrator_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pulih"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--admin-name",
            "kepala.bnn",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("PULIH_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pulih");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        let done = line.starts_with("(shown only now");
        seen.push(line);
        if done {
            break;
        }
    }
    let all = seen.join("\n");
    assert!(all.contains("91599 added"), "{all}");
    assert!(all.contains("listening on http://127.0.0.1:"), "{all}");
    let password_line = seen
        .iter()
        .find(|l| l.starts_with("First start: log in as 'kepala.bnn'"))
        .expect("password line");
    assert!(
        password_line
            .split_whitespace()
            .last()
            .is_some_and(|p| p.len() == 19)
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert!(
        child.wait().expect("wait").success(),
        "graceful shutdown exits 0"
    );
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l == "Pulih stopped."), "{rest:?}");
    assert!(dir.path().join("pulih.db").exists());
}

#[cfg(unix)]
#[test]
fn the_data_folder_database_and_key_are_private_to_the_server_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    let root = tempfile::tempdir().expect("temp dir");
    let fresh = root.path().join("fresh");
    let existing = root.path().join("existing");
    std::fs::create_dir(&existing).expect("mkdir");
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for dir in [&fresh, &existing] {
        let out = pulih(
            dir,
            &["admin", "create", "--username", "sari", "--password-stdin"],
            Some("kopi-susu-pagi-2026\n"),
        );
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
        assert_eq!(mode(&dir.join("pulih.db")), 0o600);
        assert_eq!(mode(&dir.join("master.key")), 0o600);
        for extra in ["pulih.db-wal", "pulih.db-shm"] {
            let path = dir.join(extra);
            if path.exists() {
                assert_eq!(mode(&path), 0o600, "{extra}");
            }
        }
    }
}

#[test]
fn an_administrator_is_created_from_standard_input_and_weak_passwords_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let weak = pulih(
        dir.path(),
        &["admin", "create", "--username", "sari", "--password-stdin"],
        Some("pendek\n"),
    );
    assert!(!weak.status.success());
    assert!(text(&weak).contains("password"), "{}", text(&weak));
    let ok = pulih(
        dir.path(),
        &["admin", "create", "--username", "sari", "--password-stdin"],
        Some("kopi-susu-pagi-2026\n"),
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        !text(&ok).contains("kopi-susu"),
        "the password is never echoed"
    );
    let twice = pulih(
        dir.path(),
        &["admin", "create", "--username", "sari", "--password-stdin"],
        Some("kopi-susu-pagi-2026\n"),
    );
    assert!(!twice.status.success());
    assert!(text(&twice).contains("username"), "{}", text(&twice));
}

#[test]
fn region_imports_are_idempotent_and_a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = pulih(dir.path(), &["regions", "import"], None);
    assert!(text(&first).contains("91599 added"), "{}", text(&first));
    let again = pulih(dir.path(), &["regions", "import"], None);
    assert!(
        text(&again).contains("0 added, 0 renamed, 0 restored, 0 retired, 91599 unchanged"),
        "{}",
        text(&again)
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        b"code,name,latitude,longitude,utc_offset,postal_code\n21,Kepri \xff,,,,\n",
    )
    .expect("write");
    let refused = pulih(
        dir.path(),
        &["regions", "import", "--from", bad.to_str().expect("path")],
        None,
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("nothing was imported"),
        "{}",
        text(&refused)
    );
    let after = pulih(dir.path(), &["regions", "import"], None);
    assert!(text(&after).contains("91599 unchanged"), "{}", text(&after));
}

#[test]
fn a_partial_region_file_retires_nothing_until_the_operator_confirms_the_number() {
    let dir = tempfile::tempdir().expect("temp dir");
    pulih(dir.path(), &["regions", "import"], None);
    let partial = dir.path().join("partial.csv");
    let rows: Vec<String> = pulih_regions::embedded()
        .expect("embedded")
        .iter()
        .take(200)
        .map(|r| format!("{},{},,,,", r.code.as_str(), r.name))
        .collect();
    let csv = format!(
        "code,name,latitude,longitude,utc_offset,postal_code\n{}\n",
        rows.join("\n")
    );
    std::fs::write(&partial, csv).expect("write");
    let from = partial.to_str().expect("path");
    let plan = pulih(
        dir.path(),
        &["regions", "import", "--from", from, "--dry-run"],
        None,
    );
    assert!(plan.status.success(), "{}", text(&plan));
    assert!(
        text(&plan).contains("91399 retired") && text(&plan).contains("nothing was changed"),
        "{}",
        text(&plan)
    );
    let refused = pulih(dir.path(), &["regions", "import", "--from", from], None);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("--retire 91399"),
        "{}",
        text(&refused)
    );
    let wrong = pulih(
        dir.path(),
        &["regions", "import", "--from", from, "--retire", "91000"],
        None,
    );
    assert!(!wrong.status.success(), "only the exact number confirms");
    let unchanged = pulih(dir.path(), &["regions", "import"], None);
    assert!(
        text(&unchanged).contains("0 restored, 0 retired, 91599 unchanged"),
        "{}",
        text(&unchanged)
    );
    let confirmed = pulih(
        dir.path(),
        &["regions", "import", "--from", from, "--retire", "91399"],
        None,
    );
    assert!(
        text(&confirmed).contains("91399 retired"),
        "{}",
        text(&confirmed)
    );
}

#[test]
fn flags_override_the_environment_which_overrides_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (from_file, from_env, from_flag) = (
        dir.path().join("file"),
        dir.path().join("env"),
        dir.path().join("flag"),
    );
    let config = dir.path().join("pulih.toml");
    std::fs::write(
        &config,
        format!("data_dir = {:?}\n", from_file.display().to_string()),
    )
    .expect("write");
    let run = |extra: &[&str], env: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pulih"));
        cmd.arg("migrate")
            .arg("--config")
            .arg(&config)
            .args(extra)
            .env_remove("PULIH_DATABASE_URL")
            .env_remove("PULIH_DATA_DIR");
        if let Some(e) = env {
            cmd.env("PULIH_DATA_DIR", e);
        }
        assert!(cmd.output().expect("run").status.success());
    };
    run(&[], None);
    assert!(from_file.join("pulih.db").exists());
    run(&[], Some(&from_env));
    assert!(from_env.join("pulih.db").exists());
    run(
        &["--data-dir", from_flag.to_str().expect("path")],
        Some(&from_env),
    );
    assert!(from_flag.join("pulih.db").exists());
    std::fs::write(&config, "colour = \"blue\"\n").expect("write");
    let bad = Command::new(env!("CARGO_BIN_EXE_pulih"))
        .arg("migrate")
        .arg("--config")
        .arg(&config)
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not valid"));
}

#[test]
fn a_missing_or_wrong_master_key_is_refused_clearly_and_rotation_rewraps_the_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = pulih(
        dir.path(),
        &[
            "admin",
            "create",
            "--username",
            "kepala",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang-2026\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Created a new master key"),
        "{}",
        text(&out)
    );
    let original = dir.path().join("master.key");
    assert!(original.exists());

    let other = dir.path().join("other.key");
    let out = pulih(
        dir.path(),
        &["keys", "generate", "--out", other.to_str().expect("path")],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let again = pulih(
        dir.path(),
        &["keys", "generate", "--out", other.to_str().expect("path")],
        None,
    );
    assert!(
        !again.status.success(),
        "an existing key file is never overwritten"
    );

    let wrong = pulih(
        dir.path(),
        &[
            "--master-key-file",
            other.to_str().expect("path"),
            "audit",
            "verify",
        ],
        None,
    );
    assert!(!wrong.status.success());
    assert!(
        text(&wrong).contains("does not open this database"),
        "{}",
        text(&wrong)
    );

    let backup = dir.path().join("backup.key");
    std::fs::rename(&original, &backup).expect("move key");
    let missing = pulih(dir.path(), &["audit", "verify"], None);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("no master key at"),
        "{}",
        text(&missing)
    );
    assert!(!original.exists(), "no new key is made over existing data");

    let config = dir.path().join("rotate.toml");
    std::fs::write(
        &config,
        format!(
            "master_key_file = {:?}\nprevious_master_key_files = [{:?}]\n",
            other.display().to_string(),
            backup.display().to_string()
        ),
    )
    .expect("config");
    let rotate = pulih(
        dir.path(),
        &["--config", config.to_str().expect("path"), "keys", "rotate"],
        None,
    );
    assert!(rotate.status.success(), "{}", text(&rotate));
    assert!(
        text(&rotate).contains("2 keys rewrapped"),
        "{}",
        text(&rotate)
    );
    let after = pulih(
        dir.path(),
        &[
            "--master-key-file",
            other.to_str().expect("path"),
            "audit",
            "verify",
        ],
        None,
    );
    assert!(
        after.status.success(),
        "the new key alone opens the database: {}",
        text(&after)
    );
}

#[test]
fn boundaries_are_imported_from_geojson_and_a_bad_file_imports_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(
        pulih(dir.path(), &["regions", "import"], None)
            .status
            .success()
    );
    // synthetic squares around Kota Binjai's kelurahan, see the fixture's README
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pulih-web/tests/fixtures/binjai-synthetic-boundaries.geojson"
    );
    let bad = dir.path().join("bad.geojson");
    let text_of = std::fs::read_to_string(fixture).expect("fixture");
    let broken = text_of
        .replacen("\"12.75.01.1002\"", "\"12.75.01.1999\"", 1)
        .replacen("[98.50468,3.616333]]]", "[98.50468,3.6]]]", 1);
    std::fs::write(&bad, broken).expect("write");
    let refused = pulih(
        dir.path(),
        &[
            "regions",
            "boundaries",
            "--from",
            bad.to_str().expect("path"),
        ],
        None,
    );
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(said.contains("nothing was imported"), "{said}");
    assert!(
        said.contains("Feature 1 (12.75.01.1999): this code is not a region in force.")
            && said.contains("Feature 2 (12.75.01.1003): a polygon ring is not closed"),
        "{said}"
    );

    let first = pulih(
        dir.path(),
        &[
            "regions",
            "boundaries",
            "--from",
            fixture,
            "--property",
            "kdepum",
        ],
        None,
    );
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains(
            "36 features, 36 regions (0 provinces, 0 regencies, 0 districts, 36 villages), 0 replaced, 185 positions kept."
        ),
        "{}",
        text(&first)
    );
    let again = pulih(
        dir.path(),
        &["regions", "boundaries", "--from", fixture],
        None,
    );
    assert!(text(&again).contains("36 replaced"), "{}", text(&again));
}

/// Writes into `dir` the HSDS tables of one counselling service serving `area`, offered
/// by the organisation named `org` (BNN RI is the first administrator's).
fn hsds_folder(dir: &Path, org: &str, area: &str) {
    let service = "0190f1a2-0000-7000-8000-00000000aa01";
    let term = "0190f1a2-0000-7000-8000-00000000bb01";
    let files = [
        (
            "organizations.csv",
            format!("id,name,description\n0190f1a2-0000-7000-8000-00000000cc01,{org},bnn\n"),
        ),
        (
            "services.csv",
            format!(
                "id,organization_id,name,status,capacity\n{service},0190f1a2-0000-7000-8000-00000000cc01,Konseling Rawat Jalan,active,10\n"
            ),
        ),
        (
            "phones.csv",
            format!(
                "id,service_id,number\n0190f1a2-0000-7000-8000-00000000dd01,{service},0778-123456\n"
            ),
        ),
        (
            "service_areas.csv",
            format!(
                "id,service_id,name,uri\n0190f1a2-0000-7000-8000-00000000ee01,{service},,urn:kemendagri:wilayah:{area}\n"
            ),
        ),
        (
            "taxonomy_terms.csv",
            format!("id,code,name,description\n{term},counselling,Counselling,Konseling\n"),
        ),
        (
            "attributes.csv",
            format!(
                "id,link_id,link_entity,taxonomy_term_id\n0190f1a2-0000-7000-8000-00000000ff01,{service},service,{term}\n"
            ),
        ),
    ];
    std::fs::create_dir_all(dir).expect("folder");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
}

#[test]
fn the_directory_is_imported_from_hsds_tables_once_and_a_bad_file_imports_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(
        pulih(dir.path(), &["regions", "import"], None)
            .status
            .success()
    );
    let admin = pulih(
        dir.path(),
        &["admin", "create", "--username", "admin", "--password-stdin"],
        Some("kopi-susu-pagi-2026\n"),
    );
    assert!(admin.status.success(), "{}", text(&admin));
    let bad = dir.path().join("bad");
    hsds_folder(&bad, "BLK Entah", "21.99");
    let refused = pulih(
        dir.path(),
        &["directory", "import", "--from", bad.to_str().expect("path")],
        None,
    );
    assert!(!refused.status.success());
    let said = text(&refused);
    assert!(said.contains("nothing was imported"), "{said}");
    assert!(
        said.contains("services.csv:2:organization_id: services.csv line 2: this organisation is not registered")
            && said.contains("service_areas.csv:2:uri: "),
        "{said}"
    );

    let good = dir.path().join("good");
    hsds_folder(&good, "BNN RI", "21.71");
    let from = good.to_str().expect("path");
    let first = pulih(dir.path(), &["directory", "import", "--from", from], None);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("1 added, 0 changed, 0 unchanged"),
        "{}",
        text(&first)
    );
    let again = pulih(
        dir.path(),
        &["directory", "import", "--from", from, "--as", "admin"],
        None,
    );
    assert!(
        text(&again).contains("0 added, 0 changed, 1 unchanged"),
        "{}",
        text(&again)
    );
    let nobody = pulih(
        dir.path(),
        &["directory", "import", "--from", from, "--as", "siapa"],
        None,
    );
    assert!(
        text(&nobody).contains("there is no user siapa"),
        "{}",
        text(&nobody)
    );
}
