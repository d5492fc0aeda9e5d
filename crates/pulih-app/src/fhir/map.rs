//! From one client's opened record to FHIR resources: pure, so the single-client bundle
//! and a bulk export (one NDJSON file per resource type) map alike. Every resource's id
//! is a UUID that stays the same between exports: the record's own id, or one derived
//! from it where one record gives several resources (an ASSIST screening's substances,
//! a referral's `Task`).

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::client::ClientCode;
use pulih_domain::ids::ClientId;
use pulih_domain::referral::ReferralStatus;
use pulih_store::Referral;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::codes::{self, pulih};
use super::resources::{
    Bundle, CarePlan, Entry, EpisodeOfCare, Identifier, Observation, Patient, Period, Quantity,
    Reference, Resource, ServiceRequest, Task, Value,
};
use crate::clients::{Fact, FactBody};

/// How resources refer to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `urn:uuid:…`, the `fullUrl` of a bundle entry.
    Bundle,
    /// `Type/id`, as in bulk NDJSON files.
    Relative,
}

/// One client's record, opened, as the export reads it.
pub struct ClientData<'a> {
    /// The client.
    pub id: ClientId,
    /// Its pseudonymous code.
    pub code: &'a ClientCode,
    /// Its NIK, when consent lets it be shared.
    pub nik: Option<&'a str>,
    /// Its facts, oldest first.
    pub timeline: &'a [Fact],
    /// Its referrals.
    pub referrals: &'a [Referral],
}

