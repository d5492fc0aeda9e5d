//! Clients, their facts, break-glass grants and sealed keys in SQLite.

use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, GrantId, UserId};
use pulih_domain::region::Scope;
use pulih_store::{
    CaseloadCount, ClientContact, ClientFact, ClientFilter, ClientRow, DueFact, Grant, GrantReview,
    NewClient, SealedKey, StoreError, StoreResult,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};

use crate::reach::{push_reach, push_scope};
use crate::{audit, map_err, rows};

/// The columns of a client row with its key.
const CLIENT: &str = "select c.*, k.key_id, k.sealed as key_sealed from clients c \
                      left join client_keys k on k.client_id = c.id";

pub(crate) async fn create_client(
    conn: &mut SqliteConnection,
    client: &NewClient,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let series = ClientCode::series(&client.region);
    let seq: i64 = sqlx::query(
        "insert into client_sequences (regency, last) values (?1, 1) \
         on conflict (regency) do update set last = last + 1 returning last",
    )
    .bind(&series)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_err)?
    .try_get("last")
    .map_err(map_err)?;
    let code = ClientCode::new(&client.region, seq);
    sqlx::query(
        "insert into clients (id, code, region, org_id, assigned_to, nik_hash, identity, created_by, created_at, version) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
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
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    sqlx::query("insert into client_keys (client_id, key_id, sealed) values (?1, ?2, ?3)")
        .bind(client.id.as_uuid())
        .bind(&client.key.key_id)
        .bind(&client.key.bytes)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    finish(conn, client.id, event).await
}

/// Appends the audit and change entries of a client write and reads the client back.
async fn finish(
    conn: &mut SqliteConnection,
    id: ClientId,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let row = sqlx::query(&format!("{CLIENT} where c.id = ?1"))
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

/// One client found by `condition` on `c` with one parameter.
pub(crate) async fn client_where<T>(
    pool: &SqlitePool,
    condition: &str,
    value: T,
) -> StoreResult<Option<ClientRow>>
where
    T: Send + for<'q> sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite>,
{
    let sql = format!("{CLIENT} where {condition}");
    sqlx::query(&sql)
        .bind(value)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::client)
        .transpose()
}

/// Appends ` where (…)`: the clients the filter's reach and live grants allow.
fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, filter: &ClientFilter) {
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
    pool: &SqlitePool,
    filter: &ClientFilter,
) -> StoreResult<Vec<ClientRow>> {
    let mut q = QueryBuilder::<Sqlite>::new(CLIENT);
    push_filter(&mut q, filter);
    if let Some(before) = filter.before {
        q.push(" and c.id < ").push_bind(before.as_uuid());
    }
    q.push(" order by c.id desc limit ").push_bind(filter.limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::client).collect()
}

pub(crate) async fn client_contacts(
    pool: &SqlitePool,
    filter: &ClientFilter,
) -> StoreResult<Vec<ClientContact>> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "select c.id, c.code, c.region, c.assigned_to, c.created_at, c.last_fact_on from clients c",
    );
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null order by c.code");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::contact).collect()
}

pub(crate) async fn due_facts(
    pool: &SqlitePool,
    filter: &ClientFilter,
    kinds: &[FactKind],
    until: NaiveDate,
) -> StoreResult<Vec<DueFact>> {
    let mut q = QueryBuilder::<Sqlite>::new(
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
    pool: &SqlitePool,
    filter: &ClientFilter,
    quiet_since: NaiveDate,
) -> StoreResult<Vec<CaseloadCount>> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "select c.assigned_to, count(*) as clients, \
         sum(case when coalesce(c.last_fact_on, substr(c.created_at, 1, 10)) <= ",
    );
    q.push_bind(quiet_since)
        .push(" then 1 else 0 end) as no_contact from clients c");
    push_filter(&mut q, filter);
    q.push(" and c.erased_at is null group by c.assigned_to");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::caseload_count).collect()
}

pub(crate) async fn assign_client(
    conn: &mut SqliteConnection,
    id: ClientId,
    expected_version: i64,
    assigned_to: Option<UserId>,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let done = sqlx::query(
        "update clients set assigned_to = ?1, version = version + 1 where id = ?2 and version = ?3",
    )
    .bind(assigned_to.map(|u| u.as_uuid()))
    .bind(id.as_uuid())
    .bind(expected_version)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(stale_or_missing(conn, id).await);
    }
    finish(conn, id, event).await
}

