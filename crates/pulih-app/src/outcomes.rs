//! Outcome figures of a region from live data. For now: the share of clients finishing
//! aftercare who did not relapse during it (BNN's target: at least half).

use chrono::{Months, NaiveDate};
use pulih_domain::aftercare::{TARGET_NOT_RELAPSED, share_not_relapsed};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::figures::{Count, suppresses};
use pulih_domain::region::{RegionCode, Scope};
use serde::{Deserialize, Serialize};

use crate::error::Fields;
use crate::{App, AppError, AppResult};

/// A period as asked: `YYYY-MM-DD` bounds, both inclusive; the twelve months up to today
/// when empty.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodInput {
    /// First day.
    #[serde(default)]
    pub from: Option<String>,
    /// Last day.
    #[serde(default)]
    pub to: Option<String>,
}

impl PeriodInput {
    /// A period from optional texts.
    pub fn of(from: Option<&str>, to: Option<&str>) -> Self {
        Self {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
        }
    }

    /// The first and last day: as given, else up to `today` and from `default_from` of
    /// the last day; refused field by field when a date does not parse or the period
    /// ends before it starts.
    pub fn days(
        &self,
        today: NaiveDate,
        default_from: impl FnOnce(NaiveDate) -> NaiveDate,
    ) -> AppResult<(NaiveDate, NaiveDate)> {
        let mut f = Fields::default();
        let to = f.optional_date("to", self.to.as_deref()).unwrap_or(today);
        let from = f
            .optional_date("from", self.from.as_deref())
            .unwrap_or_else(|| default_from(to));
        if from > to {
            f.add("from", "invalid.period");
        }
        f.finish()?;
        Ok((from, to))
    }
}

/// The twelve months up to and including `to`.
pub fn twelve_months_to(to: NaiveDate) -> NaiveDate {
    (to - Months::new(12)).succ_opt().unwrap_or(to)
}

/// The aftercare outcome of a region over a period.
#[derive(Debug, Clone, Serialize)]
pub struct AftercareOutcome {
    /// The region.
    pub region: RegionCode,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Clients whose aftercare ended completed in the period.
    pub finished: Count,
    /// Of them, those who did not relapse during it.
    pub not_relapsed: Count,
    /// Those who did.
    pub relapsed: Count,
    /// The share not relapsed, in percent rounded down; none when nobody finished or
    /// when a small cell is hidden (the share would reveal it).
    pub share_not_relapsed: Option<u64>,
    /// BNN's target, in percent.
    pub target: u64,
    /// Whether the share reaches the target.
    pub meets_target: Option<bool>,
    /// Whether small cells are hidden for this user.
    pub suppressed: bool,
}

impl App {
    /// The share of clients finishing aftercare in `period` at or below `region` who
    /// did not relapse during it. Analysts see counts of 1–4 as "<5".
    #[tracing::instrument(skip_all, fields(region = %region))]
    pub async fn aftercare_outcomes(
        &self,
        actor: &Actor,
        region: &RegionCode,
        period: &PeriodInput,
    ) -> AppResult<AftercareOutcome> {
        if self.region_row(region).await?.is_none_or(|r| r.retired) {
            return Err(AppError::NotFound);
        }
        authorize(actor, Action::ViewOutcomes, &Scope::Region(region.clone()))?;
        let today = self.today_in(region).await?;
        let (from, to) = period.days(today, twelve_months_to)?;
        let counts = self.store.aftercare_counts(region, from, to).await?;
        let suppress = suppresses(actor.role);
        let not = counts.finished.saturating_sub(counts.relapsed);
        let shown = [counts.finished, not, counts.relapsed].map(|n| Count::of(n, suppress));
        let hidden = shown.iter().any(|s| s.exact().is_none());
        let share = share_not_relapsed(counts.finished, counts.relapsed).filter(|_| !hidden);
        Ok(AftercareOutcome {
            region: region.clone(),
            from,
            to,
            finished: shown[0],
            not_relapsed: shown[1],
            relapsed: shown[2],
            share_not_relapsed: share,
            target: TARGET_NOT_RELAPSED,
            meets_target: share.map(|s| s >= TARGET_NOT_RELAPSED),
            suppressed: suppress,
        })
    }
}
