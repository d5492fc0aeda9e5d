//! Closed-loop referrals, as pure rules: the services partners offer, the states a
//! referral goes through, who may move it from one to the next, and when an unanswered
//! referral is overdue (a number of working days after it was sent).
//!
//! ```text
//! sent ──accept──▶ accepted ──start──▶ started ──complete──▶ completed
//!   │                 │
//!   ├──decline──▶ declined (with a reason)
//!   │                 └──no_show──▶ not_attended
//!   └──cancel (sender, also from accepted)──▶ cancelled (with a reason)
//! ```

use chrono::{Datelike, NaiveDate, Weekday};

use crate::Invalid;
use crate::account::Role;
use crate::authz::Actor;
use crate::ids::{OrgId, UserId};
use crate::keyed::{keyed_enum, optional_text};
use crate::region::{RegionCode, Scope};

keyed_enum! {
    /// What a partner organisation offers.
    pub enum ServiceType {
        /// Residential rehabilitation.
        RehabInpatient = "rehab_inpatient",
        /// Outpatient rehabilitation.
        RehabOutpatient = "rehab_outpatient",
        /// Counselling.
        Counselling = "counselling",
        /// Vocational training (BLK, courses).
        VocationalTraining = "vocational_training",
        /// Job placement.
        JobPlacement = "job_placement",
        /// Social assistance (Dinsos).
        SocialAssistance = "social_assistance",
        /// Health care (Puskesmas, hospital).
        HealthCare = "health_care",
        /// Legal aid.
        LegalAid = "legal_aid",
        /// Family and child protection (DP3A).
        FamilyProtection = "family_protection",
        /// Religious or community mentoring.
        Mentoring = "mentoring",
        /// Guidance and supervision after release from prison (Bapas).
        CorrectionalGuidance = "correctional_guidance",
        /// Return to school or equivalency education (education office, schools).
        Education = "education",
        /// Reintegration in the village: village programmes, work and social support
        /// (village government).
        VillageReintegration = "village_reintegration",
    }
    invalid = "invalid.service_type"
}

impl ServiceType {
    /// Whether the partner may see clinical details (substances, diagnoses, scores) when
    /// consent allows: only services that treat. A training place or an employer sees
    /// name and contact at most, never the substance history.
    pub fn clinical(self) -> bool {
        matches!(
            self,
            Self::RehabInpatient | Self::RehabOutpatient | Self::Counselling | Self::HealthCare
        )
    }
}

keyed_enum! {
    /// Where a referral stands.
    pub enum ReferralStatus {
        /// Sent, waiting for the partner's answer.
        Sent = "sent",
        /// Accepted by the partner.
        Accepted = "accepted",
        /// Declined by the partner, with a reason.
        Declined = "declined",
        /// The service started.
        Started = "started",
        /// The service was completed.
        Completed = "completed",
        /// Accepted, but the client did not attend.
        NotAttended = "not_attended",
        /// Withdrawn by the sender, with a reason.
        Cancelled = "cancelled",
    }
    invalid = "invalid.referral_status"
}

/// Who moves a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The worker (or office) that sent it.
    Sender,
    /// The partner organisation it was sent to.
    Partner,
}

keyed_enum! {
    /// A move from one state to the next.
    pub enum Move {
        /// The partner accepts.
        Accept = "accept",
        /// The partner declines (reason required).
        Decline = "decline",
        /// The partner records that the service started.
        Start = "start",
        /// The partner records that the service was completed.
        Complete = "complete",
        /// The partner records that the client did not attend.
        NoShow = "no_show",
        /// The sender withdraws it (reason required).
        Cancel = "cancel",
    }
    invalid = "invalid.referral_move"
}

/// Longest reason, in characters.
pub const REASON_MAX: usize = 500;

impl Move {
    /// Who may make this move.
    pub fn party(self) -> Party {
        match self {
            Self::Cancel => Party::Sender,
            _ => Party::Partner,
        }
    }

    /// Whether the move needs a written reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Decline | Self::Cancel)
    }
}

