//! Activities of a BNNK or BNNP office itself (article-002: the province office's own
//! penyuluhan), not of a village's IBM unit: an awareness session or an outreach run by
//! the office's staff, with relawan anti-narkoba and school counsellors (guru BK) beside
//! them.
//!
//! Who may record one: a coordinator or counsellor of a BNN organisation placed at a
//! regency or city (BNNK) or a province (BNNP) — [`is_office`]. Where: any place inside
//! the office's area, as precise as it is known — a village, a district, or the regency or
//! province as a whole (a city-wide event, a radio talk) — [`office_place`]; its figures
//! count there and at every node above it.
//!
//! What it carries besides the unit activity's detail (level, audience by sex and age
//! band, materials; or the people reached): [`OfficeCounts`], the audience **counted by
//! group** (students, parents, teachers, school counsellors, relawan, workers, the general
//! public) and the **facilitators counted by kind** (BNN staff, relawan, school
//! counsellors, partner staff). Counts only: no one, and no minor above all, is named.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clinical::FieldError;
use crate::keyed::keyed_enum;
use crate::org::OrgType;
use crate::programme::activity_detail::ActivityDetail;
use crate::region::{RegionCode, RegionLevel, Scope};

keyed_enum! {
    /// A group of an awareness session's audience, counted.
    pub enum AudienceGroup {
        /// Pupils and students (many of them minors: counted, never named).
        Students = "students",
        /// Parents.
        Parents = "parents",
        /// Teachers.
        Teachers = "teachers",
        /// School counsellors (guru BK).
        SchoolCounsellors = "school_counsellors",
        /// Relawan anti-narkoba (volunteers).
        Relawan = "relawan",
        /// Workers, at a workplace.
        Workers = "workers",
        /// The general public.
        Public = "public",
    }
    invalid = "invalid.audience_group"
}

keyed_enum! {
    /// Who ran an office activity, counted by kind.
    pub enum FacilitatorKind {
        /// Staff of the BNN office.
        BnnStaff = "bnn_staff",
        /// Relawan anti-narkoba.
        Relawan = "relawan",
        /// School counsellors (guru BK).
        SchoolCounsellors = "school_counsellors",
        /// Staff of a partner organisation.
        PartnerStaff = "partner_staff",
    }
    invalid = "invalid.facilitator_kind"
}

/// Most facilitators of one kind in one activity.
pub const MAX_FACILITATORS: u32 = 1_000;

/// An office activity's counts, checked: the audience by group (awareness only, adding
/// up to at most the audience; the rest is unassigned) and the facilitators by kind (at
/// least one). Kinds counted as none are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeCounts {
    /// The audience by group.
    #[serde(default)]
    pub audience_groups: BTreeMap<AudienceGroup, u32>,
    /// The facilitators by kind.
    #[serde(default)]
    pub facilitators: BTreeMap<FacilitatorKind, u32>,
}

/// Parses keyed counts, pushing `prefix.<key>` with `invalid` for an unknown key and
/// leaving zeros out.
fn keyed_counts<K: Ord + Copy>(
    raw: &BTreeMap<String, u32>,
    parse: impl Fn(&str) -> Result<K, crate::Invalid>,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<K, u32> {
    let mut out = BTreeMap::new();
    for (key, &n) in raw {
        match parse(key) {
            Ok(k) if n > 0 => {
                out.insert(k, n);
            }
            Ok(_) => {}
            Err(e) => errors.push(FieldError::new(format!("{prefix}.{key}"), e.key)),
        }
    }
    out
}

impl OfficeCounts {
    /// Checks the counts of an activity with `detail`, reporting every problem at once:
    /// an unknown group (`audience_groups.<key>`, `invalid.audience_group`) or kind
    /// (`facilitators.<key>`, `invalid.facilitator_kind`); groups on an outreach
    /// (`audience_groups`, `invalid.audience_groups_kind`) or adding up to more than the
    /// audience (`audience_groups`, `invalid.audience_groups_sum`); more than 1,000
    /// facilitators of a kind (`facilitators.<key>`, `invalid.facilitator_count`) or none
    /// at all (`facilitators`, `invalid.facilitators_none`).
    pub fn parse(
        detail: &ActivityDetail,
        groups: &BTreeMap<String, u32>,
        facilitators: &BTreeMap<String, u32>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let audience_groups =
            keyed_counts(groups, AudienceGroup::parse, "audience_groups", &mut errors);
        let facilitators = keyed_counts(
            facilitators,
            FacilitatorKind::parse,
            "facilitators",
            &mut errors,
        );
        let grouped: u64 = audience_groups.values().map(|&n| u64::from(n)).sum();
        match detail {
            ActivityDetail::Awareness { audience, .. } if grouped > u64::from(audience.total()) => {
                errors.push(FieldError::new(
                    "audience_groups",
                    "invalid.audience_groups_sum",
                ));
            }
            ActivityDetail::Awareness { .. } => {}
            _ if grouped > 0 => errors.push(FieldError::new(
                "audience_groups",
                "invalid.audience_groups_kind",
            )),
            _ => {}
        }
        for (kind, &n) in &facilitators {
            if n > MAX_FACILITATORS {
                errors.push(FieldError::new(
                    format!("facilitators.{}", kind.key()),
                    "invalid.facilitator_count",
                ));
            }
        }
        if facilitators.is_empty() {
            errors.push(FieldError::new("facilitators", "invalid.facilitators_none"));
        }
        if errors.is_empty() {
            Ok(Self {
                audience_groups,
                facilitators,
            })
        } else {
            Err(errors)
        }
    }

    /// How many of the audience were of `group`.
    pub fn reached(&self, group: AudienceGroup) -> u32 {
        self.audience_groups.get(&group).copied().unwrap_or(0)
    }
}

/// Whether an organisation of `org_type` placed at `place` is a BNN office that runs its
/// own activities: a BNNK (a regency or city) or a BNNP (a province). BNN headquarters
/// and other organisations are not.
pub fn is_office(org_type: OrgType, place: &Scope) -> bool {
    match (org_type, place) {
        (OrgType::Bnn, Scope::Region(code)) => {
            matches!(code.level(), RegionLevel::Province | RegionLevel::Regency)
        }
        _ => false,
    }
}

/// Whether an office placed at `office` may record an activity at `place`: a place inside
/// its area (the area itself included), at any level from the province to a village.
pub fn office_place(office: &Scope, place: &RegionCode) -> bool {
    office.includes(&Scope::Region(place.clone()))
}

#[cfg(test)]
#[path = "office_activity_tests.rs"]
mod tests;
