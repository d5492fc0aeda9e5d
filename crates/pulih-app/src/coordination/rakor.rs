//! Rakor use-cases: record a rakor at any level of the coordinator's area, add its action
//! items, let the owners (or the rakor's coordinators) update an item's status, list and
//! read them, and find the overdue items for the worklist.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::authz::{Action, Actor, Denied, authorize};
use pulih_domain::coordination::rakor::{self, ItemStatus};
use pulih_domain::coordination::{Party, RawParty, Reach, access, parse_parties};
use pulih_domain::ids::{ActionItemId, MeetingId, OrgId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{ActionItem, Meeting};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{LIST_LIMIT, PartyView, org_view, party_view, reach_of};
use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// A rakor as recorded.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RakorInput {
    /// Where it sits: a region code of any level in the coordinator's scope.
    pub region: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// Where it was held.
    pub place: String,
    /// The convening organisation's id.
    pub convener_org_id: String,
    /// The organisations present: each an `org_id` or a `name`.
    #[serde(default)]
    pub present: Vec<RawParty>,
    /// What was discussed, one line each.
    #[serde(default)]
    pub topics: Vec<String>,
    /// What was decided, one line each.
    #[serde(default)]
    pub decisions: Vec<String>,
}

/// An action item as agreed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionItemInput {
    /// What is to be done.
    pub description: String,
    /// The owning organisation's id.
    pub owner_org_id: String,
    /// `YYYY-MM-DD`, not before the rakor.
    pub due_on: String,
}

/// A status change of an action item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ItemStatusInput {
    /// `open`, `done` or `dropped`.
    pub status: String,
    /// The version read.
    pub version: i64,
}

/// An action item as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ActionItemView {
    /// Id.
    pub id: ActionItemId,
    /// The rakor.
    pub meeting_id: MeetingId,
    /// What is to be done.
    pub description: String,
    /// Its owner.
    pub owner: PartyView,
    /// When due.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub status: ItemStatus,
    /// Open and past due.
    pub overdue: bool,
    /// Version, for a status change.
    pub version: i64,
    /// Who changed it last.
    pub updated_by: UserId,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// Whether the user may change its status.
    pub may_update: bool,
}

/// A rakor as shown, with its action items.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    /// Id.
    pub id: MeetingId,
    /// Where it sits.
    pub region: RegionCode,
    /// The day held.
    pub held_on: NaiveDate,
    /// Where.
    pub place: String,
    /// The convening organisation.
    pub convener: PartyView,
    /// The organisations present.
    pub present: Vec<PartyView>,
    /// What was discussed.
    pub topics: Vec<String>,
    /// What was decided.
    pub decisions: Vec<String>,
    /// The action items, soonest due first.
    pub action_items: Vec<ActionItemView>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Whether the user may add action items.
    pub may_manage: bool,
}

/// A rakor in a list.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingLine {
    /// Id.
    pub id: MeetingId,
    /// Where it sits.
    pub region: RegionCode,
    /// The day held.
    pub held_on: NaiveDate,
    /// Where.
    pub place: String,
    /// The convening organisation.
    pub convener: PartyView,
    /// The first topic.
    pub topic: String,
}

/// An overdue action item on a worklist.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueLine {
    /// The item.
    pub id: ActionItemId,
    /// Its rakor.
    pub meeting_id: MeetingId,
    /// The rakor's date.
    pub held_on: NaiveDate,
    /// What is to be done.
    pub description: String,
    /// Its owner.
    pub owner: PartyView,
    /// When it was due.
    pub due_on: NaiveDate,
}

/// Every organisation a rakor names: convener, present, owners of its items.
fn named(meeting: &Meeting, items: &[ActionItem]) -> Vec<OrgId> {
    std::iter::once(meeting.convener)
        .chain(meeting.present.iter().filter_map(Party::org_id))
        .chain(items.iter().map(|i| i.owner))
        .collect()
}

/// Whether the actor may change an item's status: the rakor's coordinators, or a user of
/// the owning organisation.
fn may_update(actor: &Actor, reach: Reach, item: &ActionItem) -> bool {
    reach == Reach::Manage || (reach != Reach::None && actor.org_id == item.owner)
}

impl App {
    /// A rakor and its items with the actor's reach; out of reach is not found.
    async fn reached_meeting(
        &self,
        actor: &Actor,
        id: MeetingId,
    ) -> AppResult<(Meeting, Vec<ActionItem>, Reach)> {
        let (meeting, items) =
            futures::try_join!(self.store.meeting(id), self.store.action_items(id))?;
        let meeting = meeting.ok_or(AppError::NotFound)?;
        match access(actor, &meeting.region, &named(&meeting, &items)) {
            Reach::None => Err(AppError::NotFound),
            reach => Ok((meeting, items, reach)),
        }
    }

