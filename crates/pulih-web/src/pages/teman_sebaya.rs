//! Teman Sebaya on the region pages: a village's schools with their current peer
//! educators and this year's sessions, with phone-sized forms to add a school, count its
//! peer educators and record a session; a regency's sums. A refused form comes back on a
//! page of its own with what was typed and a message at each field.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::{
    AppError, AppResult, Origin, PeerCountInput, PeerProgrammeSummary, PeerSessionInput,
    RegionPage, SchoolInput, VillagePeers,
};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::SchoolId;
use pulih_domain::programme::peers::{GradeBand, RawCounts, SchoolLevel};
use pulih_domain::region::{RegionCode, Scope};

use super::clients::{Errors, FormData, refused};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::{AppState, WebError};

/// What the Teman Sebaya part of a region page shows: a village's schools, or a
/// regency's sums; nothing elsewhere or for users who may not see the programme.
pub struct Section {
    /// A village's schools and forms.
    pub village: Option<VillageSection>,
    /// A regency's sums.
    pub regency: Option<PeerProgrammeSummary>,
}

/// A village's schools, sessions and forms.
pub struct VillageSection {
    /// The village.
    pub code: RegionCode,
    /// Its schools and this year's sessions.
    pub peers: VillagePeers,
    /// Whether the user may add schools and record counts and sessions here.
    pub may_record: bool,
    /// What was sent in the refused form, if any.
    form: FormData,
    /// Why it was refused.
    errors: Errors,
}

impl VillageSection {
    /// The value of field `name` of form `form`: what was typed if that form was
    /// refused, else the default (today for dates).
    pub fn value(&self, form: &str, name: &str) -> String {
        if self.errors.is(form) {
            self.form.get(name).to_owned()
        } else if matches!(name, "as_of" | "held_on") {
            self.peers.today.to_string()
        } else {
            String::new()
        }
    }

    /// The message for `field` (a use-case's field path) of form `form`, if refused.
    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        self.errors.of(form).get(field)
    }

    /// The message for the whole of form `form`, if refused.
    pub fn general(&self, form: &str) -> Option<&str> {
        self.errors.of(form).general()
    }

    /// The name of one of the village's schools.
    pub fn school_name(&self, id: &SchoolId) -> &str {
        self.peers
            .schools
            .iter()
            .find(|s| s.id == *id)
            .map_or("", |s| s.name.as_str())
    }

    /// Every school level key, in form order.
    pub fn levels(&self) -> Vec<&'static str> {
        SchoolLevel::ALL.iter().map(|l| l.key()).collect()
    }

    /// Every grade band key, in form order.
    pub fn bands(&self) -> Vec<&'static str> {
        GradeBand::ALL.iter().map(|b| b.key()).collect()
    }
}

/// The Teman Sebaya part of a region page, taken from what the page read.
pub fn section(page: &mut RegionPage) -> Option<Section> {
    if let Some(peers) = page.village_peers.take() {
        return Some(Section {
            village: Some(VillageSection {
                code: page.view.region.code.clone(),
                peers,
                may_record: page.may.record_peers,
                form: FormData::default(),
                errors: Errors::default(),
            }),
            regency: None,
        });
    }
    page.peer_summary.take().map(|r| Section {
        village: None,
        regency: Some(r),
    })
}

/// What a read returned; none when the user may not see it.
fn seen<T>(result: AppResult<T>) -> Result<Option<T>, WebError> {
    match result {
        Err(AppError::Forbidden(_)) => Ok(None),
        other => Ok(Some(other?)),
    }
}

async fn village_section(
    state: &AppState,
    actor: &Actor,
    code: &RegionCode,
    form: FormData,
    errors: Errors,
) -> Result<Option<VillageSection>, WebError> {
    let Some(peers) = seen(state.app.village_peers(actor, code).await)? else {
        return Ok(None);
    };
    let scope = Scope::Region(code.clone());
    Ok(Some(VillageSection {
        code: code.clone(),
        peers,
        may_record: authorize(actor, Action::RecordPeerProgramme, &scope).is_ok(),
        form,
        errors,
    }))
}

