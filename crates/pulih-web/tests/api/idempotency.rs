//! `Idempotency-Key` over HTTP as a phone on a flaky link uses it: repeats at once write
//! once and answer alike, a repeat after the first changed the record still gets the
//! first answer, and what is kept for repeats is ids, never what the client is.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::clients::{consent, counsellor, register};
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    eight_repeats_at_once_store_one_screening_and_answer_alike,
    a_repeat_after_the_first_changed_the_record_gets_the_first_answer,
    what_is_kept_for_repeats_is_ids_never_names_or_scores,
);

async fn eight_repeats_at_once_store_one_screening_and_answer_alike(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor1").await;
    let client = register(&app, &token, json!({})).await;
    let id = client["id"].as_str().expect("id").to_owned();
    consent(&app, &token, &id).await;
    let path = format!("/api/v1/clients/{id}/screenings/barc10");
    let body = json!({"items": [4, 5, 4, 5, 4, 5, 4, 5, 4, 5]});
    let key = [("idempotency-key", "barc-sekali")];
    let sends =
        (0..8).map(|_| app.request(Method::POST, &path, Some(&token), Some(body.clone()), &key));
    let answers = futures::future::join_all(sends).await;
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        assert_eq!(answer.body["id"], answers[0].body["id"], "all answer alike");
    }
    let fresh = answers
        .iter()
        .filter(|a| !a.headers.contains_key("idempotent-replayed"))
        .count();
    assert_eq!(
        fresh, 1,
        "one request wrote, the others were answered from it"
    );
    let record = app.get(&format!("/api/v1/clients/{id}"), &token).await;
    let screenings = record.body["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|f| f["kind"] == "barc10")
        .count();
    assert_eq!(screenings, 1);
}

async fn a_repeat_after_the_first_changed_the_record_gets_the_first_answer(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor2").await;
    let client = register(&app, &token, json!({})).await;
    let id = client["id"].as_str().expect("id").to_owned();
    consent(&app, &token, &id).await;
    let path = format!("/api/v1/clients/{id}/aftercare-plans");
    let discharged = app.today() - chrono::Days::new(3);
    let body = json!({"discharged_on": discharged.to_string()});
    let key = [("idempotency-key", "rencana-1")];
    let first = app
        .request(Method::POST, &path, Some(&token), Some(body.clone()), &key)
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    // The plan is open now, so the same plan sent anew is refused ...
    let anew = app.post(&path, &token, body.clone()).await;
    assert_eq!(anew.status, StatusCode::CONFLICT, "{:?}", anew.body);
    // ... but the repeat of the first request is answered as the first was.
    let again = app
        .request(Method::POST, &path, Some(&token), Some(body), &key)
        .await;
    assert_eq!(
        (again.status, &again.body["id"]),
        (StatusCode::CREATED, &first.body["id"])
    );
    assert!(again.headers.contains_key("idempotent-replayed"));
    let other = app
        .request(
            Method::POST,
            &path,
            Some(&token),
            Some(json!({"discharged_on": "2026-01-01"})),
            &key,
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        other.body
    );
}

async fn what_is_kept_for_repeats_is_ids_never_names_or_scores(app: TestApp) {
    let (_, token) = counsellor(&app, "konselor3").await;
    let person = json!({"name": "Siti Rahayu Rahasia", "phone": "0813 1111 2222"});
    let key = [("idempotency-key", "daftar-siti")];
    let registered = app
        .request(
            Method::POST,
            "/api/v1/clients",
            Some(&token),
            Some(person),
            &key,
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{:?}",
        registered.body
    );
    let id = registered.body["id"].as_str().expect("id").to_owned();
    consent(&app, &token, &id).await;
    let screening = json!({"items": [6, 6, 6, 6, 6, 6, 6, 6, 6, 6]});
    let key = [("idempotency-key", "barc-siti")];
    let scored = app
        .request(
            Method::POST,
            &format!("/api/v1/clients/{id}/screenings/barc10"),
            Some(&token),
            Some(screening),
            &key,
        )
        .await;
    assert_eq!(scored.status, StatusCode::CREATED, "{:?}", scored.body);
    let answers = app.stored_answers().await;
    assert_eq!(answers.len(), 2, "{answers:?}");
    for answer in &answers {
        let value: serde_json::Value = serde_json::from_str(answer).expect("json");
        assert!(value.is_string(), "an answer is an id: {answer}");
        for secret in ["Siti", "Rahasia", "11112222", "total", "strong"] {
            assert!(!answer.contains(secret), "{secret} kept in {answer}");
        }
    }
    assert!(answers.contains(&format!("\"{id}\"")));
}