    async fn meeting_view(
        &self,
        actor: &Actor,
        meeting: Meeting,
        items: Vec<ActionItem>,
        reach: Reach,
    ) -> AppResult<MeetingView> {
        let names = self.org_names(&named(&meeting, &items)).await?;
        let today = self.today_in(&meeting.region).await?;
        let action_items = items
            .into_iter()
            .map(|i| ActionItemView {
                may_update: may_update(actor, reach, &i),
                overdue: i.status.overdue(i.due_on, today),
                owner: org_view(i.owner, &names),
                id: i.id,
                meeting_id: i.meeting,
                description: i.description,
                due_on: i.due_on,
                status: i.status,
                version: i.version,
                updated_by: i.updated_by,
                updated_at: i.updated_at,
            })
            .collect();
        Ok(MeetingView {
            id: meeting.id,
            convener: org_view(meeting.convener, &names),
            present: meeting
                .present
                .iter()
                .map(|p| party_view(p, &names))
                .collect(),
            region: meeting.region,
            held_on: meeting.held_on,
            place: meeting.place,
            topics: meeting.topics,
            decisions: meeting.decisions,
            action_items,
            recorded_by: meeting.recorded_by,
            recorded_at: meeting.recorded_at,
            may_manage: reach == Reach::Manage,
        })
    }

