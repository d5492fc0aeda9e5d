//! One-time links to set a password. An invitation to a new account and a reset both
//! hand the person a link (`/link/{token}`) instead of a password: whoever issued it —
//! an administrator, or a coordinator for the field workers of its area — never learns
//! the password, and a link used by someone else no longer works for the person, who
//! then asks again. A link works once, until it expires (`LinkPurpose::valid_for`) or is
//! revoked; issuing another replaces it. Only the token's SHA-256 is stored, and every
//! unusable token (unknown, used, expired, revoked) gets the same answer.

use chrono::{DateTime, Utc};
use pulih_domain::account::{LinkPurpose, NewPassword, Username};
use pulih_domain::authz::Actor;
use pulih_domain::ids::UserId;
use pulih_store::{OpenLink, StoreError, UserUpdate};
use serde_json::json;

use crate::error::Fields;
use crate::secrets::{random_token, token_hash};
use crate::{App, AppError, AppResult, Origin, UserView};

/// A link just issued: the token is shown once, to be passed to the person.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    /// The secret part of the link (`/link/{token}`).
    pub token: String,
    /// An invitation or a reset.
    pub purpose: LinkPurpose,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl IssuedLink {
    /// The link's path on this server.
    pub fn path(&self) -> String {
        format!("/link/{}", self.token)
    }
}

/// An account with the link issued for it, if one was.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The account.
    pub user: UserView,
    /// The link, shown once.
    pub link: Option<IssuedLink>,
}

/// Whose account an open link sets the password of, as the link's page shows it.
#[derive(Debug, Clone)]
pub struct LinkHolder {
    /// The account.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// An invitation or a reset.
    pub purpose: LinkPurpose,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

impl App {
    /// A new link for `purpose`, and what opening it stores.
    pub(crate) fn new_link(&self, purpose: LinkPurpose) -> (IssuedLink, String, OpenLink) {
        let token = random_token();
        let hash = token_hash(&token);
        let open = OpenLink {
            purpose,
            expires_at: self.now() + purpose.valid_for(),
        };
        let issued = IssuedLink {
            token,
            purpose,
            expires_at: open.expires_at,
        };
        (issued, hash, open)
    }

    /// A password hash nobody knows: an account waiting for its link cannot be logged
    /// into with any password.
    pub(crate) async fn unusable_password(&self) -> AppResult<String> {
        self.hash_password(random_token()).await
    }

    /// The account an open link is for; `NotFound` for any token that does not work.
    #[tracing::instrument(skip_all)]
    pub async fn link_holder(&self, token: &str) -> AppResult<LinkHolder> {
        let user = self
            .store
            .user_by_link(&token_hash(token), self.now())
            .await?
            .filter(|u| !u.disabled)
            .ok_or(AppError::NotFound)?;
        let link = user.link.ok_or(AppError::NotFound)?;
        Ok(LinkHolder {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            purpose: link.purpose,
            expires_at: link.expires_at,
        })
    }

    /// Sets the password of the link's account and uses the link up; the account's
    /// sessions end. `NotFound` for any token that does not work, field errors for a
    /// password the policy refuses (the link stays open).
    #[tracing::instrument(skip_all)]
    pub async fn redeem_link(
        &self,
        token: &str,
        password: &str,
        origin: &Origin,
    ) -> AppResult<UserView> {
        let holder = self.link_holder(token).await?;
        let mut fields = Fields::default();
        let username = Username::parse(&holder.username)
            .map_err(|e| AppError::Internal(format!("stored username: {e}")))?;
        let password = fields.check("password", NewPassword::parse(password, &username));
        fields.finish()?;
        let password = password.ok_or_else(|| AppError::Internal("password missing".into()))?;
        let hash = self.hash_password(password.expose().to_owned()).await?;
        let user = self
            .store
            .user(holder.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let actor = Actor {
            user_id: user.id,
            org_id: user.org_id,
            role: user.role,
            scope: user.scope.clone(),
            disabled: user.disabled,
        };
        let event = self.event(
            Some(&actor),
            "user.link_use",
            Self::user_record(user.id, &user.scope),
            origin,
            json!({ "purpose": holder.purpose.key() }),
        );
        let (token_hash, now, id) = (token_hash(token), self.now(), holder.id);
        self.write(None, origin, move |tx| {
            Box::pin(async move {
                // the link is taken in the write: of two uses, one finds it gone
                let taken = tx.take_link(&token_hash, now).await?;
                let Some(user) = taken.filter(|u| u.id == id && !u.disabled) else {
                    return Err(StoreError::NotFound);
                };
                let update = UserUpdate {
                    id,
                    expected_version: user.version,
                    disabled: None,
                    password: Some((hash, false)),
                    revoke_sessions: Some(None),
                };
                tx.update_user(&update, now).await?;
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        Ok(self.store.user(id).await?.ok_or(AppError::NotFound)?.into())
    }

    /// Closes a user's open link, so that it no longer works.
    #[tracing::instrument(skip_all, fields(user = %id))]
    pub async fn revoke_link(
        &self,
        actor: &Actor,
        id: UserId,
        origin: &Origin,
    ) -> AppResult<UserView> {
        let user = self.managed_user(actor, id).await?;
        if user.link.is_none() {
            return Ok(user);
        }
        let event = self.event(
            Some(actor),
            "user.link_revoke",
            Self::user_record(user.id, &user.scope),
            origin,
            json!({}),
        );
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.set_link(id, None).await?;
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        Ok(self.store.user(id).await?.ok_or(AppError::NotFound)?.into())
    }
}
