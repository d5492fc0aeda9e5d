//! `/clients/{id}`: one client's record (every read audited by the use-case), with the
//! forms that are sent from it; `/clients/{id}/export`, the client's own copy; and
//! `/clients/{id}/access-report`, that copy with every access to the record (UU 27/2022).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_app::{AccessLine, ClientRecord, FactBody, Origin, TimelineEntry, View, Worker};
use pulih_domain::consent::ConsentTerms;
use pulih_domain::ids::{ClientId, FactId};
use pulih_domain::region::RegionCode;

use super::chart::{Chart, barc_chart};
use super::{Errors, FormData, with_status};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::places::{self, Places};
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError};

/// A consent as the record lists it.
pub struct ConsentView {
    /// The consent fact, for withdrawing it.
    pub id: FactId,
    /// What was agreed.
    pub terms: ConsentTerms,
    /// The guardian's name.
    pub guardian: Option<String>,
    /// The witness's name.
    pub witness: Option<String>,
    /// The number of the signed form.
    pub form_number: Option<String>,
    /// When it was withdrawn.
    pub withdrawn_on: Option<NaiveDate>,
    /// Whether it ran out before today.
    pub expired: bool,
}

/// What the record and the export show, derived from the record only.
struct Derived {
    consents: Vec<ConsentView>,
    chart: Option<Chart>,
    latest_assist: Option<FactId>,
}

fn derive(r: &ClientRecord) -> Derived {
    let consents = r
        .timeline
        .iter()
        .filter_map(|f| match &f.body {
            FactBody::Consent {
                terms,
                guardian,
                witness,
                form_number,
                withdrawn_on,
            } => Some(ConsentView {
                id: f.id,
                terms: terms.clone(),
                guardian: guardian.clone(),
                witness: witness.clone(),
                form_number: form_number.clone(),
                withdrawn_on: *withdrawn_on,
                expired: terms.expires_on.is_some_and(|e| e <= r.today),
            }),
            _ => None,
        })
        .collect();
    let latest_assist = r
        .timeline
        .iter()
        .rev()
        .find(|f| matches!(f.body, FactBody::Assist { .. }))
        .map(|f| f.id);
    Derived {
        consents,
        chart: barc_chart(&r.barc_trend()),
        latest_assist,
    }
}

#[derive(Template)]
#[template(path = "clients/record.html")]
struct RecordPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    r: ClientRecord,
    consents: Vec<ConsentView>,
    chart: Option<Chart>,
    latest_assist: Option<FactId>,
    /// Whether the user may assign the client and ask for its erasure.
    may_coordinate: bool,
    workers: Vec<Worker>,
    forms: bool,
    form: FormData,
    errors: Errors,
    care_done: String,
    saved: bool,
    places: Places,
}

#[derive(Template)]
#[template(path = "clients/export.html")]
struct ExportPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    r: ClientRecord,
    consents: Vec<ConsentView>,
    chart: Option<Chart>,
    forms: bool,
    form: FormData,
    errors: Errors,
    places: Places,
}

#[derive(Template)]
#[template(path = "clients/access_report.html")]
struct AccessReportPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    r: ClientRecord,
    log: Vec<AccessLine>,
    made_at: DateTime<Utc>,
    consents: Vec<ConsentView>,
    chart: Option<Chart>,
    forms: bool,
    form: FormData,
    errors: Errors,
    places: Places,
}

impl AccessReportPage<'_> {
    /// What a line says was done, in the page's language.
    fn what(&self, line: &AccessLine) -> String {
        self.t
            .t(&format!("access.kind.{}", line.kind.key()))
            .to_owned()
    }
}

/// The names of the client's region and village, read in one call.
async fn places_of(state: &AppState, r: &ClientRecord) -> Result<Places, WebError> {
    let village = r.identity.as_ref().and_then(|i| i.village.as_ref());
    let codes = [Some(&r.summary.region), village];
    places::named(state, codes.into_iter().flatten().map(RegionCode::as_str)).await
}

impl RecordPage<'_> {
    /// Whether the client is assigned to `w`.
    fn assigned(&self, w: &Worker) -> bool {
        self.r.summary.assigned_to == Some(w.id)
    }

    /// Whether any step of the vocational track was recorded.
    fn has_track(&self) -> bool {
        self.r
            .timeline
            .iter()
            .any(|f| matches!(f.body, FactBody::Vocational(_)))
    }
}

/// The record page, with the values and messages of an inline form that was refused.
pub(super) async fn record_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    origin: &Origin,
    id: ClientId,
    refused: Option<(StatusCode, FormData, Errors)>,
    saved: bool,
) -> Result<Response, WebError> {
    let page = state.app.client_page(&who.0.actor(), id, origin).await?;
    let (r, may_coordinate, workers) = (page.record, page.may_coordinate, page.workers);
    let (status, form, errors) = refused.unwrap_or_default();
    let care_done = if errors.is("care-step") {
        form.get("done").to_owned()
    } else {
        r.proposed_step
            .map(|s| s.key().to_owned())
            .unwrap_or_default()
    };
    let d = derive(&r);
    let places = places_of(state, &r).await?;
    let (t, nav) = frame(state, headers, who, &format!("/clients/{id}"));
    let page = RecordPage {
        t,
        nav,
        r,
        consents: d.consents,
        chart: d.chart,
        latest_assist: d.latest_assist,
        may_coordinate,
        workers,
        forms: true,
        form,
        errors,
        care_done,
        saved,
        places,
    };
    Ok(with_status(render(&page), status))
}

/// Whether the page follows a save.
#[derive(serde::Deserialize)]
pub struct Notice {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /clients/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    Query(notice): Query<Notice>,
) -> Result<Response, WebError> {
    let saved = notice.saved.is_some();
    record_page(&state, &headers, &who, &origin, id, None, saved).await
}

/// `GET /clients/{id}/export`: the whole record for the client to keep, ready to print.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    let r = state
        .app
        .client_record(&who.0.actor(), id, View::Export, &origin)
        .await?;
    let d = derive(&r);
    let places = places_of(&state, &r).await?;
    let (t, nav) = frame(&state, &headers, &who, &format!("/clients/{id}/export"));
    Ok(render(&ExportPage {
        t,
        nav,
        r,
        consents: d.consents,
        chart: d.chart,
        forms: false,
        form: FormData::default(),
        errors: Errors::default(),
        places,
    }))
}

/// `GET /clients/{id}/access-report`: the record with every access to it, for the client
/// who asked, ready to print; times in the client's zone.
pub async fn access_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    let report = state.app.access_report(&who.0.actor(), id, &origin).await?;
    let r = report.record;
    let d = derive(&r);
    let places = places_of(&state, &r).await?;
    let path = format!("/clients/{id}/access-report");
    let (t, nav) = frame(&state, &headers, &who, &path);
    Ok(render(&AccessReportPage {
        t: t.with_time(report.zone, report.made_at),
        nav,
        r,
        log: report.log,
        made_at: report.made_at,
        consents: d.consents,
        chart: d.chart,
        forms: false,
        form: FormData::default(),
        errors: Errors::default(),
        places,
    }))
}
