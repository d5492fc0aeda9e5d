//! Notifications by e-mail and SMS/WhatsApp over HTTP: a partner of Kota Batam chooses
//! e-mail, and the referral sent to its BLK reaches a real SMTP server as a generic
//! message with a link, naming no client; the gateway is retried with backoff until it
//! accepts, a number it always refuses is given up after the last attempt and shows to
//! the administrator, and an administrator of Kabupaten Sanggau sees none of it.

use pulih_app::{AppConfig, GatewaySettings, OutboundConfig, SecretText, SmtpSettings, SmtpTls};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::clients::{consent, counsellor, register};
use crate::helpers::{Backend, TestApp, app_config, spawn_app_configured, web_config};
use crate::outbound_stubs::{GatewayStub, SmtpSink};

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::helpers::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both!(
    a_referral_reaches_the_partner_by_email_as_a_generic_message_naming_no_client,
    the_gateway_is_retried_with_backoff_and_a_refused_number_is_given_up_for_the_admin,
);

const TOKEN: &str = "gateway-token-2026";

fn config(outbound: OutboundConfig) -> AppConfig {
    AppConfig {
        outbound,
        ..app_config()
    }
}

async fn put(app: &TestApp, token: &str, channel: &str, body: Value) -> crate::helpers::Reply {
    app.request(
        Method::PUT,
        &format!("/api/v1/me/channels/{channel}"),
        Some(token),
        Some(body),
        &[],
    )
    .await
}

