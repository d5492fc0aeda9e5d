//! Referrals and notifications in PostgreSQL, behind [`ReferralStore`].

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::client::ClientCode;
use pulih_domain::ids::{ClientId, NotificationId, OrgId, ReferralId, ServiceId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{
    Notification, Referral, ReferralOutcome, ReferralQuery, ReferralStep, ReferralStore,
    StoreError, StoreResult,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::{PostgresStore, audit, map_err};

const SELECT: &str = "select r.*, c.code, s.name as service_name, o.name as partner_name \
                      from referrals r join clients c on c.id = r.client_id \
                      join partner_services s on s.id = r.service_id \
                      join organisations o on o.id = r.partner_org";

fn referral_row(row: &PgRow) -> StoreResult<Referral> {
    let get_uuid = |c: &str| row.try_get::<uuid::Uuid, _>(c).map_err(map_err);
    Ok(Referral {
        id: ReferralId::from_uuid(get_uuid("id")?),
        client_id: ClientId::from_uuid(get_uuid("client_id")?),
        client_code: ClientCode::parse(row.try_get("code").map_err(map_err)?)
            .map_err(crate::backend)?,
        region: RegionCode::parse(row.try_get("region").map_err(map_err)?)
            .map_err(crate::backend)?,
        service_id: ServiceId::from_uuid(get_uuid("service_id")?),
        service_name: row.try_get("service_name").map_err(map_err)?,
        service_type: row.try_get("service_type").map_err(map_err)?,
        partner_org: OrgId::from_uuid(get_uuid("partner_org")?),
        partner_name: row.try_get("partner_name").map_err(map_err)?,
        sender: UserId::from_uuid(get_uuid("sender")?),
        sender_org: OrgId::from_uuid(get_uuid("sender_org")?),
        status: row.try_get("status").map_err(map_err)?,
        sent_on: row.try_get("sent_on").map_err(map_err)?,
        answer_due: row.try_get("answer_due").map_err(map_err)?,
        reason: row.try_get("reason").map_err(map_err)?,
        escalated_at: row.try_get("escalated_at").map_err(map_err)?,
        version: row.try_get("version").map_err(map_err)?,
        updated_at: row.try_get("updated_at").map_err(map_err)?,
    })
}

fn step_row(row: &PgRow) -> StoreResult<ReferralStep> {
    Ok(ReferralStep {
        referral_id: ReferralId::from_uuid(row.try_get("referral_id").map_err(map_err)?),
        status: row.try_get("status").map_err(map_err)?,
        step: row.try_get("step").map_err(map_err)?,
        by: UserId::from_uuid(row.try_get("by_user").map_err(map_err)?),
        at: row.try_get("at").map_err(map_err)?,
        reason: row.try_get("reason").map_err(map_err)?,
    })
}

fn notification_row(row: &PgRow) -> StoreResult<Notification> {
    Ok(Notification {
        id: NotificationId::from_uuid(row.try_get("id").map_err(map_err)?),
        user_id: UserId::from_uuid(row.try_get("user_id").map_err(map_err)?),
        kind: row.try_get("kind").map_err(map_err)?,
        subject: row.try_get("subject").map_err(map_err)?,
        detail: row.try_get("detail").map_err(map_err)?,
        created_at: row.try_get("created_at").map_err(map_err)?,
        read_at: row.try_get("read_at").map_err(map_err)?,
    })
}

async fn add_step(conn: &mut PgConnection, step: &ReferralStep) -> StoreResult<()> {
    sqlx::query(
        "insert into referral_steps (referral_id, seq, status, step, by_user, at, reason) \
         select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 from referral_steps where referral_id = $1",
    )
    .bind(step.referral_id.as_uuid())
    .bind(&step.status)
    .bind(&step.step)
    .bind(step.by.as_uuid())
    .bind(step.at)
    .bind(&step.reason)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

async fn notify(conn: &mut PgConnection, notify: &[Notification]) -> StoreResult<u64> {
    let mut added = 0;
    for n in notify {
        added += sqlx::query(
            "insert into notifications (id, user_id, kind, subject, detail, created_at, read_at) \
             values ($1, $2, $3, $4, $5, $6, $7) on conflict (user_id, kind, subject) do nothing",
        )
        .bind(n.id.as_uuid())
        .bind(n.user_id.as_uuid())
        .bind(&n.kind)
        .bind(&n.subject)
        .bind(&n.detail)
        .bind(n.created_at)
        .bind(n.read_at)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?
        .rows_affected();
    }
    Ok(added)
}

async fn one(conn: &mut PgConnection, id: ReferralId) -> StoreResult<Referral> {
    let row = sqlx::query(&format!("{SELECT} where r.id = $1"))
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
    referral_row(&row)
}

async fn create(
    conn: &mut PgConnection,
    r: &Referral,
    step: &ReferralStep,
    to: &[Notification],
    event: &AuditEvent,
) -> StoreResult<()> {
    sqlx::query(
        "insert into referrals (id, client_id, region, service_id, service_type, partner_org, sender, \
         sender_org, status, sent_on, answer_due, reason, escalated_at, version, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(r.id.as_uuid())
    .bind(r.client_id.as_uuid())
    .bind(r.region.as_str())
    .bind(r.service_id.as_uuid())
    .bind(&r.service_type)
    .bind(r.partner_org.as_uuid())
    .bind(r.sender.as_uuid())
    .bind(r.sender_org.as_uuid())
    .bind(&r.status)
    .bind(r.sent_on)
    .bind(r.answer_due)
    .bind(&r.reason)
    .bind(r.escalated_at)
    .bind(r.version)
    .bind(r.updated_at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    add_step(conn, step).await?;
    notify(conn, to).await?;
    audit::append(conn, event).await?;
    let id = r.id.to_string();
    audit::change(
        conn,
        "referral",
        &id,
        r.version,
        r.region.as_str(),
        event.at,
    )
    .await
}

async fn move_to(
    conn: &mut PgConnection,
    expected: i64,
    step: &ReferralStep,
    to: &[Notification],
    event: &AuditEvent,
) -> StoreResult<Referral> {
    let done = sqlx::query(
        "update referrals set status = $1, version = version + 1, updated_at = $2 \
         where id = $3 and version = $4",
    )
    .bind(&step.status)
    .bind(step.at)
    .bind(step.referral_id.as_uuid())
    .bind(expected)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(match one(conn, step.referral_id).await {
            Ok(_) => StoreError::Conflict,
            Err(e) => e,
        });
    }
    add_step(conn, step).await?;
    notify(conn, to).await?;
    audit::append(conn, event).await?;
    let moved = one(conn, step.referral_id).await?;
    let id = moved.id.to_string();
    audit::change(
        conn,
        "referral",
        &id,
        moved.version,
        moved.region.as_str(),
        event.at,
    )
    .await?;
    Ok(moved)
}

async fn escalate(
    conn: &mut PgConnection,
    id: ReferralId,
    at: DateTime<Utc>,
    to: &[Notification],
    event: &AuditEvent,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "update referrals set escalated_at = $1 \
         where id = $2 and status = 'sent' and escalated_at is null",
    )
    .bind(at)
    .bind(id.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    notify(conn, to).await?;
    audit::append(conn, event).await?;
    Ok(true)
}

#[async_trait]
impl ReferralStore for PostgresStore {
    async fn create_referral(
        &self,
        referral: &Referral,
        step: &ReferralStep,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = create(&mut tx, referral, step, notify, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn referral(&self, id: ReferralId) -> StoreResult<Option<Referral>> {
        let found = sqlx::query(&format!("{SELECT} where r.id = $1"))
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        found.as_ref().map(referral_row).transpose()
    }
    async fn referrals(&self, q: &ReferralQuery) -> StoreResult<Vec<Referral>> {
        let statuses = q.statuses.join(" ");
        let found = sqlx::query(&format!(
            "{SELECT} where ($1::uuid is null or r.partner_org = $1) and ($2::uuid is null or r.sender = $2) \
             and ($3::uuid is null or r.client_id = $3) \
             and ($4::text is null or r.region = $4 or {}) \
             and ($5 = '' or r.status = any(string_to_array($5, ' '))) \
             and ($6::date is null or r.sent_on >= $6) and ($7::date is null or r.sent_on <= $7) \
             and (not $9 or r.escalated_at is not null) \
             order by r.id desc limit $8",
            crate::below("r.region", "$4")
        ))
        .bind(q.partner_org.map(|o| o.as_uuid()))
        .bind(q.sender.map(|u| u.as_uuid()))
        .bind(q.client.map(|c| c.as_uuid()))
        .bind(q.within.as_ref().map(RegionCode::as_str))
        .bind(&statuses)
        .bind(q.sent_from)
        .bind(q.sent_to)
        .bind(q.limit)
        .bind(q.escalated_only)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(referral_row).collect()
    }
    async fn referral_steps(&self, client: ClientId) -> StoreResult<Vec<ReferralStep>> {
        let rows = sqlx::query(
            "select s.* from referral_steps s join referrals r on r.id = s.referral_id \
             where r.client_id = $1 order by r.id, s.seq",
        )
        .bind(client.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(step_row).collect()
    }
    async fn move_referral(
        &self,
        expected_version: i64,
        step: &ReferralStep,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<Referral> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = move_to(&mut tx, expected_version, step, notify, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn overdue_referrals(&self, today: NaiveDate, limit: i64) -> StoreResult<Vec<Referral>> {
        let found = sqlx::query(&format!(
            "{SELECT} where r.status = 'sent' and r.escalated_at is null and r.answer_due < $1 \
             order by r.answer_due, r.id limit $2"
        ))
        .bind(today)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(referral_row).collect()
    }
    async fn escalate_referral(
        &self,
        id: ReferralId,
        at: DateTime<Utc>,
        notify: &[Notification],
        event: &AuditEvent,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = escalate(&mut tx, id, at, notify, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn referral_outcomes(
        &self,
        region: &RegionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReferralOutcome>> {
        let rows = sqlx::query(&format!(
            "select r.status, \
             (select at from referral_steps s where s.referral_id = r.id and s.seq = 1) as sent_at, \
             (select min(at) from referral_steps s where s.referral_id = r.id and s.step = 'accept') as accepted_at \
             from referrals r where (r.region = $1 or {}) and r.sent_on >= $2 and r.sent_on <= $3",
            crate::below("r.region", "$1")
        ))
        .bind(region.as_str())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter()
            .map(|row| {
                Ok(ReferralOutcome {
                    status: row.try_get("status").map_err(map_err)?,
                    sent_at: row.try_get("sent_at").map_err(map_err)?,
                    accepted_at: row.try_get("accepted_at").map_err(map_err)?,
                })
            })
            .collect()
    }
    async fn notify(&self, to: &[Notification]) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let out = notify(&mut tx, to).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(out)
    }
    async fn notifications(&self, user: UserId, limit: i64) -> StoreResult<Vec<Notification>> {
        let rows = sqlx::query(
            "select * from notifications where user_id = $1 order by created_at desc, id desc limit $2",
        )
        .bind(user.as_uuid())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        rows.iter().map(notification_row).collect()
    }
    async fn mark_notifications_read(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<u64> {
        sqlx::query("update notifications set read_at = $1 where user_id = $2 and read_at is null")
            .bind(at)
            .bind(user.as_uuid())
            .execute(&self.pool)
            .await
            .map(|d| d.rows_affected())
            .map_err(map_err)
    }
}
