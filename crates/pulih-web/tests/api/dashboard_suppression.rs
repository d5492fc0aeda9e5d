//! What analysts and police liaisons see on a dashboard, on both backends, tried as an
//! attacker would: figures about clients only once the period is over, with small counts
//! hidden together with enough others that none can be worked out by subtraction, and
//! the published pattern kept when corrections arrive.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client_pages::page;
use crate::dashboards::{client_with_episode, counsellor, dashboard, semester};
use crate::helpers::{ROOT_PASSWORD, TestApp, USER_PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    an_analyst_sees_client_figures_of_closed_periods_with_complementary_suppression,
    a_police_liaison_sees_the_programme_but_no_client_figure,
);

async fn user(app: &TestApp, name: &str, role: &str, scope: &str) -> String {
    user_as(app, &app.root_token, name, role, scope).await
}

/// A user created by the administrator holding `root`.
async fn user_as(app: &TestApp, root: &str, name: &str, role: &str, scope: &str) -> String {
    let org = app
        .create_org(root, &format!("BNNP {name}"), "bnn", scope)
        .await;
    app.create_user(root, name, role, &org, scope).await.1
}

fn intakes<'a>(d: &'a Value, child: &str) -> &'a Value {
    let children = d["children"].as_array().expect("children");
    let found = children
        .iter()
        .find(|c| c["region"]["code"] == child)
        .unwrap_or_else(|| panic!("{child} in {d}"));
    &found["figures"]["intakes"]
}

async fn an_analyst_sees_client_figures_of_closed_periods_with_complementary_suppression(
    app: TestApp,
) {
    // Binjai (12.75) takes in 3 clients, Medan (12.71) 7: the province has 10
    let binjai = counsellor(&app, "binjai", "12.75").await;
    let medan = counsellor(&app, "medan", "12.71").await;
    let mut erasable = Vec::new();
    for _ in 0..3 {
        erasable
            .push(client_with_episode(&app, &binjai, json!({"pathway": "family_referral"})).await);
    }
    for _ in 0..7 {
        client_with_episode(&app, &medan, json!({"pathway": "family_referral"})).await;
    }
    let analyst = user(&app, "analis", "analyst", "12").await;
    let period = semester(&app);

    // while the semester runs, no figure about clients reaches the analyst
    let open = dashboard(&app, &analyst, "12", &period).await;
    assert_eq!(open["open_period"], true, "{open}");
    assert!(open["figures"].get("intakes").is_none(), "{open}");
    let html = page(&app, &analyst, &format!("/dashboard/12?period={period}"))
        .await
        .html;
    assert!(
        html.contains("periode yang sudah berakhir"),
        "the page says why"
    );

    // once it is over: Binjai's 3 is hidden, and so is Medan's 7, or 10 − 7 gives it away
    app.clock.advance_days(200);
    let analyst = app.login("analis", USER_PASSWORD).await;
    let root = app.login("root", ROOT_PASSWORD).await;
    let closed = dashboard(&app, &analyst, "12", &period).await;
    assert_eq!(closed["suppressed"], true);
    assert_eq!(closed["open_period"], false);
    assert_eq!(closed["figures"]["intakes"], 10, "{closed}");
    assert_eq!(intakes(&closed, "12.75"), &Value::Null, "{closed}");
    assert_eq!(intakes(&closed, "12.71"), &Value::Null, "{closed}");
    // the regency's own dashboard hides its figure too, the same pattern in every view
    let regency = dashboard(&app, &analyst, "12.75", &period).await;
    assert_eq!(regency["figures"]["intakes"], Value::Null, "{regency}");
    let nation = dashboard(&app, &root, "ID", &period).await;
    assert_eq!(
        nation["figures"]["intakes"], 10,
        "administrators see exact figures"
    );
    assert_eq!(intakes(&nation, "12"), 10);
    let html = page(&app, &analyst, &format!("/dashboard/12?period={period}"))
        .await
        .html;
    assert!(html.contains(">x</abbr>"), "hidden cells are marked");
    let sorted = page(
        &app,
        &analyst,
        &format!("/dashboard/12?period={period}&sort=intakes"),
    )
    .await
    .html;
    assert!(
        !sorted.contains(r#"aria-sort="descending""#),
        "a column with hidden values is not ranked, or its order would tell them apart"
    );

    // an erasure corrects the period: the publication stands for a day, then takes it in
    // and keeps hiding what it hid
    let (id, code) = erasable.pop().expect("a Binjai client");
    let coordinator = user_as(&app, &root, "koordinator", "coordinator", "12.75").await;
    let r = app
        .post(
            &format!("/api/v1/clients/{id}/erasure"),
            &coordinator,
            json!({"confirm_code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let same = dashboard(&app, &analyst, "12", &period).await;
    assert_eq!(same["figures"]["intakes"], 10, "{same}");
    app.clock.advance_days(2);
    let analyst = app.login("analis", USER_PASSWORD).await;
    let corrected = dashboard(&app, &analyst, "12", &period).await;
    assert_eq!(corrected["figures"]["intakes"], 9, "{corrected}");
    assert_eq!(intakes(&corrected, "12.75"), &Value::Null);
    assert_eq!(intakes(&corrected, "12.71"), &Value::Null);
}

async fn a_police_liaison_sees_the_programme_but_no_client_figure(app: TestApp) {
    let binjai = counsellor(&app, "binjai", "12.75").await;
    for _ in 0..6 {
        client_with_episode(&app, &binjai, json!({"pathway": "family_referral"})).await;
    }
    let period = semester(&app);
    app.clock.advance_days(200);
    let police = app.login("root", ROOT_PASSWORD).await;
    let police = user_as(&app, &police, "polisi", "police_liaison", "12").await;
    let d = dashboard(&app, &police, "12", &period).await;
    let keys: Vec<&String> = d["figures"].as_object().expect("figures").keys().collect();
    assert!(keys.iter().any(|k| *k == "awareness_sessions"), "{keys:?}");
    assert!(!keys.iter().any(|k| k.starts_with("intake")), "{keys:?}");
    assert!(d["trend"].get("intakes").is_none(), "{d}");
    let r = app
        .get(&format!("/api/v1/dashboards/61?period={period}"), &police)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "outside the scope");
}
