//! Reading client records: the list a worker may see, one client's record with its
//! timeline (every read audited), and the client's own export.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::account::Role;
use pulih_domain::authz::Actor;
use pulih_domain::client::{ClientCode, ClientIdentity, FactKind};
use pulih_domain::client_access::{ClientAction, works_with_clients};
use pulih_domain::clinical::assist::Recommendation;
use pulih_domain::consent::{Allowed, ConsentState, allowed};
use pulih_domain::ids::{ClientId, OrgId, UserId};
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_store::{ClientFilter, ClientReach, ClientRow};
use serde::Serialize;
use serde_json::json;

use super::aftercare_view::{AftercareStatus, CurrentStep, aftercare_status, current_step};
use super::client_record;
use super::timeline::{self, Fact, FactBody};
use crate::keys::open_json;
use crate::{App, AppError, AppResult, Origin, ReferralMove};

/// How a record was looked at, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The client page.
    Page,
    /// The JSON API.
    Api,
    /// The client's own export.
    Export,
    /// The FHIR export to health services.
    Fhir,
    /// The client's access report, printed at the client's request.
    AccessReport,
}

impl View {
    /// The view's name in the audit log.
    pub(crate) const fn key(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Api => "api",
            Self::Export => "export",
            Self::Fhir => "fhir",
            Self::AccessReport => "access_report",
        }
    }
}

/// A client in a list: pseudonymous, nothing identifying or clinical.
#[derive(Debug, Clone, Serialize)]
pub struct ClientSummary {
    /// Id.
    pub id: ClientId,
    /// Pseudonymous code.
    pub code: ClientCode,
    /// Where registered.
    pub region: RegionCode,
    /// Responsible organisation.
    pub org_id: OrgId,
    /// Assigned worker.
    pub assigned_to: Option<UserId>,
    /// When registered.
    pub created_at: DateTime<Utc>,
    /// Whether the client's data was erased.
    pub erased: bool,
    /// Version, for assignment.
    pub version: i64,
    /// What the client's consents allow today, in lists (so a withdrawal shows wherever
    /// the client appears); none where not looked up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<Allowed>,
}

impl From<&ClientRow> for ClientSummary {
    fn from(row: &ClientRow) -> Self {
        Self {
            id: row.id,
            code: row.code.clone(),
            region: row.region.clone(),
            org_id: row.org_id,
            assigned_to: row.assigned_to,
            created_at: row.created_at,
            erased: row.erased_at.is_some(),
            version: row.version,
            consent: None,
        }
    }
}

/// One client's record as shown to someone allowed to see it.
#[derive(Clone, Serialize)]
pub struct ClientRecord {
    /// Where and whose the client is.
    #[serde(flatten)]
    pub summary: ClientSummary,
    /// Identifying fields; none once erased.
    pub identity: Option<ClientIdentity>,
    /// Every fact, oldest first.
    pub timeline: Vec<Fact>,
    /// What the client's consents allow today.
    pub consent: Allowed,
    /// The step the latest ASSIST proposes.
    pub proposed_step: Option<Recommendation>,
    /// The step of care in force: the latest given, or the one a relapse restarted.
    pub current_step: Option<CurrentStep>,
    /// The latest aftercare plan and where it stands.
    pub aftercare: Option<AftercareStatus>,
    /// Every step of the client's referrals, oldest first, for the timeline.
    pub referrals: Vec<ReferralMove>,
    /// Whether this access rests on break-glass.
    pub break_glass: bool,
    /// The local date where the client is registered.
    pub today: NaiveDate,
}

/// One line of a client's timeline: a fact, or a step of one of its referrals.
#[derive(Debug, Clone, Copy)]
pub enum TimelineEntry<'a> {
    /// A recorded fact.
    Fact(&'a Fact),
    /// A referral's step.
    Referral(&'a ReferralMove),
}

impl ClientRecord {
    /// The facts and the referral steps together, newest first (on one day, referral
    /// steps after the facts that led to them).
    pub fn entries(&self) -> Vec<TimelineEntry<'_>> {
        let mut all: Vec<(NaiveDate, u8, usize, TimelineEntry<'_>)> = self
            .timeline
            .iter()
            .enumerate()
            .map(|(i, f)| (f.occurred_on, 0, i, TimelineEntry::Fact(f)))
            .chain(
                self.referrals
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (m.on, 1, i, TimelineEntry::Referral(m))),
            )
            .collect();
        all.sort_by_key(|(on, kind, i, _)| std::cmp::Reverse((*on, *kind, *i)));
        all.into_iter().map(|(_, _, _, e)| e).collect()
    }

    /// BARC-10 totals over time, oldest first, for the trend chart.
    pub fn barc_trend(&self) -> Vec<(NaiveDate, u8)> {
        self.timeline
            .iter()
            .filter_map(|f| match f.body {
                FactBody::Barc10 { total, .. } => Some((f.occurred_on, total)),
                _ => None,
            })
            .collect()
    }
}

impl App {
    /// A client's facts, opened and linked (withdrawals, assessments).
    pub(crate) async fn timeline(&self, row: &ClientRow) -> AppResult<Vec<Fact>> {
        let (timeline, _) = self.timeline_and_consents(row).await?;
        Ok(timeline)
    }

