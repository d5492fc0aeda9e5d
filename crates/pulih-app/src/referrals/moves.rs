//! Moving a referral: the partner accepts or declines, records the start, the completion
//! or that the client did not come; the sender may cancel. Every move names the version
//! it was based on and tells the sender.

use pulih_domain::authz::Actor;
use pulih_domain::ids::ReferralId;
use pulih_domain::optional_text;
use pulih_domain::referral::{Move, REASON_MAX, ReferralStatus, ServiceType};
use pulih_store::ReferralStep;
use serde::Deserialize;
use serde_json::json;

use super::{ReferralView, notice, step_context};
use crate::clients::{client_record, local_day, tally_of_referral};
use crate::error::Fields;
use crate::keys::seal_json;
use crate::{App, AppError, AppResult, Origin};

/// A move to make.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// The move key: accept, decline, start, complete, no_show, cancel.
    #[serde(default, rename = "move")]
    pub step: String,
    /// The reason, for declining and cancelling.
    #[serde(default)]
    pub reason: Option<String>,
    /// The version the move was based on.
    #[serde(default)]
    pub version: i64,
}

impl App {
    /// Makes a move on a referral, if `actor`'s side may make it from the state the
    /// referral is in and the referral is still at the version read.
    #[tracing::instrument(skip_all, fields(referral = %id))]
    pub async fn move_referral(
        &self,
        actor: &Actor,
        id: ReferralId,
        input: MoveInput,
        origin: &Origin,
    ) -> AppResult<ReferralView> {
        let (referral, party) = self.referral_for(actor, id).await?;
        let mut f = Fields::default();
        let step = f.check("move", Move::parse(input.step.trim()));
        let reason = f
            .check(
                "reason",
                optional_text(
                    input.reason.as_deref(),
                    REASON_MAX,
                    "invalid.referral_reason",
                ),
            )
            .flatten();
        let Some(step) = step else {
            return Err(f.into_error());
        };
        f.finish()?;
        let status = ReferralStatus::parse(&referral.status)
            .map_err(|_| AppError::Internal("a stored referral state does not parse".into()))?;
        let next = status
            .apply(step, party, reason.as_deref())
            .map_err(|e| match e.key {
                "invalid.referral_reason" => AppError::invalid("reason", e.key),
                key => AppError::invalid("move", key),
            })?;
        if input.version != referral.version {
            return Err(AppError::Conflict("conflict.stale"));
        }
        let row = self
            .store
            .client(referral.client_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let sealed = match (step.needs_reason(), reason) {
            (true, Some(text)) => {
                let key = self
                    .keys
                    .client_key(&row)?
                    .ok_or(AppError::Conflict("conflict.client_erased"))?;
                Some(seal_json(&key, &text, &step_context(id, next.key()))?)
            }
            _ => None,
        };
        let now = self.now();
        let step_row = ReferralStep {
            referral_id: id,
            status: next.key().to_owned(),
            step: Some(step.key().to_owned()),
            by: actor.user_id,
            at: now,
            reason: sealed,
        };
        let told: Vec<_> = (referral.sender != actor.user_id)
            .then(|| {
                notice(
                    referral.sender,
                    &format!("referral.{}", next.key()),
                    &referral,
                    now,
                )
            })
            .into_iter()
            .collect();
        let detail = json!({ "referral": id.to_string() });
        let event = self.event(
            Some(actor),
            crate::audit::RECORD_WRITE,
            client_record(&row),
            origin,
            detail,
        );
        let version = input.version;
        let day = local_day(now, self.offset_of(&referral.region).await?);
        let service = ServiceType::parse(&referral.service_type)
            .map_err(|_| AppError::Internal("a stored service type does not parse".into()))?;
        let tallies = tally_of_referral(next, service, &referral.region, day);
        let outbound = self.outbound_channels();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let moved = tx.move_referral(version, &step_row).await?;
                for tally in tallies {
                    tx.tally(tally);
                }
                tx.notify(&told, &outbound).await?;
                tx.audit(event);
                Ok(moved.version)
            })
        })
        .await?;
        self.referral(actor, id, origin).await
    }
}
