//! Break-glass access (asked with a reason, time-limited, flagged and reviewed) and
//! erasure of a client's data on request (UU 27/2022).

use chrono::{DateTime, Duration, Utc};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::care::{Review, break_glass_reason};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::client_access::{ClientAction, may_break_glass};
use pulih_domain::ids::{ClientId, GrantId, UserId};
use pulih_domain::optional_text;
use pulih_domain::region::RegionCode;
use pulih_store::{ClientRow, Grant, GrantReview, StoreError};
use serde::Serialize;
use serde_json::json;

use super::client_record;
use crate::error::Fields;
use crate::keys::{open_json, seal_json};
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

fn grant_context(id: GrantId) -> String {
    format!("grant:{id}")
}

impl App {
    /// Opens time-limited access to a client outside the coordinator's normal reach.
    /// The client is named by code, the reason is sealed with the client's key, and the
    /// audit entry is flagged for review.
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
        let row = self
            .store
            .client_by_code(&code)
            .await?
            .ok_or(AppError::invalid("code", "invalid.client_code_unknown"))?;
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
        let opened = Opened {
            client_id: row.id,
            expires_at,
        };
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_grant(&grant).await.map_err(erased)?;
                tx.audit(event);
                Ok(opened)
            })
        })
        .await
    }

    /// Break-glass grants for administrators to review, within their scope.
    #[tracing::instrument(skip_all)]
    pub async fn grants(&self, actor: &Actor, unreviewed_only: bool) -> AppResult<Vec<GrantView>> {
        authorize(actor, Action::ReviewBreakGlass, &actor.scope)?;
        let grants = self.store.grants(&actor.scope, unreviewed_only).await?;
        let mut out = Vec::with_capacity(grants.len());
        for g in grants {
            out.push(self.grant_view(g).await?);
        }
        Ok(out)
    }

    async fn grant_view(&self, g: Grant) -> AppResult<GrantView> {
        let reason = match (&g.reason, self.store.client(g.client_id).await?) {
            (Some(sealed), Some(row)) => match self.keys.client_key(&row)? {
                Some(key) => Some(open_json::<String>(&key, sealed, &grant_context(g.id))?),
                None => None,
            },
            _ => None,
        };
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
        let record = Record {
            kind: "grant",
            id: Some(id.to_string()),
            region: grant.region.as_str(),
        };
        let detail = json!({ "outcome": outcome.key(), "client": grant.client_id.to_string() });
        let event = self.event(Some(actor), "grant.review", record, origin, detail);
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
        self.grant_view(reviewed).await
    }

    /// Erases a client's data on the client's request: the data key is destroyed and
    /// sealed fields cleared, so identity and clinical details can never be read again;
    /// the pseudonymous rows stay so counts remain right, and the audit log keeps that
    /// the erasure happened. `confirm_code` must repeat the client's code.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn erase_client(
        &self,
        actor: &Actor,
        id: ClientId,
        confirm_code: &str,
        origin: &Origin,
    ) -> AppResult<ClientRow> {
        let reached = self.reach_client(actor, id, ClientAction::Erase).await?;
        if confirm_code.trim() != reached.row.code.as_str() {
            return Err(AppError::invalid("confirm_code", "invalid.erase_confirm"));
        }
        if reached.row.erased_at.is_some() {
            return Err(AppError::Conflict("conflict.client_erased"));
        }
        let event = self.event(
            Some(actor),
            "client.erase",
            client_record(&reached.row),
            origin,
            json!({ "code": reached.row.code.as_str() }),
        );
        // an erased client counts in no figure: what its facts added is taken back, as
        // read inside the write, so a fact recorded meanwhile is taken back too
        let key = self.keys.client_key(&reached.row)?;
        let place = reached.row.region.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let facts = tx.lock_client(id, &FactKind::ALL).await?;
                let added = super::tallies::of_facts(&facts, key.as_ref(), &place)
                    .map_err(|e| StoreError::Backend(e.to_string().into()))?;
                match tx.erase_client(id, event.at).await {
                    Err(StoreError::Conflict) => Err(StoreError::Refused("conflict.client_erased")),
                    other => other,
                }?;
                for tally in added {
                    tx.tally(tally.negated());
                }
                tx.audit(event);
                Ok(id)
            })
        })
        .await?;
        self.store.client(id).await?.ok_or(AppError::NotFound)
    }
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

/// A client unknown or erased by the time a write about it runs: erasure won the race.
pub(crate) fn erased(e: StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::Refused("conflict.client_erased"),
        other => other,
    }
}
