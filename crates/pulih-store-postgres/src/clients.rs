//! Clients and their facts in PostgreSQL.

use chrono::NaiveDate;
use pulih_domain::audit::AuditEvent;
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, UserId};
use pulih_store::{
    CaseloadCount, ClientContact, ClientFact, ClientFilter, ClientRow, DueFact, NewClient,
    StoreError, StoreResult,
};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};

use crate::reach::push_reach;
use crate::{audit, map_err, rows};

/// The columns of a client row with its key.
const CLIENT: &str = "select c.*, k.key_id, k.sealed as key_sealed from clients c \
                      left join client_keys k on k.client_id = c.id";

pub(crate) async fn create_client(
    pool: &PgPool,
    client: &NewClient,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    // The number is taken inside the transaction: a refused registration rolls it back,
    // and the regency's row stays locked until commit, so numbers never repeat.
    let seq: i64 = sqlx::query(
        "insert into client_sequences (regency, last) values ($1, 1) \
         on conflict (regency) do update set last = client_sequences.last + 1 returning last",
    )
    .bind(ClientCode::series(&client.region))
    .fetch_one(&mut *tx)
    .await
    .map_err(map_err)?
    .try_get("last")
    .map_err(map_err)?;
    let code = ClientCode::new(&client.region, seq);
    sqlx::query(
        "insert into clients (id, code, region, org_id, assigned_to, nik_hash, identity, created_by, created_at, version) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
    )
    .bind(client.id.as_uuid())
    .bind(code.as_str())
    .bind(client.region.as_str())
    .bind(client.org_id.as_uuid())
    .bind(client.assigned_to.map(|u| u.as_uuid()))
    .bind(&client.nik_hash)
    .bind(&client.identity)
    .bind(client.created_by.as_uuid())
    .bind(client.created_at)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    sqlx::query("insert into client_keys (client_id, key_id, sealed) values ($1, $2, $3)")
        .bind(client.id.as_uuid())
        .bind(&client.key.key_id)
        .bind(&client.key.bytes)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
    let client = finish(&mut tx, client.id, event).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(client)
}

/// Reads a written client back and appends its audit and change entries, all inside the
/// caller's transaction.
async fn finish(
    conn: &mut PgConnection,
    id: ClientId,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let row = sqlx::query(&format!("{CLIENT} where c.id = $1"))
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
    let client = rows::client(&row)?;
    audit::append(conn, event).await?;
    let (id, region) = (client.id.to_string(), client.region.to_string());
    audit::change(conn, "client", &id, client.version, &region, event.at).await?;
    Ok(client)
}

/// One client found by `condition` on `c` with one parameter, `$1`.
pub(crate) async fn client_where<T>(
    pool: &PgPool,
    condition: &str,
    value: T,
) -> StoreResult<Option<ClientRow>>
where
    T: Send + for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>,
{
    sqlx::query(&format!("{CLIENT} where {condition}"))
        .bind(value)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::client)
        .transpose()
}

