//! Rakor and their action items, and the organisations coordination records name
//! (`coordination_parties`, shared with [`super::mous`]). Lists hold the records in the
//! user's scope and those naming its organisation, in one query each. The reads of
//! [`CoordinationStore`] are implemented here rather than in `store.rs`, beside their SQL.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::coordination::Party;
use pulih_domain::coordination::rakor::ItemStatus;
use pulih_domain::ids::{ActionItemId, MeetingId, MouId, OrgId, ReferralId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{
    ActionItem, CoordinationReach, CoordinationStore, CoordinationTx, Meeting, Mou, OverdueItem,
    StoreError, StoreResult,
};
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::mous;
use super::reach::push_scope;
use super::rows::get;
use crate::Backend;
use crate::db::{Conn, Db, DbRow, Pool};

/// `(the record's region lies in the reach's scope or) the record names the reach's
/// organisation`, where `named` is a condition on `$org` pushed by the caller.
pub(crate) fn push_reach(
    q: &mut QueryBuilder<'_, Db>,
    region: &str,
    reach: &CoordinationReach,
    named: impl FnOnce(&mut QueryBuilder<'_, Db>, Uuid),
) {
    q.push("(");
    match &reach.scope {
        Some(scope) => push_scope(q, region, scope),
        None => {
            q.push("1 = 0");
        }
    }
    q.push(" or ");
    named(q, reach.org.as_uuid());
    q.push(")");
}

/// The parties of records by id, in their stored order.
pub(crate) async fn parties_of(
    pool: &Pool,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Party>>> {
    let mut out: HashMap<Uuid, Vec<Party>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut q = QueryBuilder::<Db>::new("select * from coordination_parties where record_id in (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(") order by record_id, position");
    for row in q.build().fetch_all(pool).await.map_err(map_err)? {
        let org: Option<Uuid> = get(&row, "org_id")?;
        let party = match org {
            Some(id) => Party::Registered {
                org_id: OrgId::from_uuid(id),
            },
            None => Party::Named {
                name: get::<Option<String>>(&row, "name")?.unwrap_or_default(),
            },
        };
        out.entry(get(&row, "record_id")?).or_default().push(party);
    }
    Ok(out)
}

/// Stores the parties of a new record.
pub(crate) async fn insert_parties(
    conn: &mut Conn,
    record: Uuid,
    parties: &[Party],
) -> StoreResult<()> {
    for (position, party) in (0_i64..).zip(parties) {
        let name = match party {
            Party::Named { name } => Some(name.as_str()),
            Party::Registered { .. } => None,
        };
        sqlx::query(
            "insert into coordination_parties (record_id, position, org_id, name) \
             values ($1, $2, $3, $4)",
        )
        .bind(record)
        .bind(position)
        .bind(party.org_id().map(|o| o.as_uuid()))
        .bind(name)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

fn lines(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(backend)
}

fn meeting(row: &DbRow, parties: &mut HashMap<Uuid, Vec<Party>>) -> StoreResult<Meeting> {
    let id: Uuid = get(row, "id")?;
    Ok(Meeting {
        id: MeetingId::from_uuid(id),
        region: RegionCode::parse(get(row, "region")?).map_err(backend)?,
        held_on: get(row, "held_on")?,
        place: get(row, "place")?,
        convener: OrgId::from_uuid(get(row, "convener")?),
        present: parties.remove(&id).unwrap_or_default(),
        topics: lines(&get::<String>(row, "topics")?)?,
        decisions: lines(&get::<String>(row, "decisions")?)?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

fn action_item(row: &DbRow) -> StoreResult<ActionItem> {
    Ok(ActionItem {
        id: ActionItemId::from_uuid(get(row, "id")?),
        meeting: MeetingId::from_uuid(get(row, "meeting_id")?),
        region: RegionCode::parse(get(row, "region")?).map_err(backend)?,
        description: get(row, "description")?,
        owner: OrgId::from_uuid(get(row, "owner_org")?),
        due_on: get(row, "due_on")?,
        status: ItemStatus::parse(get(row, "status")?).map_err(backend)?,
        version: get(row, "version")?,
        updated_by: UserId::from_uuid(get(row, "updated_by")?),
        updated_at: get(row, "updated_at")?,
    })
}

async fn meetings_from(pool: &Pool, rows: Vec<DbRow>) -> StoreResult<Vec<Meeting>> {
    let ids: Vec<Uuid> = rows
        .iter()
        .map(|r| get(r, "id"))
        .collect::<StoreResult<_>>()?;
    let mut parties = parties_of(pool, &ids).await?;
    rows.iter().map(|r| meeting(r, &mut parties)).collect()
}

async fn meeting_by_id(pool: &Pool, id: MeetingId) -> StoreResult<Option<Meeting>> {
    let rows = sqlx::query("select * from meetings where id = $1")
        .bind(id.as_uuid())
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    Ok(meetings_from(pool, rows).await?.pop())
}

async fn meetings(pool: &Pool, reach: &CoordinationReach, limit: i64) -> StoreResult<Vec<Meeting>> {
    let mut q = QueryBuilder::<Db>::new("select m.* from meetings m where ");
    push_reach(&mut q, "m.region", reach, |q, org| {
        q.push("m.convener = ")
            .push_bind(org)
            .push(" or exists (select 1 from coordination_parties p where p.record_id = m.id and p.org_id = ")
            .push_bind(org)
            .push(") or exists (select 1 from action_items a where a.meeting_id = m.id and a.owner_org = ")
            .push_bind(org)
            .push(")");
    });
    q.push(" order by m.held_on desc, m.id desc limit ")
        .push_bind(limit);
    let rows = q.build().fetch_all(pool).await.map_err(map_err)?;
    meetings_from(pool, rows).await
}

async fn action_items(pool: &Pool, meeting: MeetingId) -> StoreResult<Vec<ActionItem>> {
    let rows = sqlx::query("select * from action_items where meeting_id = $1 order by due_on, id")
        .bind(meeting.as_uuid())
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    rows.iter().map(action_item).collect()
}

async fn action_item_by_id(pool: &Pool, id: ActionItemId) -> StoreResult<Option<ActionItem>> {
    sqlx::query("select * from action_items where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(action_item)
        .transpose()
}

async fn overdue_items(pool: &Pool, org: OrgId, today: NaiveDate) -> StoreResult<Vec<OverdueItem>> {
    let rows = sqlx::query(
        "select a.*, m.convener, m.held_on from action_items a \
         join meetings m on m.id = a.meeting_id \
         where a.status = 'open' and a.due_on < $1 and (a.owner_org = $2 or m.convener = $2) \
         order by a.due_on, a.id limit 200",
    )
    .bind(today)
    .bind(org.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter()
        .map(|r| {
            Ok(OverdueItem {
                item: action_item(r)?,
                convener: OrgId::from_uuid(get(r, "convener")?),
                held_on: get(r, "held_on")?,
            })
        })
        .collect()
}

#[async_trait]
impl CoordinationStore for Backend {
    async fn meeting(&self, id: MeetingId) -> StoreResult<Option<Meeting>> {
        meeting_by_id(self.reader(), id).await
    }
    async fn meetings(&self, reach: &CoordinationReach, limit: i64) -> StoreResult<Vec<Meeting>> {
        meetings(self.reader(), reach, limit).await
    }
    async fn action_items(&self, meeting: MeetingId) -> StoreResult<Vec<ActionItem>> {
        action_items(self.reader(), meeting).await
    }
    async fn action_item(&self, id: ActionItemId) -> StoreResult<Option<ActionItem>> {
        action_item_by_id(self.reader(), id).await
    }
    async fn overdue_items(&self, org: OrgId, today: NaiveDate) -> StoreResult<Vec<OverdueItem>> {
        overdue_items(self.reader(), org, today).await
    }
    async fn mou(&self, id: MouId) -> StoreResult<Option<Mou>> {
        mous::by_id(self.reader(), id).await
    }
    async fn mous(&self, reach: &CoordinationReach, limit: i64) -> StoreResult<Vec<Mou>> {
        mous::list(self.reader(), reach, None, limit).await
    }
    async fn mous_ending(
        &self,
        reach: &CoordinationReach,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<Mou>> {
        mous::list(self.reader(), reach, Some((from, to)), 200).await
    }
}

#[async_trait]
impl CoordinationTx for SqlTx<'_> {
    async fn insert_meeting(&mut self, m: &Meeting) -> StoreResult<()> {
        let json = |v: &Vec<String>| serde_json::to_string(v).map_err(backend);
        sqlx::query(
            "insert into meetings (id, region, held_on, place, convener, topics, decisions, \
             recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(m.id.as_uuid())
        .bind(m.region.as_str())
        .bind(m.held_on)
        .bind(&m.place)
        .bind(m.convener.as_uuid())
        .bind(json(&m.topics)?)
        .bind(json(&m.decisions)?)
        .bind(m.recorded_by.as_uuid())
        .bind(m.recorded_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        insert_parties(&mut *self.conn, m.id.as_uuid(), &m.present).await?;
        self.changed("meeting", m.id, 1, m.region.as_str());
        Ok(())
    }

    async fn insert_action_item(&mut self, a: &ActionItem) -> StoreResult<()> {
        sqlx::query(
            "insert into action_items (id, meeting_id, region, description, owner_org, due_on, \
             status, version, updated_by, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id.as_uuid())
        .bind(a.meeting.as_uuid())
        .bind(a.region.as_str())
        .bind(&a.description)
        .bind(a.owner.as_uuid())
        .bind(a.due_on)
        .bind(a.status.key())
        .bind(a.version)
        .bind(a.updated_by.as_uuid())
        .bind(a.updated_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("action_item", a.id, a.version, a.region.as_str());
        Ok(())
    }

    async fn set_item_status(
        &mut self,
        id: ActionItemId,
        status: ItemStatus,
        version: i64,
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let region: Option<String> = sqlx::query_scalar(
            "update action_items set status = $1, version = version + 1, updated_by = $2, \
             updated_at = $3 where id = $4 and version = $5 returning region",
        )
        .bind(status.key())
        .bind(by.as_uuid())
        .bind(at)
        .bind(id.as_uuid())
        .bind(version)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?;
        let region = region.ok_or(StoreError::Conflict)?;
        self.changed("action_item", id, version + 1, region);
        Ok(version + 1)
    }

    async fn insert_mou(&mut self, mou: &Mou) -> StoreResult<()> {
        mous::insert(&mut *self.conn, mou).await?;
        self.changed("mou", mou.id, mou.version, mou.region.as_str());
        Ok(())
    }

    async fn update_mou(&mut self, mou: &Mou, version: i64) -> StoreResult<i64> {
        let next = mous::update(&mut *self.conn, mou, version).await?;
        self.changed("mou", mou.id, next, mou.region.as_str());
        Ok(next)
    }

    async fn link_mou_referral(
        &mut self,
        mou: &Mou,
        referral: ReferralId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        mous::link(&mut *self.conn, mou.id, referral, by, at).await?;
        self.changed("mou", mou.id, mou.version, mou.region.as_str());
        Ok(())
    }
}
