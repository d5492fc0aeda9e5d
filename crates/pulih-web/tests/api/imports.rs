//! Every import authorises the user before it reads the file, and a directory zip is
//! unpacked only within its caps: a user without the right never makes the server
//! unpack or parse anything, and a zip beyond the caps is refused with a clear message.

use std::io::{Cursor, Write};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Reply, TestApp};
use crate::on_both_backends;

on_both_backends!(
    an_import_by_a_user_without_the_right_is_refused_before_the_file_is_read,
    a_zip_beyond_the_caps_is_refused_with_a_clear_message,
);

/// A zip of `entries` (name, size): each entry that many zero bytes, deflated.
fn zip_of(entries: &[(&str, usize)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let zeros = vec![0u8; 1024 * 1024];
    for (name, size) in entries {
        zip.start_file(*name, options).expect("entry");
        let mut left = *size;
        while left > 0 {
            let n = left.min(zeros.len());
            zip.write_all(&zeros[..n]).expect("write");
            left -= n;
        }
    }
    zip.finish().expect("zip").into_inner()
}

/// A zip of a few kilobytes whose services table unpacks to 40 MiB.
fn zip_bomb(name: &str) -> Vec<u8> {
    zip_of(&[(name, 40 * 1024 * 1024)])
}

/// Posts `body` to the import at `path`, in `lang`, on a connection of its own: a
/// server that refuses without reading the body does not keep the connection.
async fn post(app: &TestApp, token: &str, path: &str, body: Vec<u8>, lang: &str) -> Reply {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/{path}", app.address))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .header("accept-language", lang)
        .body(body)
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

/// The message about the file as a whole.
fn file_message(reply: &Reply) -> String {
    reply.body["error"]["fields"]["file"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn an_import_by_a_user_without_the_right_is_refused_before_the_file_is_read(app: TestApp) {
    let police = app
        .create_org(&app.root_token, "Polresta Barelang", "police", "21.71")
        .await;
    let (_, liaison) = app
        .create_user(
            &app.root_token,
            "liaison",
            "police_liaison",
            &police,
            "21.71",
        )
        .await;
    let unreadable = [
        ("partner-services/import", b"not a zip".to_vec()),
        ("partner-services/import", zip_bomb("services.csv")),
        ("regions/import", b"\x1f\x8bnot gzip".to_vec()),
        ("regions/boundaries", b"{\"type\":".to_vec()),
    ];
    for (path, body) in unreadable {
        let r = post(&app, &liaison, path, body, "id").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {:?}", r.body);
    }
}

async fn a_zip_beyond_the_caps_is_refused_with_a_clear_message(app: TestApp) {
    let import = "partner-services/import";
    let names: Vec<String> = (0..65).map(|n| format!("catatan-{n}.txt")).collect();
    let crowded = zip_of(&names.iter().map(|n| (n.as_str(), 1)).collect::<Vec<_>>());
    let r = post(&app, &app.root_token, import, crowded.clone(), "id").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        file_message(&r).contains("lebih dari 64 berkas"),
        "{:?}",
        r.body
    );
    let r = post(&app, &app.root_token, import, crowded, "en").await;
    assert!(
        file_message(&r).contains("more than 64 entries"),
        "{:?}",
        r.body
    );

    let r = post(
        &app,
        &app.root_token,
        import,
        zip_bomb("services.csv"),
        "id",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        file_message(&r).contains("lebih dari 32 MB"),
        "{:?}",
        r.body
    );
    let r = post(
        &app,
        &app.root_token,
        import,
        zip_bomb("data/services.csv"),
        "en",
    )
    .await;
    assert!(file_message(&r).contains("more than 32 MB"), "{:?}", r.body);

    let r = post(&app, &app.root_token, import, zip_bomb("lain.csv"), "en").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        file_message(&r).starts_with("No HSDS table was found"),
        "a file the import does not read is not unpacked: {:?}",
        r.body
    );
}