/// A refused form, on a page of its own.
#[derive(Template)]
#[template(path = "teman_sebaya.html")]
struct RefusedPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    code: RegionCode,
    sebaya: Option<Section>,
    places: super::places::Places,
}

/// What to do after a form was sent: back to the village, or the form again.
async fn answer<T>(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    code: RegionCode,
    form_name: &str,
    form: FormData,
    result: AppResult<T>,
) -> Result<Response, WebError> {
    let e = match result {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/regions/{code}#teman-sebaya")).into_response());
        }
        Err(e) => e,
    };
    let t = state.i18n.tr(crate::lang_of(headers));
    let (status, errors) = refused(&t, form_name, e)?;
    let actor = who.0.actor();
    let village = village_section(state, &actor, &code, form, errors).await?;
    let places = super::places::named(state, [code.as_str()]).await?;
    let (t, nav) = frame(state, headers, who, &format!("/regions/{code}"));
    let mut response = render(&RefusedPage {
        t,
        nav,
        places,
        code,
        sebaya: village.map(|v| Section {
            village: Some(v),
            regency: None,
        }),
    });
    *response.status_mut() = status;
    Ok(response)
}

/// The school chosen in a form.
fn chosen_school(form: &FormData) -> AppResult<SchoolId> {
    form.get("school")
        .parse()
        .map_err(|_| AppError::invalid("school", "invalid.sebaya_school"))
}

/// Counts typed into a form: `total`, `male`, `female` and `band_<key>`; blank bands
/// are left out, and anything not a whole number is reported as missing.
fn typed_counts(form: &FormData) -> RawCounts {
    let number = |name: &str| {
        form.opt(name)
            .map(|v| v.trim().parse::<i64>().unwrap_or(-1))
    };
    let by_grade_band: BTreeMap<String, i64> = GradeBand::ALL
        .iter()
        .filter_map(|b| Some((b.key().to_owned(), number(&format!("band_{}", b.key()))?)))
        .collect();
    RawCounts {
        total: number("total"),
        male: number("male"),
        female: number("female"),
        by_grade_band,
        unknown: BTreeMap::new(),
    }
}

/// `POST /villages/{code}/schools`.
pub async fn add_school(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = SchoolInput {
        name: form.get("name").to_owned(),
        level: form.get("level").to_owned(),
        npsn: form.opt("npsn"),
        unknown: BTreeMap::new(),
    };
    let result = state
        .app
        .add_school(&who.0.actor(), &code, input, &origin)
        .await;
    answer(&state, &headers, &who, code, "school", form, result).await
}

/// `POST /villages/{code}/peer-educators`: a count for the school chosen.
pub async fn record_educators(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = PeerCountInput {
        as_of: form.opt("as_of"),
        educators: typed_counts(&form),
        unknown: BTreeMap::new(),
    };
    let result = match chosen_school(&form) {
        Ok(school) => {
            let actor = who.0.actor();
            let app = &state.app;
            app.record_peer_educators(&actor, school, input, &origin)
                .await
        }
        Err(e) => Err(e),
    };
    answer(&state, &headers, &who, code, "educators", form, result).await
}

/// `POST /villages/{code}/peer-sessions`: a session of the school chosen.
pub async fn record_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(code): Found<RegionCode>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = PeerSessionInput {
        held_on: form.opt("held_on"),
        topic: form.get("topic").to_owned(),
        audience: typed_counts(&form),
        unknown: BTreeMap::new(),
    };
    let result = match chosen_school(&form) {
        Ok(school) => {
            let actor = who.0.actor();
            let app = &state.app;
            app.record_peer_session(&actor, school, input, &origin)
                .await
        }
        Err(e) => Err(e),
    };
    answer(&state, &headers, &who, code, "session", form, result).await
}
