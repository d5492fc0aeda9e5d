//! Closed-loop referrals: a worker refers a client to a partner service when the client's
//! consent covers sharing with that kind of partner; the partner answers and records the
//! service; each step notifies the sender, and an unanswered referral escalates to the
//! sender's coordinators. A partner sees only what consent allows today, and clinical
//! details only when the service treats.

mod deadlines;
mod history;
mod moves;
mod outcomes;
mod view;

use chrono::NaiveDate;
use pulih_domain::authz::Actor;
use pulih_domain::client_access::ClientAction;
use pulih_domain::ids::{ClientId, NotificationId, ReferralId, ServiceId, UserId};
use pulih_domain::optional_text;
use pulih_domain::referral::{Party, REASON_MAX, ReferralStatus, ServiceType, answer_deadline};
use pulih_domain::region::Scope;
use pulih_store::{Notification, Referral, ReferralQuery, ReferralStep};
use serde::Deserialize;
use serde_json::json;

use crate::clients::{FactCheck, client_record, tally_of_referral};
use crate::error::Fields;
use crate::keys::seal_json;
use crate::{App, AppError, AppResult, Origin};

pub use deadlines::{DeadlinesInput, ReferralDeadlines};
pub use history::ReferralMove;
pub use moves::MoveInput;
pub use outcomes::ReferralOutcomes;
pub use view::{ClinicalSummary, ReferralLine, ReferralView, Shared, StepView};

/// Most referrals one list shows.
pub const LIST_LIMIT: i64 = 200;

/// A referral to send.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    /// The partner service, from the directory.
    #[serde(default)]
    pub service_id: String,
    /// Why the client is referred, written for the partner.
    #[serde(default)]
    pub reason: String,
}

/// Which referrals to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tray {
    /// Sent to the actor's organisation (partners).
    Incoming,
    /// Sent by the actor.
    Sent,
}

/// The sealing context of a referral's reason.
fn reason_context(id: ReferralId) -> String {
    format!("referral:{id}:reason")
}

/// The sealing context of the reason of a step.
fn step_context(id: ReferralId, status: &str) -> String {
    format!("referral:{id}:{status}")
}

/// A notification to `to` about a referral.
pub(crate) fn notice(
    to: UserId,
    kind: &str,
    r: &Referral,
    at: chrono::DateTime<chrono::Utc>,
) -> Notification {
    Notification {
        id: NotificationId::new(),
        user_id: to,
        kind: kind.to_owned(),
        subject: r.id.to_string(),
        detail: json!({
            "referral": r.id.to_string(),
            "client_code": r.client_code.to_string(),
            "service": r.service_name,
            "partner": r.partner_name,
        })
        .to_string(),
        created_at: at,
        read_at: None,
    }
}

impl App {
    /// Refers a client to a partner service. Refused unless `actor` may record for the
    /// client, consent to services is in force and it covers sharing with the partner's
    /// kind of organisation; the reason is sealed with the client's key. The partner's
    /// users are told in the app.
    #[tracing::instrument(skip_all, fields(client = %client))]
    pub async fn send_referral(
        &self,
        actor: &Actor,
        client: ClientId,
        input: ReferralInput,
        origin: &Origin,
    ) -> AppResult<ReferralView> {
        let (reached, today) = self.reach_for_record(actor, client).await?;
        let mut f = Fields::default();
        let service = match input.service_id.trim().parse::<ServiceId>() {
            Ok(id) => self.store.service(id).await?,
            Err(_) => None,
        };
        if service.is_none() {
            f.add("service_id", "invalid.referral_service");
        }
        let reason = f
            .check(
                "reason",
                optional_text(Some(&input.reason), REASON_MAX, "invalid.referral_reason"),
            )
            .flatten();
        if reason.is_none() {
            f.add("reason", "invalid.referral_reason");
        }
        let (Some(service), Some(reason)) = (service, reason) else {
            return Err(f.into_error());
        };
        let service_type = ServiceType::parse(&service.service)
            .map_err(|_| AppError::Internal("a stored service type does not parse".into()))?;
        let partner = self
            .store
            .org(service.org)
            .await?
            .ok_or(AppError::invalid("service_id", "invalid.referral_service"))?;
        let key = self
            .keys
            .client_key(&reached.row)?
            .ok_or(AppError::Conflict("conflict.client_erased"))?;
        let deadlines = self.referral_deadlines().await?;
        let id = ReferralId::new();
        let now = self.now();
        let referral = Referral {
            id,
            client_id: reached.row.id,
            client_code: reached.row.code.clone(),
            region: reached.row.region.clone(),
            service_id: service.id,
            service_name: service.name.clone(),
            service_type: service_type.key().to_owned(),
            partner_org: partner.id,
            partner_name: partner.name.clone(),
            sender: actor.user_id,
            sender_org: actor.org_id,
            status: ReferralStatus::Sent.key().to_owned(),
            sent_on: today,
            answer_due: answer_deadline(
                today,
                deadlines.days_for(service_type),
                &deadlines.holidays,
            ),
            reason: Some(seal_json(&key, &reason, &reason_context(id))?),
            escalated_at: None,
            version: 1,
            updated_at: now,
        };
        let step = ReferralStep {
            referral_id: id,
            status: referral.status.clone(),
            step: None,
            by: actor.user_id,
            at: now,
            reason: None,
        };
        let told: Vec<Notification> = self
            .store
            .list_users(&partner.place)
            .await?
            .into_iter()
            .filter(|u| u.org_id == partner.id && !u.disabled)
            .map(|u| notice(u.id, "referral.sent", &referral, now))
            .collect();
        let detail = json!({ "referral": id.to_string(), "break_glass": reached.break_glass });
        let event = self.event(
            Some(actor),
            crate::audit::RECORD_WRITE,
            client_record(&reached.row),
            origin,
            detail,
        );
        // consent to services, and to sharing with the partner's kind of organisation,
        // checked inside the write
        let check = FactCheck::consent(today).sharing_with(partner.org_type);
        let client = reached.row.id;
        let tallies =
            tally_of_referral(ReferralStatus::Sent, service_type, &referral.region, today);
        let outbound = self.outbound_channels();
        let sent = self
            .write(Some(actor), origin, move |tx| {
                Box::pin(async move {
                    let read = tx.lock_client(client, &check.kinds()).await?;
                    check.run(&read)?;
                    tx.insert_referral(&referral, &step).await?;
                    for tally in tallies {
                        tx.tally(tally);
                    }
                    tx.notify(&told, &outbound).await?;
                    tx.audit(event);
                    Ok(referral.id)
                })
            })
            .await;
        match sent {
            Err(AppError::Invalid(_)) => {
                return Err(AppError::invalid("service_id", "invalid.referral_service"));
            }
            other => other?,
        };
        self.referral(actor, id, origin).await
    }

