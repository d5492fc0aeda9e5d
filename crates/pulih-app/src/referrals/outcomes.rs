//! Referral outcome figures for a region and period, from live data: how many were
//! sent, the share completed (of those not cancelled by the sender) and the median days
//! from sending to acceptance. Small cells are suppressed for aggregate-only roles.

use chrono::NaiveDate;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::figures::{Count, SMALL_CELL, median, share, suppresses};
use pulih_domain::referral::ReferralStatus;
use pulih_domain::region::{RegionCode, Scope};
use serde::Serialize;

use crate::{App, AppResult};

/// Referral outcomes in a region and period.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralOutcomes {
    /// The region.
    pub region: RegionCode,
    /// First day of the period (referrals sent on or after it).
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Referrals sent.
    pub sent: Count,
    /// Of those, completed.
    pub completed: Count,
    /// Completed, in percent of those not cancelled by the sender.
    pub completion_rate: Option<f64>,
    /// Median days from sending to the partner's acceptance.
    pub median_days_to_accept: Option<f64>,
}

impl App {
    /// Referral outcomes for referrals of clients at or below `region` sent between
    /// `from` and `to` (default: the twelve months up to today).
    #[tracing::instrument(skip_all)]
    pub async fn referral_outcomes(
        &self,
        actor: &Actor,
        region: &RegionCode,
        from: Option<&str>,
        to: Option<&str>,
    ) -> AppResult<ReferralOutcomes> {
        authorize(actor, Action::ViewOutcomes, &Scope::Region(region.clone()))?;
        let today = self.today_in(region).await?;
        let (from, to) =
            crate::PeriodInput::of(from, to).days(today, crate::outcomes::twelve_months_to)?;
        let rows = self.store.referral_outcomes(region, from, to).await?;
        let count = |status: ReferralStatus| {
            rows.iter().filter(|r| r.status == status.key()).count() as u64
        };
        let sent = rows.len() as u64;
        let completed = count(ReferralStatus::Completed);
        let suppress = suppresses(actor.role);
        let days: Vec<f64> = rows
            .iter()
            .filter_map(|r| r.accepted_at.map(|a| (a - r.sent_at).num_minutes()))
            .map(|minutes| minutes as f64 / 1440.0)
            .collect();
        let enough = !suppress || days.len() as u64 >= SMALL_CELL;
        Ok(ReferralOutcomes {
            region: region.clone(),
            from,
            to,
            sent: Count::of(sent, suppress),
            completed: Count::of(completed, suppress),
            completion_rate: share(
                Count::of(completed, suppress),
                Count::of(sent - count(ReferralStatus::Cancelled), suppress),
            ),
            median_days_to_accept: median(days)
                .filter(|_| enough)
                .map(|d| (d * 10.0).round() / 10.0),
        })
    }
}