impl ReferralStatus {
    /// Whether the referral is finished: nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Declined | Self::Completed | Self::NotAttended | Self::Cancelled
        )
    }

    /// Whether the client is on the way to the service or got it: not turned down,
    /// withdrawn or missed.
    pub fn goes_ahead(self) -> bool {
        matches!(
            self,
            Self::Sent | Self::Accepted | Self::Started | Self::Completed
        )
    }

    /// Whether it is waiting for the partner's answer (and so can become overdue).
    pub fn awaits_answer(self) -> bool {
        self == Self::Sent
    }

    /// The state after `by` makes `step`, with `reason` where one is needed: a move out
    /// of order is `invalid.referral_transition`, by the wrong party
    /// `invalid.referral_party`, without a reason (or with one over 500 characters)
    /// `invalid.referral_reason`.
    pub fn apply(self, step: Move, by: Party, reason: Option<&str>) -> Result<Self, Invalid> {
        use ReferralStatus::*;
        let next = match (self, step) {
            (Sent, Move::Accept) => Accepted,
            (Sent, Move::Decline) => Declined,
            (Accepted, Move::Start) => Started,
            (Accepted, Move::NoShow) => NotAttended,
            (Started, Move::Complete) => Completed,
            (Sent | Accepted, Move::Cancel) => Cancelled,
            _ => return Err(Invalid::new("invalid.referral_transition")),
        };
        if step.party() != by {
            return Err(Invalid::new("invalid.referral_party"));
        }
        if step.needs_reason() {
            let text = optional_text(reason, REASON_MAX, "invalid.referral_reason")?;
            if text.is_none() {
                return Err(Invalid::new("invalid.referral_reason"));
            }
        }
        Ok(next)
    }
}

/// Which side of a referral `actor` stands on, if any: a partner user of the receiving
/// organisation is the partner; the user who sent it, or a coordinator whose scope holds
/// the client, acts for the sender. Nobody else sees the referral at all.
pub fn party_of(
    actor: &Actor,
    sender: UserId,
    partner_org: OrgId,
    region: &RegionCode,
) -> Option<Party> {
    if actor.disabled {
        None
    } else if actor.role == Role::Partner {
        (actor.org_id == partner_org).then_some(Party::Partner)
    } else if actor.user_id == sender
        || (actor.role == Role::Coordinator && actor.scope.includes(&Scope::Region(region.clone())))
    {
        Some(Party::Sender)
    } else {
        None
    }
}

/// Default number of working days a partner has to answer.
pub const DEFAULT_ANSWER_DAYS: u8 = 3;

