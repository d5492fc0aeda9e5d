//! A client's referrals on the client's own timeline: each step (sent, accepted, started,
//! completed…) dated where the client lives, with the service and the partner. Reasons
//! stay on the referral's own page, where who may read them is decided.

use chrono::NaiveDate;
use pulih_domain::ids::{ClientId, ReferralId};
use pulih_store::ReferralQuery;
use serde::Serialize;

use super::LIST_LIMIT;
use crate::clients::local_day;
use crate::{App, AppResult};

/// One step of one of a client's referrals.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralMove {
    /// The referral, to open it.
    pub referral_id: ReferralId,
    /// The local day of the step.
    pub on: NaiveDate,
    /// The state the referral reached (key).
    pub status: String,
    /// The service referred to.
    pub service_name: String,
    /// Its organisation.
    pub partner_name: String,
}

impl App {
    /// Every step of the client's referrals, oldest first; the caller has checked that
    /// the actor may read the client's record.
    pub(crate) async fn referral_moves(
        &self,
        client: ClientId,
        offset: Option<i32>,
    ) -> AppResult<Vec<ReferralMove>> {
        let query = ReferralQuery {
            client: Some(client),
            limit: LIST_LIMIT,
            ..ReferralQuery::default()
        };
        let (referrals, steps) = futures::try_join!(
            self.store.referrals(&query),
            self.store.referral_steps(client)
        )?;
        let mut moves: Vec<ReferralMove> = steps
            .into_iter()
            .filter_map(|s| {
                let r = referrals.iter().find(|r| r.id == s.referral_id)?;
                Some(ReferralMove {
                    referral_id: r.id,
                    on: local_day(s.at, offset),
                    status: s.status,
                    service_name: r.service_name.clone(),
                    partner_name: r.partner_name.clone(),
                })
            })
            .collect();
        moves.sort_by_key(|m| m.on);
        Ok(moves)
    }
}
