//! Supervision of agents (article-003: agents' outreach is accompanied and monitored by
//! the BNNK's rehabilitation officers). An awareness session or an outreach may name the
//! officer who accompanied it ([`may_accompany`]); coordinators record their supervision
//! visits to a unit ([`SupervisionVisit`]) and see, per agent, what was done in the last
//! [`AGENT_WINDOW_DAYS`] days; an active agent with no activity for [`IDLE_DAYS`] days is
//! an **idle agent** on the coordinators' worklist ([`idle_since`]).

use chrono::{Duration, NaiveDate};

use crate::account::Role;
use crate::clinical::FieldError;
use crate::programme::activity_detail::ActivityKind;
use crate::region::{RegionCode, RegionLevel, Scope};

/// Days without an activity after which an active agent is idle.
pub const IDLE_DAYS: i64 = 30;

/// Days back the per-agent view counts.
pub const AGENT_WINDOW_DAYS: i64 = 90;

/// Longest findings of a visit, in characters.
pub const MAX_FINDINGS: usize = 2000;

/// Longest follow-up of a visit, in characters.
pub const MAX_FOLLOW_UP: usize = 1000;

/// The last day an agent idle on `today` may have been active (or joined): an agent
/// whose latest activity, and whose joining, are both on or before it is idle.
pub fn idle_since(today: NaiveDate) -> NaiveDate {
    today - Duration::days(IDLE_DAYS)
}

/// Whether an active agent who joined on `joined_on` and last recorded an activity on
/// `last_activity` (if ever) is idle on `today`: neither lies after [`idle_since`]. The
/// worklist's query applies the same rule in SQL.
pub fn is_idle(last_activity: Option<NaiveDate>, joined_on: NaiveDate, today: NaiveDate) -> bool {
    last_activity.map_or(joined_on, |d| d.max(joined_on)) <= idle_since(today)
}

/// The first day the per-agent view seen on `today` counts.
pub fn window_start(today: NaiveDate) -> NaiveDate {
    today - Duration::days(AGENT_WINDOW_DAYS)
}

/// Whether an activity of `kind` may name an accompanying officer: awareness sessions
/// and outreach, which officers go out with; not a coordination meeting.
pub fn accompanied_kind(kind: ActivityKind) -> bool {
    matches!(kind, ActivityKind::Awareness | ActivityKind::Outreach)
}

/// Whether a user may be named as the officer accompanying an activity in `village`:
/// an enabled coordinator or counsellor of the BNNK there, i.e. whose scope is the
/// village's regency or a part of it that holds the village.
pub fn may_accompany(role: Role, disabled: bool, scope: &Scope, village: &RegionCode) -> bool {
    let officer = matches!(role, Role::Coordinator | Role::Counsellor);
    let local = match scope {
        Scope::Region(code) => code.level() >= RegionLevel::Regency && code.contains(village),
        Scope::National => false,
    };
    officer && !disabled && local
}

/// A supervision visit as checked: the day, what was found and what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionVisit {
    visited_on: NaiveDate,
    findings: String,
    follow_up: String,
}

impl SupervisionVisit {
    /// Checks a visit seen on `today`, reporting every problem at once: a day not in the
    /// future (`visited_on`, `invalid.future_date`), findings of 1–2,000 characters
    /// (`findings`, `invalid.supervision_findings`) and a follow-up of 1–1,000
    /// (`follow_up`, `invalid.supervision_follow_up`), both on several lines if need be.
    pub fn parse(
        visited_on: NaiveDate,
        findings: &str,
        follow_up: &str,
        today: NaiveDate,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if visited_on > today {
            errors.push(FieldError::new("visited_on", "invalid.future_date"));
        }
        let findings = text(
            findings,
            MAX_FINDINGS,
            "findings",
            "invalid.supervision_findings",
        );
        let follow_up = text(
            follow_up,
            MAX_FOLLOW_UP,
            "follow_up",
            "invalid.supervision_follow_up",
        );
        let findings = findings.map_err(|e| errors.push(e));
        let follow_up = follow_up.map_err(|e| errors.push(e));
        match (findings, follow_up) {
            (Ok(findings), Ok(follow_up)) if errors.is_empty() => Ok(Self {
                visited_on,
                findings,
                follow_up,
            }),
            _ => Err(errors),
        }
    }

