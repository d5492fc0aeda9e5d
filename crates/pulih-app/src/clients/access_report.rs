//! A client's right of access (UU 27/2022): on the client's request, someone who may
//! read the record prints it together with its access log, drawn from the audit chain —
//! who read or changed it, from which organisation, when and why, the reason of every
//! break-glass access included.
//!
//! Who may ask is who may read the record today ([`ClientAction::View`], a live
//! break-glass grant included); a client out of reach is answered exactly as an unknown
//! id. The request is itself an audited read of the record (view `access_report`),
//! appended before the log is read, so the report ends with its own printing and every
//! later report lists it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use pulih_domain::account::Role;
use pulih_domain::audit::AuditEntry;
use pulih_domain::authz::{Actor, Denied};
use pulih_domain::client_access::works_with_clients;
use pulih_domain::ids::{ClientId, GrantId, OrgId, UserId};
use pulih_domain::region::TimeZone;
use pulih_store::{ClientRow, Grant};
use serde::Serialize;
use serde_json::Value;

use super::access_kind::{AccessKind, under_break_glass};
use super::break_glass::grant_context;
use super::{ClientRecord, View};
use crate::keys::open_json;
use crate::{App, AppError, AppResult, Origin};

/// A client's record with every access to it, as printed for the client.
#[derive(Clone)]
pub struct AccessReport {
    /// The record, as the client's own export shows it.
    pub record: ClientRecord,
    /// Every audit entry about the client and its break-glass grants, oldest first.
    pub log: Vec<AccessLine>,
    /// The zone of the client's region, which the report's times are given in.
    pub zone: TimeZone,
    /// When the report was made.
    pub made_at: DateTime<Utc>,
}

pulih_domain::redacted_debug!(AccessReport);

/// One access to the record.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLine {
    /// The entry's place in the audit chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// What was done.
    pub kind: AccessKind,
    /// Who did it; none for the system itself.
    pub by: Option<Accessor>,
    /// Whether it rested on break-glass access.
    pub break_glass: bool,
    /// The reason given for that break-glass access; none once the client's data was
    /// erased (the reason was sealed with the client's key).
    pub reason: Option<String>,
}

/// A person who accessed the record.
#[derive(Debug, Clone, Serialize)]
pub struct Accessor {
    /// The name shown to colleagues.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The organisation's name.
    pub organisation: String,
}

impl App {
    /// The access report of client `id`, on the client's request (see the module).
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn access_report(
        &self,
        actor: &Actor,
        id: ClientId,
        origin: &Origin,
    ) -> AppResult<AccessReport> {
        // decided before the client is looked up: a role without clients learns nothing
        if actor.disabled || !works_with_clients(actor.role) {
            return Err(AppError::Forbidden(Denied::Role));
        }
        let record = match self
            .client_record(actor, id, View::AccessReport, origin)
            .await
        {
            Err(AppError::Forbidden(_)) => return Err(AppError::NotFound),
            other => other?,
        };
        let row = self.store.client(id).await?.ok_or(AppError::NotFound)?;
        let log = self.access_log(&row).await?;
        Ok(AccessReport {
            zone: TimeZone::of_region(&record.summary.region),
            record,
            log,
            made_at: self.now(),
        })
    }

    /// Every entry about the client and its grants, oldest first, in plain terms.
    async fn access_log(&self, row: &ClientRow) -> AppResult<Vec<AccessLine>> {
        let mut entries = self
            .store
            .audit_about("client", &[row.id.to_string()])
            .await?;
        let details: Vec<Value> = entries.iter().map(detail).collect();
        let grant_ids: Vec<String> = entries
            .iter()
            .zip(&details)
            .filter(|(e, _)| e.event.action == "client.break_glass")
            .filter_map(|(_, d)| d.get("grant").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let grants = self.grants_with_reasons(row, &grant_ids).await?;
        entries.extend(self.store.audit_about("grant", &grant_ids).await?);
        entries.sort_by_key(|e| e.seq);
        let people = self.accessors(&entries).await?;
        Ok(entries
            .iter()
            .map(|e| {
                let detail = detail(e);
                let by = e.event.actor.as_ref().and_then(|a| people.get(a)).cloned();
                let break_glass = under_break_glass(&e.event.action, &detail);
                let reason = break_glass
                    .then(|| reason_for(e, &detail, &grants))
                    .flatten();
                AccessLine {
                    seq: e.seq,
                    at: e.event.at,
                    kind: AccessKind::of(&e.event.action, &detail),
                    by,
                    break_glass,
                    reason,
                }
            })
            .collect())
    }

    /// The client's grants named by the log, each with its reason opened (none once the
    /// client was erased).
    async fn grants_with_reasons(
        &self,
        row: &ClientRow,
        ids: &[String],
    ) -> AppResult<Vec<(Grant, Option<String>)>> {
        let key = self.keys.client_key(row)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids.iter().filter_map(|id| id.parse::<GrantId>().ok()) {
            let Some(grant) = self.store.grant(id).await? else {
                continue;
            };
            let reason = match (&key, &grant.reason) {
                (Some(key), Some(sealed)) => {
                    Some(open_json::<String>(key, sealed, &grant_context(grant.id))?)
                }
                _ => None,
            };
            out.push((grant, reason));
        }
        Ok(out)
    }

    /// The people named by the entries, by user id as the entries hold it.
    async fn accessors(&self, entries: &[AuditEntry]) -> AppResult<HashMap<String, Accessor>> {
        let mut people = HashMap::new();
        let mut orgs: HashMap<OrgId, String> = HashMap::new();
        for id in entries.iter().filter_map(|e| e.event.actor.as_deref()) {
            if people.contains_key(id) {
                continue;
            }
            let Ok(user_id) = id.parse::<UserId>() else {
                continue;
            };
            let Some(user) = self.store.user(user_id).await? else {
                continue;
            };
            let organisation = match orgs.get(&user.org_id) {
                Some(name) => name.clone(),
                None => {
                    let name = self
                        .store
                        .org(user.org_id)
                        .await?
                        .map(|o| o.name)
                        .unwrap_or_default();
                    orgs.insert(user.org_id, name.clone());
                    name
                }
            };
            let person = Accessor {
                name: user.display_name,
                role: user.role,
                organisation,
            };
            people.insert(id.to_owned(), person);
        }
        Ok(people)
    }
}

/// An entry's detail; an unreadable one as empty.
fn detail(entry: &AuditEntry) -> Value {
    serde_json::from_str(&entry.event.detail).unwrap_or(Value::Null)
}

/// The reason of the grant an entry rests on: the grant it opened, or the actor's grant
/// live at the entry's time.
fn reason_for(
    entry: &AuditEntry,
    detail: &Value,
    grants: &[(Grant, Option<String>)],
) -> Option<String> {
    let opened = detail.get("grant").and_then(Value::as_str);
    let actor = entry.event.actor.as_deref();
    grants
        .iter()
        .find(|(g, _)| match opened {
            Some(id) => g.id.to_string() == id,
            None => {
                actor == Some(g.user_id.to_string().as_str())
                    && g.granted_at <= entry.event.at
                    && entry.event.at <= g.expires_at
            }
        })
        .and_then(|(_, reason)| reason.clone())
}
