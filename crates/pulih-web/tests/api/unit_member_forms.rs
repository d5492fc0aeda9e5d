//! The unit page's member forms refused in place: adding an agent with a missing field
//! and changing a status from a stale version show the unit page again, with the menu,
//! the message beside the form and nothing typed lost.

use reqwest::StatusCode;

use crate::activity_corrections::unit;
use crate::client_pages::form;
use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::programme_forms::VILLAGE;

on_both_backends!(refused_member_forms_come_back_on_the_unit_page_with_what_was_typed);

async fn refused_member_forms_come_back_on_the_unit_page_with_what_was_typed(app: TestApp) {
    let (coord, _, agent_id, unit_path, csrf, _) = unit(&app).await;
    let org = app
        .create_org(&app.root_token, "BNNK Batam Timur", "bnn", "21.71")
        .await;
    let (second, _) = app
        .create_user(&app.root_token, "agen-kedua", "agent", &org, VILLAGE)
        .await;
    let add = [
        ("csrf", csrf.as_str()),
        ("user_id", second.as_str()),
        ("phone", "0812 7777 1234"),
        ("sex", ""),
        ("age_band", "45_plus"),
    ];
    let refused = form(&app, &coord, &format!("{unit_path}/members"), &add).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = &refused.html;
    assert!(
        html.contains("class=\"top\""),
        "the page has its menu: {html}"
    );
    assert!(html.contains("id=\"members\""), "the unit page");
    assert!(
        html.contains("id=\"err-sex\""),
        "the message beside the field"
    );
    assert!(
        html.contains("value=\"0812 7777 1234\""),
        "the phone is kept"
    );
    assert!(
        html.contains("value=\"45_plus\" selected"),
        "the age band is kept"
    );

    let change = [
        ("csrf", csrf.as_str()),
        ("version", "999"),
        ("sex", "female"),
        ("age_band", "25_44"),
        ("status", "inactive"),
    ];
    let path = format!("{unit_path}/members/{agent_id}");
    let stale = form(&app, &coord, &path, &change).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.html);
    let html = &stale.html;
    let row = &html[html
        .find(&format!("action=\"{path}\""))
        .expect("the member's form")..];
    let row = &row[..row.find("</form>").expect("form end")];
    assert!(
        row.contains("role=\"alert\""),
        "the reason on the member's form: {row}"
    );
    assert!(
        row.contains("value=\"inactive\" selected"),
        "the status chosen is kept"
    );
    assert!(
        !html.contains("id=\"err-sex\""),
        "the add form is not blamed"
    );
}