    /// The day of the visit.
    pub fn visited_on(&self) -> NaiveDate {
        self.visited_on
    }

    /// What was found.
    pub fn findings(&self) -> &str {
        &self.findings
    }

    /// What follows.
    pub fn follow_up(&self) -> &str {
        &self.follow_up
    }
}

/// Trimmed text of 1–`max` characters, lines allowed.
fn text(
    value: &str,
    max: usize,
    field: &'static str,
    invalid: &'static str,
) -> Result<String, FieldError> {
    match crate::keyed::optional_text(Some(value), max, invalid) {
        Ok(Some(s)) => Ok(s),
        _ => Err(FieldError::new(field, invalid)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_visit_with_findings_and_a_follow_up_is_accepted() {
        let v = SupervisionVisit::parse(
            d(2026, 12, 1),
            " Two agents ran outreach in Dusun II.\nLeaflets ran out. ",
            "Bring 200 leaflets next week",
            d(2026, 12, 3),
        )
        .unwrap();
        assert_eq!(v.visited_on(), d(2026, 12, 1));
        assert!(v.findings().starts_with("Two agents"));
        assert!(v.findings().ends_with("ran out."));
        assert_eq!(v.follow_up(), "Bring 200 leaflets next week");
    }

    #[test]
    fn a_future_or_empty_visit_is_refused_field_by_field() {
        let e = SupervisionVisit::parse(d(2026, 12, 4), " ", &"x".repeat(1001), d(2026, 12, 3))
            .unwrap_err();
        let got: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            got,
            [
                ("visited_on", "invalid.future_date"),
                ("findings", "invalid.supervision_findings"),
                ("follow_up", "invalid.supervision_follow_up"),
            ]
        );
    }

    #[test]
    fn an_agent_is_idle_after_thirty_days_and_counted_over_ninety() {
        assert_eq!(idle_since(d(2026, 12, 3)), d(2026, 11, 3));
        assert_eq!(window_start(d(2026, 12, 3)), d(2026, 9, 4));
        let today = d(2026, 12, 3);
        assert!(is_idle(None, d(2026, 11, 3), today));
        assert!(!is_idle(None, d(2026, 11, 4), today), "joined too recently");
        assert!(is_idle(Some(d(2026, 11, 3)), d(2026, 1, 1), today));
        assert!(!is_idle(Some(d(2026, 11, 4)), d(2026, 1, 1), today));
    }

    #[test]
    fn only_an_enabled_bnnk_coordinator_or_counsellor_of_the_place_accompanies() {
        let binjai = RegionCode::parse("61.03.10.2010").unwrap();
        let sanggau = Scope::Region(RegionCode::parse("61.03").unwrap());
        let tayan = Scope::Region(RegionCode::parse("61.03.10").unwrap());
        let kalbar = Scope::Region(RegionCode::parse("61").unwrap());
        let batam = Scope::Region(RegionCode::parse("21.71").unwrap());
        assert!(may_accompany(Role::Coordinator, false, &sanggau, &binjai));
        assert!(may_accompany(Role::Counsellor, false, &tayan, &binjai));
        assert!(!may_accompany(Role::Counsellor, true, &sanggau, &binjai));
        assert!(!may_accompany(Role::Agent, false, &sanggau, &binjai));
        assert!(!may_accompany(Role::Coordinator, false, &batam, &binjai));
        assert!(!may_accompany(Role::Coordinator, false, &kalbar, &binjai));
        assert!(!may_accompany(
            Role::Coordinator,
            false,
            &Scope::National,
            &binjai
        ));
        assert!(accompanied_kind(ActivityKind::Outreach));
        assert!(!accompanied_kind(ActivityKind::Coordination));
    }
}
