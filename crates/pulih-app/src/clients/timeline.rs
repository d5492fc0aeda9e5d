//! How each kind of fact is stored (plain part, sealed part) and read back into the
//! client's timeline.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_crypto::DataKey;
use pulih_domain::aftercare::{
    AftercareEndStatus, FollowUpMode, FollowUpStatus, RelapseResponse, Schedule,
};
use pulih_domain::care::CarePlan;
use pulih_domain::client::FactKind;
use pulih_domain::clinical::assist::{AssistAnswers, AssistResult, Recommendation, Substance};
use pulih_domain::consent::{ConsentState, ConsentTerms};
use pulih_domain::ids::{ActivityId, ClientId, FactId, UnitId, UserId};
use pulih_domain::intake::{EpisodeDetail, Pathway};
use pulih_store::ClientFact;
use serde::{Deserialize, Serialize};

use crate::keys::seal_json;
use crate::{AppError, AppResult};

/// The names around a consent, sealed.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct ConsentNames {
    pub guardian: Option<String>,
    pub witness: Option<String>,
    /// The number of the signed form; absent in consents recorded before it was asked.
    #[serde(default)]
    pub form_number: Option<String>,
}

/// The sealed part of an episode: the pathway says whether there was an arrest.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct EpisodeSealed {
    pub pathway: Pathway,
    pub detail: EpisodeDetail,
}

/// The sealed part of a care step.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct StepSealed {
    pub proposed: Option<Recommendation>,
    pub done: Recommendation,
    pub note: Option<String>,
}

/// The plain part of an outreach contact: which activity of which unit reached the
/// client.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct OutreachPlain {
    pub activity: ActivityId,
    pub unit: UnitId,
}

/// What a fact says, once opened.
#[derive(Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FactBody {
    /// Consent given; `withdrawn_on` is filled in from a later withdrawal.
    Consent {
        /// What was agreed.
        terms: ConsentTerms,
        /// The guardian's name.
        guardian: Option<String>,
        /// The witness's name.
        witness: Option<String>,
        /// The number of the signed consent form.
        form_number: Option<String>,
        /// When it was withdrawn.
        withdrawn_on: Option<NaiveDate>,
    },
    /// Consent withdrawn.
    ConsentWithdrawal {
        /// The consent withdrawn.
        consent: Option<FactId>,
        /// Why, in the client's words.
        reason: Option<String>,
    },
    /// An episode of care; `assessed_on` is filled in from a TAT assessment.
    Episode {
        /// How the client came.
        pathway: Pathway,
        /// Pathway details and the minimum data set.
        detail: EpisodeDetail,
        /// When the TAT assessment is due.
        assessment_due: Option<NaiveDate>,
        /// When it took place.
        assessed_on: Option<NaiveDate>,
    },
    /// The TAT assessment of an episode took place.
    TatAssessment {
        /// The episode.
        episode: Option<FactId>,
        /// A note.
        note: Option<String>,
    },
    /// An ASSIST screening with its scores.
    Assist {
        /// The answers.
        answers: AssistAnswers,
        /// Scores, risks and the recommended step.
        result: AssistResult,
    },
    /// A BARC-10 measurement.
    Barc10 {
        /// The ten answers, 1–6.
        items: [u8; 10],
        /// Their sum.
        total: u8,
        /// Whether the total shows strong recovery capital.
        strong: bool,
    },
    /// A step of care given.
    CareStep {
        /// What the system proposed.
        proposed: Option<Recommendation>,
        /// What was done.
        done: Recommendation,
        /// Why, when less was done than proposed.
        note: Option<String>,
    },
    /// A care plan (or a revision of an earlier one).
    CarePlan {
        /// The plan.
        plan: CarePlan,
        /// The plan it revises.
        revises: Option<FactId>,
    },
    /// Reached by an IBM unit's outreach activity.
    Outreach {
        /// The activity.
        activity: ActivityId,
        /// The unit that recorded it.
        unit: UnitId,
    },
    /// An aftercare plan made at discharge.
    AftercarePlan {
        /// The monitoring schedule, in weeks after discharge.
        schedule: Schedule,
        /// Who follows the client up.
        follow_up_by: Option<String>,
        /// A note.
        note: Option<String>,
    },
    /// A follow-up visit of an aftercare plan.
    FollowUp {
        /// The plan.
        plan: Option<FactId>,
        /// How it took place.
        mode: FollowUpMode,
        /// What it found.
        status: FollowUpStatus,
        /// The visit due after this one, if any.
        next_due: Option<NaiveDate>,
        /// A note.
        note: Option<String>,
    },
    /// The end of aftercare.
    AftercareEnd {
        /// The plan ended.
        plan: Option<FactId>,
        /// How it ended.
        status: AftercareEndStatus,
        /// A note.
        note: Option<String>,
    },
    /// A relapse and what was done next.
    Relapse {
        /// The aftercare plan it happened during, if any.
        plan: Option<FactId>,
        /// The substances used.
        substances: Vec<Substance>,
        /// What was done next.
        response: RelapseResponse,
        /// A note.
        note: Option<String>,
    },
    /// A step of the vocational track.
    Vocational(super::vocational_view::VocationalStep),
    /// The client's data was erased; only the kind and date remain.
    Erased,
}

