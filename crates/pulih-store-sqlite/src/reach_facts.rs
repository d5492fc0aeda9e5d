//! Facts of some kinds about every client a worker reaches, in one query: for worklists
//! and counts that span many clients.

use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::region::{RegionCode, Scope};
use pulih_store::{ClientReach, ReachedFact, StoreResult};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use crate::{map_err, rows};

/// Keeps clients registered at `scope` or below it, as an index range on the code.
fn push_scope(q: &mut QueryBuilder<'_, Sqlite>, scope: &Scope) {
    match scope {
        Scope::National => q.push("1 = 1"),
        Scope::Region(code) => q
            .push("(c.region = ")
            .push_bind(code.to_string())
            .push(" or (c.region >= ")
            .push_bind(format!("{code}."))
            .push(" and c.region < ")
            .push_bind(format!("{code}/"))
            .push("))"),
    };
}

pub(crate) async fn facts_in_reach(
    pool: &SqlitePool,
    reach: &ClientReach,
    kinds: &[FactKind],
) -> StoreResult<Vec<ReachedFact>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Sqlite>::new(
        "select f.*, c.code as client_code, c.region as client_region, \
         c.erased_at is not null as client_erased \
         from client_facts f join clients c on c.id = f.client_id where f.kind in (",
    );
    let mut list = q.separated(", ");
    for kind in kinds {
        list.push_bind(kind.key());
    }
    q.push(") and ");
    match reach {
        ClientReach::Scope(scope) => push_scope(&mut q, scope),
        ClientReach::OrgOrAssigned(scope, org, user) => {
            push_scope(&mut q, scope);
            q.push(" and (c.org_id = ")
                .push_bind(org.as_uuid())
                .push(" or c.assigned_to = ")
                .push_bind(user.as_uuid())
                .push(")");
        }
        ClientReach::Assigned(user) => {
            q.push("c.assigned_to = ").push_bind(user.as_uuid());
        }
    }
    q.push(" order by f.client_id, f.occurred_on, f.recorded_at, f.id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            let code: String = row.try_get("client_code").map_err(map_err)?;
            let region: String = row.try_get("client_region").map_err(map_err)?;
            Ok(ReachedFact {
                code: ClientCode::parse(&code).map_err(crate::backend)?,
                region: RegionCode::parse(&region).map_err(crate::backend)?,
                erased: row.try_get("client_erased").map_err(map_err)?,
                fact: rows::fact(row)?,
            })
        })
        .collect()
}
