//! What each side sees of a referral. The sender sees its reason and every step; the
//! partner sees the client's name, phone, the reason and the steps' reasons only while
//! the client's consent covers sharing with the partner's kind of organisation, and
//! clinical details only when the service treats. Withdrawing consent hides them at once.
//! Both sides see who sent it and the contact its organisation lists, to call back.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::client::{ClientCode, ClientIdentity};
use pulih_domain::clinical::assist::{Recommendation, Substance};
use pulih_domain::consent::allowed;
use pulih_domain::ids::{ReferralId, ServiceId, UserId};
use pulih_domain::referral::{Move, Party, ReferralStatus, ServiceType};
use pulih_domain::region::Scope;
use pulih_store::{ClientRow, Referral, ReferralStep};
use serde::Serialize;

use super::{reason_context, step_context};
use crate::clients::FactBody;
use crate::keys::open_json;
use crate::{App, AppError, AppResult};

/// A referral in a list: the client by code only.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralLine {
    /// Id.
    pub id: ReferralId,
    /// The client's code.
    pub client_code: ClientCode,
    /// The service.
    pub service_id: ServiceId,
    /// Its name.
    pub service_name: String,
    /// Its type key.
    pub service_type: String,
    /// The partner organisation's name.
    pub partner_name: String,
    /// The state key.
    pub status: String,
    /// When it was sent.
    pub sent_on: NaiveDate,
    /// The last day to answer.
    pub answer_due: NaiveDate,
    /// Waiting for an answer after its last day.
    pub overdue: bool,
    /// Escalated to a coordinator.
    pub escalated: bool,
    /// The version a move must name.
    pub version: i64,
}

impl ReferralLine {
    /// The line of a stored referral, as of `today`.
    pub(crate) fn of(r: &Referral, today: NaiveDate) -> Self {
        Self {
            id: r.id,
            client_code: r.client_code.clone(),
            service_id: r.service_id,
            service_name: r.service_name.clone(),
            service_type: r.service_type.clone(),
            partner_name: r.partner_name.clone(),
            status: r.status.clone(),
            sent_on: r.sent_on,
            answer_due: r.answer_due,
            overdue: r.status == ReferralStatus::Sent.key() && r.answer_due < today,
            escalated: r.escalated_at.is_some(),
            version: r.version,
        }
    }
}

/// What treating services see besides name and contact.
#[derive(Debug, Clone, Serialize)]
pub struct ClinicalSummary {
    /// Substances recorded at intake.
    pub substances: Vec<Substance>,
    /// The step of care the latest ASSIST screening recommended.
    pub recommendation: Option<Recommendation>,
}

/// The client's details shared with the partner under consent.
#[derive(Clone, Serialize)]
pub struct Shared {
    /// Full name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Clinical details, for treating services only.
    pub clinical: Option<ClinicalSummary>,
}

/// One step as shown.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    /// The state reached.
    pub status: String,
    /// The move key; none for sending.
    pub step: Option<String>,
    /// Who.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// The reason given (declining, cancelling).
    pub reason: Option<String>,
}

/// A referral as one side sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralView {
    /// The list line.
    #[serde(flatten)]
    pub line: ReferralLine,
    /// `sender` or `partner`.
    pub side: &'static str,
    /// The sender's reason; for the partner only while consent covers sharing.
    pub reason: Option<String>,
    /// The client's details, for the partner while consent covers sharing.
    pub shared: Option<Shared>,
    /// For the partner: the client's consent no longer covers sharing, so details are
    /// hidden.
    pub hidden: bool,
    /// Who sent it and how to reach them back.
    pub sender: SenderView,
    /// Every step, oldest first.
    pub steps: Vec<StepView>,
    /// The moves this side may make now.
    pub moves: Vec<&'static str>,
}

/// The sender of a referral as both sides see it: a colleague's work contact.
#[derive(Debug, Clone, Serialize)]
pub struct SenderView {
    /// The sender's display name.
    pub name: String,
    /// The sender's organisation.
    pub organisation: String,
    /// The contact the sender's organisation lists in the partner directory, if any.
    pub contact: Option<String>,
}

pulih_domain::redacted_debug!(Shared);