/// One entry of a client's timeline.
#[derive(Clone, Serialize)]
pub struct Fact {
    /// Id.
    pub id: FactId,
    /// Kind.
    pub kind: FactKind,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// The deadline it sets.
    pub due_on: Option<NaiveDate>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// What it says.
    pub body: FactBody,
}

/// The sealing context of a fact: a blob moved to another fact fails to open.
pub(super) fn context(id: FactId) -> String {
    format!("fact:{id}")
}

/// A fact ready to store. `plain` holds nothing identifying, clinical or legal (only
/// consent terms); everything else is sealed.
pub(super) struct Draft<S: Serialize> {
    pub kind: FactKind,
    pub occurred_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub refers_to: Option<FactId>,
    pub plain: serde_json::Value,
    pub sealed: S,
}

impl<S: Serialize> Draft<S> {
    /// Seals the draft with the client's key.
    pub fn seal(
        self,
        key: &DataKey,
        client: ClientId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> AppResult<ClientFact> {
        let id = FactId::new();
        Ok(ClientFact {
            id,
            client_id: client,
            kind: self.kind,
            occurred_on: self.occurred_on,
            due_on: self.due_on,
            status: None,
            refers_to: self.refers_to,
            detail: self.plain.to_string(),
            sealed: Some(seal_json(key, &self.sealed, &context(id))?),
            recorded_by: by,
            recorded_at: at,
        })
    }
}

pub(super) fn plain<T: for<'de> Deserialize<'de>>(fact: &ClientFact) -> AppResult<T> {
    serde_json::from_str(&fact.detail).map_err(|_| {
        AppError::Internal(format!(
            "the plain detail of fact {} does not parse",
            fact.id
        ))
    })
}

/// Fills in what later facts say about earlier ones: withdrawals and TAT assessments.
pub(super) fn link(facts: &mut [Fact]) {
    let later: Vec<(FactKind, Option<FactId>, NaiveDate)> = facts
        .iter()
        .filter_map(|f| match &f.body {
            FactBody::ConsentWithdrawal { consent, .. } => {
                Some((FactKind::Consent, *consent, f.occurred_on))
            }
            FactBody::TatAssessment { episode, .. } => {
                Some((FactKind::Episode, *episode, f.occurred_on))
            }
            _ => None,
        })
        .collect();
    for (kind, target, on) in later {
        let Some(f) = facts
            .iter_mut()
            .find(|f| f.kind == kind && Some(f.id) == target)
        else {
            continue;
        };
        match &mut f.body {
            FactBody::Consent { withdrawn_on, .. } => *withdrawn_on = Some(on),
            FactBody::Episode { assessed_on, .. } => *assessed_on = Some(on),
            _ => {}
        }
    }
}

/// The consents among stored facts with their withdrawals, per client, from the plain
/// parts alone: lists, checks and erased records need no key for them.
pub(super) fn consents(facts: &[ClientFact]) -> AppResult<Vec<(ClientId, FactId, ConsentState)>> {
    let mut out = Vec::new();
    // An erased fact has lost its sealed part and its details: it consents to nothing.
    let live = |f: &&ClientFact| f.kind == FactKind::Consent && f.sealed.is_some();
    for f in facts.iter().filter(live) {
        let withdrawn_on = facts
            .iter()
            .filter(|w| w.kind == FactKind::ConsentWithdrawal && w.refers_to == Some(f.id))
            .map(|w| w.occurred_on)
            .min();
        let state = ConsentState {
            terms: plain(f)?,
            withdrawn_on,
        };
        out.push((f.client_id, f.id, state));
    }
    Ok(out)
}

pulih_domain::redacted_debug!(ConsentNames, EpisodeSealed, StepSealed, FactBody, Fact);
