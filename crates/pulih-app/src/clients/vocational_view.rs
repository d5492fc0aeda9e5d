//! How the steps of the vocational track are stored (plain part, sealed part, status)
//! and read back: into the timeline with the client's key, and into the domain's
//! [`Step`]s from the plain parts alone, for worklists and figures.

use pulih_crypto::DataKey;
use pulih_domain::client::FactKind;
use pulih_domain::ids::{FactId, ServiceId};
use pulih_domain::vocational::{
    ExitReason, IncomeBand, PlacementKind, RetentionMonth, Sector, Step,
};
use pulih_store::ClientFact;
use serde::{Deserialize, Serialize};

use super::note::Note;
use crate::keys::open_json;
use crate::{AppError, AppResult};

/// The status of a retention check that found the client still working.
pub(super) const WORKING: &str = "working";
/// The status of a retention check that found the client no longer working.
pub(super) const NOT_WORKING: &str = "not_working";

/// Plain part of an enrolment: the directory's service, if one was named.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct EnrolmentPlain {
    pub service: Option<ServiceId>,
}

/// Sealed part of an enrolment: the course, which may tell what the training is for.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct EnrolmentSealed {
    pub course: String,
}

/// Sealed part of a completion: the certificate number, which names a person elsewhere.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct CompletionSealed {
    pub certificate: Option<String>,
}

/// Plain part of a placement: what counts need.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct PlacementPlain {
    pub sector: Sector,
    pub income_band: Option<IncomeBand>,
}

/// Sealed part of a placement: the employer's or business's name.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct PlacementSealed {
    pub name: Option<String>,
}

/// Plain part of a retention check: which one.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct RetentionPlain {
    pub month: RetentionMonth,
}

/// Plain part of an exit: the outcome coding.
#[derive(Clone, Copy, Serialize, Deserialize)]
pub(super) struct ExitPlain {
    pub recovered: bool,
    pub skilled: bool,
    pub self_reliant: bool,
}

/// A step of the vocational track, once opened.
#[derive(Clone, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum VocationalStep {
    /// Enrolled in a training.
    Enrolment {
        /// The directory's service, if named.
        service: Option<ServiceId>,
        /// The course.
        course: String,
    },
    /// Completed a training.
    Completion {
        /// The enrolment completed.
        enrolment: Option<FactId>,
        /// The certificate number, if one was issued.
        certificate: Option<String>,
    },
    /// Placed in a job or started a business.
    Placement {
        /// Job or own business.
        kind: PlacementKind,
        /// The sector.
        sector: Sector,
        /// Monthly income band.
        income_band: Option<IncomeBand>,
        /// The employer's or business's name.
        name: Option<String>,
    },
    /// A placement's retention checked.
    RetentionCheck {
        /// The placement checked.
        placement: Option<FactId>,
        /// Which check.
        month: RetentionMonth,
        /// Whether the client was still working.
        working: bool,
        /// A note.
        note: Option<String>,
    },
    /// Left the programme.
    Exit {
        /// Recovered.
        recovered: bool,
        /// Has a skill.
        skilled: bool,
        /// Self-reliant.
        self_reliant: bool,
        /// Why the client left.
        reason: ExitReason,
        /// A note.
        note: Option<String>,
    },
}

fn plain<T: for<'de> Deserialize<'de>>(fact: &ClientFact) -> AppResult<T> {
    serde_json::from_str(&fact.detail).map_err(|_| {
        AppError::Internal(format!(
            "the plain detail of fact {} does not parse",
            fact.id
        ))
    })
}

fn status<T>(
    fact: &ClientFact,
    parse: impl Fn(&str) -> Result<T, pulih_domain::Invalid>,
) -> AppResult<T> {
    fact.status
        .as_deref()
        .and_then(|s| parse(s).ok())
        .ok_or_else(|| AppError::Internal(format!("the status of fact {} does not parse", fact.id)))
}

/// Opens a step of the track with the client's key.
pub(super) fn open(
    fact: &ClientFact,
    key: &DataKey,
    sealed: &[u8],
    ctx: &str,
) -> AppResult<VocationalStep> {
    Ok(match fact.kind {
        FactKind::VocationalEnrolment => VocationalStep::Enrolment {
            service: plain::<EnrolmentPlain>(fact)?.service,
            course: open_json::<EnrolmentSealed>(key, sealed, ctx)?.course,
        },
        FactKind::VocationalCompletion => VocationalStep::Completion {
            enrolment: fact.refers_to,
            certificate: open_json::<CompletionSealed>(key, sealed, ctx)?.certificate,
        },
        FactKind::Placement => {
            let p: PlacementPlain = plain(fact)?;
            VocationalStep::Placement {
                kind: status(fact, PlacementKind::parse)?,
                sector: p.sector,
                income_band: p.income_band,
                name: open_json::<PlacementSealed>(key, sealed, ctx)?.name,
            }
        }
        FactKind::RetentionCheck => VocationalStep::RetentionCheck {
            placement: fact.refers_to,
            month: plain::<RetentionPlain>(fact)?.month,
            working: fact.status.as_deref() == Some(WORKING),
            note: open_json::<Note>(key, sealed, ctx)?.note,
        },
        FactKind::ProgrammeExit => {
            let coding: ExitPlain = plain(fact)?;
            VocationalStep::Exit {
                recovered: coding.recovered,
                skilled: coding.skilled,
                self_reliant: coding.self_reliant,
                reason: status(fact, ExitReason::parse)?,
                note: open_json::<Note>(key, sealed, ctx)?.note,
            }
        }
        other => {
            return Err(AppError::Internal(format!(
                "fact kind {} is not a step of the vocational track",
                other.key()
            )));
        }
    })
}

/// A stored fact as a step of the track, from its plain parts; an erased retention check
/// has lost its month and counts for nothing.
pub(super) fn step(fact: &ClientFact) -> Step {
    let month = (fact.kind == FactKind::RetentionCheck)
        .then(|| plain::<RetentionPlain>(fact).ok().map(|p| p.month))
        .flatten();
    Step {
        id: fact.id,
        kind: fact.kind,
        on: fact.occurred_on,
        refers_to: fact.refers_to,
        month,
        working: fact.status.as_deref() == Some(WORKING),
    }
}

pulih_domain::redacted_debug!(
    EnrolmentSealed,
    CompletionSealed,
    PlacementSealed,
    VocationalStep
);
