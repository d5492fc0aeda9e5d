//! Reading clients: one by id or code, those holding a NIK hash, the lists a worker's reach allows, and
//! the worklist reads over thousands of clients (contacts, due facts, caseloads).

use chrono::NaiveDate;
use pulih_domain::client::FactKind;
use pulih_domain::referral::{ReferralStatus, ServiceType};
use pulih_store::{
    CaseloadCount, ClientContact, ClientFilter, ClientRow, ClientSearch, DueFact, NIK_MATCHES,
    StoreResult,
};
use sqlx::QueryBuilder;

use super::errors::map_err;
use super::reach::{push_at_or_below, push_reach};
use super::rows;
use crate::db::{Db, Pool};
use crate::dialect;

/// The columns of a client row with its key.
pub(crate) const CLIENT: &str = "select c.*, k.key_id, k.sealed as key_sealed from clients c \
                                 left join client_keys k on k.client_id = c.id";

/// Which column identifies the client asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ClientBy<'a> {
    /// Its id.
    Id(pulih_domain::ids::ClientId),
    /// Its code.
    Code(&'a str),
}

pub(crate) async fn client(pool: &Pool, by: ClientBy<'_>) -> StoreResult<Option<ClientRow>> {
    let mut q = QueryBuilder::<Db>::new(CLIENT);
    match by {
        ClientBy::Id(id) => q.push(" where c.id = ").push_bind(id.as_uuid()),
        ClientBy::Code(code) => q.push(" where c.code = ").push_bind(code.to_owned()),
    };
    q.build()
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::client)
        .transpose()
}

pub(crate) async fn clients_by_nik_hash(pool: &Pool, hash: &str) -> StoreResult<Vec<ClientRow>> {
    let mut q = QueryBuilder::<Db>::new(CLIENT);
    q.push(" where c.nik_hash = ")
        .push_bind(hash.to_owned())
        .push(" order by c.created_at, c.id limit ")
        .push_bind(NIK_MATCHES);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::client).collect()
}

pub(crate) async fn clients_by_name_birth_hash(
    pool: &Pool,
    hash: &str,
) -> StoreResult<Vec<ClientRow>> {
    let mut q = QueryBuilder::<Db>::new(CLIENT);
    q.push(" where c.name_birth_hash = ")
        .push_bind(hash.to_owned())
        .push(" and c.erased_at is null order by c.created_at, c.id limit ")
        .push_bind(NIK_MATCHES);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::client).collect()
}

/// Appends ` where (…)`: the clients the filter's reach and live grants allow.
fn push_filter(q: &mut QueryBuilder<'_, Db>, filter: &ClientFilter) {
    q.push(" where ((");
    push_reach(q, &filter.reach);
    q.push(")");
    if let Some((user, at)) = filter.granted {
        q.push(" or c.id in (select client_id from grants where user_id = ")
            .push_bind(user.as_uuid())
            .push(" and granted_at <= ")
            .push_bind(at)
            .push(" and expires_at > ")
            .push_bind(at)
            .push(")");
    }
    q.push(")");
}

pub(crate) async fn clients_to_index(
    pool: &Pool,
    after: Option<pulih_domain::ids::ClientId>,
    limit: i64,
) -> StoreResult<Vec<ClientRow>> {
    let mut q = QueryBuilder::<Db>::new(CLIENT);
    q.push(" where c.name_hash is null and c.identity is not null and c.erased_at is null");
    if let Some(after) = after {
        q.push(" and c.id > ").push_bind(after.as_uuid());
    }
    q.push(" order by c.id limit ").push_bind(limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::client).collect()
}

pub(crate) async fn list_clients(
    pool: &Pool,
    filter: &ClientFilter,
) -> StoreResult<Vec<ClientRow>> {
    let mut q = QueryBuilder::<Db>::new(CLIENT);
    push_filter(&mut q, filter);
    if let Some(before) = filter.before {
        q.push(" and c.id < ").push_bind(before.as_uuid());
    }
    q.push(" order by c.id desc limit ").push_bind(filter.limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::client).collect()
}

pub(crate) async fn search_clients(
    pool: &Pool,
    filter: &ClientFilter,
    search: &ClientSearch,
) -> StoreResult<Vec<ClientRow>> {
    let mut q = QueryBuilder::<Db>::new(CLIENT);
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null");
    if let Some(code) = &search.code {
        q.push(" and c.code = ").push_bind(code.clone());
    }
    if let Some(hash) = &search.nik_hash {
        q.push(" and c.nik_hash = ").push_bind(hash.clone());
    }
    if let Some(hash) = &search.name_hash {
        q.push(" and c.name_hash = ").push_bind(hash.clone());
    }
    if let Some(place) = &search.place {
        q.push(" and ");
        push_at_or_below(&mut q, "c.region", place);
    }
    if let Some(before) = filter.before {
        q.push(" and c.id < ").push_bind(before.as_uuid());
    }
    q.push(" order by c.id desc limit ").push_bind(filter.limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::client).collect()
}

pub(crate) async fn client_contacts(
    pool: &Pool,
    filter: &ClientFilter,
) -> StoreResult<Vec<ClientContact>> {
    let mut q = QueryBuilder::<Db>::new(
        "select c.id, c.code, c.region, c.assigned_to, c.created_at, c.last_fact_on from clients c",
    );
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null order by c.code");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::contact).collect()
}

pub(crate) async fn due_facts(
    pool: &Pool,
    filter: &ClientFilter,
    kinds: &[FactKind],
    until: NaiveDate,
) -> StoreResult<Vec<DueFact>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new(
        "select f.client_id, f.kind, f.due_on, c.code, c.assigned_to \
         from client_facts f join clients c on c.id = f.client_id",
    );
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null and f.due_on <= ")
        .push_bind(until);
    q.push(" and f.kind in (");
    let mut list = q.separated(", ");
    for kind in kinds {
        list.push_bind(kind.key());
    }
    q.push(") and not exists (select 1 from client_facts a where a.refers_to = f.id)");
    // a screening that proposes a referral is answered by a referral to a service that
    // treats, sent on or after it and not turned down or missed
    q.push(
        " and not (f.kind = 'assist' and exists (select 1 from referrals r \
         where r.client_id = f.client_id and r.sent_on >= f.occurred_on and r.service_type in (",
    );
    let mut list = q.separated(", ");
    for service in ServiceType::ALL.iter().filter(|s| s.clinical()) {
        list.push_bind(service.key());
    }
    q.push(") and r.status in (");
    let mut list = q.separated(", ");
    for status in ReferralStatus::ALL.iter().filter(|s| s.goes_ahead()) {
        list.push_bind(status.key());
    }
    q.push(")))");
    q.push(" order by f.due_on, f.id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::due_fact).collect()
}

pub(crate) async fn caseload_counts(
    pool: &Pool,
    filter: &ClientFilter,
    quiet_since: NaiveDate,
) -> StoreResult<Vec<CaseloadCount>> {
    let mut q = QueryBuilder::<Db>::new(format!(
        "select c.assigned_to, count(*) as clients, \
         count(*) filter (where coalesce(c.last_fact_on, {}) <= ",
        dialect::utc_date("c.created_at")
    ));
    q.push_bind(quiet_since)
        .push(") as no_contact from clients c");
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null group by c.assigned_to");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::caseload_count).collect()
}
