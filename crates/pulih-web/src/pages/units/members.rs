//! A unit's agents from the unit page: a coordinator adds an agent and changes an agent's
//! status or profile. A refused form comes back on the unit page, named `member` or
//! `member-<user>`, with what was typed and the reason beside it; success returns to the
//! unit's members. A coordinator also invites a new agent into the unit (`invitation`):
//! the unit page comes back with the link, shown once.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{AgentInvitation, MemberChange, MemberInput, Origin};
use pulih_domain::ids::{UnitId, UserId};

use super::{unit_page, unit_page_with};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::pages::clients::{FormData, refused, with_status};
use crate::pages::page_form::PageForm;
use crate::pages::users::shared;
use crate::{AppState, WebError};

/// After a member form: back to the members, or the unit page again with the form as
/// sent and why it was refused.
async fn member_sent<T>(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    (unit, name): (UnitId, &str),
    form: FormData,
    result: pulih_app::AppResult<T>,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/ibm-units/{unit}#members")).into_response()),
        Err(e) => {
            let t = state.i18n.tr(crate::lang_of(headers));
            let (status, errors) = refused(&t, name, e)?;
            let page = unit_page(state, headers, who, unit, (form, errors)).await?;
            Ok(with_status(page, status))
        }
    }
}

/// `POST /ibm-units/{id}/members`: adds an agent.
pub async fn add_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = MemberInput {
        user_id: form.get("user_id").to_owned(),
        phone: form.opt("phone"),
        sex: form.get("sex").to_owned(),
        age_band: form.get("age_band").to_owned(),
    };
    let added = state
        .app
        .add_unit_member(&who.0.actor(), unit, input, &origin)
        .await;
    member_sent(&state, &headers, &who, (unit, "member"), form, added).await
}

/// `POST /ibm-units/{id}/members/{user}`: changes an agent's status or profile.
pub async fn change_member(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found((unit, user)): Found<(UnitId, UserId)>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = MemberChange {
        phone: form.opt("phone"),
        sex: form.get("sex").to_owned(),
        age_band: form.get("age_band").to_owned(),
        status: form.get("status").to_owned(),
        version: form.get("version").trim().parse().unwrap_or(0),
    };
    let changed = state
        .app
        .change_unit_member(&who.0.actor(), unit, user, input, &origin)
        .await;
    let name = format!("member-{user}");
    member_sent(&state, &headers, &who, (unit, &name), form, changed).await
}

/// `POST /ibm-units/{id}/invitations`: creates a new agent's account in the unit and
/// shows its invitation link once on the unit page.
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = AgentInvitation {
        username: form.get("username").to_owned(),
        display_name: form.get("display_name").to_owned(),
        org_id: String::new(),
        phone: form.opt("phone"),
        sex: form.get("sex").to_owned(),
        age_band: form.get("age_band").to_owned(),
    };
    let t = state.i18n.tr(crate::lang_of(&headers));
    match state
        .app
        .invite_agent(&who.0.actor(), unit, input, &origin)
        .await
    {
        Ok(invited) => {
            let link = shared(&headers, t, invited);
            let blank = (FormData::default(), Default::default());
            unit_page_with(&state, &headers, &who, unit, blank, link).await
        }
        Err(e) => {
            let (status, errors) = refused(&t, "invitation", e)?;
            let page = unit_page(&state, &headers, &who, unit, (form, errors)).await?;
            Ok(with_status(page, status))
        }
    }
}
