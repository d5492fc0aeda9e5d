//! The region tree over the API: the contract later tooling relies on.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

crate::on_both_backends!(
    a_region_has_the_documented_shape,
    kota_batam_has_twelve_districts_and_sixty_four_kelurahan,
    searching_binjai_lists_every_binjai_with_its_path,
    unknown_or_malformed_region_codes_are_not_found,
    a_malformed_region_code_in_any_path_is_not_found,
    a_bad_region_file_is_refused_and_changes_nothing,
    a_rename_shows_at_once_though_the_tree_was_just_read,
    a_partial_file_names_the_codes_in_use_and_retires_nothing_unconfirmed,
);

async fn a_region_has_the_documented_shape(app: TestApp) {
    let r = app.get("/api/v1/regions/21.71", &app.root_token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["code"], "21.71");
    assert_eq!(r.body["name"], "Kota Batam");
    assert_eq!(r.body["level"], "regency");
    assert_eq!(r.body["kind"], "kota");
    assert_eq!(r.body["parent_code"], "21");
    assert_eq!(r.body["children_count"], 12);
    assert_eq!(r.body["timezone"], "WIB");
    let province = app.get("/api/v1/regions/21", &app.root_token).await;
    assert_eq!(
        (
            province.body["level"].as_str(),
            province.body["kind"].is_null()
        ),
        (Some("province"), true)
    );
    let desa = app
        .get("/api/v1/regions/12.05.05.2002", &app.root_token)
        .await;
    assert_eq!(
        (desa.body["level"].as_str(), desa.body["kind"].as_str()),
        (Some("village"), Some("desa"))
    );
    let provinces = app.get("/api/v1/regions", &app.root_token).await;
    assert_eq!(provinces.body["items"].as_array().map(Vec::len), Some(38));
}

async fn kota_batam_has_twelve_districts_and_sixty_four_kelurahan(app: TestApp) {
    let districts = app
        .get("/api/v1/regions/21.71/children", &app.root_token)
        .await;
    let districts = districts.body["items"].as_array().expect("items").clone();
    assert_eq!(districts.len(), 12);
    let mut kelurahan = 0;
    for d in &districts {
        assert_eq!(d["level"], "district");
        let code = d["code"].as_str().expect("code");
        let villages = app
            .get(&format!("/api/v1/regions/{code}/children"), &app.root_token)
            .await;
        for v in villages.body["items"].as_array().expect("items") {
            assert_eq!(v["kind"], "kelurahan");
            kelurahan += 1;
        }
    }
    assert_eq!(kelurahan, 64);
}

async fn searching_binjai_lists_every_binjai_with_its_path(app: TestApp) {
    let r = app
        .get("/api/v1/regions?q=BINJAI&level=village", &app.root_token)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let items = r.body["items"].as_array().expect("items");
    assert!(items.len() > 3, "several villages are called Binjai");
    for item in items {
        assert!(
            item["name"]
                .as_str()
                .expect("name")
                .to_lowercase()
                .contains("binjai")
        );
        assert_eq!(item["level"], "village");
        assert_eq!(item["path"].as_array().map(Vec::len), Some(3), "{item}");
    }
    let any = app.get("/api/v1/regions?q=binjai", &app.root_token).await;
    let kota = &any.body["items"][0];
    assert_eq!(
        (kota["name"].as_str(), kota["path"][0].as_str()),
        (Some("Kota Binjai"), Some("Sumatera Utara"))
    );
    let short = app.get("/api/v1/regions?q=b", &app.root_token).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body["error"]["fields"]["q"].is_string());
}

async fn unknown_or_malformed_region_codes_are_not_found(app: TestApp) {
    for code in ["99.99", "21.7", "abc", "21.71.01.99999"] {
        let r = app
            .get(&format!("/api/v1/regions/{code}"), &app.root_token)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{code}");
        assert_eq!(r.body["error"]["code"], "not_found");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let anonymous = app
        .request(
            reqwest::Method::GET,
            "/api/v1/regions/21.71",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

/// Every path that names a region parses its code at the edge: a malformed one is the
/// same 404 as an unknown one, on the API and on the pages, whatever the method.
async fn a_malformed_region_code_in_any_path_is_not_found(app: TestApp) {
    let api = [
        "/api/v1/regions/{}/children",
        "/api/v1/regions/{}/outcomes/referrals",
        "/api/v1/regions/{}/outcomes/vocational",
        "/api/v1/regions/{}/regulations",
        "/api/v1/regions/{}/office-activities",
        "/api/v1/villages/{}/ikn",
        "/api/v1/villages/{}/ibm-unit",
        "/api/v1/villages/{}/activities",
        "/api/v1/villages/{}/bersinar",
        "/api/v1/villages/{}/schools",
        "/api/v1/regencies/{}/bersinar",
        "/api/v1/regencies/{}/ikotan",
        "/api/v1/regencies/{}/teman-sebaya",
        "/api/v1/regencies/{}/bersinar-decrees",
    ];
    let pages = [
        "/regions/{}",
        "/regions/{}/office-activities",
        "/regions/{}/office-activities/new",
        "/villages/{}/ikn",
        "/regencies/{}/ikotan",
    ];
    for code in ["21.7", "abc", "21.71.01.99999"] {
        for path in api {
            let path = path.replace("{}", code);
            let r = app.get(&path, &app.root_token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "GET {path}");
            assert_eq!(r.body["error"]["code"], "not_found", "GET {path}");
            let r = app.post(&path, &app.root_token, json!({})).await;
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&r.status),
                "POST {path}: {}",
                r.status
            );
        }
        for path in pages {
            let path = path.replace("{}", code);
            let r = app.get(&path, &app.root_token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "GET {path}");
        }
    }
    let target = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/regencies/abc/bersinar-targets/2026",
            Some(&app.root_token),
            Some(json!({"count": 3})),
            &[],
        )
        .await;
    assert_eq!(target.status, StatusCode::NOT_FOUND);
}

