//! What an IBM unit did: an awareness session (level, audience, materials), outreach
//! (how many people were reached and how many agreed to screening) or a coordination
//! meeting (how many attended, on what). Counts only: nobody reached is named here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clinical::FieldError;
use crate::keyed::{keyed_enum, optional_text};
use crate::programme::activity::{ActivityLevel, Audience};
use crate::programme::one_line;
use crate::programme::unit::MAX_ATTENDEES;

keyed_enum! {
    /// The kinds of activity.
    pub enum ActivityKind {
        /// Sosialisasi: an awareness session.
        Awareness = "awareness",
        /// Outreach contacts with people who use drugs.
        Outreach = "outreach",
        /// A coordination meeting.
        Coordination = "coordination",
    }
    invalid = "invalid.activity_kind"
}

/// Most people reached in one outreach activity.
pub const MAX_REACHED: u32 = 10_000;

/// An activity's details, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ActivityDetail {
    /// An awareness session.
    Awareness {
        /// Where.
        level: ActivityLevel,
        /// Who came, counted.
        audience: Audience,
        /// Materials used, e.g. `leaflet, video`.
        materials: Option<String>,
    },
    /// Outreach contacts.
    Outreach {
        /// People reached, 1–10,000.
        reached: u32,
        /// Of them, how many agreed to screening.
        agreed_to_screening: u32,
    },
    /// A coordination meeting.
    Coordination {
        /// People attending, 1–1,000.
        attendees: u32,
        /// What it was about.
        topic: String,
    },
}

/// An activity as submitted by a form or the API: every kind's fields, all optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActivity {
    /// The day, `YYYY-MM-DD`, today when empty: read by the use-case, which knows the
    /// local date.
    #[serde(default)]
    pub held_on: Option<String>,
    /// `awareness`, `outreach` or `coordination`.
    #[serde(default)]
    pub kind: String,
    /// Awareness: the level.
    #[serde(default)]
    pub level: Option<String>,
    /// Awareness: how many attended.
    #[serde(default)]
    pub total: Option<u32>,
    /// Awareness: men and boys.
    #[serde(default)]
    pub male: Option<u32>,
    /// Awareness: women and girls.
    #[serde(default)]
    pub female: Option<u32>,
    /// Awareness: counts by age band, optional.
    #[serde(default)]
    pub age_bands: BTreeMap<String, u32>,
    /// Awareness: materials used.
    #[serde(default)]
    pub materials: Option<String>,
    /// Outreach: people reached.
    #[serde(default)]
    pub reached: Option<u32>,
    /// Outreach: of them, agreed to screening.
    #[serde(default)]
    pub agreed_to_screening: Option<u32>,
    /// Coordination: people attending.
    #[serde(default)]
    pub attendees: Option<u32>,
    /// Coordination: the topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Outreach: codes of the clients reached who consent to being linked; checked by
    /// the use-case, which knows the clients.
    #[serde(default)]
    pub clients: Vec<String>,
    /// Whether the recorder confirmed a day more than a year back (see [`activity_day`]).
    #[serde(default)]
    pub confirm_old_date: bool,
    /// Awareness and outreach: the user id of the BNNK officer who accompanied it, if
    /// any; checked by the use-case, which knows the users
    /// (`crate::programme::supervision::may_accompany`).
    #[serde(default)]
    pub accompanied_by: Option<String>,
}

/// How many days after recording it an activity may be corrected or voided.
pub const CORRECTION_DAYS: i64 = 7;

/// Why an activity may not be corrected or voided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionRefused {
    /// Only its author or a coordinator of the unit's village may.
    NotTheirs,
    /// Seven days have passed since it was recorded.
    TooLate,
}

/// Whether an activity recorded at `recorded_at` may be corrected or voided at `now` by
/// its author (`author`) or a coordinator of its unit (`coordinator`): within seven days,
/// after which the figures it fed stand (a later mistake is a matter for the audit).
pub fn correction_allowed(
    recorded_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    author: bool,
    coordinator: bool,
) -> Result<(), CorrectionRefused> {
    if !(author || coordinator) {
        Err(CorrectionRefused::NotTheirs)
    } else if now - recorded_at > chrono::Duration::days(CORRECTION_DAYS) {
        Err(CorrectionRefused::TooLate)
    } else {
        Ok(())
    }
}

/// How many days back an activity may be dated before the recorder must confirm the day.
pub const DAYS_BACK_UNCONFIRMED: i64 = 365;

