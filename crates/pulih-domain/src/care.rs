//! Stepped care, care plans and break-glass access.

use chrono::NaiveDate;

use crate::Invalid;
use crate::clinical::assist::Recommendation;
use crate::keyed::{keyed_enum, optional_text};

/// How strong a step of care is: advice < brief intervention < referral.
const fn strength(step: Recommendation) -> u8 {
    match step {
        Recommendation::Advice => 0,
        Recommendation::BriefIntervention => 1,
        Recommendation::Referral => 2,
    }
}

/// Whether recording `done` after the system proposed `proposed` needs a written reason:
/// doing less than proposed must be explained.
pub const fn step_needs_reason(proposed: Recommendation, done: Recommendation) -> bool {
    strength(done) < strength(proposed)
}

/// Whether an IBM unit's agent may record `done` after the latest screening proposed
/// `proposed`: an IBM unit handles mild use only, so when a referral is proposed the only
/// step an agent may take is the referral itself (a counsellor may do less, with a reason).
pub const fn ibm_may_take(proposed: Option<Recommendation>, done: Recommendation) -> bool {
    !matches!(proposed, Some(Recommendation::Referral)) || matches!(done, Recommendation::Referral)
}

/// Until when a screening waits for its step: a screening that proposes a referral is
/// due on the day it was taken, and shows on the coordinator's worklist until a step of
/// care is recorded for it or a newer screening replaces it. This date is the one plain
/// trace of the (sealed) result, kept for that worklist.
pub fn referral_due(proposed: Recommendation, taken_on: NaiveDate) -> Option<NaiveDate> {
    (proposed == Recommendation::Referral).then_some(taken_on)
}

/// A care plan: goals, the person responsible and when to review it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CarePlan {
    /// One to ten goals, each one line.
    pub goals: Vec<String>,
    /// The person responsible (name or role).
    pub responsible: String,
    /// When the plan is to be reviewed.
    pub review_on: NaiveDate,
}

impl CarePlan {
    /// Goals from a textarea (one per line) or a list; blank lines are dropped.
    pub fn goals<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, Invalid> {
        let goals: Vec<String> = lines
            .into_iter()
            .flat_map(str::lines)
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if goals.is_empty() || goals.len() > 10 {
            return Err(Invalid::new("invalid.plan_goals"));
        }
        if goals.iter().any(|g| g.chars().count() > 300) {
            return Err(Invalid::new("invalid.plan_goal_long"));
        }
        Ok(goals)
    }

    /// The person responsible: 1–120 characters.
    pub fn responsible(input: &str) -> Result<String, Invalid> {
        optional_text(Some(input), 120, "invalid.plan_responsible")?
            .ok_or(Invalid::new("invalid.plan_responsible"))
    }

    /// A review date must not lie in the past.
    pub fn review_on(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
        if date < today {
            Err(Invalid::new("invalid.review_in_past"))
        } else {
            Ok(date)
        }
    }
}

/// How long break-glass access lasts unless configured otherwise.
pub const DEFAULT_BREAK_GLASS_HOURS: i64 = 3;

/// The stated reason for break-glass access: 10–500 characters.
pub fn break_glass_reason(input: &str) -> Result<String, Invalid> {
    match optional_text(Some(input), 500, "invalid.break_glass_reason")? {
        Some(r) if r.chars().count() >= 10 => Ok(r),
        _ => Err(Invalid::new("invalid.break_glass_reason")),
    }
}

keyed_enum! {
    /// An administrator's finding on a break-glass access.
    pub enum Review {
        /// The access was justified.
        SignedOff = "signed_off",
        /// The access needs further inquiry.
        Escalated = "escalated",
    }
    invalid = "invalid.review_outcome"
}

crate::redacted_debug!(CarePlan);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doing_less_than_proposed_needs_a_reason() {
        use Recommendation::*;
        assert!(step_needs_reason(Referral, BriefIntervention));
        assert!(step_needs_reason(BriefIntervention, Advice));
        assert!(!step_needs_reason(BriefIntervention, Referral));
        assert!(!step_needs_reason(Advice, Advice));
    }

    #[test]
    fn an_agent_takes_no_ibm_step_where_a_referral_is_proposed() {
        use Recommendation::*;
        assert!(!ibm_may_take(Some(Referral), BriefIntervention));
        assert!(!ibm_may_take(Some(Referral), Advice));
        assert!(ibm_may_take(Some(Referral), Referral));
        assert!(ibm_may_take(Some(BriefIntervention), BriefIntervention));
        assert!(ibm_may_take(None, BriefIntervention));
    }

    #[test]
    fn a_plan_has_one_to_ten_short_goals() {
        assert_eq!(
            CarePlan::goals(["Kerja lagi\n\n Tidur cukup "]),
            Ok(vec!["Kerja lagi".to_owned(), "Tidur cukup".to_owned()])
        );
        assert!(CarePlan::goals(["  "]).is_err());
        assert!(CarePlan::goals(["x\n"; 11]).is_err());
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert!(CarePlan::review_on(today, today).is_ok());
        assert!(CarePlan::review_on(today.pred_opt().expect("date"), today).is_err());
    }

    #[test]
    fn break_glass_needs_a_real_reason() {
        assert!(break_glass_reason("urgent").is_err());
        assert!(break_glass_reason("Klien dirawat darurat di RSUD").is_ok());
    }
}
