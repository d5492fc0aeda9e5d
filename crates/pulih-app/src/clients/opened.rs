//! Opening a stored fact into what the timeline shows: each kind's sealed part is opened
//! with the client's key, by its own module where it has one (aftercare, vocational).

use pulih_crypto::DataKey;
use pulih_domain::client::FactKind;
use pulih_domain::clinical::assist::AssistAnswers;
use pulih_domain::clinical::barc10::Barc10;
use pulih_store::ClientFact;

use super::note::Note;
use super::timeline::{
    ConsentNames, EpisodeSealed, Fact, FactBody, OutreachPlain, StepSealed, context, plain,
};
use crate::AppResult;
use crate::keys::open_json;

/// Opens a stored fact; with no key (erased) only its kind and date remain.
pub(super) fn open(fact: &ClientFact, key: Option<&DataKey>) -> AppResult<Fact> {
    let body = match (key, &fact.sealed) {
        (Some(key), Some(sealed)) => body(fact, key, sealed)?,
        _ => FactBody::Erased,
    };
    Ok(Fact {
        id: fact.id,
        kind: fact.kind,
        occurred_on: fact.occurred_on,
        due_on: fact.due_on,
        recorded_by: fact.recorded_by,
        recorded_at: fact.recorded_at,
        body,
    })
}

fn body(fact: &ClientFact, key: &DataKey, sealed: &[u8]) -> AppResult<FactBody> {
    let ctx = context(fact.id);
    Ok(match fact.kind {
        FactKind::Consent => {
            let names: ConsentNames = open_json(key, sealed, &ctx)?;
            FactBody::Consent {
                terms: plain(fact)?,
                guardian: names.guardian,
                witness: names.witness,
                form_number: names.form_number,
                withdrawn_on: None,
            }
        }
        FactKind::ConsentWithdrawal => FactBody::ConsentWithdrawal {
            consent: fact.refers_to,
            reason: open_json::<Note>(key, sealed, &ctx)?.note,
        },
        FactKind::Episode => {
            let episode: EpisodeSealed = open_json(key, sealed, &ctx)?;
            FactBody::Episode {
                pathway: episode.pathway,
                detail: episode.detail,
                assessment_due: fact.due_on,
                assessed_on: None,
            }
        }
        FactKind::TatAssessment => FactBody::TatAssessment {
            episode: fact.refers_to,
            note: open_json::<Note>(key, sealed, &ctx)?.note,
        },
        FactKind::Assist => {
            let answers: AssistAnswers = open_json(key, sealed, &ctx)?;
            let result = answers.score();
            FactBody::Assist { answers, result }
        }
        FactKind::Barc10 => {
            let barc: Barc10 = open_json(key, sealed, &ctx)?;
            FactBody::Barc10 {
                items: barc.items(),
                total: barc.total(),
                strong: barc.strong(),
            }
        }
        FactKind::CareStep => {
            let step: StepSealed = open_json(key, sealed, &ctx)?;
            FactBody::CareStep {
                proposed: step.proposed,
                done: step.done,
                note: step.note,
            }
        }
        FactKind::CarePlan => FactBody::CarePlan {
            plan: open_json(key, sealed, &ctx)?,
            revises: fact.refers_to,
        },
        FactKind::AftercarePlan
        | FactKind::FollowUp
        | FactKind::AftercareEnd
        | FactKind::Relapse => super::aftercare_view::body(fact, key, sealed, &ctx)?,
        FactKind::Outreach => {
            let link: OutreachPlain = plain(fact)?;
            FactBody::Outreach {
                activity: link.activity,
                unit: link.unit,
            }
        }
        FactKind::VocationalEnrolment
        | FactKind::VocationalCompletion
        | FactKind::Placement
        | FactKind::RetentionCheck
        | FactKind::ProgrammeExit => {
            FactBody::Vocational(super::vocational_view::open(fact, key, sealed, &ctx)?)
        }
    })
}