    /// A client's timeline and its consents.
    pub(crate) async fn timeline_and_consents(
        &self,
        row: &ClientRow,
    ) -> AppResult<(Vec<Fact>, Vec<ConsentState>)> {
        let key = self.keys.client_key(row)?;
        let stored = self.store.facts(&[row.id], &[]).await?;
        let mut facts = stored
            .iter()
            .map(|f| super::opened::open(f, key.as_ref()))
            .collect::<AppResult<Vec<_>>>()?;
        timeline::link(&mut facts);
        let consents = timeline::consents(&stored)?
            .into_iter()
            .map(|(_, _, c)| c)
            .collect();
        Ok((facts, consents))
    }

    /// A client's identifying fields, opened; none once erased. The caller audits the
    /// read.
    pub(crate) fn identity_of(&self, row: &ClientRow) -> AppResult<Option<ClientIdentity>> {
        let key = self.keys.client_key(row)?;
        match (&key, &row.identity) {
            (Some(k), Some(sealed)) => Ok(Some(open_json(
                k,
                sealed,
                &format!("client:{}:identity", row.id),
            )?)),
            _ => Ok(None),
        }
    }

    /// Appends the audit entry of a read of a reached client's record for `view`.
    pub(crate) async fn audit_read(
        &self,
        actor: &Actor,
        reached: &super::Reached,
        view: View,
        origin: &Origin,
    ) -> AppResult<()> {
        let detail = json!({ "view": view.key(), "break_glass": reached.break_glass });
        let event = self.event(
            Some(actor),
            crate::audit::RECORD_READ,
            client_record(&reached.row),
            origin,
            detail,
        );
        Ok(self.store.append_audit(&event).await?)
    }

    /// What a client's consents allow today where it is registered, read without the
    /// rest of the record: a check before a read, not an audited read itself.
    pub(crate) async fn consent_today(&self, row: &ClientRow) -> AppResult<Allowed> {
        let mut summaries = self.summaries(std::slice::from_ref(row)).await?;
        Ok(summaries.pop().and_then(|s| s.consent).unwrap_or_default())
    }

    /// The clients `actor` may see, newest first, 50 at a time.
    #[tracing::instrument(skip_all)]
    pub async fn list_clients(
        &self,
        actor: &Actor,
        before: Option<ClientId>,
    ) -> AppResult<Vec<ClientSummary>> {
        let reach =
            reach_of(actor).ok_or(AppError::Forbidden(pulih_domain::authz::Denied::Role))?;
        let filter = ClientFilter {
            reach,
            granted: Some((actor.user_id, self.now())),
            before,
            limit: 50,
        };
        let rows = self.store.list_clients(&filter).await?;
        self.summaries(&rows).await
    }

    /// Clients as lists show them, with what their consents allow today.
    pub(super) async fn summaries(&self, rows: &[ClientRow]) -> AppResult<Vec<ClientSummary>> {
        let ids: Vec<ClientId> = rows.iter().map(|r| r.id).collect();
        let kinds = [FactKind::Consent, FactKind::ConsentWithdrawal];
        let consents = timeline::consents(&self.store.facts(&ids, &kinds).await?)?;
        let mut out = Vec::with_capacity(rows.len());
        let mut days = std::collections::HashMap::new();
        for row in rows {
            let regency = row.region.at_level(RegionLevel::Regency);
            let today = match days.get(&regency) {
                Some(day) => *day,
                None => *days
                    .entry(regency)
                    .or_insert(self.today_in(&row.region).await?),
            };
            let mine = consents
                .iter()
                .filter(|(c, _, _)| *c == row.id)
                .map(|(_, _, s)| s);
            out.push(ClientSummary {
                consent: Some(allowed(mine, today)),
                ..ClientSummary::from(row)
            });
        }
        Ok(out)
    }

    /// One client's record; the read is audited with the view it was for.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn client_record(
        &self,
        actor: &Actor,
        id: ClientId,
        view: View,
        origin: &Origin,
    ) -> AppResult<ClientRecord> {
        let reached = self.reach_client(actor, id, ClientAction::View).await?;
        let row = &reached.row;
        let identity = self.identity_of(row)?;
        let offset = self.offset_of(&row.region).await?;
        let ((timeline, consents), referrals) = futures::try_join!(
            self.timeline_and_consents(row),
            self.referral_moves(row.id, offset)
        )?;
        let today = self.today_at(offset);
        let consent = allowed(consents.iter(), today);
        let proposed_step = timeline.iter().rev().find_map(|f| match &f.body {
            FactBody::Assist { result, .. } => Some(result.recommendation),
            _ => None,
        });
        let current_step = current_step(&timeline);
        let aftercare = aftercare_status(&timeline, today);
        self.audit_read(actor, &reached, view, origin).await?;
        Ok(ClientRecord {
            summary: ClientSummary::from(row),
            identity,
            timeline,
            consent,
            proposed_step,
            current_step,
            aftercare,
            referrals,
            break_glass: reached.break_glass,
            today,
        })
    }
}

pulih_domain::redacted_debug!(ClientRecord);

/// Which clients `actor`'s role reaches in lists; none for roles without clients.
pub(crate) fn reach_of(actor: &Actor) -> Option<ClientReach> {
    if actor.disabled || !works_with_clients(actor.role) {
        return None;
    }
    Some(match actor.role {
        Role::Coordinator => ClientReach::Scope(actor.scope.clone()),
        Role::Counsellor => {
            ClientReach::OrgOrAssigned(actor.scope.clone(), actor.org_id, actor.user_id)
        }
        _ => ClientReach::Assigned(actor.user_id),
    })
}
