//! Episodes of care and how they began (intake pathways), with the PP 25/2011 minimum
//! data set. Everything here except the pathway and the TAT deadline is sealed at rest.

use chrono::{Days, NaiveDate};

use crate::clinical::assist::Substance;
use crate::keyed::keyed_enum;

keyed_enum! {
    /// How a client came into care.
    pub enum Pathway {
        /// Found by an IBM unit's outreach.
        IbmOutreach = "ibm_outreach",
        /// Reported voluntarily (Wajib Lapor) at an IPWL.
        WajibLapor = "wajib_lapor",
        /// Assessed by the TAT after arrest.
        Tat = "tat",
        /// Released from prison (Lapas).
        LapasRelease = "lapas_release",
        /// Brought by family.
        FamilyReferral = "family_referral",
        /// Brought by the community.
        CommunityReferral = "community_referral",
    }
    invalid = "invalid.pathway"
}

/// The TAT must assess an arrested person within six days of the arrest.
pub const TAT_ASSESSMENT_DAYS: u64 = 6;

keyed_enum! {
    /// How a substance is taken.
    pub enum Route {
        /// Swallowed.
        Oral = "oral",
        /// Smoked.
        Smoked = "smoked",
        /// Sniffed or inhaled.
        Sniffed = "sniffed",
        /// Injected.
        Injected = "injected",
        /// Another route.
        Other = "other",
    }
    invalid = "invalid.route"
}

keyed_enum! {
    /// Treatment before this episode.
    pub enum TreatmentHistory {
        /// Never treated.
        None = "none",
        /// Outpatient treatment only.
        Outpatient = "outpatient",
        /// Inpatient treatment only.
        Inpatient = "inpatient",
        /// Both.
        Both = "both",
    }
    invalid = "invalid.treatment_history"
}

/// The PP 25/2011 minimum data set of an episode.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MinimumDataSet {
    /// Substances used.
    pub substances: Vec<Substance>,
    /// How long the client has used, in months.
    pub use_months: Option<u16>,
    /// Routes of use.
    pub routes: Vec<Route>,
    /// Working diagnosis (e.g. an ICD-10 code with words).
    pub diagnosis: Option<String>,
    /// Treatment before.
    pub treatment_history: Option<TreatmentHistory>,
}

/// The sealed part of an episode.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EpisodeDetail {
    /// Kartu lapor diri number (Wajib Lapor).
    pub card_number: Option<String>,
    /// Date of arrest (TAT).
    pub arrested_on: Option<NaiveDate>,
    /// Date of release (Lapas).
    pub released_on: Option<NaiveDate>,
    /// The minimum data set.
    pub data: MinimumDataSet,
}

impl EpisodeDetail {
    /// Fields each pathway requires, as (field, translation key).
    pub fn problems(
        &self,
        pathway: Pathway,
        opened_on: NaiveDate,
    ) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        match pathway {
            Pathway::WajibLapor if self.card_number.is_none() => {
                out.push(("card_number", "invalid.card_number_required"));
            }
            Pathway::Tat if self.arrested_on.is_none() => {
                out.push(("arrested_on", "invalid.arrest_date_required"));
            }
            Pathway::LapasRelease if self.released_on.is_none() => {
                out.push(("released_on", "invalid.release_date_required"));
            }
            _ => {}
        }
        if self.arrested_on.is_some_and(|a| a > opened_on) {
            out.push(("arrested_on", "invalid.arrest_after_opening"));
        }
        out
    }
}

/// When the TAT assessment is due for an arrest on `arrested_on`.
pub fn assessment_due(arrested_on: NaiveDate) -> NaiveDate {
    arrested_on
        .checked_add_days(Days::new(TAT_ASSESSMENT_DAYS))
        .unwrap_or(arrested_on)
}

crate::redacted_debug!(MinimumDataSet, EpisodeDetail);

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    #[test]
    fn the_tat_assessment_is_due_six_days_after_arrest() {
        assert_eq!(assessment_due(day(20)), day(26));
    }

    #[test]
    fn each_pathway_asks_for_its_own_evidence() {
        let empty = EpisodeDetail {
            card_number: None,
            arrested_on: None,
            released_on: None,
            data: MinimumDataSet::default(),
        };
        assert_eq!(empty.problems(Pathway::Tat, day(20))[0].0, "arrested_on");
        assert_eq!(
            empty.problems(Pathway::WajibLapor, day(20))[0].0,
            "card_number"
        );
        assert_eq!(
            empty.problems(Pathway::LapasRelease, day(20))[0].0,
            "released_on"
        );
        assert!(empty.problems(Pathway::IbmOutreach, day(20)).is_empty());
        let late = EpisodeDetail {
            arrested_on: Some(day(21)),
            ..empty
        };
        assert_eq!(
            late.problems(Pathway::Tat, day(20))[0].1,
            "invalid.arrest_after_opening"
        );
    }
}
