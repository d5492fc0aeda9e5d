//! The dashboard page's table of children: by name unless sorted by a figure the user
//! sees, then with ranks, the sorted header marked for screen readers and its link
//! reversing the order.

use reqwest::StatusCode;
use serde_json::json;

use crate::client_pages::page;
use crate::clients::{consent, register};
use crate::dashboards::counsellor;
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::units::{PAHLAWAN, office};

on_both_backends!(the_children_sort_by_a_figure_with_ranks_or_by_name);

/// Where each district's row starts in the page, by code.
fn at(html: &str, district: &str) -> usize {
    html.find(&format!("/dashboard/{district}?period="))
        .expect("a row for the district")
}

async fn the_children_sort_by_a_figure_with_ranks_or_by_name(app: TestApp) {
    let (coord, _) = office(&app, "BNNK Binjai", "12.75", PAHLAWAN, 1).await;
    let counsellor = counsellor(&app, "konselor", "12.75").await;
    // Binjai Kota (12.75.02) opens two episodes, Binjai Utara (12.75.01) one
    for region in ["12.75.02", "12.75.01", "12.75.02"] {
        let id = register(&app, &counsellor, json!({"region": region})).await["id"]
            .as_str()
            .expect("id")
            .to_owned();
        consent(&app, &counsellor, &id).await;
        let episode = json!({"pathway": "family_referral"});
        let r = app
            .post(
                &format!("/api/v1/clients/{id}/episodes"),
                &counsellor,
                episode,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }

    let by_name = page(&app, &coord, "/dashboard/12.75").await.html;
    assert!(
        at(&by_name, "12.75.02") < at(&by_name, "12.75.01"),
        "Kota before Utara"
    );
    assert!(!by_name.contains("Peringkat") && !by_name.contains("aria-sort=\"descending\""));

    let sorted = page(&app, &coord, "/dashboard/12.75?sort=intakes&order=asc").await;
    assert_eq!(sorted.status, StatusCode::OK);
    let html = sorted.html;
    assert!(
        at(&html, "12.75.01") < at(&html, "12.75.02"),
        "one before two"
    );
    assert!(html.contains("aria-sort=\"ascending\"><a href=\"/dashboard/12.75?period="));
    assert!(html.contains("sort=intakes&#38;order=desc\">Episode layanan dibuka</a>"));
    assert!(
        html.contains(r#"<td data-label="Peringkat">1</td>"#),
        "ranked"
    );

    // a figure the user does not see, or none at all, sorts by name
    let bnn = app
        .create_org(&app.root_token, "BNNK Binjai analis", "bnn", "12.75")
        .await;
    let (_, analyst) = app
        .create_user(&app.root_token, "analis", "analyst", &bnn, "12.75")
        .await;
    for (token, query) in [(&analyst, "sort=intakes"), (&coord, "sort=nope&order=up")] {
        let html = page(&app, token, &format!("/dashboard/12.75?{query}"))
            .await
            .html;
        assert!(
            at(&html, "12.75.02") < at(&html, "12.75.01"),
            "{query}: by name"
        );
        assert!(!html.contains("Peringkat"), "{query}: no ranks");
    }
}