    /// The referral lists of `actor`: incoming for a partner, sent for the others; each
    /// line names the client by code only.
    #[tracing::instrument(skip_all)]
    pub async fn referrals(&self, actor: &Actor, tray: Tray) -> AppResult<Vec<ReferralLine>> {
        if actor.disabled {
            return Err(AppError::Forbidden(pulih_domain::authz::Denied::Disabled));
        }
        let query = match tray {
            Tray::Incoming if actor.role == pulih_domain::account::Role::Partner => ReferralQuery {
                partner_org: Some(actor.org_id),
                ..ReferralQuery::default()
            },
            Tray::Incoming => return Ok(Vec::new()),
            Tray::Sent => ReferralQuery {
                sender: Some(actor.user_id),
                ..ReferralQuery::default()
            },
        };
        let rows = self
            .store
            .referrals(&ReferralQuery {
                limit: LIST_LIMIT,
                ..query
            })
            .await?;
        let today = self.today_for(actor).await?;
        Ok(rows.iter().map(|r| ReferralLine::of(r, today)).collect())
    }

    /// The referrals of a client, for its timeline (the caller has read the record).
    #[tracing::instrument(skip_all, fields(client = %client))]
    pub async fn client_referrals(
        &self,
        actor: &Actor,
        client: ClientId,
    ) -> AppResult<Vec<ReferralLine>> {
        self.reach_client(actor, client, ClientAction::View).await?;
        let rows = self
            .store
            .referrals(&ReferralQuery {
                client: Some(client),
                limit: LIST_LIMIT,
                ..ReferralQuery::default()
            })
            .await?;
        let today = match rows.first() {
            Some(r) => self.today_in(&r.region).await?,
            None => return Ok(Vec::new()),
        };
        Ok(rows.iter().map(|r| ReferralLine::of(r, today)).collect())
    }

    /// One referral as `actor` may see it; a referral it has no part in is not found.
    /// The read opens client details, so it is audited on the client's record.
    #[tracing::instrument(skip_all, fields(referral = %id))]
    pub async fn referral(
        &self,
        actor: &Actor,
        id: ReferralId,
        origin: &Origin,
    ) -> AppResult<ReferralView> {
        let (referral, party) = self.referral_for(actor, id).await?;
        let (view, row) = self.open_referral(&referral, party).await?;
        let detail = json!({ "view": "referral", "referral": id.to_string(),
                             "shared": view.shared.is_some() });
        let event = self.event(
            Some(actor),
            crate::audit::RECORD_READ,
            client_record(&row),
            origin,
            detail,
        );
        self.store.append_audit(&event).await?;
        Ok(view)
    }

    /// Loads a referral and the side `actor` is on; not found when it has none. The
    /// sender's side is taken only while the actor still reaches the client (a
    /// break-glass grant it sent under has ended, say): sending once is no lasting key.
    pub(crate) async fn referral_for(
        &self,
        actor: &Actor,
        id: ReferralId,
    ) -> AppResult<(Referral, Party)> {
        let referral = self.store.referral(id).await?.ok_or(AppError::NotFound)?;
        let party = pulih_domain::referral::party_of(
            actor,
            referral.sender,
            referral.partner_org,
            &referral.region,
        )
        .ok_or(AppError::NotFound)?;
        if party == Party::Sender {
            match self
                .may(actor, referral.client_id, ClientAction::View)
                .await
            {
                Err(AppError::Forbidden(_)) => return Err(AppError::NotFound),
                other => other?,
            }
        }
        Ok((referral, party))
    }

    /// The local date where `actor` works (WIB for national users).
    pub(crate) async fn today_for(&self, actor: &Actor) -> AppResult<NaiveDate> {
        match &actor.scope {
            Scope::Region(code) => self.today_in(code).await,
            Scope::National => Ok((self.now() + chrono::Duration::hours(7)).date_naive()),
        }
    }
}