    /// Records a rakor (coordinators, at a region in their scope).
    #[tracing::instrument(skip_all)]
    pub async fn record_rakor(
        &self,
        actor: &Actor,
        input: RakorInput,
        origin: &Origin,
    ) -> AppResult<MeetingView> {
        authorize(actor, Action::ManageCoordination, &actor.scope)?;
        let mut f = Fields::default();
        let region = match self.coordination_region(actor, &input.region).await {
            Ok(code) => Some(code),
            Err(AppError::Invalid(p)) => {
                p.into_iter().for_each(|p| f.push(p));
                None
            }
            Err(AppError::Forbidden(Denied::Scope)) => {
                f.add("region", "invalid.region_out_of_scope");
                None
            }
            Err(e) => return Err(e),
        };
        let held_on = f.date("held_on", &input.held_on);
        let place = f.check("place", rakor::parse_place(&input.place));
        let convener = f.check(
            "convener_org_id",
            input
                .convener_org_id
                .trim()
                .parse::<OrgId>()
                .map_err(|_| pulih_domain::Invalid::new("invalid.org")),
        );
        let present = f.check_all(parse_parties("present", &input.present, 0));
        let topics =
            f.check_all(rakor::parse_lines("topics", &input.topics, 1).map_err(|e| vec![e]));
        let decisions =
            f.check_all(rakor::parse_lines("decisions", &input.decisions, 0).map_err(|e| vec![e]));
        let mut orgs: Vec<(String, OrgId)> = Vec::new();
        if let Some(c) = convener {
            orgs.push(("convener_org_id".into(), c));
        }
        for (i, p) in present.iter().flatten().enumerate() {
            if let Some(id) = p.org_id() {
                orgs.push((format!("present.{i}"), id));
            }
        }
        self.check_orgs(&mut f, &orgs).await?;
        let (
            Some(region),
            Some(held_on),
            Some(place),
            Some(convener),
            Some(present),
            Some(topics),
            Some(decisions),
        ) = (region, held_on, place, convener, present, topics, decisions)
        else {
            return Err(f.into_error());
        };
        f.finish()?;
        let meeting = Meeting {
            id: MeetingId::new(),
            region,
            held_on,
            place,
            convener,
            present,
            topics,
            decisions,
            recorded_by: actor.user_id,
            recorded_at: self.now(),
        };
        let record = Record {
            kind: "meeting",
            id: Some(meeting.id.to_string()),
            region: meeting.region.as_str(),
        };
        let detail = json!({ "held_on": meeting.held_on, "convener": meeting.convener });
        let event = self.event(Some(actor), "rakor.record", record, origin, detail);
        let stored = meeting.clone();
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_meeting(&stored).await?;
                tx.audit(event);
                Ok(stored.id)
            })
        })
        .await?;
        self.meeting_view(actor, meeting, Vec::new(), Reach::Manage)
            .await
    }

    /// The rakor the actor reaches: in its scope, or naming its organisation; newest first.
    #[tracing::instrument(skip_all)]
    pub async fn rakor_list(&self, actor: &Actor) -> AppResult<Vec<MeetingLine>> {
        let reach = reach_of(actor)?;
        let meetings = self.store.meetings(&reach, LIST_LIMIT).await?;
        let ids: Vec<OrgId> = meetings.iter().map(|m| m.convener).collect();
        let names = self.org_names(&ids).await?;
        Ok(meetings
            .into_iter()
            .map(|m| MeetingLine {
                convener: org_view(m.convener, &names),
                topic: m.topics.first().cloned().unwrap_or_default(),
                id: m.id,
                region: m.region,
                held_on: m.held_on,
                place: m.place,
            })
            .collect())
    }

    /// One rakor with its action items; out of reach is not found.
    #[tracing::instrument(skip_all, fields(meeting.id = %id))]
    pub async fn rakor(&self, actor: &Actor, id: MeetingId) -> AppResult<MeetingView> {
        let (meeting, items, reach) = self.reached_meeting(actor, id).await?;
        self.meeting_view(actor, meeting, items, reach).await
    }

    /// Adds an action item to a rakor (its coordinators).
    #[tracing::instrument(skip_all, fields(meeting.id = %id))]
    pub async fn add_action_item(
        &self,
        actor: &Actor,
        id: MeetingId,
        input: ActionItemInput,
        origin: &Origin,
    ) -> AppResult<MeetingView> {
        let (meeting, _, reach) = self.reached_meeting(actor, id).await?;
        if reach != Reach::Manage {
            authorize(
                actor,
                Action::ManageCoordination,
                &Scope::Region(meeting.region.clone()),
            )?;
        }
        let mut f = Fields::default();
        let description = f.check("description", rakor::parse_item(&input.description));
        let owner = f.check(
            "owner_org_id",
            input
                .owner_org_id
                .trim()
                .parse::<OrgId>()
                .map_err(|_| pulih_domain::Invalid::new("invalid.org")),
        );
        if let Some(o) = owner {
            self.check_orgs(&mut f, &[("owner_org_id".into(), o)])
                .await?;
        }
        let due_on = f
            .date("due_on", &input.due_on)
            .and_then(|d| f.check("due_on", rakor::check_due(meeting.held_on, d)));
        let (Some(description), Some(owner), Some(due_on)) = (description, owner, due_on) else {
            return Err(f.into_error());
        };
        f.finish()?;
        let now = self.now();
        let item = ActionItem {
            id: ActionItemId::new(),
            meeting: meeting.id,
            region: meeting.region.clone(),
            description,
            owner,
            due_on,
            status: ItemStatus::Open,
            version: 1,
            updated_by: actor.user_id,
            updated_at: now,
        };
        let record = Record {
            kind: "action_item",
            id: Some(item.id.to_string()),
            region: meeting.region.as_str(),
        };
        let detail = json!({ "meeting": meeting.id, "owner": owner, "due_on": due_on });
        let event = self.event(Some(actor), "rakor.action_item.add", record, origin, detail);
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                tx.insert_action_item(&item).await?;
                tx.audit(event);
                Ok(item.id)
            })
        })
        .await?;
        self.rakor(actor, id).await
    }

    /// Changes an action item's status: a user of the owning organisation, or the rakor's
    /// coordinators. `version` is the one read; a stale one is a conflict.
    #[tracing::instrument(skip_all, fields(item.id = %id))]
    pub async fn set_action_item_status(
        &self,
        actor: &Actor,
        id: ActionItemId,
        input: ItemStatusInput,
        origin: &Origin,
    ) -> AppResult<ActionItemView> {
        let item = self
            .store
            .action_item(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (_, _, reach) = self.reached_meeting(actor, item.meeting).await?;
        if !may_update(actor, reach, &item) {
            return Err(Denied::Role.into());
        }
        let to =
            ItemStatus::parse(&input.status).map_err(|e| AppError::invalid("status", e.key))?;
        let to = item
            .status
            .change(to)
            .map_err(|e| AppError::invalid("status", e.key))?;
        let now = self.now();
        let record = Record {
            kind: "action_item",
            id: Some(id.to_string()),
            region: item.region.as_str(),
        };
        let detail = json!({ "from": item.status, "to": to });
        let event = self.event(
            Some(actor),
            "rakor.action_item.status",
            record,
            origin,
            detail,
        );
        let user = actor.user_id;
        let version = input.version;
        self.write(Some(actor), origin, move |tx| {
            Box::pin(async move {
                let v = tx.set_item_status(id, to, version, user, now).await?;
                tx.audit(event);
                Ok(v)
            })
        })
        .await?;
        let view = self.rakor(actor, item.meeting).await?;
        view.action_items
            .into_iter()
            .find(|i| i.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Open action items past due that the actor's organisation owns or whose rakor it
    /// convened: for the worklists of coordinators.
    pub(crate) async fn overdue_action_items(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> AppResult<Vec<OverdueLine>> {
        if authorize(actor, Action::ManageCoordination, &actor.scope).is_err() {
            return Ok(Vec::new());
        }
        let items = self.store.overdue_items(actor.org_id, today).await?;
        let names: HashMap<OrgId, String> = self
            .org_names(&items.iter().map(|i| i.item.owner).collect::<Vec<_>>())
            .await?;
        Ok(items
            .into_iter()
            .map(|o| OverdueLine {
                id: o.item.id,
                meeting_id: o.item.meeting,
                held_on: o.held_on,
                description: o.item.description,
                owner: org_view(o.item.owner, &names),
                due_on: o.item.due_on,
            })
            .collect())
    }
}
