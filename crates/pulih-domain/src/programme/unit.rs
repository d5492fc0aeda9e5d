//! IBM units: founded in a village at a meeting (who attended, counted by role) and by a
//! decree, with recovery agents as members. An agent is a user with role `agent`; the unit
//! keeps the agent's phone, sex, age band and status. An agent may serve a unit of a
//! village inside its scope: scoped to the village itself, or to the district or regency
//! around it ([`serves_village`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::client::{Sex, phone};
use crate::clinical::FieldError;
use crate::keyed::keyed_enum;
use crate::programme::activity::AgeBand;
use crate::programme::one_line;
use crate::region::{RegionCode, Scope};

keyed_enum! {
    /// Who attended a founding meeting.
    pub enum AttendeeRole {
        /// Kepala desa or lurah.
        VillageHead = "village_head",
        /// Sekretaris desa.
        VillageSecretary = "village_secretary",
        /// A future recovery agent.
        Agent = "agent",
        /// Tokoh masyarakat.
        CommunityLeader = "community_leader",
        /// Tokoh agama.
        ReligiousLeader = "religious_leader",
        /// An officer of the BNNK.
        BnnkOfficer = "bnnk_officer",
        /// Anyone else.
        Other = "other",
    }
    invalid = "invalid.attendee_role"
}

keyed_enum! {
    /// Whether an agent still works for the unit.
    pub enum MemberStatus {
        /// Active.
        Active = "active",
        /// Inactive for now.
        Inactive = "inactive",
        /// Resigned: final.
        Resigned = "resigned",
    }
    invalid = "invalid.member_status"
}

impl MemberStatus {
    /// Moves to `to`; a resigned agent stays resigned (`invalid.member_resigned`).
    pub fn change(self, to: Self) -> Result<Self, Invalid> {
        match self {
            Self::Resigned if to != Self::Resigned => Err(Invalid::new("invalid.member_resigned")),
            _ => Ok(to),
        }
    }
}

/// Most people counted at one meeting.
pub const MAX_ATTENDEES: u32 = 1_000;

/// The founding meeting of a unit: when, where, and how many attended in each role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundingMeeting {
    held_on: NaiveDate,
    place: String,
    attendees: BTreeMap<AttendeeRole, u32>,
}

impl FoundingMeeting {
    /// Validates a meeting, reporting every problem at once: a date not after `today`
    /// (`held_on`, `invalid.future_date`), a place of 1–200 characters (`place`,
    /// `invalid.meeting_place`), known roles (`attendees.<key>`, `invalid.attendee_role`)
    /// and 1–1,000 people in all (`attendees`, `invalid.attendee_total`).
    pub fn parse(
        held_on: NaiveDate,
        place: &str,
        attendees: &BTreeMap<String, u32>,
        today: NaiveDate,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if held_on > today {
            errors.push(FieldError::new("held_on", "invalid.future_date"));
        }
        let place = one_line(place, 200, "place", "invalid.meeting_place", &mut errors);
        let mut counted = BTreeMap::new();
        for (key, &n) in attendees {
            match AttendeeRole::parse(key) {
                Ok(role) if n > 0 => {
                    counted.insert(role, n);
                }
                Ok(_) => {}
                Err(e) => errors.push(FieldError::new(format!("attendees.{key}"), e.key)),
            }
        }
        let total: u64 = counted.values().map(|&n| u64::from(n)).sum();
        if !(1..=u64::from(MAX_ATTENDEES)).contains(&total) {
            errors.push(FieldError::new("attendees", "invalid.attendee_total"));
        }
        if errors.is_empty() {
            Ok(Self {
                held_on,
                place,
                attendees: counted,
            })
        } else {
            Err(errors)
        }
    }

    /// The day of the meeting.
    pub fn held_on(&self) -> NaiveDate {
        self.held_on
    }

    /// Where it was held.
    pub fn place(&self) -> &str {
        &self.place
    }

    /// How many attended in each role (roles with nobody left out).
    pub fn attendees(&self) -> &BTreeMap<AttendeeRole, u32> {
        &self.attendees
    }
}

/// What the unit keeps of an agent: phone, sex and an adult age band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentProfile {
    phone: Option<String>,
    sex: Sex,
    age_band: AgeBand,
}

impl AgentProfile {
    /// Validates a profile, reporting every problem at once: a phone number (`phone`,
    /// `invalid.phone`), a sex (`sex`, `invalid.sex`) and an age band of 15 or over
    /// (`age_band`, `invalid.age_band` or `invalid.agent_age_band`).
    pub fn parse(
        phone_text: Option<&str>,
        sex: &str,
        age_band: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let phone = phone(phone_text).unwrap_or_else(|e| {
            errors.push(FieldError::new("phone", e.key));
            None
        });
        let sex = Sex::parse(sex).map_err(|e| errors.push(FieldError::new("sex", e.key)));
        let band = match AgeBand::parse(age_band) {
            Ok(AgeBand::Under15) => Err(FieldError::new("age_band", "invalid.agent_age_band")),
            other => other.map_err(|e| FieldError::new("age_band", e.key)),
        }
        .map_err(|e| errors.push(e));
        match (sex, band) {
            (Ok(sex), Ok(age_band)) if errors.is_empty() => Ok(Self {
                phone,
                sex,
                age_band,
            }),
            _ => Err(errors),
        }
    }

