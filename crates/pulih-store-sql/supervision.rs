//! Supervision of agents: coordinators' visits to units, an agent's work counted from
//! the records, and the idle agents of a scope. The reads of [`SupervisionStore`] are
//! implemented here rather than in `store.rs`, beside their SQL.

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::client::FactKind;
use pulih_domain::ids::{SupervisionVisitId, UnitId, UserId};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{
    ActivityRow, AgentWork, IdleAgent, KindCount, StoreResult, SupervisionStore, SupervisionTx,
    SupervisionVisitRow,
};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::push_scope;
use super::rows::get;
use super::units::{activity_row, member_row};
use crate::Backend;
use crate::db::{Db, DbRow, Pool};

fn visit_row(row: &DbRow) -> StoreResult<SupervisionVisitRow> {
    Ok(SupervisionVisitRow {
        id: SupervisionVisitId::from_uuid(get(row, "id")?),
        unit: UnitId::from_uuid(get(row, "unit_id")?),
        village: RegionCode::parse(get(row, "village")?).map_err(backend)?,
        visited_on: get(row, "visited_on")?,
        findings: get(row, "findings")?,
        follow_up: get(row, "follow_up")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

async fn visits(pool: &Pool, unit: UnitId, limit: i64) -> StoreResult<Vec<SupervisionVisitRow>> {
    let found = sqlx::query(
        "select * from supervision_visits where unit_id = $1 \
         order by visited_on desc, id desc limit $2",
    )
    .bind(unit.as_uuid())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(visit_row).collect()
}

async fn agent_work(pool: &Pool, agent: UserId, since: NaiveDate) -> StoreResult<AgentWork> {
    // sum() of a bigint is numeric on PostgreSQL: cast back so both read an i64
    let kinds = sqlx::query(
        "select kind, count(*) as n, cast(coalesce(sum(people), 0) as bigint) as people \
         from activities where recorded_by = $1 and voided_at is null and held_on >= $2 \
         group by kind order by kind",
    )
    .bind(agent.as_uuid())
    .bind(since)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    let activities = kinds
        .iter()
        .map(|r| {
            Ok(KindCount {
                kind: get(r, "kind")?,
                count: get(r, "n")?,
                people: get(r, "people")?,
            })
        })
        .collect::<StoreResult<_>>()?;
    let row = sqlx::query(
        "select \
         (select count(*) from clients where assigned_to = $1 and erased_at is null) as clients, \
         (select count(*) from client_facts f join clients c on c.id = f.client_id \
          where f.kind = $2 and f.recorded_by = $1 and f.occurred_on >= $3 \
          and c.erased_at is null) as follow_ups, \
         (select max(held_on) from activities where recorded_by = $1 and voided_at is null) \
          as last_activity",
    )
    .bind(agent.as_uuid())
    .bind(FactKind::FollowUp.key())
    .bind(since)
    .fetch_one(pool)
    .await
    .map_err(map_err)?;
    Ok(AgentWork {
        activities,
        clients: get(&row, "clients")?,
        follow_ups_done: get(&row, "follow_ups")?,
        last_activity: get(&row, "last_activity")?,
    })
}

async fn agent_activities(
    pool: &Pool,
    agent: UserId,
    since: NaiveDate,
    limit: i64,
) -> StoreResult<Vec<ActivityRow>> {
    let found = sqlx::query(
        "select * from activities where recorded_by = $1 and voided_at is null \
         and held_on >= $2 order by held_on desc, recorded_at desc, id desc limit $3",
    )
    .bind(agent.as_uuid())
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(activity_row).collect()
}

async fn idle_agents(pool: &Pool, scope: &Scope, since: NaiveDate) -> StoreResult<Vec<IdleAgent>> {
    let mut q = QueryBuilder::<Db>::new(
        "select m.*, u.display_name, n.village, (select max(a.held_on) from activities a \
         where a.recorded_by = m.user_id and a.voided_at is null) as last_activity \
         from unit_members m join users u on u.id = m.user_id \
         join units n on n.id = m.unit_id where m.status = 'active' and ",
    );
    push_scope(&mut q, "n.village", scope);
    q.push(" and m.joined_on <= ")
        .push_bind(since)
        .push(
            " and not exists (select 1 from activities a where a.recorded_by = m.user_id \
             and a.voided_at is null and a.held_on > ",
        )
        .push_bind(since)
        .push(") order by n.village, u.display_name, u.id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|r| {
            Ok(IdleAgent {
                member: member_row(r)?,
                village: RegionCode::parse(get(r, "village")?).map_err(backend)?,
                last_activity: get(r, "last_activity")?,
            })
        })
        .collect()
}

#[async_trait]
impl SupervisionStore for Backend {
    async fn supervision_visits(
        &self,
        unit: UnitId,
        limit: i64,
    ) -> StoreResult<Vec<SupervisionVisitRow>> {
        visits(self.reader(), unit, limit).await
    }
    async fn agent_work(&self, agent: UserId, since: NaiveDate) -> StoreResult<AgentWork> {
        agent_work(self.reader(), agent, since).await
    }
    async fn agent_activities(
        &self,
        agent: UserId,
        since: NaiveDate,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        agent_activities(self.reader(), agent, since, limit).await
    }
    async fn idle_agents(&self, scope: &Scope, since: NaiveDate) -> StoreResult<Vec<IdleAgent>> {
        idle_agents(self.reader(), scope, since).await
    }
}

#[async_trait]
impl SupervisionTx for SqlTx<'_> {
    async fn insert_supervision_visit(&mut self, v: &SupervisionVisitRow) -> StoreResult<()> {
        sqlx::query(
            "insert into supervision_visits (id, unit_id, village, visited_on, findings, \
             follow_up, recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(v.id.as_uuid())
        .bind(v.unit.as_uuid())
        .bind(v.village.as_str())
        .bind(v.visited_on)
        .bind(&v.findings)
        .bind(&v.follow_up)
        .bind(v.recorded_by.as_uuid())
        .bind(v.recorded_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("supervision_visit", v.id, 1, v.village.as_str());
        Ok(())
    }
}
