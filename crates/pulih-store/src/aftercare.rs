//! Aftercare as read: the follow-ups due for a worklist and the counts of the outcome
//! figure. Its facts are written as client facts ([`ClientTx`](crate::ClientTx)).

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::client::ClientCode;
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::region::RegionCode;

use crate::{ClientReach, StoreResult};

/// The pending visit of an open aftercare plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueVisit {
    /// The client.
    pub client_id: ClientId,
    /// The client's code.
    pub code: ClientCode,
    /// The worker the client is assigned to.
    pub assigned_to: Option<UserId>,
    /// When the visit is due.
    pub due_on: NaiveDate,
}

/// Counts behind the share not relapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AftercareCounts {
    /// Clients whose aftercare ended `completed` in the period.
    pub finished: u64,
    /// Of them, those who relapsed during it.
    pub relapsed: u64,
}

/// Storage for aftercare.
#[async_trait]
pub trait AftercareStore: Send + Sync {
    /// The pending visit of every open plan (an `aftercare_plan` no `aftercare_end`
    /// refers to) of the clients `reach` allows, due on or before `until`, earliest
    /// first. The pending date is the `due_on` of the plan's latest recorded
    /// `follow_up`, or of the plan itself before any.
    async fn follow_ups_due(
        &self,
        reach: &ClientReach,
        until: NaiveDate,
    ) -> StoreResult<Vec<DueVisit>>;
    /// Clients at or below `region` whose aftercare ended `completed` between `from` and
    /// `to` (inclusive), and how many of them relapsed during it: a `relapse` or a
    /// `follow_up` with status `relapsed` refers to the plan the end closed.
    async fn aftercare_counts(
        &self,
        region: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<AftercareCounts>;
}
