//! Rakor with action items, and MoUs, as JSON. A record out of the user's reach answers
//! 404 exactly like an id of nothing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pulih_app::{
    ActionItemInput, ActionItemView, ItemStatusInput, MeetingLine, MeetingView, MouInput, MouLine,
    MouStatusInput, MouView, Origin, RakorInput, ReferralLinkInput,
};
use pulih_domain::ids::{ActionItemId, MeetingId, MouId};

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// `GET /api/v1/rakor`: the rakor in scope or naming the user's organisation.
pub async fn list(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<MeetingLine>>, WebError> {
    let items = state.app.rakor_list(&who.0.actor()).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/rakor`.
pub async fn record(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<RakorInput>,
) -> Result<(StatusCode, Json<MeetingView>), WebError> {
    let view = state
        .app
        .record_rakor(&who.0.actor(), input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/rakor/{id}`.
pub async fn show(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<MeetingId>,
) -> Result<Json<MeetingView>, WebError> {
    Ok(Json(state.app.rakor(&who.0.actor(), id).await?))
}

/// `POST /api/v1/rakor/{id}/action-items`: the rakor with the new item.
pub async fn add_item(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<MeetingId>,
    ApiJson(input): ApiJson<ActionItemInput>,
) -> Result<(StatusCode, Json<MeetingView>), WebError> {
    let view = state
        .app
        .add_action_item(&who.0.actor(), id, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `POST /api/v1/action-items/{id}/status`.
pub async fn item_status(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ActionItemId>,
    ApiJson(input): ApiJson<ItemStatusInput>,
) -> Result<Json<ActionItemView>, WebError> {
    let view = state
        .app
        .set_action_item_status(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(Json(view))
}

/// `GET /api/v1/mous`.
pub async fn mous(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<MouLine>>, WebError> {
    let items = state.app.mou_list(&who.0.actor()).await?;
    Ok(Json(Items { items }))
}

/// `POST /api/v1/mous`.
pub async fn record_mou(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    ApiJson(input): ApiJson<MouInput>,
) -> Result<(StatusCode, Json<MouView>), WebError> {
    let view = state.app.record_mou(&who.0.actor(), input, &origin).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/mous/{id}`.
pub async fn mou(
    State(state): State<AppState>,
    who: CurrentUser,
    Found(id): Found<MouId>,
) -> Result<Json<MouView>, WebError> {
    Ok(Json(state.app.mou(&who.0.actor(), id).await?))
}

/// `POST /api/v1/mous/{id}/status`: sign or end.
pub async fn mou_status(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<MouId>,
    ApiJson(input): ApiJson<MouStatusInput>,
) -> Result<Json<MouView>, WebError> {
    let view = state
        .app
        .set_mou_status(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(Json(view))
}

/// `POST /api/v1/mous/{id}/referrals`: link a referral done under the MoU.
pub async fn link_referral(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<MouId>,
    ApiJson(input): ApiJson<ReferralLinkInput>,
) -> Result<Json<MouView>, WebError> {
    let view = state
        .app
        .link_mou_referral(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(Json(view))
}
