//! The page of one region, read in one call: the node with its breadcrumb, children and
//! history, and, as far as the user may see them, the village programme (IKN or IKOTAN
//! history, Bersinar, the IBM unit and its activities, Teman Sebaya), the regulations the
//! region issues with a regency's programme decrees ([`crate::legal`]), the BNN offices'
//! own activities held there and a regency's outcome figures. Rights are decided here, once; the sections are read concurrently,
//! the region tree from memory ([`crate::atlas`]); the page handler only renders.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::boundary::Geometry;
use pulih_domain::ids::UserId;
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_store::BersinarStep;

use crate::{
    ActivityView, AftercareOutcome, App, AppResult, AssessmentView, LegalSection, LinkageView,
    OfficeActivityList, Origin, PeerProgrammeSummary, PeriodInput, ReferralOutcomes,
    RegencyProgramme, RegionView, UnitView, VillagePeers, VocationalOutcomes,
};

/// Everything the page of a region shows to one user.
pub struct RegionPage {
    /// The node, its breadcrumb, children and history.
    pub view: RegionView,
    /// Today where the region lies.
    pub today: NaiveDate,
    /// What the user may do here.
    pub may: RegionRights,
    /// IKN history of a village or IKOTAN history of a regency, newest first.
    pub assessments: Vec<AssessmentView>,
    /// A regency's Bersinar targets, villages and candidates.
    pub programme: Option<RegencyProgramme>,
    /// The boundaries of a regency's villages that have one, for its map.
    pub boundaries: Arc<HashMap<RegionCode, Geometry>>,
    /// A village's Bersinar history.
    pub bersinar: Vec<BersinarStep>,
    /// A village's IBM unit, if formed.
    pub unit: Option<UnitView>,
    /// The unit's latest activities.
    pub activities: Vec<ActivityView>,
    /// The names of the officers who accompanied those activities.
    pub officers: HashMap<UserId, String>,
    /// A village's Teman Sebaya schools and this year's sessions.
    pub village_peers: Option<VillagePeers>,
    /// A regency's Teman Sebaya sums.
    pub peer_summary: Option<PeerProgrammeSummary>,
    /// A regency's referral outcomes over the last twelve months.
    pub referral_outcomes: Option<ReferralOutcomes>,
    /// A regency's re-arrest linkage counts in the last closed semester (a read that is
    /// audited).
    pub linkage: Option<LinkageView>,
    /// A regency's vocational outcomes over the last twelve months.
    pub vocational: Option<VocationalOutcomes>,
    /// A regency's aftercare outcome over the last twelve months.
    pub aftercare: Option<AftercareOutcome>,
    /// The regulations the region issues, a regency's programme decrees and its IKOTAN
    /// evidence.
    pub legal: LegalSection,
    /// The first page of the BNN offices' own activities held here or below, for those
    /// who read them.
    pub office_activities: Option<OfficeActivityList>,
}

impl RegionPage {
    /// The name of officer `id` who accompanied a listed activity.
    pub fn officer(&self, id: &UserId) -> &str {
        self.officers.get(id).map_or("", String::as_str)
    }
}

/// What the user may do on the page of a region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegionRights {
    /// Record an IKN assessment of this village.
    pub assess: bool,
    /// Take Bersinar steps here (a village) and set targets (a regency).
    pub manage_bersinar: bool,
    /// Form the village's IBM unit.
    pub manage_units: bool,
    /// Record the unit's activities.
    pub record_activity: bool,
    /// Add schools, count peer educators and record sessions in this village.
    pub record_peers: bool,
    /// Record this regency's IKOTAN.
    pub record_ikotan: bool,
}

