//! Facts of some kinds about every client a worker reaches, in one query: for worklists
//! and counts that span many clients.

use pulih_domain::client::FactKind;
use pulih_store::{ClientReach, ReachedFact, StoreResult};
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::reach::push_reach;
use crate::{map_err, rows};

pub(crate) async fn facts_in_reach(
    pool: &PgPool,
    reach: &ClientReach,
    kinds: &[FactKind],
) -> StoreResult<Vec<ReachedFact>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Postgres>::new(format!("{} where f.kind = any(", rows::REACHED));
    let kinds: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
    q.push_bind(kinds).push(") and ");
    push_reach(&mut q, reach);
    q.push(" order by f.client_id, f.occurred_on, f.recorded_at, f.id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::reached_fact).collect()
}
