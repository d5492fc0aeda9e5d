//! Referrals, notifications and the answer times as JSON.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pulih_app::{
    DeadlinesInput, MoveInput, NotificationView, Origin, ReferralDeadlines, ReferralInput,
    ReferralLine, ReferralOutcomes, ReferralView, Tray,
};
use pulih_domain::ids::{ClientId, ReferralId};
use pulih_domain::region::RegionCode;
use serde::{Deserialize, Serialize};

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// `POST /api/v1/clients/{id}/referrals`: refers the client to a partner service.
pub async fn send(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    ApiJson(input): ApiJson<ReferralInput>,
) -> Result<(StatusCode, Json<ReferralView>), WebError> {
    let view = state
        .app
        .send_referral(&who.0.actor(), id, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/clients/{id}/referrals`: the client's referral chain.
pub async fn of_client(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<ClientId>,
) -> Result<Json<Items<ReferralLine>>, WebError> {
    let items = state.app.client_referrals(&who.0.actor(), id).await?;
    Ok(Json(Items { items }))
}

/// Which list.
#[derive(Deserialize)]
pub struct TrayQuery {
    tray: Option<String>,
}

/// `GET /api/v1/referrals?tray=incoming|sent` (default: incoming for partners, sent for
/// the others).
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
    Query(q): Query<TrayQuery>,
) -> Result<Json<Items<ReferralLine>>, WebError> {
    let actor = who.0.actor();
    let tray = match q.tray.as_deref() {
        Some("incoming") => Tray::Incoming,
        Some("sent") => Tray::Sent,
        None if actor.role == pulih_domain::account::Role::Partner => Tray::Incoming,
        None => Tray::Sent,
        Some(_) => {
            return Err(pulih_app::AppError::invalid("tray", "invalid.referral_tray").into());
        }
    };
    let items = state.app.referrals(&actor, tray).await?;
    Ok(Json(Items { items }))
}

/// `GET /api/v1/referrals/{id}`.
pub async fn one(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ReferralId>,
) -> Result<Json<ReferralView>, WebError> {
    let view = state.app.referral(&who.0.actor(), id, &origin).await?;
    Ok(Json(view))
}

/// `POST /api/v1/referrals/{id}/moves`: accept, decline, start, complete, no_show, cancel.
pub async fn make_move(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ReferralId>,
    ApiJson(input): ApiJson<MoveInput>,
) -> Result<Json<ReferralView>, WebError> {
    let view = state
        .app
        .move_referral(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(Json(view))
}

/// `GET /api/v1/notifications`.
pub async fn notifications(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<NotificationView>>, WebError> {
    let items = state.app.notifications(&who.0.actor()).await?;
    Ok(Json(Items { items }))
}

/// How many were marked.
#[derive(Serialize)]
pub struct Marked {
    marked: u64,
}

/// `POST /api/v1/notifications/read`: marks every notification read.
pub async fn mark_read(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Marked>, WebError> {
    let marked = state.app.mark_notifications_read(&who.0.actor()).await?;
    Ok(Json(Marked { marked }))
}

/// The answer times with their version.
#[derive(Serialize)]
pub struct DeadlinesJson {
    #[serde(flatten)]
    deadlines: ReferralDeadlines,
    default_days: u8,
    version: Option<i64>,
}

/// `GET /api/v1/settings/referral-deadlines`.
pub async fn deadlines(
    State(state): State<AppState>,
    _who: CurrentUser,
) -> Result<Json<DeadlinesJson>, WebError> {
    let (deadlines, version) = state.app.referral_deadlines_versioned().await?;
    Ok(Json(DeadlinesJson {
        deadlines,
        default_days: pulih_domain::referral::DEFAULT_ANSWER_DAYS,
        version,
    }))
}

/// `PUT /api/v1/settings/referral-deadlines` (national administrators).
pub async fn set_deadlines(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<DeadlinesInput>,
) -> Result<Json<DeadlinesJson>, WebError> {
    state
        .app
        .set_referral_deadlines(&who.0.actor(), input, &origin)
        .await?;
    let (deadlines, version) = state.app.referral_deadlines_versioned().await?;
    Ok(Json(DeadlinesJson {
        deadlines,
        default_days: pulih_domain::referral::DEFAULT_ANSWER_DAYS,
        version,
    }))
}

/// A period.
#[derive(Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /api/v1/regions/{code}/outcomes/referrals?from=&to=`.
pub async fn outcomes(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(code): Found<RegionCode>,
    Query(q): Query<Period>,
) -> Result<Json<ReferralOutcomes>, WebError> {
    let figures = state
        .app
        .referral_outcomes(&who.0.actor(), &code, q.from.as_deref(), q.to.as_deref())
        .await?;
    Ok(Json(figures))
}