/// Appends ` where (…)`: the clients the filter's reach and live grants allow.
fn push_filter(q: &mut QueryBuilder<'_, Postgres>, filter: &ClientFilter) {
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

pub(crate) async fn list_clients(
    pool: &PgPool,
    filter: &ClientFilter,
) -> StoreResult<Vec<ClientRow>> {
    let mut q = QueryBuilder::<Postgres>::new(CLIENT);
    push_filter(&mut q, filter);
    if let Some(before) = filter.before {
        q.push(" and c.id < ").push_bind(before.as_uuid());
    }
    q.push(" order by c.id desc limit ").push_bind(filter.limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::client).collect()
}

pub(crate) async fn client_contacts(
    pool: &PgPool,
    filter: &ClientFilter,
) -> StoreResult<Vec<ClientContact>> {
    let mut q = QueryBuilder::<Postgres>::new(
        "select c.id, c.code, c.region, c.assigned_to, c.created_at, c.last_fact_on from clients c",
    );
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null order by c.code");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::contact).collect()
}

pub(crate) async fn due_facts(
    pool: &PgPool,
    filter: &ClientFilter,
    kinds: &[FactKind],
    until: NaiveDate,
) -> StoreResult<Vec<DueFact>> {
    let mut q = QueryBuilder::<Postgres>::new(
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
    q.push(" order by f.due_on, f.id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::due_fact).collect()
}

pub(crate) async fn caseload_counts(
    pool: &PgPool,
    filter: &ClientFilter,
    quiet_since: NaiveDate,
) -> StoreResult<Vec<CaseloadCount>> {
    let mut q = QueryBuilder::<Postgres>::new(
        "select c.assigned_to, count(*) as clients, \
         sum(case when coalesce(c.last_fact_on, (c.created_at at time zone 'UTC')::date) <= ",
    );
    q.push_bind(quiet_since)
        .push(" then 1 else 0 end) as no_contact from clients c");
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null group by c.assigned_to");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::caseload_count).collect()
}

pub(crate) async fn assign_client(
    pool: &PgPool,
    id: ClientId,
    expected_version: i64,
    assigned_to: Option<UserId>,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    // Check and bump in one statement: a concurrent writer waits for the row lock, then
    // sees the new version and matches nothing.
    let done = sqlx::query(
        "update clients set assigned_to = $1, version = version + 1 where id = $2 and version = $3",
    )
    .bind(assigned_to.map(|u| u.as_uuid()))
    .bind(id.as_uuid())
    .bind(expected_version)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(stale_or_missing(&mut tx, id).await);
    }
    let client = finish(&mut tx, id, event).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(client)
}

/// Why an update of a client touched nothing.
async fn stale_or_missing(conn: &mut PgConnection, id: ClientId) -> StoreError {
    match sqlx::query("select 1 from clients where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(conn)
        .await
    {
        Ok(Some(_)) => StoreError::Conflict,
        Ok(None) => StoreError::NotFound,
        Err(e) => map_err(e),
    }
}

pub(crate) async fn add_fact(
    pool: &PgPool,
    fact: &ClientFact,
    event: &AuditEvent,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    insert_fact(&mut tx, fact, event).await?;
    tx.commit().await.map_err(map_err)
}

/// Appends a fact with its audit entry inside the caller's transaction.
pub(crate) async fn insert_fact(
    tx: &mut PgConnection,
    fact: &ClientFact,
    event: &AuditEvent,
) -> StoreResult<()> {
    // The row lock of the update holds off a concurrent erasure until this fact is
    // committed (its statements then see the fact and null its sealed part), or, if the
    // erasure commits first, finds the client erased.
    let region: String = sqlx::query(
        "update clients set last_fact_on = greatest(last_fact_on, $2) \
         where id = $1 and erased_at is null returning region",
    )
    .bind(fact.client_id.as_uuid())
    .bind(fact.occurred_on)
    .fetch_optional(&mut *tx)
    .await
    .map_err(map_err)?
    .ok_or(StoreError::NotFound)?
    .try_get("region")
    .map_err(map_err)?;
    sqlx::query(
        "insert into client_facts (id, client_id, kind, occurred_on, due_on, status, refers_to, detail, sealed, recorded_by, recorded_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(fact.id.as_uuid())
    .bind(fact.client_id.as_uuid())
    .bind(fact.kind.key())
    .bind(fact.occurred_on)
    .bind(fact.due_on)
    .bind(&fact.status)
    .bind(fact.refers_to.map(|f| f.as_uuid()))
    .bind(&fact.detail)
    .bind(&fact.sealed)
    .bind(fact.recorded_by.as_uuid())
    .bind(fact.recorded_at)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    audit::append(&mut *tx, event).await?;
    audit::change(
        &mut *tx,
        "client_fact",
        &fact.id.to_string(),
        1,
        &region,
        event.at,
    )
    .await
}

pub(crate) async fn facts(
    pool: &PgPool,
    clients: &[ClientId],
    kinds: &[FactKind],
) -> StoreResult<Vec<ClientFact>> {
    let ids: Vec<uuid::Uuid> = clients.iter().map(ClientId::as_uuid).collect();
    let kinds: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
    let found = sqlx::query(
        "select * from client_facts where client_id = any($1) \
         and (cardinality($2::text[]) = 0 or kind = any($2)) \
         order by client_id, occurred_on, recorded_at, id",
    )
    .bind(&ids)
    .bind(&kinds)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(rows::fact).collect()
}

pub(crate) async fn erase_client(
    pool: &PgPool,
    id: ClientId,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    let done = sqlx::query(
        "update clients set identity = null, nik_hash = null, erased_at = $1, version = version + 1 \
         where id = $2 and erased_at is null",
    )
    .bind(event.at)
    .bind(id.as_uuid())
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(stale_or_missing(&mut tx, id).await);
    }
    for sql in [
        "delete from client_keys where client_id = $1",
        "update client_facts set sealed = null, status = null, due_on = null, detail = '{}' where client_id = $1",
        "update grants set reason = null where client_id = $1",
        "update referrals set reason = null where client_id = $1",
        "update referral_steps set reason = null where referral_id in (select id from referrals where client_id = $1)",
    ] {
        sqlx::query(sql)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
    }
    let client = finish(&mut tx, id, event).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(client)
}
