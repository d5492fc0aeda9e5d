//! The caller's own notification channels (e-mail, SMS/WhatsApp) and, for
//! administrators, how the deliveries on them fare.

use axum::Json;
use axum::extract::{Path, State};
use pulih_app::{ChannelInput, ChannelsView, DeliveryCountView, Origin};

use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// `GET /api/v1/me/channels`.
pub async fn mine(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<ChannelsView>, WebError> {
    Ok(Json(state.app.my_channels(&who.0.actor()).await?))
}

/// `PUT /api/v1/me/channels/{channel}`: chooses the channel with an address.
pub async fn set(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Path(channel): Path<String>,
    ApiJson(input): ApiJson<ChannelInput>,
) -> Result<Json<ChannelsView>, WebError> {
    let actor = who.0.actor();
    state
        .app
        .set_my_channel(&actor, &origin, &channel, &input)
        .await?;
    Ok(Json(state.app.my_channels(&actor).await?))
}

/// `DELETE /api/v1/me/channels/{channel}`: drops the channel.
pub async fn remove(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Path(channel): Path<String>,
) -> Result<Json<ChannelsView>, WebError> {
    let actor = who.0.actor();
    state
        .app
        .remove_my_channel(&actor, &origin, &channel)
        .await?;
    Ok(Json(state.app.my_channels(&actor).await?))
}

/// `GET /api/v1/deliveries`: counts per channel and state, administrators only.
pub async fn deliveries(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<DeliveryCountView>>, WebError> {
    let items = state.app.delivery_status(&who.0.actor()).await?;
    Ok(Json(Items { items }))
}
