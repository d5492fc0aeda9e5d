//! Closed-loop referrals with their steps, and in-app notifications.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use pulih_domain::client::ClientCode;
use pulih_domain::ids::{ClientId, NotificationId, OrgId, ReferralId, ServiceId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{
    Notification, PlacedStep, Referral, ReferralOutcome, ReferralQuery, ReferralStep, ReferralTx,
    StoreError, StoreResult,
};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::push_at_or_below;
use super::rows::get;
use crate::db::{Db, DbRow, Pool};

const SELECT: &str = "select r.*, c.code, s.name as service_name, o.name as partner_name \
                      from referrals r join clients c on c.id = r.client_id \
                      join partner_services s on s.id = r.service_id \
                      join organisations o on o.id = r.partner_org";

fn referral_row(row: &DbRow) -> StoreResult<Referral> {
    Ok(Referral {
        id: ReferralId::from_uuid(get(row, "id")?),
        client_id: ClientId::from_uuid(get(row, "client_id")?),
        client_code: ClientCode::parse(get(row, "code")?).map_err(backend)?,
        region: RegionCode::parse(get(row, "region")?).map_err(backend)?,
        service_id: ServiceId::from_uuid(get(row, "service_id")?),
        service_name: get(row, "service_name")?,
        service_type: get(row, "service_type")?,
        partner_org: OrgId::from_uuid(get(row, "partner_org")?),
        partner_name: get(row, "partner_name")?,
        sender: UserId::from_uuid(get(row, "sender")?),
        sender_org: OrgId::from_uuid(get(row, "sender_org")?),
        status: get(row, "status")?,
        sent_on: get(row, "sent_on")?,
        answer_due: get(row, "answer_due")?,
        reason: get(row, "reason")?,
        escalated_at: get(row, "escalated_at")?,
        version: get(row, "version")?,
        updated_at: get(row, "updated_at")?,
    })
}

fn step_row(row: &DbRow) -> StoreResult<ReferralStep> {
    Ok(ReferralStep {
        referral_id: ReferralId::from_uuid(get(row, "referral_id")?),
        status: get(row, "status")?,
        step: get(row, "step")?,
        by: UserId::from_uuid(get(row, "by_user")?),
        at: get(row, "at")?,
        reason: get(row, "reason")?,
    })
}

fn notification_row(row: &DbRow) -> StoreResult<Notification> {
    Ok(Notification {
        id: NotificationId::from_uuid(get(row, "id")?),
        user_id: UserId::from_uuid(get(row, "user_id")?),
        kind: get(row, "kind")?,
        subject: get(row, "subject")?,
        detail: get(row, "detail")?,
        created_at: get(row, "created_at")?,
        read_at: get(row, "read_at")?,
    })
}

/// One referral by id, read through `exec` (the pool, or a write's connection).
pub(crate) async fn referral<'e, E>(exec: E, id: ReferralId) -> StoreResult<Option<Referral>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let found = sqlx::query(&format!("{SELECT} where r.id = $1"))
        .bind(id.as_uuid())
        .fetch_optional(exec)
        .await
        .map_err(map_err)?;
    found.as_ref().map(referral_row).transpose()
}

pub(crate) async fn referrals(pool: &Pool, query: &ReferralQuery) -> StoreResult<Vec<Referral>> {
    let mut q = QueryBuilder::<Db>::new(format!("{SELECT} where 1 = 1"));
    if let Some(org) = query.partner_org {
        q.push(" and r.partner_org = ").push_bind(org.as_uuid());
    }
    if let Some(sender) = query.sender {
        q.push(" and r.sender = ").push_bind(sender.as_uuid());
    }
    if let Some(client) = query.client {
        q.push(" and r.client_id = ").push_bind(client.as_uuid());
    }
    if let Some(within) = &query.within {
        q.push(" and ");
        push_at_or_below(&mut q, "r.region", within);
    }
    if !query.statuses.is_empty() {
        q.push(" and r.status in (");
        let mut list = q.separated(", ");
        for status in &query.statuses {
            list.push_bind(status.clone());
        }
        q.push(")");
    }
    if let Some(from) = query.sent_from {
        q.push(" and r.sent_on >= ").push_bind(from);
    }
    if let Some(to) = query.sent_to {
        q.push(" and r.sent_on <= ").push_bind(to);
    }
    if query.escalated_only {
        q.push(" and r.escalated_at is not null");
    }
    q.push(" order by r.id desc limit ").push_bind(query.limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(referral_row).collect()
}

pub(crate) async fn referral_steps(
    pool: &Pool,
    client: ClientId,
) -> StoreResult<Vec<ReferralStep>> {
    let found = sqlx::query(
        "select s.* from referral_steps s join referrals r on r.id = s.referral_id \
         where r.client_id = $1 order by r.id, s.seq",
    )
    .bind(client.as_uuid())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(step_row).collect()
}

/// The steps of up to `limit` referrals after `after` in id order, each with the
/// referral's region: what a recount of the referral figures reads.
pub(crate) async fn referral_steps_after(
    pool: &Pool,
    after: Option<ReferralId>,
    limit: i64,
) -> StoreResult<Vec<PlacedStep>> {
    let mut q = QueryBuilder::<Db>::new(
        "select s.*, r.region, r.sent_on, r.service_type from referral_steps s join referrals r on r.id = s.referral_id \
         where r.id in (select id from referrals",
    );
    if let Some(after) = after {
        q.push(" where id > ").push_bind(after.as_uuid());
    }
    q.push(" order by id limit ")
        .push_bind(limit)
        .push(") order by r.id, s.seq");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            Ok(PlacedStep {
                region: RegionCode::parse(get(row, "region")?).map_err(backend)?,
                sent_on: get(row, "sent_on")?,
                service_type: get(row, "service_type")?,
                step: step_row(row)?,
            })
        })
        .collect()
}

