//! Reading facts about clients: those of given clients, those of every client a reach
//! allows, and aftercare's pending visits and outcome counts.

use chrono::NaiveDate;
use pulih_domain::aftercare::{AftercareEndStatus, FollowUpStatus};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{AftercareCounts, ClientFact, ClientReach, DueVisit, ReachedFact, StoreResult};
use sqlx::QueryBuilder;

use super::errors::{backend, map_err};
use super::reach::{push_at_or_below, push_reach};
use super::rows::{self, get};
use crate::db::{Db, Pool};

/// Appends `column in (…)` with one parameter per kind.
pub(crate) fn push_kinds(q: &mut QueryBuilder<'_, Db>, column: &str, kinds: &[FactKind]) {
    q.push(format!("{column} in ("));
    let mut list = q.separated(", ");
    for kind in kinds {
        list.push_bind(kind.key());
    }
    q.push(")");
}

pub(crate) async fn facts(
    pool: &Pool,
    clients: &[ClientId],
    kinds: &[FactKind],
) -> StoreResult<Vec<ClientFact>> {
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new("select * from client_facts where client_id in (");
    let mut ids = q.separated(", ");
    for id in clients {
        ids.push_bind(id.as_uuid());
    }
    q.push(")");
    if !kinds.is_empty() {
        q.push(" and ");
        push_kinds(&mut q, "kind", kinds);
    }
    q.push(" order by client_id, occurred_on, recorded_at, id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::fact).collect()
}

pub(crate) async fn facts_in_reach(
    pool: &Pool,
    reach: &ClientReach,
    kinds: &[FactKind],
) -> StoreResult<Vec<ReachedFact>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new(format!("{} where ", rows::REACHED));
    push_kinds(&mut q, "f.kind", kinds);
    q.push(" and ");
    push_reach(&mut q, reach);
    q.push(" order by f.client_id, f.occurred_on, f.recorded_at, f.id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::reached_fact).collect()
}

pub(crate) async fn follow_ups_due(
    pool: &Pool,
    reach: &ClientReach,
    until: NaiveDate,
) -> StoreResult<Vec<DueVisit>> {
    // the pending date of a plan is the due_on of its latest follow-up (ids are UUIDv7,
    // so the latest recorded has the greatest id), or the plan's own
    let mut q = QueryBuilder::<Db>::new(
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
        .push(
            " and c.erased_at is null and not exists \
             (select 1 from client_facts e where e.refers_to = p.id and e.kind = ",
        )
        .push_bind(FactKind::AftercareEnd.key())
        .push(") and ");
    push_reach(&mut q, reach);
    q.push(") d where due is not null and due <= ")
        .push_bind(until)
        .push(" order by due, code");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|r| {
            Ok(DueVisit {
                client_id: ClientId::from_uuid(get(r, "client_id")?),
                code: ClientCode::parse(get(r, "code")?).map_err(backend)?,
                assigned_to: get::<Option<uuid::Uuid>>(r, "assigned_to")?.map(UserId::from_uuid),
                due_on: get(r, "due")?,
            })
        })
        .collect()
}

pub(crate) async fn aftercare_counts(
    pool: &Pool,
    region: &RegionCode,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<AftercareCounts> {
    let mut q = QueryBuilder::<Db>::new(
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
             from client_facts e join clients c on c.id = e.client_id where e.kind = ",
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
    let row = q.build().fetch_one(pool).await.map_err(map_err)?;
    let count = |column: &str| u64::try_from(get::<i64>(&row, column)?).map_err(backend);
    Ok(AftercareCounts {
        finished: count("finished")?,
        relapsed: count("relapsed")?,
    })
}
