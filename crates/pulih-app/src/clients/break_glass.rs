//! Break-glass access: a coordinator opens a client outside its normal reach for a few
//! hours, giving a reason, and administrators review every opening.
//!
//! Limits, so that a code found on paper is not a key to anyone's record:
//! - only within the province the coordinator's scope lies in
//!   ([`pulih_domain::client_access`]); a client elsewhere is answered exactly as an
//!   unknown code (404), so the answer never tells whether a code is a client's;
//! - so many requests per coordinator and day (`break_glass_per_day`), counted before
//!   the code is looked up; past them every request is refused alike and the
//!   administrators over the coordinator are alerted once that day;
//! - the opening tells the client's nearest coordinators and administrators at once, in
//!   the write that grants it.
//!
//! The reason is sealed with the client's key and never enters the audit log; every
//! time a reviewer's list opens reasons, each opened reason is audited (`grant.read`).

use chrono::{DateTime, Duration, Utc};
use pulih_domain::account::Role;
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::care::{Review, break_glass_reason};
use pulih_domain::client::ClientCode;
use pulih_domain::client_access::{ClientAction, authorize_client, may_break_glass};
use pulih_domain::ids::{ClientId, GrantId, UserId};
use pulih_domain::optional_text;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{Grant, GrantReview, StoreError};
use serde::Serialize;
use serde_json::json;

use super::access::erased;
use super::{client_record, place_of};
use crate::error::Fields;
use crate::keys::{open_json, seal_json};
use crate::notifications::notices;
use crate::{App, AppError, AppResult, Origin, Record};

/// A grant as an administrator reviews it.
#[derive(Debug, Clone, Serialize)]
pub struct GrantView {
    /// Id.
    pub id: GrantId,
    /// The client's code.
    pub client_code: ClientCode,
    /// The client's region.
    pub region: RegionCode,
    /// Who broke the glass.
    pub user_id: UserId,
    /// The reason they gave; none once the client was erased.
    pub reason: Option<String>,
    /// When.
    pub granted_at: DateTime<Utc>,
    /// Until when.
    pub expires_at: DateTime<Utc>,
    /// The review, once done.
    pub review: Option<Reviewed>,
}

/// A finished review.
#[derive(Debug, Clone, Serialize)]
pub struct Reviewed {
    /// Who reviewed.
    pub reviewer: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// `signed_off` or `escalated`.
    pub outcome: String,
    /// What the reviewer wrote.
    pub note: Option<String>,
}

/// Access opened by breaking the glass: the client reached, and when access ends (ids and
/// a time only, so also the stored answer of the request).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Opened {
    /// The client.
    pub client_id: ClientId,
    /// When access ends.
    pub expires_at: DateTime<Utc>,
}

impl pulih_store::Answer for Opened {}

pub(super) fn grant_context(id: GrantId) -> String {
    format!("grant:{id}")
}

