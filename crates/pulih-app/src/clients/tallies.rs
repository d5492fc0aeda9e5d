//! The figures a client's fact adds to (`pulih_domain::rollup`), decided from the fact as
//! the timeline opens it: the same rule when the fact is written (its tallies go into
//! the write) and when `pulih rollups rebuild` recounts from the stored facts. A client's
//! figures count at the region the client is registered at, on the day the fact happened;
//! an erased client's facts count no more.

use chrono::NaiveDate;
use pulih_crypto::DataKey;
use pulih_domain::client::FactKind;
use pulih_domain::intake::Pathway;
use pulih_domain::referral::{ReferralStatus, ServiceType};
use pulih_domain::region::RegionCode;
use pulih_domain::rollup::{Figure, Tally};

use pulih_store::ClientFact;

use super::timeline::{Fact, FactBody};
use crate::AppResult;

/// The tallies of `fact` about a client registered at `place`.
pub(crate) fn of_fact(fact: &Fact, place: &RegionCode) -> Vec<Tally> {
    figures(fact)
        .into_iter()
        .map(|figure| Tally::one(figure, place, fact.occurred_on))
        .collect()
}

/// The tallies of a client's stored facts, opened with its key (none once erased): what
/// the client adds to the figures, to count when rebuilding or take back on erasure.
pub(crate) fn of_facts(
    facts: &[ClientFact],
    key: Option<&DataKey>,
    place: &RegionCode,
) -> AppResult<Vec<Tally>> {
    let mut out = Vec::new();
    for fact in facts {
        out.extend(of_fact(&super::opened::open(fact, key)?, place));
    }
    Ok(out)
}

fn figures(fact: &Fact) -> Vec<Figure> {
    let one = |figure| vec![figure];
    match (&fact.body, fact.kind) {
        (FactBody::Erased, _) => Vec::new(),
        (FactBody::Episode { pathway, .. }, _) => vec![Figure::Intakes, intake(*pathway)],
        (_, FactKind::TatAssessment) => one(Figure::TatAssessments),
        (FactBody::Assist { answers, .. }, _) => [Figure::AssistScreenings]
            .into_iter()
            .chain(answers.typology().map(Figure::of_typology))
            .collect(),
        (_, FactKind::ConsentWithdrawal) => one(Figure::ConsentsWithdrawn),
        (_, FactKind::AftercarePlan) => one(Figure::AftercarePlans),
        (_, FactKind::FollowUp) => one(Figure::FollowUps),
        (_, FactKind::Relapse) => one(Figure::Relapses),
        (_, FactKind::VocationalEnrolment) => one(Figure::VocationalEnrolments),
        (_, FactKind::Placement) => one(Figure::Placements),
        _ => Vec::new(),
    }
}

/// The tallies of a referral to a `service` reaching `status` on `day`, counted at the
/// client's region when referred (`place`): the step's figure, and the change to the
/// stock of clients waiting for a rehabilitation place. Referrals stay after an erasure
/// (the partner's record of a service, pseudonymous), so an erasure leaves their figures.
pub(crate) fn of_referral(
    status: ReferralStatus,
    service: ServiceType,
    place: &RegionCode,
    day: NaiveDate,
) -> Vec<Tally> {
    use ReferralStatus::*;
    let step = match status {
        Sent => Some(Figure::ReferralsSent),
        Accepted => Some(Figure::ReferralsAccepted),
        Declined => Some(Figure::ReferralsDeclined),
        Completed => Some(Figure::ReferralsCompleted),
        Started | NotAttended | Cancelled => None,
    };
    let waiting = match status {
        Sent => 1,
        Started | Declined | Cancelled | NotAttended => -1,
        Accepted | Completed => 0,
    };
    let stock = Figure::waiting_for(service)
        .filter(|_| waiting != 0)
        .map(|figure| Tally {
            delta: waiting,
            ..Tally::one(figure, place, day)
        });
    step.map(|f| Tally::one(f, place, day))
        .into_iter()
        .chain(stock)
        .collect()
}

const fn intake(pathway: Pathway) -> Figure {
    match pathway {
        Pathway::IbmOutreach => Figure::IntakeIbmOutreach,
        Pathway::WajibLapor => Figure::IntakeWajibLapor,
        Pathway::Tat => Figure::IntakeTat,
        Pathway::LapasRelease => Figure::IntakeLapasRelease,
        Pathway::FamilyReferral => Figure::IntakeFamilyReferral,
        Pathway::CommunityReferral => Figure::IntakeCommunityReferral,
    }
}