pub(crate) async fn overdue_referrals(
    pool: &Pool,
    today: NaiveDate,
    limit: i64,
) -> StoreResult<Vec<Referral>> {
    let found = sqlx::query(&format!(
        "{SELECT} where r.status = 'sent' and r.escalated_at is null and r.answer_due < $1 \
         order by r.answer_due, r.id limit $2"
    ))
    .bind(today)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(referral_row).collect()
}

pub(crate) async fn referral_outcomes(
    pool: &Pool,
    region: &RegionCode,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<ReferralOutcome>> {
    let mut q = QueryBuilder::<Db>::new(
        "select r.status, \
         (select s.at from referral_steps s where s.referral_id = r.id and s.seq = 1) as sent_at, \
         (select min(s.at) from referral_steps s where s.referral_id = r.id and s.step = 'accept') \
         as accepted_at from referrals r where ",
    );
    push_at_or_below(&mut q, "r.region", region);
    q.push(" and r.sent_on >= ")
        .push_bind(from)
        .push(" and r.sent_on <= ")
        .push_bind(to);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            Ok(ReferralOutcome {
                status: get(row, "status")?,
                sent_at: get(row, "sent_at")?,
                accepted_at: get(row, "accepted_at")?,
            })
        })
        .collect()
}

pub(crate) async fn notifications(
    pool: &Pool,
    user: UserId,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    let found = sqlx::query(
        "select * from notifications where user_id = $1 order by created_at desc, id desc limit $2",
    )
    .bind(user.as_uuid())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(notification_row).collect()
}

pub(crate) async fn unread_notifications(pool: &Pool, user: UserId) -> StoreResult<i64> {
    sqlx::query_scalar("select count(*) from notifications where user_id = $1 and read_at is null")
        .bind(user.as_uuid())
        .fetch_one(pool)
        .await
        .map_err(map_err)
}

impl SqlTx<'_> {
    async fn add_step(&mut self, step: &ReferralStep) -> StoreResult<()> {
        sqlx::query(
            "insert into referral_steps (referral_id, seq, status, step, by_user, at, reason) \
             select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 from referral_steps \
             where referral_id = $1",
        )
        .bind(step.referral_id.as_uuid())
        .bind(&step.status)
        .bind(&step.step)
        .bind(step.by.as_uuid())
        .bind(step.at)
        .bind(&step.reason)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }
}

#[async_trait]
impl ReferralTx for SqlTx<'_> {
    async fn insert_referral(&mut self, r: &Referral, step: &ReferralStep) -> StoreResult<()> {
        sqlx::query(
            "insert into referrals (id, client_id, region, service_id, service_type, partner_org, \
             sender, sender_org, status, sent_on, answer_due, reason, escalated_at, version, updated_at) \
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.add_step(step).await?;
        self.about(r.client_id);
        self.changed("referral", r.id, r.version, r.region.as_str());
        Ok(())
    }

    async fn move_referral(
        &mut self,
        expected_version: i64,
        step: &ReferralStep,
    ) -> StoreResult<Referral> {
        let done = sqlx::query(
            "update referrals set status = $1, version = version + 1, updated_at = $2 \
             where id = $3 and version = $4",
        )
        .bind(&step.status)
        .bind(step.at)
        .bind(step.referral_id.as_uuid())
        .bind(expected_version)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        let current = referral(&mut *self.conn, step.referral_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        self.add_step(step).await?;
        self.about(current.client_id);
        self.changed(
            "referral",
            current.id,
            current.version,
            current.region.as_str(),
        );
        Ok(current)
    }

    async fn escalate_referral(&mut self, id: ReferralId, at: DateTime<Utc>) -> StoreResult<bool> {
        let done = sqlx::query(
            "update referrals set escalated_at = $1 \
             where id = $2 and status = 'sent' and escalated_at is null",
        )
        .bind(at)
        .bind(id.as_uuid())
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn notify(
        &mut self,
        notify: &[Notification],
        outbound: &[pulih_domain::outbound::Channel],
    ) -> StoreResult<u64> {
        let mut added = 0;
        for n in notify {
            let new = sqlx::query(
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
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?
            .rows_affected();
            if new == 1 {
                super::outbound::queue(&mut *self.conn, n, outbound).await?;
            }
            added += new;
        }
        Ok(added)
    }

    async fn mark_notifications_read(
        &mut self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        sqlx::query("update notifications set read_at = $1 where user_id = $2 and read_at is null")
            .bind(at)
            .bind(user.as_uuid())
            .execute(&mut *self.conn)
            .await
            .map(|d| d.rows_affected())
            .map_err(map_err)
    }
}
