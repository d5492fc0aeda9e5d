//! `/handoffs`: a police liaison's phone-first form for one hand-off, a box for many at
//! once, and the organisation's own list. A refused form keeps the kind, date and region
//! but never the NIK, and nothing on the page says whether anyone was a client.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::Region;
use pulih_app::{BulkInput, HandoffInput, HandoffView, Origin};
use pulih_domain::handoff::HandoffKind;
use pulih_domain::region::{RegionLevel, Scope};

use super::clients::{Errors, FormData, refused};
use super::places::{self, Level, Picks, Places, Resolver};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "handoffs.html")]
struct HandoffsPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    kinds: Vec<&'static str>,
    /// The regencies to choose from; none when the liaison's scope is national (the
    /// code is typed).
    regions: Vec<Region>,
    form: FormData,
    errors: Errors,
    list: Vec<HandoffView>,
    /// How many were just recorded.
    saved: Option<usize>,
    places: Places,
    picks: Picks,
}

/// After a save.
#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<usize>,
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    form: Option<FormData>,
    (errors, picks): (Errors, Picks),
    saved: Option<usize>,
) -> Result<Response, WebError> {
    let actor = who.0.actor();
    let list = state.app.handoffs(&actor).await?;
    let regions = match &actor.scope {
        Scope::Region(own) if own.level() == RegionLevel::Regency => {
            vec![state.app.region_view(&actor, own).await?.region]
        }
        Scope::Region(own) if own.level() == RegionLevel::Province => {
            state.app.region_view(&actor, own).await?.children
        }
        _ => Vec::new(),
    };
    let form = match form {
        Some(form) => form,
        None => {
            let today = match regions.first() {
                Some(r) => state.app.today_in(&r.code).await?,
                None => (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive(),
            };
            FormData::default()
                .with("kind", "arrest")
                .with("occurred_on", today.to_string())
        }
    };
    let mut form = form;
    let typed = form.get("region").to_owned();
    let codes = list.iter().map(|h| h.region.as_str());
    let places = places::named(state, codes.chain([typed.as_str()])).await?;
    if regions.is_empty() && !typed.is_empty() {
        form.set("region", places.label(&typed));
    }
    let (t, nav) = frame(state, headers, who, "/handoffs");
    Ok(render(&HandoffsPage {
        t,
        nav,
        kinds: HandoffKind::ALL.iter().map(|k| k.key()).collect(),
        regions,
        form,
        errors,
        list,
        saved,
        places,
        picks,
    }))
}

/// `GET /handoffs`.
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(q): Query<Saved>,
) -> Result<Response, WebError> {
    let shown = (Errors::default(), Picks::default());
    page(&state, &headers, &who, None, shown, q.saved).await
}

/// A refused form shown again with its messages, without the NIK or the lines typed.
async fn again(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    form: FormData,
    name: &str,
    e: pulih_app::AppError,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(headers));
    let (status, errors) = refused(&t, name, e)?;
    let kept = ["kind", "occurred_on", "region"]
        .into_iter()
        .fold(FormData::default(), |f, n| f.with(n, form.get(n)));
    let shown = (errors, Picks::default());
    let mut response = page(state, headers, who, Some(kept), shown, None).await?;
    *response.status_mut() = status;
    Ok(response)
}

/// `POST /handoffs`: records one hand-off.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(mut form): PageForm,
) -> Result<Response, WebError> {
    let t = state.i18n.tr(crate::lang_of(&headers));
    let mut places = Resolver::new(&state, t, who.0.actor());
    let mut region = form.get("region").to_owned();
    places.resolve("region", &mut region, Level::Any).await?;
    form.set("region", region);
    if !places.settled() {
        let kept = ["kind", "occurred_on", "region"]
            .into_iter()
            .fold(FormData::default(), |f, n| f.with(n, form.get(n)));
        let shown = (
            Errors::of_places(&t, "handoff", places.errors),
            places.picks,
        );
        let mut response = page(&state, &headers, &who, Some(kept), shown, None).await?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let input = HandoffInput {
        kind: form.get("kind").to_owned(),
        nik: form.get("nik").to_owned(),
        occurred_on: form.opt("occurred_on"),
        region: form.opt("region"),
    };
    match state
        .app
        .record_handoff(&who.0.actor(), input, &origin)
        .await
    {
        Ok(_) => Ok(Redirect::to("/handoffs?saved=1").into_response()),
        Err(e) => again(&state, &headers, &who, form, "handoff", e).await,
    }
}

/// `POST /handoffs/bulk`: records many at once, or none.
pub async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = BulkInput {
        csv: form.get("csv").to_owned(),
    };
    match state
        .app
        .record_handoffs(&who.0.actor(), input, &origin)
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!("/handoffs?saved={}", done.recorded)).into_response()),
        Err(e) => again(&state, &headers, &who, form, "bulk", e).await,
    }
}