impl App {
    /// Opens time-limited access to a client outside the coordinator's normal reach (see
    /// the module for the limits). The client is named by code, the reason is sealed
    /// with the client's key, the audit entry is flagged for review, and the client's
    /// coordinators and administrators are told in the same write.
    #[tracing::instrument(skip_all)]
    pub async fn break_glass(
        &self,
        actor: &Actor,
        code: &str,
        reason: &str,
        origin: &Origin,
    ) -> AppResult<Opened> {
        // Who may break the glass is decided before the code is looked up: the answer
        // never tells anyone else whether a code belongs to a client.
        may_break_glass(actor)?;
        let mut f = Fields::default();
        let code = f.check("code", ClientCode::parse(code));
        let reason = f.check("reason", break_glass_reason(reason));
        let (Some(code), Some(reason)) = (code, reason) else {
            return Err(f.into_error());
        };
        let limited = ("code", "invalid.break_glass_limit");
        let allowance = &self.break_glass_requests;
        self.take_daily(allowance, actor, "user.break_glass_limit", limited, origin)
            .await?;
        let row = self
            .store
            .client_by_code(&code)
            .await?
            .ok_or(AppError::NotFound)?;
        match authorize_client(actor, ClientAction::BreakGlass, &place_of(&row), false) {
            Err(Denied::Scope) => return Err(AppError::NotFound),
            other => other?,
        }
        let key = self
            .keys
            .client_key(&row)?
            .ok_or(AppError::Conflict("conflict.client_erased"))?;
        let id = GrantId::new();
        let granted_at = self.now();
        let expires_at = granted_at + Duration::hours(self.config.break_glass_hours);
        let grant = Grant {
            id,
            client_id: row.id,
            client_code: row.code.clone(),
            region: row.region.clone(),
            user_id: actor.user_id,
            user_scope: actor.scope.clone(),
            reason: Some(seal_json(&key, &reason, &grant_context(id))?),
            granted_at,
            expires_at,
            review: None,
        };
        let detail =
            json!({ "flag": "break_glass", "grant": id.to_string(), "expires_at": expires_at });
        let event = self.event(
            Some(actor),
            "client.break_glass",
            client_record(&row),
            origin,
            detail,
        );
        let told = self.tell_of_break_glass(actor, &grant).await?;
        let opened = Opened {
            client_id: row.id,
            expires_at,
        };
        let outbound = self.outbound_channels();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_grant(&grant).await.map_err(erased)?;
                tx.notify(&told, &outbound).await?;
                tx.audit(event);
                Ok(opened)
            })
        })
        .await
    }

    /// The notifications of an opening: to the coordinators and the administrators
    /// nearest over the client (not the one who opened it).
    async fn tell_of_break_glass(
        &self,
        actor: &Actor,
        grant: &Grant,
    ) -> AppResult<Vec<pulih_store::Notification>> {
        let place = Scope::Region(grant.region.clone());
        let mut to = self.nearest_over(Role::Coordinator, &place).await?;
        to.extend(self.nearest_over(Role::Admin, &place).await?);
        to.retain(|u| *u != actor.user_id);
        let user = self
            .store
            .user(actor.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let detail = json!({
            "client": grant.client_id.to_string(),
            "client_code": grant.client_code.to_string(),
            "user": user.username,
            "grant": grant.id.to_string(),
        });
        let subject = grant.id.to_string();
        Ok(notices(
            &to,
            "client.break_glass",
            &subject,
            &detail,
            grant.granted_at,
        ))
    }

    /// Break-glass grants for administrators to review, within their scope. Each reason
    /// opened is audited against its grant.
    #[tracing::instrument(skip_all)]
    pub async fn grants(
        &self,
        actor: &Actor,
        unreviewed_only: bool,
        origin: &Origin,
    ) -> AppResult<Vec<GrantView>> {
        authorize(actor, Action::ReviewBreakGlass, &actor.scope)?;
        let grants = self.store.grants(&actor.scope, unreviewed_only).await?;
        let mut out = Vec::with_capacity(grants.len());
        for g in grants {
            out.push(self.grant_view(actor, g, origin).await?);
        }
        Ok(out)
    }

    /// A grant as shown to `actor`; opening its reason is audited.
    async fn grant_view(&self, actor: &Actor, g: Grant, origin: &Origin) -> AppResult<GrantView> {
        let reason = match (&g.reason, self.store.client(g.client_id).await?) {
            (Some(sealed), Some(row)) => match self.keys.client_key(&row)? {
                Some(key) => Some(open_json::<String>(&key, sealed, &grant_context(g.id))?),
                None => None,
            },
            _ => None,
        };
        if reason.is_some() {
            let detail = json!({ "reason": true, "client": g.client_id.to_string() });
            let event = self.event(Some(actor), "grant.read", grant_record(&g), origin, detail);
            self.store.append_audit(&event).await?;
        }
        Ok(GrantView {
            id: g.id,
            client_code: g.client_code,
            region: g.region,
            user_id: g.user_id,
            reason,
            granted_at: g.granted_at,
            expires_at: g.expires_at,
            review: g.review.map(|r| Reviewed {
                reviewer: r.reviewer,
                at: r.at,
                outcome: r.outcome,
                note: r.note,
            }),
        })
    }

    /// An administrator signs off or escalates a break-glass access.
    #[tracing::instrument(skip_all, fields(grant = %id))]
    pub async fn review_grant(
        &self,
        actor: &Actor,
        id: GrantId,
        outcome: &str,
        note: Option<&str>,
        origin: &Origin,
    ) -> AppResult<GrantView> {
        authorize(actor, Action::ReviewBreakGlass, &actor.scope)?;
        let mut f = Fields::default();
        let outcome = f.check("outcome", Review::parse(outcome));
        let note = f
            .check("note", optional_text(note, 1000, "invalid.note"))
            .flatten();
        f.finish()?;
        let outcome = outcome.ok_or(AppError::invalid("outcome", "invalid.review_outcome"))?;
        let grant = self.store.grant(id).await?.ok_or(AppError::NotFound)?;
        let visible = actor.scope.covers(&grant.region) || actor.scope.includes(&grant.user_scope);
        if !visible {
            return Err(AppError::NotFound);
        }
        let review = GrantReview {
            reviewer: actor.user_id,
            at: self.now(),
            outcome: outcome.key().to_owned(),
            note,
        };
        let detail = json!({ "outcome": outcome.key(), "client": grant.client_id.to_string() });
        let event = self.event(
            Some(actor),
            "grant.review",
            grant_record(&grant),
            origin,
            detail,
        );
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                match tx.review_grant(id, &review).await {
                    Err(StoreError::Conflict) => {
                        Err(StoreError::Refused("conflict.grant_reviewed"))
                    }
                    other => other,
                }?;
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        let reviewed = self.store.grant(id).await?.ok_or(AppError::NotFound)?;
        self.grant_view(actor, reviewed, origin).await
    }
}

/// The audit record of a grant.
fn grant_record(grant: &Grant) -> Record<'_> {
    Record {
        kind: "grant",
        id: Some(grant.id.to_string()),
        region: grant.region.as_str(),
    }
}