async fn a_bad_region_file_is_refused_and_changes_nothing(app: TestApp) {
    let send = |body: Vec<u8>| {
        app.client
            .post(format!("{}/api/v1/regions/import", app.address))
            .bearer_auth(&app.root_token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let header = b"code,name,latitude,longitude,utc_offset,postal_code\n".to_vec();
    let mut latin1 = header.clone();
    latin1.extend_from_slice(b"21,Kepulauan \xff,,,,\n");
    let r = send(latin1).await.expect("send");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = r.json().await.expect("json");
    assert!(
        body["error"]["fields"]["file"]
            .as_str()
            .expect("message")
            .contains("UTF-8")
    );
    let mut orphan = header.clone();
    orphan.extend_from_slice(b"21.71,Kota Batam,,,,\n");
    assert_eq!(
        send(orphan).await.expect("send").status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        send(header).await.expect("send").status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let official = send(pulih_regions::EMBEDDED.to_vec()).await.expect("send");
    assert_eq!(
        official.status(),
        StatusCode::OK,
        "the official file fits the upload limit"
    );
    let summary: serde_json::Value = official.json().await.expect("json");
    assert_eq!(
        (summary["added"].as_u64(), summary["unchanged"].as_u64()),
        (Some(0), Some(91_599))
    );
    let audit = app.get("/api/v1/audit", &app.root_token).await;
    assert_eq!(audit.body["items"][0]["action"], "regions.import");
    let batam = app.get("/api/v1/regions/21.71", &app.root_token).await;
    assert_eq!(
        (batam.body["name"].as_str(), batam.body["retired"].as_bool()),
        (Some("Kota Batam"), Some(false))
    );
}

async fn a_rename_shows_at_once_though_the_tree_was_just_read(app: TestApp) {
    let name = |r: &crate::helpers::Reply| r.body["name"].as_str().map(str::to_owned);
    let read = app.get("/api/v1/regions/21.71", &app.root_token).await;
    assert_eq!(name(&read).as_deref(), Some("Kota Batam"));
    let children = app
        .get("/api/v1/regions/21.71/children", &app.root_token)
        .await;
    let first = &children.body["items"][0];
    assert_eq!(first["code"], "21.71.01");
    let old_district = first["name"].as_str().expect("name").to_owned();

    // a new decree renames the city and its first district; the rest stays
    let mut regions = pulih_regions::embedded().expect("embedded regions");
    for r in &mut regions {
        match r.code.as_str() {
            "21.71" => r.name = "Kota Batam Madani".into(),
            "21.71.01" => r.name = format!("{old_district} Baru"),
            _ => {}
        }
    }
    app.app
        .import_regions(None, regions, "decree", Default::default())
        .await
        .expect("import");

    let read = app.get("/api/v1/regions/21.71", &app.root_token).await;
    assert_eq!(name(&read).as_deref(), Some("Kota Batam Madani"));
    let children = app
        .get("/api/v1/regions/21.71/children", &app.root_token)
        .await;
    assert_eq!(
        children.body["items"][0]["name"].as_str(),
        Some(format!("{old_district} Baru").as_str())
    );
}

async fn a_partial_file_names_the_codes_in_use_and_retires_nothing_unconfirmed(app: TestApp) {
    let org = app
        .create_org(&app.root_token, "BNNK Sanggau", "bnn", "61.03")
        .await;
    app.create_user(&app.root_token, "sanggau", "coordinator", &org, "61.03")
        .await;
    let rows: Vec<String> = pulih_regions::embedded()
        .expect("embedded regions")
        .iter()
        .take(200)
        .map(|r| format!("{},{},,,,", r.code.as_str(), r.name))
        .collect();
    let csv = format!(
        "code,name,latitude,longitude,utc_offset,postal_code\n{}\n",
        rows.join("\n")
    );
    let send = |query: &'static str| {
        app.client
            .post(format!("{}/api/v1/regions/import{query}", app.address))
            .bearer_auth(&app.root_token)
            .header("content-type", "text/csv")
            .body(csv.clone())
            .send()
    };
    let answer = |r: reqwest::Response| async move {
        let status = r.status();
        (status, r.json::<serde_json::Value>().await.expect("json"))
    };
    let sanggau_live = || async {
        let r = app.get("/api/v1/regions/61.03", &app.root_token).await;
        r.body["retired"] == false
    };

    let (status, plan) = answer(send("").await.expect("send")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{plan:?}");
    assert_eq!(
        (&plan["applied"], &plan["confirm"], &plan["retired"]),
        (&json!(false), &json!(true), &json!(91_399))
    );
    assert_eq!(plan["live"], 91_599);
    assert!(
        plan["in_use"]
            .as_array()
            .expect("uses")
            .iter()
            .any(|u| u["code"] == "61.03" && u["what"] == "users"),
        "{plan:?}"
    );
    assert!(
        plan["error"]["message"]
            .as_str()
            .expect("message")
            .contains("retire=91399")
    );
    assert!(sanggau_live().await, "nothing retired");

    let (status, dry) = answer(send("?dry_run=true").await.expect("send")).await;
    assert_eq!((status, &dry["applied"]), (StatusCode::OK, &json!(false)));
    let (status, _) = answer(send("?retire=91000").await.expect("send")).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "only the exact number confirms"
    );
    assert!(sanggau_live().await);

    let (status, done) = answer(send("?retire=91399").await.expect("send")).await;
    assert_eq!((status, &done["applied"]), (StatusCode::OK, &json!(true)));
    assert!(!sanggau_live().await, "retired once confirmed");
}
