//! Accounts managed where the work is, as JSON: a coordinator invites an agent straight
//! into a unit (the link returned once), administrators and coordinators change a user's
//! name, organisation and scope from the version read, and list the invitation and reset
//! links still open in their scope.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use pulih_app::{AgentInvitation, Origin, UserChange};
use pulih_domain::ids::{UnitId, UserId};

use super::session::UserJson;
use super::users::IssuedJson;
use super::{ApiJson, Items};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::{AppState, WebError};

/// `POST /api/v1/ibm-units/{id}/invitations`: a new agent account in the unit, with its
/// invitation link, once.
pub async fn invite(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(unit): Found<UnitId>,
    ApiJson(input): ApiJson<AgentInvitation>,
) -> Result<(StatusCode, Json<IssuedJson>), WebError> {
    let invited = state
        .app
        .invite_agent(&who.0.actor(), unit, input, &origin)
        .await?;
    Ok((StatusCode::CREATED, Json(invited.into())))
}

/// `PATCH /api/v1/users/{id}`: changes the fields given, from `version`.
pub async fn change(
    State(state): State<AppState>,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<UserId>,
    ApiJson(input): ApiJson<UserChange>,
) -> Result<Json<UserJson>, WebError> {
    let user = state
        .app
        .edit_user(&who.0.actor(), id, input, &origin)
        .await?;
    Ok(Json(user.into()))
}

/// An account with an open link: the user, and whether the link invites or resets.
#[derive(serde::Serialize)]
pub struct OpenLinkJson {
    #[serde(flatten)]
    user: UserJson,
    purpose: &'static str,
    expires_at: DateTime<Utc>,
}

/// `GET /api/v1/open-links`: the invitations and resets not used and not expired, of
/// the accounts the caller manages, soonest to expire first.
pub async fn open_links(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Items<OpenLinkJson>>, WebError> {
    let users = state.app.open_links(&who.0.actor()).await?;
    let items = users
        .into_iter()
        .filter_map(|u| {
            let link = u.link?;
            Some(OpenLinkJson {
                purpose: link.purpose.key(),
                expires_at: link.expires_at,
                user: u.into(),
            })
        })
        .collect();
    Ok(Json(Items { items }))
}