/// The day of an activity seen on `today`: never in the future
/// (`invalid.future_date`); more than a year back only when `confirmed`
/// (`invalid.activity_date_old`), so that a mistyped year (1900, 2002) is caught.
pub fn activity_day(
    day: chrono::NaiveDate,
    today: chrono::NaiveDate,
    confirmed: bool,
) -> Result<chrono::NaiveDate, crate::Invalid> {
    if day > today {
        Err(crate::Invalid::new("invalid.future_date"))
    } else if (today - day).num_days() > DAYS_BACK_UNCONFIRMED && !confirmed {
        Err(crate::Invalid::new("invalid.activity_date_old"))
    } else {
        Ok(day)
    }
}

impl ActivityDetail {
    /// Checks a submitted activity, reporting every problem at once (field, key): `kind`
    /// (`invalid.activity_kind`); for awareness `level` (`invalid.activity_level`), the
    /// audience as [`Audience::parse`] and `materials` up to 500 characters
    /// (`invalid.activity_materials`); for outreach `reached` 1–10,000
    /// (`invalid.outreach_reached`) and `agreed_to_screening` at most that
    /// (`invalid.outreach_agreed`); for coordination `attendees` 1–1,000
    /// (`invalid.attendee_total`) and a `topic` of 1–200 characters
    /// (`invalid.activity_topic`).
    pub fn parse(raw: &RawActivity) -> Result<Self, Vec<FieldError>> {
        let kind = ActivityKind::parse(raw.kind.trim())
            .map_err(|e| vec![FieldError::new("kind", e.key)])?;
        let mut errors = Vec::new();
        let detail = match kind {
            ActivityKind::Awareness => {
                let level = ActivityLevel::parse(raw.level.as_deref().unwrap_or_default())
                    .map_err(|e| errors.push(FieldError::new("level", e.key)));
                let audience = Audience::parse(
                    raw.total.unwrap_or(0),
                    raw.male.unwrap_or(0),
                    raw.female.unwrap_or(0),
                    &raw.age_bands,
                )
                .map_err(|e| errors.extend(e));
                let materials =
                    optional_text(raw.materials.as_deref(), 500, "invalid.activity_materials")
                        .map_err(|e| errors.push(FieldError::new("materials", e.key)));
                match (level, audience, materials) {
                    (Ok(level), Ok(audience), Ok(materials)) => Some(Self::Awareness {
                        level,
                        audience,
                        materials,
                    }),
                    _ => None,
                }
            }
            ActivityKind::Outreach => {
                let reached = raw.reached.unwrap_or(0);
                let agreed = raw.agreed_to_screening.unwrap_or(0);
                if !(1..=MAX_REACHED).contains(&reached) {
                    errors.push(FieldError::new("reached", "invalid.outreach_reached"));
                } else if agreed > reached {
                    errors.push(FieldError::new(
                        "agreed_to_screening",
                        "invalid.outreach_agreed",
                    ));
                }
                Some(Self::Outreach {
                    reached,
                    agreed_to_screening: agreed,
                })
            }
            ActivityKind::Coordination => {
                let attendees = raw.attendees.unwrap_or(0);
                if !(1..=MAX_ATTENDEES).contains(&attendees) {
                    errors.push(FieldError::new("attendees", "invalid.attendee_total"));
                }
                let topic = one_line(
                    raw.topic.as_deref().unwrap_or_default(),
                    200,
                    "topic",
                    "invalid.activity_topic",
                    &mut errors,
                );
                Some(Self::Coordination { attendees, topic })
            }
        };
        match detail {
            Some(detail) if errors.is_empty() => Ok(detail),
            _ => Err(errors),
        }
    }

    /// The kind.
    pub fn kind(&self) -> ActivityKind {
        match self {
            Self::Awareness { .. } => ActivityKind::Awareness,
            Self::Outreach { .. } => ActivityKind::Outreach,
            Self::Coordination { .. } => ActivityKind::Coordination,
        }
    }

    /// How many people it reached: the audience, the people contacted, or the attendees.
    pub fn people(&self) -> u32 {
        match self {
            Self::Awareness { audience, .. } => audience.total(),
            Self::Outreach { reached, .. } => *reached,
            Self::Coordination { attendees, .. } => *attendees,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn fields(raw: &RawActivity) -> Vec<(String, &'static str)> {
        ActivityDetail::parse(raw)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.key))
            .collect()
    }