/// Why an update by version touched nothing.
async fn stale_or_missing(conn: &mut SqliteConnection, id: ClientId) -> StoreError {
    match sqlx::query("select 1 from clients where id = ?1")
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
    conn: &mut SqliteConnection,
    fact: &ClientFact,
    event: &AuditEvent,
) -> StoreResult<()> {
    let region: String = sqlx::query(
        "update clients set last_fact_on = max(coalesce(last_fact_on, ?2), ?2) \
         where id = ?1 and erased_at is null returning region",
    )
    .bind(fact.client_id.as_uuid())
    .bind(fact.occurred_on)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_err)?
    .ok_or(StoreError::NotFound)?
    .try_get("region")
    .map_err(map_err)?;
    sqlx::query(
        "insert into client_facts (id, client_id, kind, occurred_on, due_on, status, refers_to, detail, sealed, recorded_by, recorded_at) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    audit::change(
        conn,
        "client_fact",
        &fact.id.to_string(),
        1,
        &region,
        event.at,
    )
    .await
}

pub(crate) async fn facts(
    pool: &SqlitePool,
    clients: &[ClientId],
    kinds: &[FactKind],
) -> StoreResult<Vec<ClientFact>> {
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Sqlite>::new("select * from client_facts where client_id in (");
    let mut ids = q.separated(", ");
    for id in clients {
        ids.push_bind(id.as_uuid());
    }
    q.push(")");
    if !kinds.is_empty() {
        q.push(" and kind in (");
        let mut list = q.separated(", ");
        for kind in kinds {
            list.push_bind(kind.key());
        }
        q.push(")");
    }
    q.push(" order by client_id, occurred_on, recorded_at, id");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::fact).collect()
}

pub(crate) async fn erase_client(
    conn: &mut SqliteConnection,
    id: ClientId,
    event: &AuditEvent,
) -> StoreResult<ClientRow> {
    let done = sqlx::query(
        "update clients set identity = null, nik_hash = null, erased_at = ?1, version = version + 1 \
         where id = ?2 and erased_at is null",
    )
    .bind(event.at)
    .bind(id.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(stale_or_missing(conn, id).await);
    }
    for sql in [
        "delete from client_keys where client_id = ?1",
        "update client_facts set sealed = null, status = null, due_on = null, detail = '{}' where client_id = ?1",
        "update grants set reason = null where client_id = ?1",
        "update referrals set reason = null where client_id = ?1",
        "update referral_steps set reason = null where referral_id in (select id from referrals where client_id = ?1)",
    ] {
        sqlx::query(sql)
            .bind(id.as_uuid())
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
    }
    finish(conn, id, event).await
}

pub(crate) async fn create_grant(
    conn: &mut SqliteConnection,
    grant: &Grant,
    event: &AuditEvent,
) -> StoreResult<()> {
    let inserted = sqlx::query(
        "insert into grants (id, client_id, region, user_id, user_scope, reason, granted_at, expires_at) \
         select ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 where exists \
         (select 1 from clients where id = ?2 and erased_at is null)",
    )
    .bind(grant.id.as_uuid())
    .bind(grant.client_id.as_uuid())
    .bind(grant.region.as_str())
    .bind(grant.user_id.as_uuid())
    .bind(grant.user_scope.as_str())
    .bind(&grant.reason)
    .bind(grant.granted_at)
    .bind(grant.expires_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(conn, event).await
}

/// The columns of a grant with its client's code.
const GRANT: &str = "select g.*, c.code from grants g join clients c on c.id = g.client_id";

pub(crate) async fn grant(pool: &SqlitePool, id: GrantId) -> StoreResult<Option<Grant>> {
    sqlx::query(&format!("{GRANT} where g.id = ?1"))
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::grant)
        .transpose()
}

