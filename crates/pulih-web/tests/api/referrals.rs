//! Closed-loop referrals over HTTP: refer → accept → start → complete with the sender told
//! at each step; decline with a reason; consent that must cover the partner; details
//! hidden at once when consent is withdrawn; escalation after the deadline, once, with a
//! controllable clock; the worklists of both sides.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::clients::{consent, counsellor, field_errors, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    the_full_loop_tells_the_sender_and_shows_on_the_client_record,
    a_partner_declines_with_a_reason_and_moves_out_of_order_are_refused,
    a_referral_needs_consent_that_covers_the_partner,
    withdrawing_consent_hides_the_shared_details_at_once,
    a_referral_sent_under_break_glass_closes_to_its_sender_when_the_grant_ends,
    an_unanswered_referral_escalates_once_to_the_coordinator,
    a_treating_service_sees_clinical_details_a_training_place_never,
    the_partner_sees_who_referred_and_can_call_back_and_the_timeline_shows_each_step,
);

/// A counsellor with a consenting client (sharing with Disnakertrans), a BLK with a
/// partner user and a welding course: (counsellor, client id, partner, service id).
struct Scene {
    counsellor: String,
    client: String,
    code: String,
    consent: String,
    partner: String,
    service: String,
}

async fn scene(app: &TestApp) -> Scene {
    let (_, counsellor) = counsellor(app, "konselor").await;
    let client = register(
        app,
        &counsellor,
        json!({"name": "Rina", "phone": "081234567890"}),
    )
    .await;
    let id = client["id"].as_str().expect("id").to_owned();
    let consent = consent(app, &counsellor, &id).await;
    let (partner, service) =
        partner(app, "BLK Batam", "disnakertrans", "vocational_training").await;
    Scene {
        counsellor,
        code: client["code"].as_str().expect("code").to_owned(),
        client: id,
        consent,
        partner,
        service,
    }
}