/// A BLK in Batam with a welding course and two partner users: (org, service, tokens).
async fn blk(app: &TestApp) -> (String, String, [String; 2]) {
    let org = app
        .create_org(&app.root_token, "BLK Batam", "disnakertrans", "21.71")
        .await;
    let (_, first) = app
        .create_user(&app.root_token, "blk.satu", "partner", &org, "21.71")
        .await;
    let (_, second) = app
        .create_user(&app.root_token, "blk.dua", "partner", &org, "21.71")
        .await;
    let r = app
        .post(
            "/api/v1/partner-services",
            &first,
            json!({"org_id": org, "name": "Kursus Las", "service": "vocational_training",
                   "areas": ["21.71"], "capacity": 2, "contact": "0778-1", "hours": "Senin–Jumat"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let service = r.body["id"].as_str().expect("id").to_owned();
    (org, service, [first, second])
}

/// A counsellor refers a consenting client named Rina to `service`: the client's code.
async fn refer(app: &TestApp, service: &str) -> String {
    let (_, counsellor) = counsellor(app, "konselor").await;
    let client = register(
        app,
        &counsellor,
        json!({"name": "Rina Marlina", "phone": "081298765432"}),
    )
    .await;
    let id = client["id"].as_str().expect("id");
    consent(app, &counsellor, id).await;
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/referrals"),
            &counsellor,
            json!({"service_id": service, "reason": "Butuh keterampilan kerja setelah rehab sabu"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    client["code"].as_str().expect("code").to_owned()
}

fn counts(r: &Value) -> Vec<(String, String, i64, Option<String>)> {
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| {
            (
                c["channel"].as_str().expect("channel").to_owned(),
                c["state"].as_str().expect("state").to_owned(),
                c["count"].as_i64().expect("count"),
                c["last_error"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

async fn a_referral_reaches_the_partner_by_email_as_a_generic_message_naming_no_client(
    backend: Backend,
) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let outbound = OutboundConfig {
        base_url: Some("https://pulih.bnnk-batam.go.id/".into()),
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: sink.port,
            tls: SmtpTls::None,
            credentials: None,
            from: "Pulih BNNK Batam <pulih@bnnk-batam.go.id>".into(),
        }),
        gateway: None,
    };
    let Some(app) = spawn_app_configured(backend, web_config(), config(outbound)).await else {
        return;
    };
    let (_, service, [partner, other]) = blk(&app).await;

    let mine = app.get("/api/v1/me/channels", &partner).await;
    assert_eq!(mine.status, StatusCode::OK, "{:?}", mine.body);
    assert_eq!(mine.body["channels"][0]["channel"], "email");
    assert_eq!(mine.body["channels"][0]["available"], true);
    assert_eq!(
        mine.body["channels"][1]["available"], false,
        "no gateway configured"
    );
    let refused = put(&app, &partner, "sms", json!({"address": "081234567801"})).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.body
    );
    let bad = put(
        &app,
        &partner,
        "email",
        json!({"address": "blk satu@batam"}),
    )
    .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
    let address = "Admin.BLK@Disnakertrans.Batam.go.id";
    let chosen = put(
        &app,
        &partner,
        "email",
        json!({"address": address, "lang": "id"}),
    )
    .await;
    assert_eq!(chosen.status, StatusCode::OK, "{:?}", chosen.body);
    assert_eq!(chosen.body["channels"][0]["chosen"], true);
    assert_eq!(
        chosen.body["channels"][0]["address"],
        "Admin.BLK@disnakertrans.batam.go.id"
    );
    let audit = app
        .get("/api/v1/audit?limit=500", &app.root_token)
        .await
        .body;
    let set = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "user.channel_set")
        .expect("the choice is audited")
        .to_string()
        .to_lowercase();
    assert!(!set.contains("admin.blk"), "no address in the audit: {set}");
    let others = app.get("/api/v1/me/channels", &other).await.body;
    assert_eq!(
        others["channels"][0]["chosen"], false,
        "one's own choice only"
    );

    let code = refer(&app, &service).await;
    let done = app.app.run_due_work(None).await.expect("due work");
    assert_eq!(done.deliveries.sent, 1, "only the partner who chose e-mail");
    let mail = sink.received(1).await;
    assert_eq!(
        mail[0]["rcpt_tos"],
        json!(["Admin.BLK@disnakertrans.batam.go.id"])
    );
    assert_eq!(mail[0]["mail_from"], "pulih@bnnk-batam.go.id");
    let data = mail[0]["data"].as_str().expect("data");
    assert!(
        data.contains("Subject: Pulih: pemberitahuan baru"),
        "{data}"
    );
    assert!(
        data.contains("ada 1 pemberitahuan baru (kabar rujukan)"),
        "{data}"
    );
    assert!(
        data.contains("https://pulih.bnnk-batam.go.id/notifications"),
        "{data}"
    );
    for secret in [
        code.as_str(),
        "Rina",
        "Marlina",
        "0812",
        "rehab",
        "sabu",
        "Las",
    ] {
        assert!(!data.contains(secret), "the e-mail says {secret:?}: {data}");
    }
    assert_eq!(
        app.app
            .run_due_work(None)
            .await
            .expect("again")
            .deliveries
            .sent,
        0
    );

    let status = app.get("/api/v1/deliveries", &app.root_token).await;
    assert_eq!(
        counts(&status.body),
        [("email".into(), "sent".into(), 1, None)]
    );
    assert_eq!(
        app.get("/api/v1/deliveries", &partner).await.status,
        StatusCode::FORBIDDEN
    );

    let dropped = app
        .request(
            Method::DELETE,
            "/api/v1/me/channels/email",
            Some(&partner),
            None,
            &[],
        )
        .await;
    assert_eq!(dropped.status, StatusCode::OK, "{:?}", dropped.body);
    assert_eq!(dropped.body["channels"][0]["chosen"], false);

    let account = page(&app, &other, "/account").await;
    assert!(
        account.html.contains("action=\"/account/channels/email\""),
        "{}",
        account.html
    );
    assert!(
        account.html.contains("id=\"unavailable-sms\""),
        "no gateway configured"
    );
    let at = account.html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    let csrf = &account.html[at..at + account.html[at..].find('"').expect("end")];
    let path = "/account/channels/email";
    let fields = [
        ("csrf", csrf),
        ("address", "bukan alamat"),
        ("lang", "en"),
        ("do", "save"),
    ];
    let wrong = form(&app, &other, path, &fields).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.html.contains("id=\"err-address-email\""),
        "{}",
        wrong.html
    );
    let fields = [
        ("csrf", csrf),
        ("address", "dua@blk.go.id"),
        ("lang", "en"),
        ("do", "save"),
    ];
    let saved = form(&app, &other, path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let others = app.get("/api/v1/me/channels", &other).await.body;
    assert_eq!(others["channels"][0]["address"], "dua@blk.go.id");
    assert_eq!(others["channels"][0]["lang"], "en");
}

async fn the_gateway_is_retried_with_backoff_and_a_refused_number_is_given_up_for_the_admin(
    backend: Backend,
) {
    let stub = GatewayStub::start(2).await;
    let outbound = OutboundConfig {
        base_url: None,
        smtp: None,
        gateway: Some(GatewaySettings {
            url: stub.url.clone(),
            token: SecretText::new(TOKEN),
        }),
    };
    let Some(app) = spawn_app_configured(backend, web_config(), config(outbound)).await else {
        return;
    };
    let (_, service, [partner, other]) = blk(&app).await;
    let ok = put(
        &app,
        &partner,
        "sms",
        json!({"address": "0812-3456-7801", "lang": "en"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    let ok = put(&app, &other, "sms", json!({"address": "+62 812 3456 7899"})).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    let code = refer(&app, &service).await;
    let (good, refused) = ("+6281234567801", "+6281234567899");

    let run = app.app.run_due_work(None).await.expect("run").deliveries;
    assert_eq!(
        (run.sent, run.retrying),
        (0, 2),
        "503 and 500 are both retried"
    );
    assert_eq!(
        app.app
            .run_due_work(None)
            .await
            .expect("run")
            .deliveries
            .retrying,
        0,
        "not due yet"
    );
    assert_eq!(stub.attempts(good), 1);
    app.clock.advance_secs(61);
    app.app.run_due_work(None).await.expect("second");
    assert_eq!((stub.attempts(good), stub.attempts(refused)), (2, 2));
    app.clock.advance_secs(61);
    app.app
        .run_due_work(None)
        .await
        .expect("not yet: the pause doubled");
    assert_eq!(stub.attempts(good), 2);
    app.clock.advance_secs(60);
    let run = app.app.run_due_work(None).await.expect("third").deliveries;
    assert_eq!((run.sent, run.retrying), (1, 1));
    {
        let log = stub.log.lock().expect("log");
        let (auth, body) = log
            .requests
            .iter()
            .find(|(_, b)| b["to"] == good)
            .expect("sent to the partner");
        assert_eq!(auth, &format!("Bearer {TOKEN}"));
        assert_eq!(
            body["text"],
            "Pulih: you have 1 new notification (a referral update). Open Pulih to see it."
        );
        for (_, body) in &log.requests {
            let text = body.to_string();
            assert!(!text.contains(&code) && !text.contains("Rina"), "{text}");
        }
    }

    let mut given_up = 0;
    for _ in 0..10 {
        app.clock.advance_secs(3601);
        given_up += app
            .app
            .run_due_work(None)
            .await
            .expect("later")
            .deliveries
            .failed;
    }
    assert_eq!(given_up, 1);
    assert_eq!(stub.attempts(refused), 8, "given up after the last attempt");
    assert_eq!(stub.attempts(good), 3, "a sent message is not sent again");
    let status = app.get("/api/v1/deliveries", &app.root_token).await.body;
    assert_eq!(
        counts(&status),
        [
            ("sms".into(), "sent".into(), 1, Some("status_503".into())),
            ("sms".into(), "failed".into(), 1, Some("status_500".into())),
        ]
    );

    let sanggau = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    let (_, admin) = app
        .create_user(&app.root_token, "admin.sanggau", "admin", &sanggau, "61.03")
        .await;
    let theirs = app.get("/api/v1/deliveries", &admin).await;
    assert_eq!(theirs.status, StatusCode::OK, "{:?}", theirs.body);
    assert_eq!(
        theirs.body["items"],
        json!([]),
        "Sanggau sees nothing of Batam's"
    );
    let page = app
        .request(Method::GET, "/deliveries", Some(&app.root_token), None, &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("html");
    assert!(
        html.contains("status_500") && !html.contains(refused),
        "{html}"
    );
}