/// A UUID derived from another and a name: the same inputs always give the same one.
fn derived(from: Uuid, name: &str) -> Uuid {
    let digest = Sha256::new()
        .chain_update(from.as_bytes())
        .chain_update(name.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Maps one client's record to resources: the `Patient` first.
pub fn resources(data: &ClientData<'_>, link: Link) -> Vec<Resource> {
    let to = |kind: &str, id: Uuid| Reference {
        reference: Some(match link {
            Link::Bundle => format!("urn:uuid:{id}"),
            Link::Relative => format!("{kind}/{id}"),
        }),
        display: None,
    };
    let patient = to("Patient", data.id.as_uuid());
    let mut out = vec![Resource::Patient(Patient {
        id: data.id.to_string(),
        identifier: std::iter::once(Identifier {
            system: codes::CLIENT_CODE,
            value: data.code.as_str().to_owned(),
        })
        .chain(data.nik.map(|nik| Identifier {
            system: codes::NIK,
            value: nik.to_owned(),
        }))
        .collect(),
    })];
    let episodes: Vec<&Fact> = data
        .timeline
        .iter()
        .filter(|f| matches!(f.body, FactBody::Episode { .. }))
        .collect();
    for fact in data.timeline {
        let resource = match &fact.body {
            FactBody::Episode { pathway, .. } => {
                let next = episodes
                    .iter()
                    .map(|e| e.occurred_on)
                    .filter(|on| *on > fact.occurred_on)
                    .min();
                Resource::EpisodeOfCare(EpisodeOfCare {
                    id: fact.id.to_string(),
                    status: if next.is_some() { "finished" } else { "active" },
                    kind: vec![pulih("pathway", pathway.key())],
                    patient: patient.clone(),
                    period: Period {
                        start: fact.occurred_on,
                        end: next,
                    },
                })
            }
            FactBody::Assist { result, .. } => {
                for (substance, score) in &result.scores {
                    let id = derived(fact.id.as_uuid(), substance.key());
                    out.push(observation(
                        fact,
                        id,
                        ("assist", substance.key()),
                        score.score,
                        Some(score.risk.key()),
                        &patient,
                    ));
                }
                if let Some(typology) = result.typology {
                    out.push(Resource::Observation(Observation {
                        id: derived(fact.id.as_uuid(), "typology").to_string(),
                        status: "final",
                        category: vec![codes::survey()],
                        code: pulih("typology", "bnn"),
                        subject: patient.clone(),
                        effective_date_time: fact.occurred_on,
                        issued: fact.recorded_at,
                        value: Value::Concept(pulih("typology", typology.key())),
                        interpretation: Vec::new(),
                    }));
                }
                continue;
            }
            FactBody::Barc10 { total, strong, .. } => observation(
                fact,
                fact.id.as_uuid(),
                ("barc10", "total"),
                *total,
                strong.then_some("strong"),
                &patient,
            ),
            FactBody::AftercarePlan { schedule, .. } => {
                let ended = data.timeline.iter().find_map(|f| match f.body {
                    FactBody::AftercareEnd { plan, .. } if plan == Some(fact.id) => {
                        Some(f.occurred_on)
                    }
                    _ => None,
                });
                let weeks: Vec<String> = schedule.weeks().iter().map(u16::to_string).collect();
                plan(
                    fact,
                    if ended.is_some() {
                        "completed"
                    } else {
                        "active"
                    },
                    "aftercare",
                    None,
                    format!(
                        "Follow-up visits at weeks {} after discharge",
                        weeks.join(", ")
                    ),
                    ended,
                    &patient,
                )
            }
            FactBody::CarePlan { plan: p, revises } => {
                let revised = data.timeline.iter().any(|f| match f.body {
                    FactBody::CarePlan { revises, .. } => revises == Some(fact.id),
                    _ => false,
                });
                plan(
                    fact,
                    if revised { "revoked" } else { "active" },
                    "care",
                    revises.map(|r| to("CarePlan", r.as_uuid())),
                    format!("Goals: {}", p.goals.join("; ")),
                    None,
                    &patient,
                )
            }
            _ => continue,
        };
        out.push(resource);
    }
    for r in data.referrals {
        let request = to("ServiceRequest", r.id.as_uuid());
        let status = ReferralStatus::parse(&r.status).ok();
        let partner = Reference {
            reference: None,
            display: Some(r.partner_name.clone()),
        };
        out.push(Resource::ServiceRequest(ServiceRequest {
            id: r.id.to_string(),
            status: status.map_or("unknown", request_status),
            intent: "order",
            code: pulih("service", &r.service_type),
            subject: patient.clone(),
            authored_on: r.sent_on,
            performer: vec![partner.clone()],
        }));
        out.push(Resource::Task(Task {
            id: derived(r.id.as_uuid(), "Task").to_string(),
            status: status.map_or("requested", task_status),
            business_status: pulih("referral", &r.status),
            intent: "order",
            based_on: vec![request.clone()],
            focus: request,
            beneficiary: patient.clone(),
            authored_on: r.sent_on,
            last_modified: r.updated_at,
            owner: partner,
        }));
    }
    out
}

/// A score as an `Observation`: `code` and the interpretation are Pulih concepts
/// (`assist-…`/`barc10-…` and `risk-…`/`barc10-strong`).
fn observation(
    fact: &Fact,
    id: Uuid,
    code: (&str, &str),
    score: u8,
    interpretation: Option<&str>,
    patient: &Reference,
) -> Resource {
    let interpretation = match (code.0, interpretation) {
        ("assist", Some(level)) => vec![pulih("risk", level)],
        (prefix, Some(flag)) => vec![pulih(prefix, flag)],
        (_, None) => Vec::new(),
    };
    Resource::Observation(Observation {
        id: id.to_string(),
        status: "final",
        category: vec![codes::survey()],
        code: pulih(code.0, code.1),
        subject: patient.clone(),
        effective_date_time: fact.occurred_on,
        issued: fact.recorded_at,
        value: Value::Quantity(Quantity {
            value: u32::from(score),
            system: codes::UCUM,
            code: "{score}",
        }),
        interpretation,
    })
}

/// A plan as a `CarePlan` of Pulih's `plan-…` category.
fn plan(
    fact: &Fact,
    status: &'static str,
    category: &str,
    replaces: Option<Reference>,
    description: String,
    end: Option<NaiveDate>,
    patient: &Reference,
) -> Resource {
    Resource::CarePlan(CarePlan {
        id: fact.id.to_string(),
        status,
        intent: "plan",
        category: vec![pulih("plan", category)],
        replaces: replaces.into_iter().collect(),
        description: Some(description),
        subject: patient.clone(),
        period: Period {
            start: fact.occurred_on,
            end,
        },
        created: fact.recorded_at,
    })
}

/// A referral's state as a `ServiceRequest` status.
const fn request_status(status: ReferralStatus) -> &'static str {
    use ReferralStatus::*;
    match status {
        Sent | Accepted | Started => "active",
        Completed => "completed",
        Declined | NotAttended | Cancelled => "revoked",
    }
}

/// A referral's state as a `Task` status.
const fn task_status(status: ReferralStatus) -> &'static str {
    use ReferralStatus::*;
    match status {
        Sent => "requested",
        Accepted => "accepted",
        Declined => "rejected",
        Started => "in-progress",
        Completed => "completed",
        NotAttended => "failed",
        Cancelled => "cancelled",
    }
}

/// Resources as a `collection` bundle assembled `at`, each entry under its `urn:uuid:`
/// (map them with [`Link::Bundle`]).
pub fn bundle(resources: Vec<Resource>, at: DateTime<Utc>) -> Bundle {
    Bundle {
        id: Uuid::now_v7().to_string(),
        kind: "collection",
        timestamp: at,
        entry: resources
            .into_iter()
            .map(|resource| Entry {
                full_url: format!("urn:uuid:{}", resource.id()),
                resource,
            })
            .collect(),
    }
}
