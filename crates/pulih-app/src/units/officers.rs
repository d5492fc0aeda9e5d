//! The BNNK officer who accompanied an awareness session or an outreach (article-003):
//! picked from the coordinators and counsellors of the unit's regency, optional
//! (`pulih_domain::programme::supervision::may_accompany`).

use pulih_domain::authz::Actor;
use pulih_domain::ids::{UnitId, UserId};
use pulih_domain::programme::activity_detail::ActivityKind;
use pulih_domain::programme::supervision::{accompanied_kind, may_accompany};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use serde::Serialize;

use crate::error::Fields;
use crate::{App, AppResult};

/// An officer who may accompany a unit's activities.
#[derive(Debug, Clone, Serialize)]
pub struct Officer {
    /// The officer's user id.
    pub user_id: UserId,
    /// The officer's name.
    pub display_name: String,
}

impl App {
    /// The officers who may be named as accompanying an activity of `unit`, by name: for
    /// whoever may record the unit's activities.
    #[tracing::instrument(skip_all, fields(unit = %unit))]
    pub async fn activity_officers(&self, actor: &Actor, unit: UnitId) -> AppResult<Vec<Officer>> {
        let unit = self.recording_unit(actor, unit).await?;
        self.officers_of(&unit.village).await
    }

    /// The officers of the regency of `village` who may accompany an activity there.
    pub(crate) async fn officers_of(&self, village: &RegionCode) -> AppResult<Vec<Officer>> {
        let Some(regency) = village.at_level(RegionLevel::Regency) else {
            return Ok(Vec::new());
        };
        let mut officers: Vec<Officer> = self
            .store
            .list_users(&Scope::Region(regency))
            .await?
            .into_iter()
            .filter(|u| may_accompany(u.role, u.disabled, &u.scope, village))
            .map(|u| Officer {
                user_id: u.id,
                display_name: u.display_name,
            })
            .collect();
        officers.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(officers)
    }

    /// The accompanying officer typed for an activity of `kind` in `village`: none when
    /// blank; an unknown user, one who may not accompany there, or a kind no officer
    /// accompanies is `invalid.accompanying_officer` at `accompanied_by`.
    pub(crate) async fn accompanying_officer(
        &self,
        f: &mut Fields,
        typed: Option<&str>,
        kind: ActivityKind,
        village: &RegionCode,
    ) -> AppResult<Option<UserId>> {
        let Some(typed) = typed.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        let user = match typed.parse::<UserId>() {
            Ok(id) => self.store.user(id).await?,
            Err(_) => None,
        };
        let fits = accompanied_kind(kind)
            && user
                .as_ref()
                .is_some_and(|u| may_accompany(u.role, u.disabled, &u.scope, village));
        if fits {
            Ok(user.map(|u| u.id))
        } else {
            f.add("accompanied_by", "invalid.accompanying_officer");
            Ok(None)
        }
    }
}