    /// The phone number, normalised.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// Sex.
    pub fn sex(&self) -> Sex {
        self.sex
    }

    /// Age band.
    pub fn age_band(&self) -> AgeBand {
        self.age_band
    }
}

/// Whether an agent whose region scope is `scope` may be a member of the unit of
/// `village`: its scope is the village (or lies in it), or the district or regency around
/// it. National scope serves no one village: an agent works somewhere.
pub fn serves_village(village: &RegionCode, scope: &Scope) -> bool {
    match scope {
        Scope::Region(code) => village.contains(code) || code.contains(village),
        Scope::National => false,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    #[test]
    fn an_agent_serves_its_village_and_the_villages_of_its_district() {
        let binjai = RegionCode::parse("61.03.10.2010").expect("code");
        let at = |s: &str| Scope::parse(s).expect("scope");
        assert!(serves_village(&binjai, &at("61.03.10.2010")));
        assert!(serves_village(&binjai, &at("61.03.10")), "its kecamatan");
        assert!(serves_village(&binjai, &at("61.03")), "its kabupaten");
        assert!(
            !serves_village(&binjai, &at("61.03.10.2011")),
            "a neighbour"
        );
        assert!(
            !serves_village(&binjai, &at("61.03.11")),
            "another kecamatan"
        );
        assert!(!serves_village(&binjai, &at("21.71")), "Kota Batam");
        assert!(!serves_village(&binjai, &at("ID")));
    }

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 5, d).expect("date")
    }

    fn counts(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|&(k, n)| (k.to_owned(), n)).collect()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<(String, &'static str)> {
        errors.into_iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn the_binjai_founding_meeting_is_accepted() {
        let who = counts(&[
            ("village_head", 1),
            ("agent", 5),
            ("bnnk_officer", 3),
            ("other", 0),
        ]);
        let m = FoundingMeeting::parse(day(8), "Kantor Desa Binjai", &who, day(9)).unwrap();
        assert_eq!(m.attendees().len(), 3);
        assert_eq!(m.attendees().get(&AttendeeRole::Agent), Some(&5));
        assert_eq!((m.held_on(), m.place()), (day(8), "Kantor Desa Binjai"));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<FoundingMeeting>(&json).unwrap(), m);
    }

    #[test]
    fn a_meeting_in_the_future_nowhere_with_nobody_is_refused_field_by_field() {
        let who = counts(&[("mayor", 1)]);
        let errors = FoundingMeeting::parse(day(10), " ", &who, day(9)).unwrap_err();
        assert_eq!(
            fields(errors),
            [
                ("held_on".into(), "invalid.future_date"),
                ("place".into(), "invalid.meeting_place"),
                ("attendees.mayor".into(), "invalid.attendee_role"),
                ("attendees".into(), "invalid.attendee_total"),
            ]
        );
    }

    #[test]
    fn an_agent_profile_needs_a_sex_and_an_adult_age_band() {
        let p = AgentProfile::parse(Some("0812-3456-7890"), "female", "25_44").unwrap();
        assert_eq!(
            (p.phone(), p.sex(), p.age_band()),
            (Some("081234567890"), Sex::Female, AgeBand::From25To44)
        );
        let errors = AgentProfile::parse(Some("12"), "x", "under_15").unwrap_err();
        assert_eq!(
            fields(errors),
            [
                ("phone".into(), "invalid.phone"),
                ("sex".into(), "invalid.sex"),
                ("age_band".into(), "invalid.agent_age_band"),
            ]
        );
        assert!(AgentProfile::parse(None, "male", "45_plus").is_ok());
    }

    #[test]
    fn a_resigned_agent_stays_resigned() {
        use MemberStatus::*;
        assert_eq!(Active.change(Inactive), Ok(Inactive));
        assert_eq!(Inactive.change(Active), Ok(Active));
        assert_eq!(Active.change(Resigned), Ok(Resigned));
        assert_eq!(
            Resigned.change(Active),
            Err(Invalid::new("invalid.member_resigned"))
        );
    }

    proptest! {
        #[test]
        fn a_meeting_is_accepted_exactly_when_someone_attended_and_not_too_many(
            roles in prop::collection::btree_map(0usize..7, 0u32..400, 0..7),
        ) {
            let who: BTreeMap<String, u32> = roles
                .iter()
                .map(|(&i, &n)| (AttendeeRole::ALL[i].key().to_owned(), n))
                .collect();
            let total: u32 = who.values().sum();
            let parsed = FoundingMeeting::parse(day(1), "Balai desa", &who, day(1));
            prop_assert_eq!(parsed.is_ok(), (1..=MAX_ATTENDEES).contains(&total));
            if let Ok(m) = parsed {
                prop_assert_eq!(m.attendees().values().sum::<u32>(), total);
                prop_assert!(m.attendees().values().all(|&n| n > 0));
            }
        }
    }
}
