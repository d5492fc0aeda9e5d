//! A client's access report as JSON (UU 27/2022): the record and every access to it, each
//! said in the request's language and timed in the client's zone.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, FixedOffset, Offset, Utc};
use pulih_app::{AccessKind, AccessLine, AccessReport, Accessor, ClientRecord, Origin};
use pulih_domain::ids::ClientId;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::{AppState, WebError, lang_of};

/// The report as the API answers it.
#[derive(Serialize)]
pub struct ReportJson {
    /// The record, as the client's own export gives it.
    client: ClientRecord,
    /// The zone of the client's region, which every time is given in.
    zone: &'static str,
    /// When the report was made.
    made_at: DateTime<FixedOffset>,
    /// Every access, oldest first.
    access_log: Vec<LineJson>,
}

/// One access, in words.
#[derive(Serialize)]
struct LineJson {
    seq: i64,
    at: DateTime<FixedOffset>,
    when: String,
    kind: AccessKind,
    description: String,
    by: Option<Accessor>,
    break_glass: bool,
    reason: Option<String>,
}

/// `GET /api/v1/clients/{id}/access-report`: the record and its access log, for the
/// client who asked for them; the request is audited.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
) -> Result<Json<ReportJson>, WebError> {
    let report = state.app.access_report(&who.0.actor(), id, &origin).await?;
    let t = state
        .i18n
        .tr(lang_of(&headers))
        .with_time(report.zone, report.made_at);
    Ok(Json(to_json(report, &t)))
}

/// The report in `t`'s language, times in the client's zone.
fn to_json(report: AccessReport, t: &Tr<'_>) -> ReportJson {
    // 7 to 9 hours east always make an offset; UTC only in theory
    let offset = FixedOffset::east_opt(report.zone.hours() * 3600).unwrap_or(Utc.fix());
    let local = |at: DateTime<Utc>| at.with_timezone(&offset);
    ReportJson {
        zone: report.zone.as_str(),
        made_at: local(report.made_at),
        access_log: report
            .log
            .into_iter()
            .map(|l: AccessLine| LineJson {
                seq: l.seq,
                at: local(l.at),
                when: t.at(&l.at),
                kind: l.kind,
                description: t.t(&format!("access.kind.{}", l.kind.key())).to_owned(),
                by: l.by,
                break_glass: l.break_glass,
                reason: l.reason,
            })
            .collect(),
        client: report.record,
    }
}