pub(crate) async fn live_grant(
    pool: &SqlitePool,
    client: ClientId,
    user: UserId,
    at: DateTime<Utc>,
) -> StoreResult<Option<Grant>> {
    sqlx::query(&format!(
        "{GRANT} where g.client_id = ?1 and g.user_id = ?2 and g.granted_at <= ?3 and g.expires_at > ?3 \
         order by g.expires_at desc limit 1"
    ))
    .bind(client.as_uuid())
    .bind(user.as_uuid())
    .bind(at)
    .fetch_optional(pool)
    .await
    .map_err(map_err)?
    .as_ref()
    .map(rows::grant)
    .transpose()
}

pub(crate) async fn grants(
    pool: &SqlitePool,
    scope: &Scope,
    unreviewed_only: bool,
) -> StoreResult<Vec<Grant>> {
    let mut q = QueryBuilder::<Sqlite>::new(GRANT);
    q.push(" where (");
    push_scope(&mut q, "g.region", scope);
    q.push(" or ");
    push_scope(&mut q, "g.user_scope", scope);
    q.push(")");
    if unreviewed_only {
        q.push(" and g.reviewed_at is null");
    }
    q.push(" order by g.granted_at desc, g.id desc limit 500");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::grant).collect()
}

pub(crate) async fn review_grant(
    conn: &mut SqliteConnection,
    id: GrantId,
    review: &GrantReview,
    event: &AuditEvent,
) -> StoreResult<Grant> {
    let done = sqlx::query(
        "update grants set reviewed_by = ?1, reviewed_at = ?2, outcome = ?3, review_note = ?4 \
         where id = ?5 and reviewed_at is null",
    )
    .bind(review.reviewer.as_uuid())
    .bind(review.at)
    .bind(&review.outcome)
    .bind(&review.note)
    .bind(id.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    let grant = sqlx::query(&format!("{GRANT} where g.id = ?1"))
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::grant)
        .transpose()?
        .ok_or(StoreError::NotFound)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    audit::append(conn, event).await?;
    Ok(grant)
}

pub(crate) async fn server_key(pool: &SqlitePool, purpose: &str) -> StoreResult<Option<SealedKey>> {
    sqlx::query("select key_id, sealed from server_keys where purpose = ?1")
        .bind(purpose.to_owned())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .map(|r| rows::sealed_key(&r, "sealed"))
        .transpose()
}

pub(crate) async fn init_server_key(
    conn: &mut SqliteConnection,
    purpose: &str,
    key: &SealedKey,
) -> StoreResult<SealedKey> {
    sqlx::query("insert into server_keys (purpose, key_id, sealed) values (?1, ?2, ?3) on conflict (purpose) do nothing")
        .bind(purpose)
        .bind(&key.key_id)
        .bind(&key.bytes)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    let row = sqlx::query("select key_id, sealed from server_keys where purpose = ?1")
        .bind(purpose)
        .fetch_one(conn)
        .await
        .map_err(map_err)?;
    rows::sealed_key(&row, "sealed")
}

pub(crate) async fn keys_not_under(
    pool: &SqlitePool,
    key_id: &str,
    limit: i64,
) -> StoreResult<Vec<(ClientId, SealedKey)>> {
    let found = sqlx::query(
        "select client_id, key_id, sealed from client_keys where key_id <> ?1 order by client_id limit ?2",
    )
    .bind(key_id.to_owned())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found
        .iter()
        .map(|r| {
            let id = ClientId::from_uuid(r.try_get("client_id").map_err(map_err)?);
            Ok((id, rows::sealed_key(r, "sealed")?))
        })
        .collect()
}

pub(crate) async fn rewrap_keys(
    conn: &mut SqliteConnection,
    clients: &[(ClientId, String, SealedKey)],
    server: &[(String, String, SealedKey)],
) -> StoreResult<u64> {
    let mut replaced = 0;
    for (id, old, new) in clients {
        replaced += sqlx::query(
            "update client_keys set key_id = ?1, sealed = ?2 where client_id = ?3 and key_id = ?4",
        )
        .bind(&new.key_id)
        .bind(&new.bytes)
        .bind(id.as_uuid())
        .bind(old)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?
        .rows_affected();
    }
    for (purpose, old, new) in server {
        replaced += sqlx::query(
            "update server_keys set key_id = ?1, sealed = ?2 where purpose = ?3 and key_id = ?4",
        )
        .bind(&new.key_id)
        .bind(&new.bytes)
        .bind(purpose)
        .bind(old)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?
        .rows_affected();
    }
    Ok(replaced)
}
