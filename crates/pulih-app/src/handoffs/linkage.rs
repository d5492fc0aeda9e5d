//! Re-arrest linkage as counts per region and period: coordinators of the scope see
//! them exact, analysts and police liaisons with small cells suppressed.

use chrono::{Datelike, NaiveDate};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::figures::{Count, suppresses};
use pulih_domain::handoff::{HandoffKind, REARREST_MONTHS};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::LinkageQuery;
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// The counts of one kind of hand-off.
#[derive(Debug, Clone, Serialize)]
pub struct KindCountView {
    /// The kind.
    pub kind: HandoffKind,
    /// Hand-offs recorded.
    pub recorded: Count,
    /// Of them, those whose person was a client before.
    pub matched: Count,
}

/// The linkage counts of a region and period.
#[derive(Debug, Clone, Serialize)]
pub struct LinkageView {
    /// The region (hand-offs recorded there or below).
    pub region: RegionCode,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Whether the counts are exact (else 1–4 show as `<5`).
    pub exact: bool,
    /// Per kind of hand-off.
    pub kinds: Vec<KindCountView>,
    /// Distinct clients arrested within the months below after finishing aftercare.
    pub rearrested_after_aftercare: Count,
    /// Those months.
    pub rearrest_months: u32,
}

impl App {
    /// The linkage counts of hand-offs recorded at `code` or below, dated `from` to `to`
    /// (by default from 1 January of the current year to today).
    #[tracing::instrument(skip_all)]
    pub async fn linkage(
        &self,
        actor: &Actor,
        code: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> AppResult<LinkageView> {
        let code = RegionCode::parse(code).map_err(|_| AppError::NotFound)?;
        if self.region_row(&code).await?.is_none() {
            return Err(AppError::NotFound);
        }
        authorize(actor, Action::ViewLinkage, &Scope::Region(code.clone()))?;
        let today = self.today_in(&code).await?;
        let (from, to) = crate::PeriodInput::of(from, to).days(today, |to| {
            NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to)
        })?;
        let query = LinkageQuery {
            region: code.clone(),
            from,
            to,
        };
        let counts = self.store.linkage_counts(&query).await?;
        let suppress = suppresses(actor.role);
        let shown = |n: i64| Count::of(u64::try_from(n).unwrap_or(0), suppress);
        Ok(LinkageView {
            region: code,
            from,
            to,
            exact: !suppress,
            kinds: counts
                .kinds
                .iter()
                .map(|k| KindCountView {
                    kind: k.kind,
                    recorded: shown(k.recorded),
                    matched: shown(k.matched),
                })
                .collect(),
            rearrested_after_aftercare: shown(counts.rearrested_after_aftercare),
            rearrest_months: REARREST_MONTHS,
        })
    }
}
