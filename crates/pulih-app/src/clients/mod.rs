//! Client use-cases: registration (with a NIK check that answers alike whether or not a
//! client outside the worker's reach holds the NIK), consent, episodes, screening,
//! stepped care, care plans, the vocational track, break-glass access (`break_glass`),
//! erasure, export and the client's access report (`access_report`). Identity and
//! clinical details are sealed with the client's own data key before they reach the
//! store, and every read of a client record is audited.

mod access;
mod access_kind;
mod access_report;
mod aftercare;
mod aftercare_view;
mod break_glass;
mod care;
mod consent;
pub(crate) mod demo;
mod facts;
mod follow_ups;
mod inputs;
mod nik_check;
mod note;
mod opened;
mod page;
mod read;
mod record;
mod register;
mod reindex;
mod search;
mod tallies;
mod timeline;
mod vocational;
mod vocational_figures;
mod vocational_view;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pulih_domain::authz::{Actor, Denied};
use pulih_domain::client::ClientPlace;
use pulih_domain::client_access::{ClientAction, authorize_client, may_act_on_clients};
use pulih_domain::ids::ClientId;
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_store::ClientRow;

use crate::{App, AppError, AppResult, Record};

pub use access_kind::AccessKind;
pub use access_report::{AccessLine, AccessReport, Accessor};
pub use aftercare::{
    AftercareEndInput, AftercarePlanInput, FollowUpInput, FollowUpResult, RelapseInput,
    RelapseResult, WeeksInput,
};
pub use aftercare_view::{AftercareStatus, CurrentStep, Ended};
pub use break_glass::{GrantView, Opened, Reviewed};
pub use follow_ups::{FollowUpWork, WorkItem};
pub use inputs::{
    AssistInput, Barc10Input, Barc10Result, CarePlanInput, CareStepInput, ConsentInput,
    ConsentReadBack, EpisodeInput, TatAssessmentInput, WithdrawalInput,
};
pub use page::{ClientPage, Worker};
pub(crate) use read::reach_of;
pub use read::{ClientRecord, ClientSummary, TimelineEntry, View};
pub(crate) use record::{FactCheck, SealedFact};
pub use register::NewClientInput;
pub use reindex::Reindexed;
pub use search::{ClientQuery, ClientResults};
pub(crate) use tallies::{of_facts as tallies_of_facts, of_referral as tally_of_referral};
pub use timeline::{Fact, FactBody};
pub use vocational::{CompletionInput, EnrolmentInput, ExitInput, PlacementInput, RetentionInput};
pub use vocational_figures::{DueCheck, VocationalOutcomes};
pub use vocational_view::VocationalStep;

/// A client reached by an actor, and whether the reach rests on break-glass.
pub(crate) struct Reached {
    pub(crate) row: ClientRow,
    pub(crate) break_glass: bool,
}

impl App {
    /// Loads a client and checks that `actor` may do `action` to it, using a live
    /// break-glass grant when normal access does not reach. A role that may not do
    /// `action` to any client is refused before the id is looked up (403); a client out
    /// of reach is answered as an unknown id (404), so the answer never tells whether it
    /// exists.
    pub(crate) async fn reach_client(
        &self,
        actor: &Actor,
        id: ClientId,
        action: ClientAction,
    ) -> AppResult<Reached> {
        may_act_on_clients(actor, action)?;
        let row = self.store.client(id).await?.ok_or(AppError::NotFound)?;
        let place = place_of(&row);
        let out_of_reach = |denied| match denied {
            Denied::Scope => AppError::NotFound,
            other => other.into(),
        };
        match authorize_client(actor, action, &place, false) {
            Ok(()) => Ok(Reached {
                row,
                break_glass: false,
            }),
            Err(Denied::Scope) if matches!(action, ClientAction::View | ClientAction::Record) => {
                let grant = self.store.live_grant(id, actor.user_id, self.now()).await?;
                authorize_client(actor, action, &place, grant.is_some()).map_err(out_of_reach)?;
                Ok(Reached {
                    row,
                    break_glass: true,
                })
            }
            Err(e) => Err(out_of_reach(e)),
        }
    }

    /// Checks that `actor` may do `action` to a client, reading nothing of the record
    /// (so not an audited read): for opening a form before anything is sent.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub async fn may(&self, actor: &Actor, id: ClientId, action: ClientAction) -> AppResult<()> {
        self.reach_client(actor, id, action).await.map(|_| ())
    }

    /// The local date where a region lies (WIB, WITA or WIT), for "not in the future".
    #[tracing::instrument(skip_all, fields(region = %region))]
    pub async fn today_in(&self, region: &RegionCode) -> AppResult<NaiveDate> {
        Ok(self.today_at(self.offset_of(region).await?))
    }

    /// The UTC offset in hours of the regency a region lies in, where it is known.
    pub(crate) async fn offset_of(&self, region: &RegionCode) -> AppResult<Option<i32>> {
        match region.at_level(RegionLevel::Regency) {
            Some(code) => self.utc_offset(&code).await,
            None => Ok(None),
        }
    }

    /// The date now at a UTC offset in hours (see [`local_day`]).
    pub(crate) fn today_at(&self, offset: Option<i32>) -> NaiveDate {
        local_day(self.now(), offset)
    }
}

/// The date of `at` at a UTC offset in hours; WIB (UTC+7) where none is known, as for
/// the nation as a whole.
pub(crate) fn local_day(at: DateTime<Utc>, offset: Option<i32>) -> NaiveDate {
    (at + Duration::hours(i64::from(offset.unwrap_or(7)))).date_naive()
}

/// What decides access to a stored client.
fn place_of(row: &ClientRow) -> ClientPlace {
    ClientPlace {
        region: row.region.clone(),
        org: row.org_id,
        assigned_to: row.assigned_to,
    }
}

/// The audit record of a client.
pub(crate) fn client_record(row: &ClientRow) -> Record<'_> {
    Record {
        kind: "client",
        id: Some(row.id.to_string()),
        region: row.region.as_str(),
    }
}
