//! Break-glass grants in PostgreSQL: time-limited access outside a user's normal reach,
//! reviewed afterwards. Creating and reviewing one is audited; neither enters the change
//! feed, as in the SQLite backend.

use chrono::{DateTime, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{ClientId, GrantId, UserId};
use pulih_domain::region::Scope;
use pulih_store::{Grant, GrantReview, StoreError, StoreResult};
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::reach::push_scope;
use crate::{audit, map_err, rows};

/// The columns of a grant with its client's code.
const GRANT: &str = "select g.*, c.code from grants g join clients c on c.id = g.client_id";

pub(crate) async fn create_grant(
    pool: &PgPool,
    grant: &Grant,
    event: &AuditEvent,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    // as for facts: an erased client gets no grant, and an erasure waits for this one.
    sqlx::query("select 1 from clients where id = $1 and erased_at is null for share")
        .bind(grant.client_id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
    sqlx::query(
        "insert into grants (id, client_id, region, user_id, user_scope, reason, granted_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(grant.id.as_uuid())
    .bind(grant.client_id.as_uuid())
    .bind(grant.region.as_str())
    .bind(grant.user_id.as_uuid())
    .bind(grant.user_scope.as_str())
    .bind(&grant.reason)
    .bind(grant.granted_at)
    .bind(grant.expires_at)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    audit::append(&mut tx, event).await?;
    tx.commit().await.map_err(map_err)
}

pub(crate) async fn grant(pool: &PgPool, id: GrantId) -> StoreResult<Option<Grant>> {
    sqlx::query(&format!("{GRANT} where g.id = $1"))
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::grant)
        .transpose()
}

pub(crate) async fn live_grant(
    pool: &PgPool,
    client: ClientId,
    user: UserId,
    at: DateTime<Utc>,
) -> StoreResult<Option<Grant>> {
    sqlx::query(&format!(
        "{GRANT} where g.client_id = $1 and g.user_id = $2 and g.granted_at <= $3 and g.expires_at > $3 \
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
    pool: &PgPool,
    scope: &Scope,
    unreviewed_only: bool,
) -> StoreResult<Vec<Grant>> {
    let mut q = QueryBuilder::<Postgres>::new(GRANT);
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
    pool: &PgPool,
    id: GrantId,
    review: &GrantReview,
    event: &AuditEvent,
) -> StoreResult<Grant> {
    let mut tx = pool.begin().await.map_err(map_err)?;
    let done = sqlx::query(
        "update grants set reviewed_by = $1, reviewed_at = $2, outcome = $3, review_note = $4 \
         where id = $5 and reviewed_at is null",
    )
    .bind(review.reviewer.as_uuid())
    .bind(review.at)
    .bind(&review.outcome)
    .bind(&review.note)
    .bind(id.as_uuid())
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    let grant = sqlx::query(&format!("{GRANT} where g.id = $1"))
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::grant)
        .transpose()?
        .ok_or(StoreError::NotFound)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    audit::append(&mut tx, event).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(grant)
}
