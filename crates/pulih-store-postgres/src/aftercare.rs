//! Aftercare in PostgreSQL, behind [`AftercareStore`].

use async_trait::async_trait;
use chrono::NaiveDate;
use pulih_domain::aftercare::{AftercareEndStatus, FollowUpStatus};
use pulih_domain::audit::AuditEvent;
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{
    AftercareCounts, AftercareStore, ClientFact, ClientReach, DueVisit, StoreError, StoreResult,
};
use sqlx::{Postgres, QueryBuilder, Row};

use crate::reach::{push_at_or_below, push_reach};
use crate::{PostgresStore, map_err};

/// An open plan of client `$1`: a plan (`$2`) no end (`$3`) refers to.
const OPEN_PLAN: &str = "select 1 from client_facts p where p.client_id = $1 and p.kind = $2 \
     and not exists (select 1 from client_facts e where e.refers_to = p.id and e.kind = $3) limit 1";

fn count(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(crate::backend)
}

#[async_trait]
impl AftercareStore for PostgresStore {
    async fn add_facts(&self, facts: &[(ClientFact, AuditEvent)]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        for (fact, event) in facts {
            crate::clients::insert_fact(&mut tx, fact, event).await?;
        }
        tx.commit().await.map_err(map_err)
    }

    async fn add_plan(&self, plan: &ClientFact, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        // locking the client row makes a second plan sent at once wait for this one
        sqlx::query("select 1 from clients where id = $1 for update")
            .bind(plan.client_id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        let open = sqlx::query(OPEN_PLAN)
            .bind(plan.client_id.as_uuid())
            .bind(FactKind::AftercarePlan.key())
            .bind(FactKind::AftercareEnd.key())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?;
        if open.is_some() {
            return Err(StoreError::Conflict);
        }
        crate::clients::insert_fact(&mut tx, plan, event).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn follow_ups_due(
        &self,
        reach: &ClientReach,
        until: NaiveDate,
    ) -> StoreResult<Vec<DueVisit>> {
        // the pending date of a plan is the due_on of its latest follow-up (ids are
        // UUIDv7, so the latest recorded has the greatest id), or the plan's own
        let mut q = QueryBuilder::<Postgres>::new(
            "select client_id, code, assigned_to, due from (\
             select c.id as client_id, c.code, c.assigned_to, \
             case when n.id is null then p.due_on else n.due_on end as due \
             from client_facts p join clients c on c.id = p.client_id \
             left join client_facts n on n.id = (select v.id from client_facts v \
             where v.refers_to = p.id and v.kind = ",
        );
        q.push_bind(FactKind::FollowUp.key())
            .push(" order by v.id desc limit 1) where p.kind = ")
            .push_bind(FactKind::AftercarePlan.key())
            .push(" and c.erased_at is null and not exists (select 1 from client_facts e where e.refers_to = p.id and e.kind = ")
            .push_bind(FactKind::AftercareEnd.key())
            .push(") and ");
        push_reach(&mut q, reach);
        q.push(") d where due is not null and due <= ")
            .push_bind(until)
            .push(" order by due, code");
        let rows = q.build().fetch_all(&self.pool).await.map_err(map_err)?;
        rows.iter()
            .map(|r| {
                Ok(DueVisit {
                    client_id: ClientId::from_uuid(r.try_get("client_id").map_err(map_err)?),
                    code: ClientCode::parse(r.try_get("code").map_err(map_err)?)
                        .map_err(crate::backend)?,
                    assigned_to: r
                        .try_get::<Option<uuid::Uuid>, _>("assigned_to")
                        .map_err(map_err)?
                        .map(UserId::from_uuid),
                    due_on: r.try_get("due").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn aftercare_counts(
        &self,
        region: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<AftercareCounts> {
        let mut q = QueryBuilder::<Postgres>::new(
            "select count(distinct e.client_id) as finished, \
             count(distinct case when exists (select 1 from client_facts r \
             where r.refers_to = e.refers_to and (r.kind = ",
        );
        q.push_bind(FactKind::Relapse.key())
            .push(" or (r.kind = ")
            .push_bind(FactKind::FollowUp.key())
            .push(" and r.status = ")
            .push_bind(FollowUpStatus::Relapsed.key())
            .push(
                "))) then e.client_id end) as relapsed \
                   from client_facts e join clients c on c.id = e.client_id \
                   where e.kind = ",
            )
            .push_bind(FactKind::AftercareEnd.key())
            .push(" and e.status = ")
            .push_bind(AftercareEndStatus::Completed.key())
            .push(" and e.occurred_on >= ")
            .push_bind(from)
            .push(" and e.occurred_on <= ")
            .push_bind(to)
            .push(" and ");
        push_at_or_below(&mut q, "c.region", region);
        let row = q.build().fetch_one(&self.pool).await.map_err(map_err)?;
        Ok(AftercareCounts {
            finished: count(row.try_get("finished").map_err(map_err)?)?,
            relapsed: count(row.try_get("relapsed").map_err(map_err)?)?,
        })
    }
}