impl App {
    /// Opens a referral for one side; also gives the client row read for it, for the
    /// audit entry.
    pub(super) async fn open_referral(
        &self,
        r: &Referral,
        party: Party,
    ) -> AppResult<(ReferralView, ClientRow)> {
        let row = self
            .store
            .client(r.client_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let key = self.keys.client_key(&row)?;
        let today = self.today_in(&r.region).await?;
        let (timeline, consents) = self.timeline_and_consents(&row).await?;
        let partner = self
            .store
            .org(r.partner_org)
            .await?
            .ok_or(AppError::NotFound)?;
        let sharing = key.is_some()
            && allowed(consents.iter(), today)
                .share_with
                .contains(&partner.org_type);
        let sees_details = party == Party::Sender || sharing;
        let reason = match (&key, &r.reason) {
            (Some(k), Some(sealed)) if sees_details => {
                Some(open_json::<String>(k, sealed, &reason_context(r.id))?)
            }
            _ => None,
        };
        let shared = match (&key, &row.identity) {
            (Some(k), Some(sealed)) if party == Party::Partner && sharing => {
                let identity: ClientIdentity =
                    open_json(k, sealed, &format!("client:{}:identity", row.id))?;
                let treats = ServiceType::parse(&r.service_type).is_ok_and(ServiceType::clinical);
                Some(Shared {
                    name: identity.name,
                    phone: identity.phone,
                    clinical: treats.then(|| clinical(&timeline)),
                })
            }
            _ => None,
        };
        let sender = self.sender_of(r).await?;
        let steps = self
            .store
            .referral_steps(r.client_id)
            .await?
            .into_iter()
            .filter(|s| s.referral_id == r.id)
            .map(|s| step_view(&s, key.as_ref().filter(|_| sees_details)))
            .collect::<AppResult<Vec<_>>>()?;
        let status = ReferralStatus::parse(&r.status)
            .map_err(|_| AppError::Internal("a stored referral state does not parse".into()))?;
        let moves = Move::ALL
            .into_iter()
            .filter(|m| m.party() == party && status.apply(*m, party, Some("x")).is_ok())
            .map(Move::key)
            .collect();
        let view = ReferralView {
            line: ReferralLine::of(r, today),
            side: match party {
                Party::Sender => "sender",
                Party::Partner => "partner",
            },
            reason,
            shared,
            hidden: party == Party::Partner && !sharing,
            sender,
            steps,
            moves,
        };
        Ok((view, row))
    }
}

impl App {
    /// The sender of `r`, with the first contact its organisation lists.
    async fn sender_of(&self, r: &Referral) -> AppResult<SenderView> {
        let (user, org, services) = futures::try_join!(
            self.store.user(r.sender),
            self.store.org(r.sender_org),
            self.store
                .services_of_orgs(&Scope::National, Some(r.sender_org)),
        )?;
        Ok(SenderView {
            name: user.map(|u| u.display_name).unwrap_or_default(),
            organisation: org.map(|o| o.name).unwrap_or_default(),
            contact: services
                .into_iter()
                .map(|s| s.contact)
                .find(|c| !c.trim().is_empty()),
        })
    }
}

/// Substances from the client's episodes and the latest ASSIST recommendation.
fn clinical(timeline: &[crate::clients::Fact]) -> ClinicalSummary {
    let mut substances: Vec<Substance> = Vec::new();
    let mut recommendation = None;
    for f in timeline {
        match &f.body {
            FactBody::Episode { detail, .. } => {
                for s in &detail.data.substances {
                    if !substances.contains(s) {
                        substances.push(*s);
                    }
                }
            }
            FactBody::Assist { result, .. } => recommendation = Some(result.recommendation),
            _ => {}
        }
    }
    ClinicalSummary {
        substances,
        recommendation,
    }
}

fn step_view(s: &ReferralStep, key: Option<&pulih_crypto::DataKey>) -> AppResult<StepView> {
    let reason = match (key, &s.reason) {
        (Some(k), Some(sealed)) => Some(open_json::<String>(
            k,
            sealed,
            &step_context(s.referral_id, &s.status),
        )?),
        _ => None,
    };
    Ok(StepView {
        status: s.status.clone(),
        step: s.step.clone(),
        by: s.by,
        at: s.at,
        reason,
    })
}