impl App {
    /// The page of region `code` as `actor` may see it; sections the user may not see
    /// are empty. `origin` is the request's, for the audit of what is read.
    #[tracing::instrument(skip_all, fields(region = %code))]
    pub async fn region_page(
        &self,
        actor: &Actor,
        code: &RegionCode,
        origin: &Origin,
    ) -> AppResult<RegionPage> {
        let view = self.region_view(actor, code).await?;
        let today = self.today_in(code).await?;
        let scope = Scope::Region(code.clone());
        let allowed = |action| authorize(actor, action, &scope).is_ok();
        let level = code.level();
        let (village, regency) = (level == RegionLevel::Village, level == RegionLevel::Regency);
        let programme_seen = (village || regency) && allowed(Action::ViewProgramme);
        let outcomes_seen = regency && allowed(Action::ViewOutcomes);
        let may = RegionRights {
            assess: village && allowed(Action::AssessVillage),
            manage_bersinar: (village || regency) && allowed(Action::ManageBersinar),
            manage_units: village && allowed(Action::ManageUnits),
            record_activity: village && allowed(Action::RecordActivity),
            record_peers: village && allowed(Action::RecordPeerProgramme),
            record_ikotan: regency && allowed(Action::ApproveAssessment),
        };
        let text = code.as_str();
        let twelve_months = PeriodInput::default();
        let assessments = async {
            match (programme_seen, village) {
                (false, _) => Ok(Vec::new()),
                (true, true) => self.assessments(actor, AssessmentKind::Ikn, code).await,
                (true, false) => self.assessments(actor, AssessmentKind::Ikotan, code).await,
            }
        };
        let programme = async {
            if !(programme_seen && regency) {
                return Ok((None, Arc::default()));
            }
            let (programme, boundaries) = futures::try_join!(
                self.regency_programme(actor, code),
                self.village_boundaries_of(code)
            )?;
            Ok((Some(programme), boundaries))
        };
        let bersinar = async {
            if !(programme_seen && village) {
                return Ok(Vec::new());
            }
            self.bersinar_history(actor, code).await
        };
        let unit = async {
            if !(programme_seen && village) {
                return Ok((None, Vec::new(), HashMap::new()));
            }
            let Some(unit) = self.village_unit(actor, code).await? else {
                return Ok((None, Vec::new(), HashMap::new()));
            };
            let activities = self.village_activities(actor, code).await?;
            let officers = activities.iter().filter_map(|a| a.accompanied_by).collect();
            let officers = self.user_names(officers).await?;
            Ok((Some(unit), activities, officers))
        };
        let village_peers = async {
            if !(programme_seen && village) {
                return Ok(None);
            }
            self.village_peers(actor, code).await.map(Some)
        };
        let peer_summary = async {
            if !(programme_seen && regency) {
                return Ok(None);
            }
            self.teman_sebaya_summary(actor, code, None).await.map(Some)
        };
        let referral_outcomes = async {
            if !outcomes_seen {
                return Ok(None);
            }
            self.referral_outcomes(actor, code, None, None)
                .await
                .map(Some)
        };
        let linkage = async {
            if !(regency && allowed(Action::ViewLinkage)) {
                return Ok(None);
            }
            self.linkage(actor, text, None, origin).await.map(Some)
        };
        let vocational = async {
            if !outcomes_seen {
                return Ok(None);
            }
            self.vocational_outcomes(actor, code, twelve_months.clone())
                .await
                .map(Some)
        };
        let aftercare = async {
            if !outcomes_seen {
                return Ok(None);
            }
            self.aftercare_outcomes(actor, code, &twelve_months)
                .await
                .map(Some)
        };
        let legal = self.legal_section(actor, code, may.record_ikotan);
        let office_activities = async {
            if !Self::reads_office_activities(actor, code) {
                return Ok(None);
            }
            self.office_activities(actor, code, None).await.map(Some)
        };
        let (
            assessments,
            (programme, boundaries),
            bersinar,
            (unit, activities, officers),
            village_peers,
            peer_summary,
            referral_outcomes,
            linkage,
            vocational,
            aftercare,
            legal,
            office_activities,
        ) = futures::try_join!(
            assessments,
            programme,
            bersinar,
            unit,
            village_peers,
            peer_summary,
            referral_outcomes,
            linkage,
            vocational,
            aftercare,
            legal,
            office_activities
        )?;
        Ok(RegionPage {
            view,
            today,
            may,
            assessments,
            programme,
            boundaries,
            bersinar,
            unit,
            activities,
            officers,
            village_peers,
            peer_summary,
            referral_outcomes,
            linkage,
            vocational,
            aftercare,
            legal,
            office_activities,
        })
    }
}
