//! Recounting the rollups from the stored records, with the same rules the writes use:
//! `pulih rollups verify` compares the recount with the counters (a difference is a bug),
//! `pulih rollups rebuild` replaces the counters with it. A rebuild is maintenance: run
//! it while nothing writes, or a write committed during it may count twice.

use std::collections::{BTreeMap, HashMap};

use pulih_domain::programme::activity_detail::ActivityKind;
use pulih_domain::referral::{ReferralStatus, ServiceType};
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::rollup::{Cell, Tally};
use pulih_store::{ClientFilter, ClientReach, Counted};

use crate::clients::{local_day, tallies_of_facts, tally_of_referral};
use crate::{App, AppError, AppResult};

/// Records read per page of the recount.
const PAGE: i64 = 500;

/// A counter whose stored value differs from the recount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupDifference {
    /// Figure, node and period.
    pub cell: Cell,
    /// The stored value.
    pub stored: i64,
    /// The recounted value.
    pub recounted: i64,
}

impl App {
    /// Every counter as the stored records add up to, zeros left out; `progress` is told
    /// how many records were read so far.
    async fn recount(&self, progress: &(dyn Fn(u64) + Sync)) -> AppResult<Vec<Counted>> {
        let mut sums: BTreeMap<Cell, i64> = BTreeMap::new();
        let mut add = |tallies: Vec<Tally>| {
            for t in tallies {
                for cell in t.cells() {
                    *sums.entry(cell).or_insert(0) += t.delta;
                }
            }
        };
        let mut read = 0;
        for province in self.store.region_children(None).await? {
            for unit in self.store.units_below(&province.code).await? {
                add(vec![Tally::of_unit(&unit.village, unit.decree.1)]);
                read += 1;
            }
        }
        let mut after = None;
        loop {
            let page = self.store.activities_after(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for a in &page {
                let kind = ActivityKind::parse(&a.kind)
                    .map_err(|_| AppError::Internal(format!("activity {} has no kind", a.id)))?;
                add(Tally::of_activity(kind, a.people, &a.village, a.held_on));
            }
            read += page.len() as u64;
            progress(read);
        }
        let mut after = None;
        loop {
            let page = self.store.office_activities_after(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for a in &page {
                add(crate::office_activities::office_tallies(a)?);
            }
            read += page.len() as u64;
            progress(read);
        }
        let mut after = None;
        let mut offsets: HashMap<RegionCode, Option<i32>> = HashMap::new();
        loop {
            let page = self.store.referral_steps_after(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.step.referral_id);
            for placed in &page {
                let status = ReferralStatus::parse(&placed.step.status).map_err(|_| {
                    AppError::Internal("a stored referral state does not parse".into())
                })?;
                let day = if status == ReferralStatus::Sent {
                    placed.sent_on
                } else {
                    let offset = match offsets.get(&placed.region) {
                        Some(known) => *known,
                        None => {
                            let found = self.offset_of(&placed.region).await?;
                            offsets.insert(placed.region.clone(), found);
                            found
                        }
                    };
                    local_day(placed.step.at, offset)
                };
                let service = ServiceType::parse(&placed.service_type).map_err(|_| {
                    AppError::Internal("a stored service type does not parse".into())
                })?;
                add(tally_of_referral(status, service, &placed.region, day));
            }
            read += page.len() as u64;
            progress(read);
        }
        let mut before = None;
        loop {
            let filter = ClientFilter {
                reach: ClientReach::Scope(Scope::National),
                granted: None,
                before,
                limit: PAGE,
            };
            let clients = self.store.list_clients(&filter).await?;
            let Some(last) = clients.last() else { break };
            before = Some(last.id);
            let ids: Vec<_> = clients.iter().map(|c| c.id).collect();
            let mut facts: HashMap<_, Vec<_>> = HashMap::new();
            for fact in self.store.facts(&ids, &[]).await? {
                facts.entry(fact.client_id).or_default().push(fact);
            }
            for client in &clients {
                let key = self.keys.client_key(client)?;
                let own = facts.remove(&client.id).unwrap_or_default();
                add(tallies_of_facts(&own, key.as_ref(), &client.region)?);
            }
            read += clients.len() as u64;
            progress(read);
        }
        Ok(sums
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|(cell, n)| Counted { cell, n })
            .collect())
    }

    /// The counters that differ from a recount of the stored records.
    #[tracing::instrument(skip_all)]
    pub async fn verify_rollups(
        &self,
        progress: &(dyn Fn(u64) + Sync),
    ) -> AppResult<Vec<RollupDifference>> {
        self.store.rollups_settled().await?;
        let stored: BTreeMap<Cell, i64> = self
            .store
            .rollups_all()
            .await?
            .into_iter()
            .map(|c| (c.cell, c.n))
            .collect();
        let recounted: BTreeMap<Cell, i64> = self
            .recount(progress)
            .await?
            .into_iter()
            .map(|c| (c.cell, c.n))
            .collect();
        let mut cells: Vec<&Cell> = stored.keys().chain(recounted.keys()).collect();
        cells.sort();
        cells.dedup();
        Ok(cells
            .into_iter()
            .filter_map(|cell| {
                let (s, r) = (
                    stored.get(cell).copied().unwrap_or(0),
                    recounted.get(cell).copied().unwrap_or(0),
                );
                (s != r).then(|| RollupDifference {
                    cell: cell.clone(),
                    stored: s,
                    recounted: r,
                })
            })
            .collect())
    }

    /// Replaces every counter with a recount of the stored records; answers how many
    /// counters there are now.
    #[tracing::instrument(skip_all)]
    pub async fn rebuild_rollups(&self, progress: &(dyn Fn(u64) + Sync)) -> AppResult<usize> {
        self.store.rollups_settled().await?;
        let counted = self.recount(progress).await?;
        let n = counted.len();
        self.store.replace_rollups(counted).await?;
        Ok(n)
    }
}