/// A partner organisation in Batam with a user and a service: (user token, service id).
pub(crate) async fn partner(
    app: &TestApp,
    name: &str,
    kind: &str,
    service: &str,
) -> (String, String) {
    let org = app.create_org(&app.root_token, name, kind, "21.71").await;
    let username = name.to_lowercase().replace(' ', ".");
    let (_, token) = app
        .create_user(&app.root_token, &username, "partner", &org, "21.71")
        .await;
    let r = app
        .post(
            "/api/v1/partner-services",
            &token,
            json!({"org_id": org, "name": format!("Layanan {name}"), "service": service,
                   "areas": ["21.71"], "capacity": 1, "contact": "0778-1",
                   "hours": "Senin–Jumat"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    (token, r.body["id"].as_str().expect("id").to_owned())
}

async fn refer(app: &TestApp, s: &Scene, service: &str) -> Value {
    let r = app
        .post(
            &format!("/api/v1/clients/{}/referrals", s.client),
            &s.counsellor,
            json!({"service_id": service, "reason": "Butuh keterampilan kerja setelah rehab"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

async fn step(
    app: &TestApp,
    token: &str,
    referral: &Value,
    mv: &str,
    reason: Option<&str>,
) -> Value {
    let id = referral["id"].as_str().expect("id");
    let r = app
        .post(
            &format!("/api/v1/referrals/{id}/moves"),
            token,
            json!({"move": mv, "reason": reason, "version": referral["version"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{mv}: {:?}", r.body);
    r.body
}

fn kinds(r: &Value) -> Vec<String> {
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["kind"].as_str().expect("kind").to_owned())
        .collect()
}

async fn the_full_loop_tells_the_sender_and_shows_on_the_client_record(app: TestApp) {
    let s = scene(&app).await;
    let sent = refer(&app, &s, &s.service).await;
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["side"], "sender");
    assert_eq!(sent["client_code"], s.code.as_str());
    assert_eq!(sent["reason"], "Butuh keterampilan kerja setelah rehab");
    assert_eq!(sent["moves"], json!(["cancel"]));

    let incoming = app.get("/api/v1/referrals", &s.partner).await.body;
    assert_eq!(incoming["items"].as_array().expect("items").len(), 1);
    let list = app.get("/api/v1/worklist", &s.partner).await.body;
    assert_eq!(
        list["referrals_to_answer"][0]["client_code"],
        s.code.as_str()
    );
    assert_eq!(
        kinds(&app.get("/api/v1/notifications", &s.partner).await.body),
        ["referral.sent"]
    );

    let id = sent["id"].as_str().expect("id");
    let seen = app
        .get(&format!("/api/v1/referrals/{id}"), &s.partner)
        .await
        .body;
    assert_eq!(seen["side"], "partner");
    assert_eq!(seen["shared"]["name"], "Rina");
    assert_eq!(seen["shared"]["phone"], "081234567890");
    assert_eq!(
        seen["shared"]["clinical"],
        Value::Null,
        "a training place never sees clinical data"
    );
    assert_eq!(seen["reason"], "Butuh keterampilan kerja setelah rehab");
    assert_eq!(seen["moves"], json!(["accept", "decline"]));
    let record = app
        .get(&format!("/api/v1/clients/{}", s.client), &s.partner)
        .await;
    assert!(matches!(
        record.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));

    let accepted = step(&app, &s.partner, &seen, "accept", None).await;
    let stale = app
        .post(
            &format!("/api/v1/referrals/{id}/moves"),
            &s.partner,
            json!({"move": "start", "version": seen["version"]}),
        )
        .await;
    assert_eq!(
        stale.status,
        StatusCode::CONFLICT,
        "a move from a stale version"
    );
    let started = step(&app, &s.partner, &accepted, "start", None).await;
    let done = step(&app, &s.partner, &started, "complete", None).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["moves"], json!([]));
    let states: Vec<&str> = done["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["status"].as_str().expect("status"))
        .collect();
    assert_eq!(states, ["sent", "accepted", "started", "completed"]);

    let told = app.get("/api/v1/notifications", &s.counsellor).await.body;
    assert_eq!(
        kinds(&told),
        [
            "referral.completed",
            "referral.started",
            "referral.accepted"
        ]
    );
    let r = app
        .post("/api/v1/notifications/read", &s.counsellor, json!({}))
        .await;
    assert_eq!(r.body["marked"], 3);
    let chain = app
        .get(
            &format!("/api/v1/clients/{}/referrals", s.client),
            &s.counsellor,
        )
        .await
        .body;
    assert_eq!(chain["items"][0]["status"], "completed");
    assert_eq!(chain["items"][0]["partner_name"], "BLK Batam");
    let list = app.get("/api/v1/worklist", &s.partner).await.body;
    assert_eq!(list["referrals_to_answer"], json!([]));
    assert_eq!(list["referrals_in_service"], json!([]));

    let bnn = app
        .create_org(&app.root_token, "BNNP Kepri", "bnn", "21")
        .await;
    let (_, coordinator) = app
        .create_user(&app.root_token, "kabid.rehab", "coordinator", &bnn, "21")
        .await;
    let figures = app
        .get("/api/v1/regions/21.71/outcomes/referrals", &coordinator)
        .await
        .body;
    assert_eq!(
        (figures["sent"].as_u64(), figures["completed"].as_u64()),
        (Some(1), Some(1)),
        "{figures}"
    );
    assert_eq!(figures["completion_rate"], 100.0);
    // the dashboard counts the same steps, from the rollups, as a recount finds them
    let period = crate::dashboards::semester(&app);
    let dash = crate::dashboards::dashboard(&app, &coordinator, "21.71", &period).await;
    let counted: Vec<i64> = ["sent", "accepted", "declined", "completed"]
        .iter()
        .map(|k| {
            dash["figures"][format!("referrals_{k}")]
                .as_i64()
                .unwrap_or(-1)
        })
        .collect();
    assert_eq!(counted, [1, 1, 0, 1], "{dash}");
    let differences = app.app.verify_rollups(&|_| ()).await.expect("verify");
    assert_eq!(differences, Vec::new());
    assert!(
        figures["median_days_to_accept"]
            .as_f64()
            .is_some_and(|d| d < 1.0),
        "{figures}"
    );
    let bnn = app
        .create_org(&app.root_token, "BNNP Kepri", "bnn", "21")
        .await;
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &bnn, "21")
        .await;
    let figures = app
        .get("/api/v1/regions/21.71/outcomes/referrals", &analyst)
        .await
        .body;
    assert_eq!(
        (
            figures["sent"].as_str(),
            figures["completion_rate"].as_f64()
        ),
        (Some("<5"), None),
        "{figures}"
    );

    let (other, _) = partner(&app, "Dinsos Batam", "dinsos", "social_assistance").await;
    let r = app.get(&format!("/api/v1/referrals/{id}"), &other).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another partner does not see it"
    );
    assert_eq!(
        app.get("/api/v1/referrals", &other).await.body["items"],
        json!([])
    );
}

async fn a_partner_declines_with_a_reason_and_moves_out_of_order_are_refused(app: TestApp) {
    let s = scene(&app).await;
    let sent = refer(&app, &s, &s.service).await;
    let id = sent["id"].as_str().expect("id");
    let moves = format!("/api/v1/referrals/{id}/moves");
    let r = app
        .post(
            &moves,
            &s.partner,
            json!({"move": "complete", "version": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = |r: &crate::helpers::Reply| {
        r.body["error"]["fields"]["move"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    assert!(said(&r).contains("status rujukan sekarang"), "{:?}", r.body);
    let r = app
        .post(
            &moves,
            &s.counsellor,
            json!({"move": "accept", "version": 1}),
        )
        .await;
    assert!(said(&r).contains("pihak lain"), "{:?}", r.body);
    let r = app
        .post(&moves, &s.partner, json!({"move": "decline", "version": 1}))
        .await;
    assert_eq!(field_errors(&r.body), ["reason"]);
    let r = app
        .post(&moves, &s.partner, json!({"move": "fly", "version": 1}))
        .await;
    assert_eq!(field_errors(&r.body), ["move"]);
    let seen = app
        .get(&format!("/api/v1/referrals/{id}"), &s.partner)
        .await
        .body;
    assert_eq!(
        (seen["status"].as_str(), seen["version"].as_i64()),
        (Some("sent"), Some(1)),
        "nothing moved"
    );

    let declined = step(
        &app,
        &s.partner,
        &seen,
        "decline",
        Some("Kelas penuh sampai Januari"),
    )
    .await;
    assert_eq!(declined["status"], "declined");
    let mine = app
        .get(&format!("/api/v1/referrals/{id}"), &s.counsellor)
        .await
        .body;
    assert_eq!(mine["steps"][1]["reason"], "Kelas penuh sampai Januari");
    assert_eq!(mine["moves"], json!([]), "a declined referral is finished");
    assert_eq!(
        kinds(&app.get("/api/v1/notifications", &s.counsellor).await.body),
        ["referral.declined"]
    );

    // a repeated submission with the same key gives the first answer and one referral
    let key = [("idempotency-key", "rujuk-blk-2")];
    let body = json!({"service_id": s.service, "reason": "Coba lagi bulan depan"});
    let path = format!("/api/v1/clients/{}/referrals", s.client);
    let first = app
        .request(
            Method::POST,
            &path,
            Some(&s.counsellor),
            Some(body.clone()),
            &key,
        )
        .await;
    let again = app
        .request(Method::POST, &path, Some(&s.counsellor), Some(body), &key)
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.body["id"], first.body["id"]);
    let chain = app.get(&path, &s.counsellor).await.body;
    assert_eq!(chain["items"].as_array().expect("items").len(), 2);
    let period = crate::dashboards::semester(&app);
    let dash = crate::dashboards::dashboard(&app, &app.root_token, "21.71", &period).await;
    assert_eq!(
        (
            &dash["figures"]["referrals_sent"],
            &dash["figures"]["referrals_declined"]
        ),
        (&json!(2), &json!(1)),
        "a repeated request counts once: {dash}"
    );
}

async fn a_referral_needs_consent_that_covers_the_partner(app: TestApp) {
    let s = scene(&app).await;
    let path = format!("/api/v1/clients/{}/referrals", s.client);
    let (_, dinsos) = partner(&app, "Dinsos Batam", "dinsos", "social_assistance").await;
    let r = app
        .post(
            &path,
            &s.counsellor,
            json!({"service_id": dinsos, "reason": "Bantuan sosial"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    let message = r.body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("tidak mencakup"),
        "the reason is said: {message}"
    );
    let r = app
        .post(
            &path,
            &s.counsellor,
            json!({"service_id": "bukan-id", "reason": ""}),
        )
        .await;
    assert_eq!(field_errors(&r.body), ["reason", "service_id"]);
    let r = app
        .post(
            &path,
            &s.counsellor,
            json!({"service_id": s.service, "reason": "x", "nik": "1"}),
        )
        .await;
    assert!(r.status.is_client_error(), "unknown fields are refused");

    let (_, token) = counsellor(&app, "konselor.dua").await;
    let fresh = register(&app, &token, json!({})).await;
    let r = app
        .post(
            &format!(
                "/api/v1/clients/{}/referrals",
                fresh["id"].as_str().expect("id")
            ),
            &token,
            json!({"service_id": s.service, "reason": "Pelatihan"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "no consent at all: {:?}",
        r.body
    );
    assert_eq!(
        app.get(&path, &s.counsellor).await.body["items"],
        json!([]),
        "nothing stored"
    );
    assert_eq!(
        app.get("/api/v1/referrals", &s.partner).await.body["items"],
        json!([])
    );
}

async fn withdrawing_consent_hides_the_shared_details_at_once(app: TestApp) {
    let s = scene(&app).await;
    let earlier = refer(&app, &s, &s.service).await;
    step(
        &app,
        &s.counsellor,
        &earlier,
        "cancel",
        Some("Rina pindah ke Tanjung Pinang"),
    )
    .await;
    let cancelled = format!("/api/v1/referrals/{}", earlier["id"].as_str().expect("id"));
    let reasons = |v: &Value| -> Vec<Value> {
        v["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|st| st["reason"].clone())
            .filter(|r| !r.is_null())
            .collect()
    };
    assert_eq!(
        reasons(&app.get(&cancelled, &s.partner).await.body),
        [json!("Rina pindah ke Tanjung Pinang")],
        "shared while consent covers it"
    );
    let sent = refer(&app, &s, &s.service).await;
    let id = sent["id"].as_str().expect("id");
    let path = format!("/api/v1/referrals/{id}");
    assert_eq!(
        app.get(&path, &s.partner).await.body["shared"]["name"],
        "Rina"
    );
    let r = app
        .post(
            &format!(
                "/api/v1/clients/{}/consents/{}/withdrawal",
                s.client, s.consent
            ),
            &s.counsellor,
            json!({"reason": "tidak ingin dibagikan"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let seen = app.get(&path, &s.partner).await;
    assert_eq!(seen.status, StatusCode::OK);
    let text = seen.body.to_string();
    assert_eq!(seen.body["hidden"], true);
    assert_eq!(seen.body["shared"], Value::Null);
    assert_eq!(seen.body["reason"], Value::Null);
    assert!(!text.contains("Rina") && !text.contains("0812"), "{text}");
    let after = app.get(&cancelled, &s.partner).await.body;
    assert_eq!(reasons(&after), Vec::<Value>::new(), "{after}");
    assert_eq!(
        reasons(&app.get(&cancelled, &s.counsellor).await.body).len(),
        1,
        "the sender keeps its own record"
    );
    assert_eq!(
        seen.body["status"], "sent",
        "the referral itself stays visible"
    );
    let mine = app.get(&path, &s.counsellor).await.body;
    assert_eq!(mine["reason"], "Butuh keterampilan kerja setelah rehab");
}

async fn a_referral_sent_under_break_glass_closes_to_its_sender_when_the_grant_ends(app: TestApp) {
    let s = scene(&app).await;
    let karimun = app
        .create_org(&app.root_token, "BNNK Karimun", "bnn", "21.01")
        .await;
    let (_, far) = app
        .create_user(
            &app.root_token,
            "kasi.karimun",
            "coordinator",
            &karimun,
            "21.01",
        )
        .await;
    let r = app
        .post(
            "/api/v1/break-glass",
            &far,
            json!({"code": s.code, "reason": "Klien dirawat darurat di RSUD Karimun"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/clients/{}/referrals", s.client),
            &far,
            json!({"service_id": s.service, "reason": "Pelatihan kerja di Batam"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let path = format!("/api/v1/referrals/{}", r.body["id"].as_str().expect("id"));
    assert_eq!(app.get(&path, &far).await.status, StatusCode::OK);

    app.clock.advance_secs(4 * 3600);
    let after = app.get(&path, &far).await;
    assert_eq!(
        (
            after.status,
            after.body.to_string().contains("Pelatihan kerja")
        ),
        (StatusCode::NOT_FOUND, false),
        "sending once is no lasting key"
    );
    let cancel = app
        .post(
            &format!("{path}/moves"),
            &far,
            json!({"move": "cancel", "reason": "x", "version": 1}),
        )
        .await;
    assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&path, &s.counsellor).await.status,
        StatusCode::NOT_FOUND,
        "a counsellor who did not send it has no side either"
    );
    assert_eq!(app.get(&path, &s.partner).await.status, StatusCode::OK);
}

async fn an_unanswered_referral_escalates_once_to_the_coordinator(app: TestApp) {
    let s = scene(&app).await;
    let bnnk = app
        .create_org(&app.root_token, "BNNK Batam", "bnn", "21.71")
        .await;
    let (_, coordinator) = app
        .create_user(&app.root_token, "kasi.rehab", "coordinator", &bnnk, "21.71")
        .await;
    let sent = refer(&app, &s, &s.service).await;
    let work = app.app.run_due_work(None).await.expect("due work");
    assert_eq!(work.escalated, 0, "nothing is due yet");
    let list = app.get("/api/v1/worklist", &s.counsellor).await.body;
    assert_eq!(list["referrals_waiting"][0]["overdue"], false);

    app.clock.advance_days(8);
    let (a, b) = tokio::join!(app.app.run_due_work(None), app.app.run_due_work(None));
    assert_eq!(
        a.expect("a").escalated + b.expect("b").escalated,
        1,
        "two runs at once escalate once"
    );
    assert_eq!(
        app.app.run_due_work(None).await.expect("again").escalated,
        0
    );
    let told = app.get("/api/v1/notifications", &coordinator).await.body;
    assert_eq!(kinds(&told), ["referral.overdue"]);
    assert_eq!(told["items"][0]["detail"]["client_code"], s.code.as_str());
    let list = app.get("/api/v1/worklist", &coordinator).await.body;
    assert_eq!(list["referrals_escalated"][0]["id"], sent["id"]);
    let list = app.get("/api/v1/worklist", &s.counsellor).await.body;
    assert_eq!(list["referrals_waiting"][0]["overdue"], true);
    assert_eq!(list["referrals_waiting"][0]["escalated"], true);

    let digests = app.app.in_app_digests();
    let sent = app
        .app
        .run_due_work(Some(&digests))
        .await
        .expect("digest")
        .digests;
    assert!(
        sent >= 3,
        "partner, counsellor and coordinator have work: {sent}"
    );
    assert_eq!(
        app.app
            .run_due_work(Some(&digests))
            .await
            .expect("again")
            .digests,
        0
    );
    let partner_notes = app.get("/api/v1/notifications", &s.partner).await.body;
    let digest = partner_notes["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|n| n["kind"] == "digest")
        .expect("digest")
        .clone();
    assert_eq!(digest["detail"]["counts"]["referrals_to_answer"], 1);
    assert!(
        !digest.to_string().contains(&s.code),
        "a digest names no client"
    );
}

async fn a_treating_service_sees_clinical_details_a_training_place_never(app: TestApp) {
    let s = scene(&app).await;
    let r = app
        .post(
            &format!("/api/v1/clients/{}/episodes", s.client),
            &s.counsellor,
            json!({"pathway": "family_referral", "substances": ["amphetamines"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let body = json!({"services": true, "share_with": ["rehab_centre"], "follow_up": true,
        "given_by": "client", "method": "signed_form", "given_on": "2026-01-05"});
    let r = app
        .post(
            &format!("/api/v1/clients/{}/consents", s.client),
            &s.counsellor,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let (rehab, outpatient) =
        partner(&app, "Klinik Pratama", "rehab_centre", "rehab_outpatient").await;
    let sent = refer(&app, &s, &outpatient).await;
    let seen = app
        .get(
            &format!("/api/v1/referrals/{}", sent["id"].as_str().expect("id")),
            &rehab,
        )
        .await
        .body;
    assert_eq!(
        seen["shared"]["clinical"]["substances"],
        json!(["amphetamines"])
    );
    // the dashboard weighs the clinic's one place against the clients waiting for it
    let capacity = |d: &Value, node: &str| -> (i64, i64, bool) {
        let row = d["capacity"]
            .as_array()
            .expect("capacity")
            .iter()
            .find(|c| c["node"] == node && c["service"] == "rehab_outpatient")
            .cloned()
            .unwrap_or_else(|| panic!("{node} in {d}"));
        let n = |k: &str| row[k].as_i64().expect("a count");
        (n("places"), n("waiting"), row["exceeded"] == true)
    };
    let period = crate::dashboards::semester(&app);
    let dash = crate::dashboards::dashboard(&app, &app.root_token, "21", &period).await;
    assert_eq!(capacity(&dash, "21"), (1, 1, false), "{dash}");
    assert_eq!(capacity(&dash, "21.71"), (1, 1, false));
    assert_eq!(capacity(&dash, "21.01"), (0, 0, false), "serves Batam only");
    let again = refer(&app, &s, &outpatient).await;
    let dash = crate::dashboards::dashboard(&app, &app.root_token, "21.71", &period).await;
    assert_eq!(
        capacity(&dash, "21.71"),
        (1, 2, true),
        "two wait for one place"
    );
    let accepted = step(&app, &rehab, &again, "accept", None).await;
    step(&app, &rehab, &accepted, "start", None).await;
    let dash = crate::dashboards::dashboard(&app, &app.root_token, "21.71", &period).await;
    assert_eq!(
        capacity(&dash, "21.71"),
        (1, 1, false),
        "a started service waits no more"
    );
    assert_eq!(
        app.app.verify_rollups(&|_| ()).await.expect("verify"),
        Vec::new()
    );
    let training = refer(&app, &s, &s.service).await;
    let seen = app
        .get(
            &format!("/api/v1/referrals/{}", training["id"].as_str().expect("id")),
            &s.partner,
        )
        .await;
    assert!(
        !seen.body.to_string().contains("amphetamines"),
        "{:?}",
        seen.body
    );
}

async fn the_partner_sees_who_referred_and_can_call_back_and_the_timeline_shows_each_step(
    app: TestApp,
) {
    let s = scene(&app).await;
    let ipwl = app.get("/api/v1/organisations", &app.root_token).await.body;
    let ipwl = ipwl["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|o| o["name"] == "IPWL Batam")
        .expect("the counsellor's organisation")["id"]
        .clone();
    let listed = app
        .post(
            "/api/v1/partner-services",
            &app.root_token,
            json!({"org_id": ipwl, "name": "Rawat jalan IPWL", "service": "rehab_outpatient",
                   "areas": ["21.71"], "capacity": 10, "contact": "0812-3456-7890",
                   "hours": "Senin–Sabtu"}),
        )
        .await;
    assert_eq!(listed.status, StatusCode::CREATED, "{:?}", listed.body);
    let sent = refer(&app, &s, &s.service).await;
    let id = sent["id"].as_str().expect("id");
    assert_eq!(
        sent["sender"],
        json!({"name": "konselor", "organisation": "IPWL Batam", "contact": "0812-3456-7890"})
    );
    let seen = crate::client_pages::page(&app, &s.partner, &format!("/referrals/{id}")).await;
    for shown in [
        "konselor, IPWL Batam",
        r#"<a href="tel:+6281234567890">0812-3456-7890</a>"#,
        r#"<a href="https://wa.me/6281234567890" rel="noopener noreferrer">WhatsApp</a>"#,
        r#"<a href="tel:+6281234567890">081234567890</a>"#,
    ] {
        assert!(seen.html.contains(shown), "{shown} in {}", seen.html);
    }
    let partner_view = app
        .get(&format!("/api/v1/referrals/{id}"), &s.partner)
        .await
        .body;
    step(&app, &s.partner, &partner_view, "accept", None).await;

    let record = app
        .get(&format!("/api/v1/clients/{}", s.client), &s.counsellor)
        .await
        .body;
    let states: Vec<&str> = record["referrals"]
        .as_array()
        .expect("referrals")
        .iter()
        .map(|m| m["status"].as_str().expect("status"))
        .collect();
    assert_eq!(states, ["sent", "accepted"], "{record}");
    let page =
        crate::client_pages::page(&app, &s.counsellor, &format!("/clients/{}", s.client)).await;
    assert!(
        page.html.contains("Rujukan: Diterima")
            && page
                .html
                .contains(&format!(r#"<a href="/referrals/{id}">Buka rujukan</a>"#)),
        "{}",
        page.html
    );
    assert!(
        !page.html.contains("Butuh keterampilan kerja"),
        "the timeline names no reason"
    );
}
