//! The organisation types the seeds name besides the first partners — Bapas and Lapas,
//! the prosecution, the education office and schools, village government, customs and
//! BPOM — usable in the directory and in referrals, with the wall around clinical data
//! kept for the enforcement agencies.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::clients::{counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::referrals::partner;

on_both_backends!(
    a_bapas_lists_its_guidance_and_takes_the_referral_of_a_released_client,
    schools_and_village_governments_are_found_by_their_service_types,
    clinical_data_is_never_shared_with_the_prosecution_customs_or_bpom,
);

async fn a_bapas_lists_its_guidance_and_takes_the_referral_of_a_released_client(app: TestApp) {
    let (_, worker) = counsellor(&app, "konselor").await;
    let client = register(&app, &worker, json!({"name": "Andi"})).await;
    let id = client["id"].as_str().expect("id");
    let consent = json!({"services": true, "share_with": ["bapas"], "follow_up": true,
        "given_by": "client", "method": "signed_form", "given_on": "2026-01-05"});
    let r = app
        .post(&format!("/api/v1/clients/{id}/consents"), &worker, consent)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let episode = json!({"pathway": "lapas_release", "released_on": app.days_ago(3)});
    let r = app
        .post(&format!("/api/v1/clients/{id}/episodes"), &worker, episode)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let (bapas, service) = partner(&app, "Bapas Batam", "bapas", "correctional_guidance").await;

    let sent = app
        .post(
            &format!("/api/v1/clients/{id}/referrals"),
            &worker,
            json!({"service_id": service, "reason": "Pembimbingan setelah bebas dari Lapas"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    let referral = sent.body["id"].as_str().expect("id");
    let r = app
        .post(
            &format!("/api/v1/referrals/{referral}/moves"),
            &bapas,
            json!({"move": "accept", "version": sent.body["version"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["status"], "accepted");
}

async fn schools_and_village_governments_are_found_by_their_service_types(app: TestApp) {
    let (school, _) = partner(&app, "Disdik Batam", "education", "education").await;
    let (village, _) = partner(
        &app,
        "Pemerintah Kelurahan Sei Jodoh",
        "village_government",
        "village_reintegration",
    )
    .await;
    for (token, service, name) in [
        (&school, "education", "Layanan Disdik Batam"),
        (
            &village,
            "village_reintegration",
            "Layanan Pemerintah Kelurahan Sei Jodoh",
        ),
    ] {
        let found = app
            .get(
                &format!("/api/v1/partner-services?service={service}&region=21.71.01.1002"),
                token,
            )
            .await;
        assert_eq!(found.status, StatusCode::OK, "{:?}", found.body);
        let names: Vec<&str> = found.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|s| s["name"].as_str().expect("name"))
            .collect();
        assert_eq!(names, [name]);
    }
    for kind in ["lapas", "kejaksaan", "bea_cukai", "bpom"] {
        let r = app
            .post(
                "/api/v1/organisations",
                &app.root_token,
                json!({"name": format!("Kantor {kind}"), "org_type": kind, "region": "21.71"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{kind}: {:?}", r.body);
        assert_eq!(r.body["org_type"], kind);
    }
}

async fn clinical_data_is_never_shared_with_the_prosecution_customs_or_bpom(app: TestApp) {
    let (_, worker) = counsellor(&app, "konselor").await;
    let client = register(&app, &worker, json!({"name": "Andi"})).await;
    let id = client["id"].as_str().expect("id");
    for kind in ["kejaksaan", "bea_cukai", "bpom", "police"] {
        let consent = json!({"services": true, "share_with": [kind], "follow_up": true,
            "given_by": "client", "method": "signed_form", "given_on": "2026-01-05"});
        let r = app
            .request(
                Method::POST,
                &format!("/api/v1/clients/{id}/consents"),
                Some(&worker),
                Some(consent),
                &[("accept-language", "en")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind}");
        assert_eq!(
            r.body["error"]["fields"]["share_with"],
            "Clinical data is never shared with enforcement agencies (police, prosecution, \
             customs, BPOM).",
        );
    }
}
