//! What the page of a region shows of its legal instruments, read at once: the
//! regulations it issues, a regency's programme decrees, and, beside a regency's IKOTAN
//! form, the regulations in force that are evidence for it.

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};

use crate::{App, AppResult, DecreeView, RegulationLine};

/// The legal instruments of a region as its page shows them.
#[derive(Debug, Clone, Default)]
pub struct LegalSection {
    /// Whether the user sees them at all (a province, regency or village in scope).
    pub shown: bool,
    /// Whether the user may record regulations here.
    pub manage: bool,
    /// The regulations the region issues, newest first.
    pub regulations: Vec<RegulationLine>,
    /// A regency's programme decrees, newest first.
    pub decrees: Vec<DecreeView>,
    /// For a user who records the regency's IKOTAN: the regulations in force of the
    /// regency and its province.
    pub evidence: Vec<RegulationLine>,
}

impl App {
    /// The legal section of the page of `code`; `ikotan` when the user records the
    /// regency's IKOTAN (the evidence is read only then).
    pub(crate) async fn legal_section(
        &self,
        actor: &Actor,
        code: &RegionCode,
        ikotan: bool,
    ) -> AppResult<LegalSection> {
        let level = code.level();
        let scope = Scope::Region(code.clone());
        let issuing = matches!(
            level,
            RegionLevel::Province | RegionLevel::Regency | RegionLevel::Village
        );
        if !issuing || authorize(actor, Action::ViewProgramme, &scope).is_err() {
            return Ok(LegalSection::default());
        }
        let regency = level == RegionLevel::Regency;
        let decrees = async {
            if regency {
                self.programme_decrees(actor, code).await
            } else {
                Ok(Vec::new())
            }
        };
        let evidence = async {
            if regency && ikotan {
                self.ikotan_evidence(actor, code).await
            } else {
                Ok(Vec::new())
            }
        };
        let (regulations, decrees, evidence) =
            futures::try_join!(self.regulations(actor, code), decrees, evidence)?;
        Ok(LegalSection {
            shown: true,
            manage: authorize(actor, Action::ManageRegulations, &scope).is_ok(),
            regulations,
            decrees,
            evidence,
        })
    }
}
