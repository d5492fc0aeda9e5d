//! Activities of an IBM unit: agents record their own unit's, coordinators any unit's in
//! their scope; the village page lists the latest.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::ids::{ActivityId, UnitId, UserId};
use pulih_domain::programme::activity_detail::{
    ActivityDetail, ActivityKind, RawActivity, activity_day,
};
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_domain::rollup::Tally;
use pulih_store::ActivityRow;
use serde::Serialize;
use serde_json::json;

use crate::clients::{FactCheck, SealedFact};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// How many activities the village page shows.
pub const RECENT: i64 = 50;

/// An activity as recorded: the day (today when empty), the kind and its fields.
pub type ActivityInput = RawActivity;

/// An activity as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    /// Id.
    pub id: ActivityId,
    /// The unit.
    pub unit: UnitId,
    /// Its village.
    pub village: RegionCode,
    /// The day.
    pub held_on: NaiveDate,
    /// What was done.
    pub detail: ActivityDetail,
    /// The BNNK officer who accompanied it, if any.
    pub accompanied_by: Option<UserId>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl TryFrom<ActivityRow> for ActivityView {
    type Error = AppError;
    fn try_from(row: ActivityRow) -> AppResult<Self> {
        let detail = serde_json::from_str(&row.detail)
            .map_err(|e| AppError::Internal(format!("activity {} does not parse: {e}", row.id)))?;
        Ok(Self {
            id: row.id,
            unit: row.unit,
            village: row.village,
            held_on: row.held_on,
            detail,
            accompanied_by: row.accompanied_by,
            recorded_by: row.recorded_by,
            recorded_at: row.recorded_at,
        })
    }
}

/// The day and details of an activity as typed, seen on `today` (the unit's local
/// date): an empty day is today; a day more than a year back must be confirmed.
pub(crate) fn parse_activity(
    f: &mut Fields,
    input: &ActivityInput,
    today: NaiveDate,
) -> (Option<NaiveDate>, Option<ActivityDetail>) {
    let held_on = f
        .past_date_or_today("held_on", input.held_on.as_deref(), today)
        .and_then(|d| f.check("held_on", activity_day(d, today, input.confirm_old_date)));
    (held_on, f.check_all(ActivityDetail::parse(input)))
}

impl App {
    /// Records an activity of a unit: by one of its active agents or a coordinator in
    /// scope.
    #[tracing::instrument(skip_all, fields(unit = %unit))]
    pub async fn record_activity(
        &self,
        actor: &Actor,
        unit: UnitId,
        input: ActivityInput,
        origin: &Origin,
    ) -> AppResult<ActivityView> {
        let unit = self.recording_unit(actor, unit).await?;
        let today = self.today_in(&unit.village).await?;
        let mut f = Fields::default();
        let (held_on, detail) = parse_activity(&mut f, &input, today);
        let (Some(held_on), Some(detail)) = (held_on, detail) else {
            return Err(f.into_error());
        };
        let id = ActivityId::new();
        let mut links = Vec::new();
        if !input.clients.is_empty() && detail.kind() != ActivityKind::Outreach {
            f.add("clients", "invalid.outreach_clients_kind");
        } else {
            for (i, code) in input.clients.iter().enumerate() {
                let link = (id, unit.id, held_on);
                match self.outreach_link(actor, code, link, origin).await? {
                    Ok(link)
                        if links
                            .iter()
                            .all(|l: &SealedFact| l.fact.client_id != link.fact.client_id) =>
                    {
                        links.push(link);
                    }
                    Ok(_) => {}
                    Err(key) => f.add(format!("clients.{i}"), key),
                }
            }
        }
        let officer = input.accompanied_by.as_deref();
        let accompanied_by = self
            .accompanying_officer(&mut f, officer, detail.kind(), &unit.village)
            .await?;
        f.finish()?;
        let row = ActivityRow {
            id,
            unit: unit.id,
            village: unit.village.clone(),
            kind: detail.kind().key().into(),
            held_on,
            detail: serde_json::to_string(&detail)
                .map_err(|e| AppError::Internal(format!("activity json: {e}")))?,
            people: i64::from(detail.people()),
            accompanied_by,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "activity",
            id: Some(row.id.to_string()),
            region: row.village.as_str(),
        };
        let event_detail = json!({ "kind": row.kind, "people": row.people,
            "linked_clients": links.len(), "accompanied_by": row.accompanied_by });
        let event = self.event(Some(actor), "activity.record", record, origin, event_detail);
        let stored = row.clone();
        // each linked client's consent is checked again inside the write, the clients
        // locked in one order so that two activities naming the same two cannot deadlock
        links.sort_by_key(|link| link.fact.client_id);
        let check = FactCheck::consent(today);
        let tallies = Tally::of_activity(detail.kind(), row.people, &row.village, row.held_on);
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_activity(&stored).await?;
                for tally in tallies {
                    tx.tally(tally);
                }
                for link in links {
                    let read = tx.lock_client(link.fact.client_id, &check.kinds()).await?;
                    check.run(&read)?;
                    link.store(tx).await?;
                }
                tx.audit(event);
                Ok(stored.id)
            })
        })
        .await?;
        row.try_into()
    }

    /// The latest activities of a village, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn village_activities(
        &self,
        actor: &Actor,
        village: &RegionCode,
    ) -> AppResult<Vec<ActivityView>> {
        let village = self.live_region(village, RegionLevel::Village).await?;
        authorize(
            actor,
            Action::ViewProgramme,
            &Scope::Region(village.clone()),
        )?;
        let rows = self.store.activities(&village, RECENT).await?;
        rows.into_iter().map(ActivityView::try_from).collect()
    }
}
