//! The FHIR R4 resources the export emits, as typed structs: only the elements Pulih
//! fills, serialised in FHIR's JSON form (camelCase names, absent rather than empty).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};

/// A FHIR `instant`: to the second, in UTC.
fn instant<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// `Bundle` of type `collection`: a client's resources, each referring to the others by
/// their `fullUrl`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename = "Bundle", rename_all = "camelCase")]
pub struct Bundle {
    /// Logical id of this bundle.
    pub id: String,
    /// Always `collection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When the bundle was assembled.
    #[serde(serialize_with = "instant")]
    pub timestamp: DateTime<Utc>,
    /// The resources.
    pub entry: Vec<Entry>,
}

/// One entry of a bundle.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `urn:uuid:` of the resource's id, which references inside the bundle name.
    pub full_url: String,
    /// The resource.
    pub resource: Resource,
}

/// Every resource type the export emits.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub enum Resource {
    /// The client.
    Patient(Patient),
    /// An episode of care with its intake pathway.
    EpisodeOfCare(EpisodeOfCare),
    /// A screening score.
    Observation(Observation),
    /// An aftercare plan or a care plan.
    CarePlan(CarePlan),
    /// A referral as requested.
    ServiceRequest(ServiceRequest),
    /// A referral as being carried out.
    Task(Task),
}

impl Resource {
    /// The resource type's name (a bulk export writes one NDJSON file per type).
    pub const fn resource_type(&self) -> &'static str {
        match self {
            Self::Patient(_) => "Patient",
            Self::EpisodeOfCare(_) => "EpisodeOfCare",
            Self::Observation(_) => "Observation",
            Self::CarePlan(_) => "CarePlan",
            Self::ServiceRequest(_) => "ServiceRequest",
            Self::Task(_) => "Task",
        }
    }

    /// The resource's logical id.
    pub fn id(&self) -> &str {
        match self {
            Self::Patient(r) => &r.id,
            Self::EpisodeOfCare(r) => &r.id,
            Self::Observation(r) => &r.id,
            Self::CarePlan(r) => &r.id,
            Self::ServiceRequest(r) => &r.id,
            Self::Task(r) => &r.id,
        }
    }
}

/// An identifier under a system.
#[derive(Debug, Clone, Serialize)]
pub struct Identifier {
    /// The namespace.
    pub system: &'static str,
    /// The value.
    pub value: String,
}

/// A code in a code system.
#[derive(Debug, Clone, Serialize)]
pub struct Coding {
    /// The code system.
    pub system: &'static str,
    /// The code.
    pub code: String,
    /// Its display text (English, as in the published code system).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<&'static str>,
}

/// A concept given by codes.
#[derive(Debug, Clone, Serialize)]
pub struct CodeableConcept {
    /// The codes.
    pub coding: Vec<Coding>,
}

impl From<Coding> for CodeableConcept {
    fn from(coding: Coding) -> Self {
        Self {
            coding: vec![coding],
        }
    }
}

/// A reference to another resource of the bundle, or to something outside it by name
/// only.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reference {
    /// The `fullUrl` of a resource in the same bundle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A text naming what is referred to (a partner organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A span of dates.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day, if over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
}

/// A measured amount in UCUM units.
#[derive(Debug, Clone, Serialize)]
pub struct Quantity {
    /// The amount.
    pub value: u32,
    /// `http://unitsofmeasure.org`.
    pub system: &'static str,
    /// The UCUM code (`{score}`).
    pub code: &'static str,
}

/// An observation's value: a score, or a concept.
#[derive(Debug, Clone, Serialize)]
pub enum Value {
    /// A score.
    #[serde(rename = "valueQuantity")]
    Quantity(Quantity),
    /// A concept of Pulih's code system.
    #[serde(rename = "valueCodeableConcept")]
    Concept(CodeableConcept),
}

/// `Patient`: the client, by pseudonymous code (and NIK where shared).
#[derive(Debug, Clone, Serialize)]
pub struct Patient {
    /// Logical id (the client's id).
    pub id: String,
    /// Client code, then NIK.
    pub identifier: Vec<Identifier>,
}

/// `EpisodeOfCare`: one episode, typed by its intake pathway.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpisodeOfCare {
    /// Logical id (the episode's fact id).
    pub id: String,
    /// `active` or `finished`.
    pub status: &'static str,
    /// The intake pathway.
    #[serde(rename = "type")]
    pub kind: Vec<CodeableConcept>,
    /// The client.
    pub patient: Reference,
    /// From opening until the next episode opened.
    pub period: Period,
}

/// `Observation`: one ASSIST substance score or one BARC-10 total.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    /// Logical id.
    pub id: String,
    /// Always `final`: screenings are never changed.
    pub status: &'static str,
    /// `survey`.
    pub category: Vec<CodeableConcept>,
    /// What was scored.
    pub code: CodeableConcept,
    /// The client.
    pub subject: Reference,
    /// The day of the screening.
    pub effective_date_time: NaiveDate,
    /// When it was recorded.
    #[serde(serialize_with = "instant")]
    pub issued: DateTime<Utc>,
    /// The score, or the judged typology.
    #[serde(flatten)]
    pub value: Value,
    /// The risk level, or strong recovery capital.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<CodeableConcept>,
}

/// `CarePlan`: an aftercare plan, or a care plan with its goals.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CarePlan {
    /// Logical id (the plan's fact id).
    pub id: String,
    /// `active`, `completed` or `revoked` (replaced by a revision).
    pub status: &'static str,
    /// Always `plan`.
    pub intent: &'static str,
    /// Aftercare or care plan.
    pub category: Vec<CodeableConcept>,
    /// The plan this one revises.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<Reference>,
    /// The goals or the follow-up schedule, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The client.
    pub subject: Reference,
    /// From the plan's day until it ended (aftercare) or is to be reviewed (care plan).
    pub period: Period,
    /// When it was recorded.
    #[serde(serialize_with = "instant")]
    pub created: DateTime<Utc>,
}

/// `ServiceRequest`: a referral to a partner's service, as sent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRequest {
    /// Logical id (the referral's id).
    pub id: String,
    /// `active`, `completed` or `revoked`.
    pub status: &'static str,
    /// Always `order`.
    pub intent: &'static str,
    /// The kind of service.
    pub code: CodeableConcept,
    /// The client.
    pub subject: Reference,
    /// The day it was sent.
    pub authored_on: NaiveDate,
    /// The partner organisation, by name.
    pub performer: Vec<Reference>,
}

/// `Task`: the partner's work on a referral, with the referral's state.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Logical id (derived from the referral's id).
    pub id: String,
    /// The referral's state in FHIR's task states.
    pub status: &'static str,
    /// The referral's state as Pulih names it.
    pub business_status: CodeableConcept,
    /// Always `order`.
    pub intent: &'static str,
    /// The referral.
    pub based_on: Vec<Reference>,
    /// The referral, as what the task is about.
    pub focus: Reference,
    /// The client.
    #[serde(rename = "for")]
    pub beneficiary: Reference,
    /// The day the referral was sent.
    pub authored_on: NaiveDate,
    /// When its state last changed.
    #[serde(serialize_with = "instant")]
    pub last_modified: DateTime<Utc>,
    /// The partner organisation, by name.
    pub owner: Reference,
}
