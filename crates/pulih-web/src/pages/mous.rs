//! `/mous`: MoUs on a phone. The list of MoUs the user reaches with a form to record one
//! (coordinators), and an MoU's page with forms to sign or end it and to link a referral
//! done under it. A refused form comes back with what was typed and a message at each
//! field.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use pulih_app::{
    AppError, MouInput, MouLine, MouStatusInput, MouView, Organisation, Origin, ReferralLinkInput,
};
use pulih_domain::authz::{Action, authorize};
use pulih_domain::coordination::RawParty;
use pulih_domain::coordination::mou::MouScope;
use pulih_domain::ids::MouId;
use pulih_domain::region::Scope;

use super::clients::{Errors, FormData};
use super::places::{Level, Picks, Resolver, named_with_form};
use super::{Nav, again, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "mous/index.html")]
struct ListPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    list: Vec<MouLine>,
    may_record: bool,
    orgs: Vec<Organisation>,
    scopes: Vec<&'static str>,
    form: FormData,
    errors: Errors,
    picks: Picks,
}

#[derive(Template)]
#[template(path = "mous/show.html")]
struct ShowPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    mou: MouView,
    form: FormData,
    errors: Errors,
}

async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    form: Option<FormData>,
    (errors, picks): (Errors, Picks),
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let list = state.app.mou_list(&actor).await?;
    let may_record = authorize(&actor, Action::ManageCoordination, &actor.scope).is_ok();
    let orgs = if may_record {
        state.app.list_orgs(&actor).await?
    } else {
        Vec::new()
    };
    let form = form.unwrap_or_else(|| match &actor.scope {
        Scope::Region(code) => FormData::default().with("region", code.to_string()),
        Scope::National => FormData::default(),
    });
    let (_, form) = named_with_form(state, std::iter::empty(), form).await?;
    let (t, nav) = frame(state, headers, who, "/mous");
    Ok(render(&ListPage {
        t,
        nav,
        list,
        may_record,
        orgs,
        scopes: MouScope::ALL.iter().map(|s| s.key()).collect(),
        form,
        errors,
        picks,
    }))
}

/// `GET /mous`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    list_page(
        &state,
        &headers,
        &who,
        None,
        (Errors::default(), Picks::default()),
    )
    .await
}

/// `POST /mous`: records an MoU as a draft, or signed when a signing date is given.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(mut form): PageForm,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(&headers));
    let resolver = Resolver::new(&state, t, who.0.actor());
    let region = ("region", Level::Any);
    if let Some(shown) = resolver.resolve_in(&mut form, region, "mou").await? {
        let mut r = list_page(&state, &headers, &who, Some(form), shown).await?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let parties = form
        .all("parties")
        .into_iter()
        .map(|id| RawParty {
            org_id: Some(id),
            name: None,
        })
        .chain(
            form.get("party_names")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|n| RawParty {
                    org_id: None,
                    name: Some(n.to_owned()),
                }),
        )
        .collect();
    let signed = form.opt("signed_on").is_some();
    let input = MouInput {
        region: form.get("region").to_owned(),
        title: form.get("title").to_owned(),
        document_no: form.get("document_no").to_owned(),
        parties,
        scopes: form.all("scopes"),
        status: Some(if signed { "signed" } else { "draft" }.to_owned()),
        signed_on: form.opt("signed_on"),
        term_months: form.get("term_months").trim().parse().ok(),
    };
    let result = state.app.record_mou(&who.0.actor(), input, &origin).await;
    let t = state.i18n.tr(crate::lang_of(&headers));
    let next = |m: MouView| format!("/mous/{}", m.id);
    again::after(&t, result, next, (form, "mou"), |form, errors| {
        list_page(
            &state,
            &headers,
            &who,
            Some(form),
            (errors, Picks::default()),
        )
    })
    .await
}

async fn show_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: MouId,
    form: FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    let mou = state.app.mou(&who.0.actor(), id).await?;
    let (t, nav) = frame(state, headers, who, &format!("/mous/{id}"));
    Ok(render(&ShowPage {
        t,
        nav,
        mou,
        form,
        errors,
    }))
}

/// `GET /mous/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<MouId>,
) -> Result<Response, WebError> {
    show_page(
        &state,
        &headers,
        &who,
        id,
        FormData::default(),
        Errors::default(),
    )
    .await
}

/// After a form on an MoU's page: back to it, or the page again with the messages.
async fn after<T>(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: MouId,
    sent: (FormData, &str),
    result: Result<T, AppError>,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(headers));
    let next = |_| format!("/mous/{id}");
    again::after(&t, result, next, sent, |form, errors| {
        show_page(state, headers, who, id, form, errors)
    })
    .await
}

/// `POST /mous/{id}/status`: sign or end.
pub async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<MouId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = MouStatusInput {
        status: form.get("status").to_owned(),
        version: form.get("version").parse().unwrap_or(0),
        signed_on: form.opt("signed_on"),
        term_months: form.get("term_months").trim().parse().ok(),
    };
    let result = state
        .app
        .set_mou_status(&who.0.actor(), id, input, &origin)
        .await;
    let name = if form.get("status") == "signed" {
        "sign"
    } else {
        "end"
    };
    after(&state, &headers, &who, id, (form, name), result).await
}

/// `POST /mous/{id}/referrals`.
pub async fn link_referral(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<MouId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = ReferralLinkInput {
        referral_id: form.get("referral_id").to_owned(),
    };
    let result = state
        .app
        .link_mou_referral(&who.0.actor(), id, input, &origin)
        .await;
    after(&state, &headers, &who, id, (form, "link"), result).await
}