    fn awareness(level: &str, total: u32, male: u32, female: u32) -> RawActivity {
        RawActivity {
            kind: "awareness".into(),
            level: Some(level.into()),
            total: Some(total),
            male: Some(male),
            female: Some(female),
            ..RawActivity::default()
        }
    }

    #[test]
    fn an_rw_awareness_session_is_accepted_and_round_trips() {
        let mut raw = awareness("rw", 40, 22, 18);
        raw.materials = Some("leaflet".into());
        let d = ActivityDetail::parse(&raw).unwrap();
        assert_eq!((d.kind(), d.people()), (ActivityKind::Awareness, 40));
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains(r#""kind":"awareness""#), "{json}");
        assert_eq!(serde_json::from_str::<ActivityDetail>(&json).unwrap(), d);
    }

    #[test]
    fn an_awareness_session_that_does_not_add_up_is_refused_with_every_field() {
        let mut raw = awareness("kabupaten", 40, 20, 18);
        raw.materials = Some("x".repeat(501));
        assert_eq!(
            fields(&raw),
            [
                ("level".into(), "invalid.activity_level"),
                ("sex".into(), "invalid.audience_sum"),
                ("materials".into(), "invalid.activity_materials"),
            ]
        );
    }

    #[test]
    fn outreach_and_coordination_have_their_own_checks() {
        let outreach = |reached, agreed| RawActivity {
            kind: "outreach".into(),
            reached: Some(reached),
            agreed_to_screening: Some(agreed),
            ..RawActivity::default()
        };
        assert_eq!(
            ActivityDetail::parse(&outreach(12, 3)).unwrap().people(),
            12
        );
        assert_eq!(
            fields(&outreach(0, 0)),
            [("reached".into(), "invalid.outreach_reached")]
        );
        assert_eq!(
            fields(&outreach(3, 4)),
            [("agreed_to_screening".into(), "invalid.outreach_agreed")]
        );
        let meeting = RawActivity {
            kind: "coordination".into(),
            attendees: Some(0),
            ..RawActivity::default()
        };
        assert_eq!(
            fields(&meeting),
            [
                ("attendees".into(), "invalid.attendee_total"),
                ("topic".into(), "invalid.activity_topic"),
            ]
        );
        let bad = RawActivity {
            kind: "party".into(),
            ..RawActivity::default()
        };
        assert_eq!(fields(&bad), [("kind".into(), "invalid.activity_kind")]);
    }

    #[test]
    fn unknown_fields_are_refused_so_no_name_slips_in() {
        let json = r#"{"kind":"outreach","reached":2,"names":["Budi"]}"#;
        assert!(serde_json::from_str::<RawActivity>(json).is_err());
    }

    proptest! {
        #[test]
        fn outreach_is_accepted_exactly_when_agreed_is_at_most_reached(
            reached in 0u32..12_000, agreed in 0u32..12_000,
        ) {
            let raw = RawActivity {
                kind: "outreach".into(),
                reached: Some(reached),
                agreed_to_screening: Some(agreed),
                ..RawActivity::default()
            };
            let ok = (1..=MAX_REACHED).contains(&reached) && agreed <= reached;
            prop_assert_eq!(ActivityDetail::parse(&raw).is_ok(), ok);
        }
    }

    #[test]
    fn a_day_more_than_a_year_back_needs_confirming_and_a_future_one_is_refused() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let today = d(2026, 12, 3);
        assert_eq!(activity_day(d(2026, 1, 2), today, false), Ok(d(2026, 1, 2)));
        let old = activity_day(d(1900, 1, 1), today, false).unwrap_err();
        assert_eq!(old.key, "invalid.activity_date_old");
        assert_eq!(activity_day(d(2024, 1, 1), today, true), Ok(d(2024, 1, 1)));
        let ahead = activity_day(d(2026, 12, 4), today, true).unwrap_err();
        assert_eq!(ahead.key, "invalid.future_date");
    }

    #[test]
    fn an_activity_is_corrected_by_its_author_or_coordinator_within_seven_days() {
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("time");
        let later = |days| at + chrono::Duration::days(days);
        assert_eq!(correction_allowed(at, later(7), true, false), Ok(()));
        assert_eq!(correction_allowed(at, later(1), false, true), Ok(()));
        assert_eq!(
            correction_allowed(at, later(1), false, false),
            Err(CorrectionRefused::NotTheirs)
        );
        assert_eq!(
            correction_allowed(at, later(8), true, true),
            Err(CorrectionRefused::TooLate)
        );
    }
}
