//! Finding clients among those a worker reaches: by code, by NIK or full name (an exact
//! match of the normalised value through its keyed hash, never a plaintext `like`), by
//! the place they are registered at and by where they stand. Results are pseudonymous
//! (code and place); opening one is the audited read it always is. A search by name or
//! NIK is audited itself, with how it searched but never the value; a search by NIK
//! spends one of the user's daily NIK look-ups, as a registration's NIK check does.

use std::collections::HashSet;

use pulih_domain::authz::Actor;
use pulih_domain::client::{ClientCode, ClientStatus, FactKind, normalised_name};
use pulih_domain::ids::ClientId;
use pulih_domain::nik::Nik;
use pulih_domain::referral::ReferralStatus;
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{ClientFilter, ClientRow, ClientSearch, ReferralQuery};
use serde_json::json;

use super::ClientSummary;
use super::read::reach_of;
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// Most results a search shows.
const SHOWN: usize = 50;

/// Most clients a search by status looks through at once; the rest are looked through
/// page by page (`ClientResults::next`).
const SCANNED: i64 = 500;

/// A page of a search's results, newest first, and where the next page starts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClientResults {
    /// The clients found on this page, at most 50.
    pub items: Vec<ClientSummary>,
    /// More may be found among clients older than this one (`before` of the next page):
    /// a full page was shown, or a search by status looked through its 500 clients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<ClientId>,
}

/// A client search as typed in; every criterion optional, all given ones together.
#[derive(Clone, Default, serde::Deserialize)]
pub struct ClientQuery {
    /// A client code, a NIK or a full name.
    #[serde(default)]
    pub q: Option<String>,
    /// A region code (a village, a district…) the client is registered at or below.
    #[serde(default)]
    pub place: Option<String>,
    /// `no_consent`, `aftercare` or `referred`.
    #[serde(default)]
    pub status: Option<String>,
}

fn given(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

impl ClientQuery {
    /// Whether nothing is searched for.
    pub fn is_empty(&self) -> bool {
        [&self.q, &self.place, &self.status]
            .into_iter()
            .all(|f| given(f.as_ref()).is_none())
    }
}

impl App {
    /// The clients `actor` reaches that match `query`, newest first, at most 50 a page,
    /// among those older than `before` when given. A search by status looks through 500
    /// clients a page; whenever more may match, the answer says where to go on.
    #[tracing::instrument(skip_all)]
    pub async fn search_clients(
        &self,
        actor: &Actor,
        query: &ClientQuery,
        before: Option<ClientId>,
        origin: &Origin,
    ) -> AppResult<ClientResults> {
        let reach =
            reach_of(actor).ok_or(AppError::Forbidden(pulih_domain::authz::Denied::Role))?;
        let mut fields = Fields::default();
        let mut search = ClientSearch::default();
        let mut by = None;
        let mut nik_hash = None;
        if let Some(q) = given(query.q.as_ref()) {
            let digits = q.chars().all(|c| c.is_ascii_digit() || " .".contains(c));
            if let Ok(code) = ClientCode::parse(q) {
                search.code = Some(code.to_string());
            } else if digits {
                if let Some(nik) = fields.check("q", Nik::parse(q)) {
                    nik_hash = Some(self.keys.nik_hash(&nik));
                    by = Some("nik");
                }
            } else if normalised_name(q).chars().count() < 2 {
                fields.add("q", "invalid.search_short");
            } else {
                search.name_hash = Some(self.keys.name_hash(q));
                by = Some("name");
            }
        }
        search.place =
            given(query.place.as_ref()).and_then(|p| fields.check("place", RegionCode::parse(p)));
        let status = given(query.status.as_ref())
            .and_then(|s| fields.check("status", ClientStatus::parse(s)));
        fields.finish()?;
        if nik_hash.is_some() {
            // a search by NIK is a NIK look-up like a registration's, on the same allowance
            let refused = ("q", "invalid.nik_search_limit");
            let action = "user.nik_lookup_limit";
            self.take_daily(&self.nik_lookups, actor, action, refused, origin)
                .await?;
            search.nik_hash = nik_hash;
        }
        // one more than shown tells whether a further page has any
        let limit = if status.is_some() {
            SCANNED
        } else {
            SHOWN as i64 + 1
        };
        let filter = ClientFilter {
            reach,
            granted: Some((actor.user_id, self.now())),
            before,
            limit,
        };
        let rows = self.store.search_clients(&filter, &search).await?;
        let scanned_to = (rows.len() as i64 == limit)
            .then(|| rows.last().map(|r| r.id))
            .flatten();
        let rows = match status {
            Some(ClientStatus::Aftercare) => self.in_aftercare(rows).await?,
            Some(ClientStatus::Referred) => self.referred(actor, rows).await?,
            _ => rows,
        };
        let mut found = self.summaries(&rows).await?;
        if status == Some(ClientStatus::NoConsent) {
            found.retain(|c| c.consent.as_ref().is_none_or(|a| !a.services));
        }
        let next = if found.len() > SHOWN {
            found.truncate(SHOWN);
            found.last().map(|c| c.id)
        } else {
            scanned_to
        };
        if let Some(by) = by {
            let record = Record {
                kind: "client_search",
                id: None,
                region: actor.scope.as_str(),
            };
            let detail = json!({ "by": by, "found": found.len() });
            let event = self.event(Some(actor), "client.search", record, origin, detail);
            self.store.append_audit(&event).await?;
        }
        Ok(ClientResults { items: found, next })
    }

    /// The clients whose latest aftercare plan has not ended.
    async fn in_aftercare(&self, rows: Vec<ClientRow>) -> AppResult<Vec<ClientRow>> {
        let ids: Vec<ClientId> = rows.iter().map(|r| r.id).collect();
        let kinds = [FactKind::AftercarePlan, FactKind::AftercareEnd];
        let facts = self.store.facts(&ids, &kinds).await?;
        let ended: HashSet<_> = facts
            .iter()
            .filter(|f| f.kind == FactKind::AftercareEnd)
            .filter_map(|f| f.refers_to)
            .collect();
        let open: HashSet<ClientId> = ids
            .iter()
            .filter(|id| {
                facts
                    .iter()
                    .filter(|f| f.client_id == **id && f.kind == FactKind::AftercarePlan)
                    .max_by_key(|f| (f.recorded_at, f.id))
                    .is_some_and(|plan| !ended.contains(&plan.id))
            })
            .copied()
            .collect();
        Ok(rows.into_iter().filter(|r| open.contains(&r.id)).collect())
    }

    /// The clients with a referral sent, accepted or started.
    async fn referred(&self, actor: &Actor, rows: Vec<ClientRow>) -> AppResult<Vec<ClientRow>> {
        let within = match &actor.scope {
            Scope::National => None,
            Scope::Region(code) => Some(code.clone()),
        };
        let open = [
            ReferralStatus::Sent,
            ReferralStatus::Accepted,
            ReferralStatus::Started,
        ];
        let query = ReferralQuery {
            within,
            statuses: open.iter().map(|s| s.key().to_owned()).collect(),
            limit: 10_000,
            ..ReferralQuery::default()
        };
        let referred: HashSet<ClientId> = self
            .store
            .referrals(&query)
            .await?
            .into_iter()
            .map(|r| r.client_id)
            .collect();
        Ok(rows
            .into_iter()
            .filter(|r| referred.contains(&r.id))
            .collect())
    }
}

pulih_domain::redacted_debug!(ClientQuery);