/// The last day a partner may answer a referral sent on `sent_on`: `days` working days
/// later, counting Monday to Friday and skipping `holidays`. Overdue from the day after.
pub fn answer_deadline(sent_on: NaiveDate, days: u8, holidays: &[NaiveDate]) -> NaiveDate {
    let working = |d: &NaiveDate| {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(d)
    };
    sent_on
        .iter_days()
        .skip(1)
        .filter(working)
        .nth(usize::from(days.max(1)) - 1)
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("date")
    }

    fn refused(key: &'static str) -> Result<ReferralStatus, Invalid> {
        Err(Invalid::new(key))
    }

    #[test]
    fn only_the_partner_organisation_the_sender_and_its_coordinators_take_part() {
        let region = RegionCode::parse("21.71.01.1002").expect("code");
        let (sender, partner_org) = (UserId::new(), OrgId::new());
        let actor = |role, org, scope: &str, user| Actor {
            user_id: user,
            org_id: org,
            role,
            scope: Scope::Region(RegionCode::parse(scope).expect("code")),
            disabled: false,
        };
        let party = |a: &Actor| party_of(a, sender, partner_org, &region);
        let blk = actor(Role::Partner, partner_org, "21.71", UserId::new());
        assert_eq!(party(&blk), Some(Party::Partner));
        let other_partner = actor(Role::Partner, OrgId::new(), "21.71", UserId::new());
        assert_eq!(party(&other_partner), None);
        let me = actor(Role::Agent, OrgId::new(), "21.71.01.1002", sender);
        assert_eq!(party(&me), Some(Party::Sender));
        let coordinator = actor(Role::Coordinator, OrgId::new(), "21.71", UserId::new());
        assert_eq!(party(&coordinator), Some(Party::Sender));
        let elsewhere = actor(Role::Coordinator, OrgId::new(), "61.03", UserId::new());
        assert_eq!(party(&elsewhere), None);
        let counsellor = actor(Role::Counsellor, OrgId::new(), "21.71", UserId::new());
        assert_eq!(party(&counsellor), None);
        let disabled = Actor {
            disabled: true,
            ..blk
        };
        assert_eq!(party(&disabled), None);
    }

    #[test]
    fn the_full_loop_goes_sent_accepted_started_completed() {
        let s = ReferralStatus::Sent;
        let s = s.apply(Move::Accept, Party::Partner, None).unwrap();
        let s = s.apply(Move::Start, Party::Partner, None).unwrap();
        let s = s.apply(Move::Complete, Party::Partner, None).unwrap();
        assert_eq!(s, ReferralStatus::Completed);
        assert!(s.is_final());
    }

    #[test]
    fn a_decline_or_cancel_needs_a_reason_and_the_right_party() {
        let s = ReferralStatus::Sent;
        assert_eq!(
            s.apply(Move::Decline, Party::Partner, None),
            refused("invalid.referral_reason")
        );
        assert_eq!(
            s.apply(Move::Decline, Party::Partner, Some("  ")),
            refused("invalid.referral_reason")
        );
        assert_eq!(
            s.apply(Move::Decline, Party::Partner, Some("Kuota penuh bulan ini")),
            Ok(ReferralStatus::Declined)
        );
        assert_eq!(
            s.apply(Move::Decline, Party::Sender, Some("x")),
            refused("invalid.referral_party")
        );
        assert_eq!(
            s.apply(Move::Accept, Party::Sender, None),
            refused("invalid.referral_party")
        );
        assert_eq!(
            ReferralStatus::Accepted.apply(Move::Cancel, Party::Sender, Some("Klien pindah")),
            Ok(ReferralStatus::Cancelled)
        );
        let long = "x".repeat(REASON_MAX + 1);
        assert_eq!(
            s.apply(Move::Cancel, Party::Sender, Some(&long)),
            refused("invalid.referral_reason")
        );
    }

    #[test]
    fn moves_out_of_order_are_refused() {
        let err = Err(Invalid::new("invalid.referral_transition"));
        assert_eq!(
            ReferralStatus::Sent.apply(Move::Complete, Party::Partner, None),
            err
        );
        assert_eq!(
            ReferralStatus::Completed.apply(Move::Accept, Party::Partner, None),
            err
        );
        assert_eq!(
            ReferralStatus::Started.apply(Move::Cancel, Party::Sender, Some("x")),
            err
        );
    }

    #[test]
    fn only_treating_services_may_see_clinical_details() {
        assert!(ServiceType::RehabInpatient.clinical());
        assert!(!ServiceType::VocationalTraining.clinical());
        assert!(!ServiceType::JobPlacement.clinical());
        assert!(!ServiceType::CorrectionalGuidance.clinical());
        assert!(!ServiceType::Education.clinical());
        assert!(!ServiceType::VillageReintegration.clinical());
        assert_eq!(ServiceType::ALL.len(), 13);
    }

    #[test]
    fn three_working_days_skip_the_weekend_and_holidays() {
        // Thursday 19 November 2026: Friday, Monday, Tuesday.
        assert_eq!(answer_deadline(day(11, 19), 3, &[]), day(11, 24));
        assert_eq!(answer_deadline(day(11, 19), 3, &[day(11, 23)]), day(11, 25));
        // Sent on a Saturday: Monday, Tuesday, Wednesday.
        assert_eq!(answer_deadline(day(11, 21), 3, &[]), day(11, 25));
    }

    proptest! {
        #[test]
        fn only_listed_moves_change_the_state_and_final_states_stay_final(
            from in prop::sample::select(ReferralStatus::ALL.to_vec()),
            step in prop::sample::select(Move::ALL.to_vec()),
        ) {
            let next = from.apply(step, step.party(), Some("alasan"));
            if from.is_final() {
                prop_assert!(next.is_err());
            }
            if let Ok(to) = next {
                prop_assert_ne!(to, from);
                prop_assert!(!(from == ReferralStatus::Sent && to == ReferralStatus::Started));
            }
        }

        #[test]
        fn the_deadline_is_a_working_day_that_many_working_days_later(
            offset in 0i64..400, days in 1u8..10,
        ) {
            let sent = day(1, 1) + chrono::Duration::days(offset);
            let due = answer_deadline(sent, days, &[]);
            prop_assert!(due > sent);
            prop_assert!(!matches!(due.weekday(), Weekday::Sat | Weekday::Sun));
            let counted = sent.iter_days().skip(1).take_while(|d| *d <= due)
                .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
                .count();
            prop_assert_eq!(counted, usize::from(days));
        }
    }
}
