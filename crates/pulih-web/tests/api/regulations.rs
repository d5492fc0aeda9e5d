//! Local regulations and programme decrees over HTTP: Kota Batam's Perda goes from the
//! council to enacted and revised, each step dated, and shows as IKOTAN evidence; a
//! Bupati's decree makes the named villages of Sanggau candidates at once and reports
//! those it leaves as they were; and a coordinator of Kota Batam learns nothing of
//! Sanggau's regulations or decrees.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::{form, page};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::rakor::{NOTHING, office};

on_both_backends!(
    a_batam_perda_goes_through_the_council_to_enacted_and_revised_with_dated_steps,
    a_regulation_is_recorded_and_stepped_from_the_region_pages,
    a_bupati_decree_makes_the_named_villages_candidates_and_reports_the_rest,
    a_batam_coordinator_learns_nothing_of_sanggau_regulations_or_decrees,
);

const BINJAI: &str = "61.03.10.2010";
const SOSOK: &str = "61.03.10.2001";
const PERUAN: &str = "61.03.10.2002";
const MENYABO: &str = "61.03.10.2003";

fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + html[at..].find('"').expect("end")].to_owned()
}

async fn record(app: &TestApp, token: &str, region: &str, body: Value) -> Value {
    let r = app
        .post(
            &format!("/api/v1/regions/{region}/regulations"),
            token,
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

async fn a_batam_perda_goes_through_the_council_to_enacted_and_revised_with_dated_steps(
    app: TestApp,
) {
    let (org, coord) = office(&app, "BNN Kota Batam", "bnn", "21.71", "kasi-batam").await;
    let old = record(
        &app,
        &coord,
        "21.71",
        json!({"kind": "perda", "number": "Perda No. 11 Tahun 2013", "title": "Fasilitasi P4GN",
               "topic": "p4gn", "status": "enacted", "on": app.days_ago(4000)}),
    )
    .await;
    assert_eq!(
        (old["status"].as_str(), old["next_steps"].clone()),
        (Some("enacted"), json!(["revise", "revoke"]))
    );
    let draft = record(
        &app,
        &coord,
        "21.71",
        json!({"kind": "perda", "title": "Perubahan Perda Fasilitasi P4GN", "topic": "p4gn",
               "on": app.days_ago(60)}),
    )
    .await;
    assert_eq!(
        (
            draft["status"].as_str(),
            &draft["number"],
            &draft["next_steps"]
        ),
        (Some("draft"), &Value::Null, &json!(["submit"])),
        "a Perda goes through the council"
    );
    let id = draft["id"].as_str().expect("id");
    let steps = format!("/api/v1/regulations/{id}/steps");
    let step = |s: &str, on: String, version: i64| json!({"step": s, "on": on, "version": version});

    let r = app
        .post(&steps, &coord, step("enact", app.days_ago(50), 1))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not past the council"
    );
    assert!(
        r.body["error"]["fields"]["step"].is_string(),
        "{:?}",
        r.body
    );
    let r = app
        .post(&steps, &coord, step("submit", app.days_ago(61), 1))
        .await;
    assert!(
        r.body["error"]["fields"]["on"].is_string(),
        "not before the draft: {:?}",
        r.body
    );
    let r = app
        .post(&steps, &coord, step("submit", app.days_ahead(1), 1))
        .await;
    assert!(r.body["error"]["fields"]["on"].is_string(), "not ahead");
    let r = app
        .post(&steps, &coord, step("submit", app.days_ago(40), 1))
        .await;
    assert_eq!(
        (r.status, &r.body["status"]),
        (StatusCode::OK, &json!("in_council"))
    );
    let r = app
        .post(&steps, &coord, step("enact", app.days_ago(10), 2))
        .await;
    assert!(
        r.body["error"]["fields"]["number"].is_string(),
        "enacted needs a number: {:?}",
        r.body
    );
    let mut enact = step("enact", app.days_ago(10), 2);
    enact["number"] = json!("Perda No. 3 Tahun 2026");
    let r = app.post(&steps, &coord, enact.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (&r.body["status"], &r.body["number"], &r.body["version"]),
        (
            &json!("enacted"),
            &json!("Perda No. 3 Tahun 2026"),
            &json!(3)
        )
    );
    let r = app.post(&steps, &coord, enact).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "enacted already"
    );
    let r = app
        .post(&steps, &coord, step("revise", app.days_ago(5), 2))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "from a stale version");
    let mut revise = step("revise", app.days_ago(2), 3);
    revise["note"] = json!("Diubah dengan Perwali No. 5 Tahun 2026");
    let r = app.post(&steps, &coord, revise).await;
    assert_eq!(r.body["status"], "revised", "{:?}", r.body);
    let shown = app
        .get(&format!("/api/v1/regulations/{id}"), &coord)
        .await
        .body;
    let history: Vec<(&str, &str)> = shown["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap_or(""),
                s["on"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        history,
        vec![
            ("record", app.days_ago(60).as_str()),
            ("submit", app.days_ago(40).as_str()),
            ("enact", app.days_ago(10).as_str()),
            ("revise", app.days_ago(2).as_str()),
        ]
    );
    assert_eq!(
        shown["steps"][3]["note"],
        "Diubah dengan Perwali No. 5 Tahun 2026"
    );

    let r = app
        .post(
            "/api/v1/regions/21.71/regulations",
            &coord,
            json!({"kind": "perdes", "title": "Perdes", "topic": "other", "status": "enacted", "on": app.days_ago(1)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["kind", "number"] {
        assert!(
            r.body["error"]["fields"][field].is_string(),
            "{field}: {:?}",
            r.body
        );
    }
    let (_, admin) = app
        .create_user(&app.root_token, "admin-batam", "admin", &org, "21.71")
        .await;
    record(
        &app,
        &admin,
        "21.71",
        json!({"kind": "surat_edaran", "title": "Tes urine ASN", "topic": "p4gn", "on": app.days_ago(5)}),
    )
    .await;
    let (_, agent) = app
        .create_user(
            &app.root_token,
            "agen-batam",
            "agent",
            &org,
            "21.71.06.1001",
        )
        .await;
    let list = app
        .get("/api/v1/regions/21.71/regulations", &coord)
        .await
        .body;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(3));
    let r = app
        .post(
            "/api/v1/regions/21.71.06.1001/regulations",
            &agent,
            json!({"kind": "sk", "title": "SK", "topic": "team", "on": app.days_ago(1)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "agents read, never record");

    let regency = page(&app, &coord, "/regions/21.71").await.html;
    let evidence = &regency[regency.find("id=\"ikotan-evidence\"").expect("evidence")..];
    let evidence = &evidence[..evidence.find("</section>").expect("end")];
    assert!(
        evidence.contains("Perda No. 3 Tahun 2026") && evidence.contains("Perda No. 11 Tahun 2013"),
        "the Perda in force are evidence: {evidence}"
    );
    assert!(
        !evidence.contains("Tes urine ASN"),
        "a draft circular is not in force"
    );
    let alone = page(&app, &coord, "/regencies/21.71/ikotan").await.html;
    assert!(
        alone.contains("Perda No. 3 Tahun 2026"),
        "beside the form on its own page too"
    );
}

async fn a_regulation_is_recorded_and_stepped_from_the_region_pages(app: TestApp) {
    let (_, coord) = office(&app, "BNN Kota Batam", "bnn", "21.71", "kasi-batam").await;
    let regency = page(&app, &coord, "/regions/21.71").await.html;
    assert!(regency.contains("action=\"/regions/21.71/regulations\""));
    assert!(
        regency.contains("<option value=\"perda\"")
            && !regency.contains("<option value=\"perdes\"")
    );
    let csrf = csrf_of(&regency);
    let path = "/regions/21.71/regulations";
    let on = app.days_ago(30);
    let bad = [
        ("csrf", csrf.as_str()),
        ("kind", "perda"),
        ("title", ""),
        ("topic", "p4gn"),
        ("status", "draft"),
        ("on", on.as_str()),
        ("number", ""),
        ("note", "Usul DPRD"),
    ];
    let refused = form(&app, &coord, path, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("id=\"err-reg-title\""),
        "{}",
        refused.html
    );
    assert!(
        refused.html.contains("value=\"Usul DPRD\""),
        "the input is kept"
    );
    let mut good = bad;
    good[2] = ("title", "Perubahan Perda Fasilitasi P4GN");
    let saved = form(&app, &coord, path, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let at = saved.location.expect("to the regulation");
    let shown = page(&app, &coord, &at).await.html;
    assert!(shown.contains("Kota Batam <span class=\"code muted\">(21.71)</span>"));
    assert!(shown.contains("action=\"") && shown.contains("name=\"step\" value=\"submit\""));
    let steps = format!("{at}/steps");
    let ahead = app.days_ahead(3);
    let late = [
        ("csrf", csrf.as_str()),
        ("step", "submit"),
        ("version", "1"),
        ("on", ahead.as_str()),
    ];
    let refused = form(&app, &coord, &steps, &late).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("id=\"err-submit-on\""),
        "{}",
        refused.html
    );
    let today = app.days_ago(0);
    let submit = [
        ("csrf", csrf.as_str()),
        ("step", "submit"),
        ("version", "1"),
        ("on", today.as_str()),
    ];
    let done = form(&app, &coord, &steps, &submit).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let shown = page(&app, &coord, &at).await.html;
    assert!(
        shown.contains("name=\"step\" value=\"enact\"") && shown.contains("id=\"enact-number\"")
    );
    let regency = page(&app, &coord, "/regions/21.71").await.html;
    assert!(
        regency.contains("Perubahan Perda Fasilitasi P4GN"),
        "listed on the region page"
    );
}

async fn a_bupati_decree_makes_the_named_villages_candidates_and_reports_the_rest(app: TestApp) {
    let (_, coord) = office(&app, "BNNK Sanggau", "bnn", "61.03", "kasi-sanggau").await;
    let steps = |v: &str| format!("/api/v1/villages/{v}/bersinar");
    let decree_step = json!({"step": "designate", "decree_number": "188/2025", "decree_date": app.days_ago(100), "decree_issuer": "Bupati Sanggau"});
    for (village, body) in [
        (SOSOK, json!({"step": "nominate"})),
        (SOSOK, decree_step),
        (PERUAN, json!({"step": "nominate"})),
    ] {
        let r = app.post(&steps(village), &coord, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let path = "/api/v1/regencies/61.03/bersinar-decrees";
    let year = app.year();
    let body = |villages: Value, year: i32| {
        json!({"number": "19/DPMPemdes/2023", "date": app.days_ago(3), "issuer": "Bupati Sanggau",
               "year": year, "villages": villages})
    };
    let r = app
        .post(
            path,
            &coord,
            body(json!([BINJAI, "21.71.01.1002", "61.03"]), year + 2),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["villages.1", "villages.2"] {
        assert!(
            r.body["error"]["fields"][field].is_string(),
            "{field}: {:?}",
            r.body
        );
    }
    let r = app
        .post(path, &coord, body(json!([BINJAI]), year + 2))
        .await;
    assert!(
        r.body["error"]["fields"]["year"].is_string(),
        "{:?}",
        r.body
    );
    let r = app
        .post(path, &coord, body(json!([SOSOK, PERUAN]), year))
        .await;
    assert!(
        r.body["error"]["fields"]["villages"].is_string(),
        "nothing to nominate: {:?}",
        r.body
    );

    let named = json!([BINJAI, SOSOK, PERUAN, MENYABO, BINJAI]);
    let r = app.post(path, &coord, body(named, year)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let effects: Vec<(&str, &str)> = r.body["villages"]
        .as_array()
        .expect("villages")
        .iter()
        .map(|v| {
            (
                v["village"].as_str().unwrap_or(""),
                v["effect"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        effects,
        vec![
            (SOSOK, "beyond_candidate"),
            (PERUAN, "already_candidate"),
            (MENYABO, "nominated"),
            (BINJAI, "nominated"),
        ],
        "each named once, by code"
    );
    for village in [BINJAI, MENYABO] {
        let history = app.get(&steps(village), &coord).await.body;
        let last = &history["items"][0];
        assert_eq!(
            (
                last["status"].as_str(),
                last["decree_number"].as_str(),
                last["decree_issuer"].as_str()
            ),
            (
                Some("candidate"),
                Some("19/DPMPemdes/2023"),
                Some("Bupati Sanggau")
            ),
            "{village}: {history}"
        );
    }
    let sosok = app.get(&steps(SOSOK), &coord).await.body;
    assert_eq!(
        sosok["items"].as_array().map(Vec::len),
        Some(2),
        "left as it was"
    );
    assert_eq!(sosok["items"][1]["status"], "designated");
    let listed = app.get(path, &coord).await.body;
    assert_eq!(listed["items"][0]["year"], year);

    let binjai = page(&app, &coord, &format!("/regions/{BINJAI}")).await.html;
    assert!(
        binjai.contains("19/DPMPemdes/2023"),
        "the village's history shows the decree"
    );
    let regency = page(&app, &coord, "/regions/61.03").await.html;
    assert!(regency.contains("action=\"/regencies/61.03/bersinar-decrees\""));
    assert!(
        regency.contains("sudah calon, tidak diubah"),
        "the report stays on the page"
    );
    let csrf = csrf_of(&regency);
    let date = app.days_ago(1);
    let year_text = year.to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("number", "20/DPMPemdes/2025"),
        ("date", date.as_str()),
        ("issuer", "Bupati Sanggau"),
        ("year", year_text.as_str()),
        ("villages", "61.03.10.2004"),
        ("villages", "61.03.10.2005"),
    ];
    let saved = form(&app, &coord, "/regencies/61.03/bersinar-decrees", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert!(
        saved
            .location
            .expect("back")
            .starts_with("/regions/61.03#decree-")
    );
    let again = form(&app, &coord, "/regencies/61.03/bersinar-decrees", &fields).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "both are candidates now"
    );
    assert!(
        again.html.contains("id=\"err-decree-villages\""),
        "{}",
        again.html
    );
    assert!(
        again.html.contains("value=\"61.03.10.2004\" checked"),
        "the ticks are kept"
    );
}

async fn a_batam_coordinator_learns_nothing_of_sanggau_regulations_or_decrees(app: TestApp) {
    let (_, sanggau) = office(&app, "BNNK Sanggau", "bnn", "61.03", "kasi-sanggau").await;
    let (_, batam) = office(&app, "BNN Kota Batam", "bnn", "21.71", "kasi-batam").await;
    let perda = record(
        &app,
        &sanggau,
        "61.03",
        json!({"kind": "perda", "title": "Pencegahan narkoba", "topic": "p4gn", "on": app.days_ago(9)}),
    )
    .await;
    let perdes = record(
        &app,
        &sanggau,
        BINJAI,
        json!({"kind": "perdes", "number": "Perdes Binjai No. 2/2024", "title": "Desa Bersinar",
               "topic": "bersinar", "status": "enacted", "on": app.days_ago(9)}),
    )
    .await;
    let decree = json!({"number": "19/DPMPemdes/2023", "date": app.days_ago(3), "issuer": "Bupati Sanggau",
                        "year": app.year(), "villages": [BINJAI]});
    let r = app
        .post(
            "/api/v1/regencies/61.03/bersinar-decrees",
            &sanggau,
            decree.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let unknown = app
        .get(&format!("/api/v1/regulations/{NOTHING}"), &batam)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    for r in [&perda, &perdes] {
        let id = r["id"].as_str().expect("id");
        let seen = app.get(&format!("/api/v1/regulations/{id}"), &batam).await;
        assert_eq!((seen.status, &seen.body), (unknown.status, &unknown.body));
        let step = json!({"step": "revoke", "on": app.days_ago(0), "version": 1});
        let moved = app
            .post(&format!("/api/v1/regulations/{id}/steps"), &batam, step)
            .await;
        let nothing = app
            .post(
                &format!("/api/v1/regulations/{NOTHING}/steps"),
                &batam,
                json!({"step": "revoke", "on": app.days_ago(0), "version": 1}),
            )
            .await;
        assert_eq!((moved.status, &moved.body), (nothing.status, &nothing.body));
        assert_eq!(moved.status, StatusCode::NOT_FOUND);
        let shown = page(&app, &batam, &format!("/regulations/{id}")).await;
        assert_eq!(shown.status, StatusCode::NOT_FOUND);
    }
    for path in [
        "/api/v1/regions/61.03/regulations".to_owned(),
        format!("/api/v1/regions/{BINJAI}/regulations"),
        "/api/v1/regencies/61.03/bersinar-decrees".to_owned(),
    ] {
        let r = app.get(&path, &batam).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!r.body.to_string().contains("Pencegahan"), "{path}");
    }
    let r = app
        .post("/api/v1/regencies/61.03/bersinar-decrees", &batam, decree)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post(
            "/api/v1/regions/61.03/regulations",
            &batam,
            json!({"kind": "perda", "title": "x", "topic": "p4gn", "on": app.days_ago(1)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let own = page(&app, &batam, "/regions/21.71").await.html;
    assert!(!own.contains("Pencegahan narkoba") && !own.contains("19/DPMPemdes/2023"));
    let evidence = app
        .get("/api/v1/regions/21.71/regulations", &batam)
        .await
        .body;
    assert_eq!(evidence["items"], json!([]));
}
