//! The outbox: users' channel choices, the deliveries queued with notifications, and the
//! worker's claims and results. The reads of [`OutboundStore`] are implemented here,
//! beside their SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::{NotificationId, UserId};
use pulih_domain::outbound::{Channel, DeliveryState, Lang, message};
use pulih_domain::region::Scope;
use pulih_store::{
    Attempted, ChannelChoice, Delivery, DeliveryCount, Notification, OutboundStore, OutboundTx,
    StoreResult,
};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::push_scope;
use super::rows::get;
use crate::Backend;
use crate::db::{Conn, Db, DbRow, Pool};

fn choice(row: &DbRow) -> StoreResult<ChannelChoice> {
    Ok(ChannelChoice {
        user_id: UserId::from_uuid(get(row, "user_id")?),
        channel: Channel::parse(get(row, "channel")?).map_err(backend)?,
        address: get(row, "address")?,
        lang: Lang::parse(get(row, "lang")?).map_err(backend)?,
        updated_at: get(row, "updated_at")?,
    })
}

fn delivery(row: &DbRow) -> StoreResult<Delivery> {
    Ok(Delivery {
        notification_id: NotificationId::from_uuid(get(row, "notification_id")?),
        channel: Channel::parse(get(row, "channel")?).map_err(backend)?,
        user_id: UserId::from_uuid(get(row, "user_id")?),
        address: get(row, "address")?,
        subject: get(row, "subject")?,
        body: get(row, "body")?,
        state: DeliveryState::parse(get(row, "state")?).map_err(backend)?,
        attempts: get(row, "attempts")?,
        next_attempt_at: get(row, "next_attempt_at")?,
        last_error: get(row, "last_error")?,
        created_at: get(row, "created_at")?,
    })
}

async fn channels_of<'e, E>(exec: E, user: UserId) -> StoreResult<Vec<ChannelChoice>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows = sqlx::query("select * from user_channels where user_id = $1 order by channel")
        .bind(user.as_uuid())
        .fetch_all(exec)
        .await
        .map_err(map_err)?;
    rows.iter().map(choice).collect()
}

async fn due(pool: &Pool, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<Delivery>> {
    let rows = sqlx::query(
        "select * from deliveries where state = 'pending' and next_attempt_at <= $1 \
         order by next_attempt_at, notification_id limit $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter().map(delivery).collect()
}

async fn counts(pool: &Pool, scope: &Scope) -> StoreResult<Vec<DeliveryCount>> {
    let mut q = QueryBuilder::<Db>::new(
        "select d.channel, d.state, d.last_error, d.updated_at from deliveries d \
         join users u on u.id = d.user_id where ",
    );
    push_scope(&mut q, "u.scope", scope);
    q.push(" order by d.updated_at");
    let rows = q.build().fetch_all(pool).await.map_err(map_err)?;
    let mut out: Vec<DeliveryCount> = Vec::new();
    for row in &rows {
        let channel = Channel::parse(get(row, "channel")?).map_err(backend)?;
        let state = DeliveryState::parse(get(row, "state")?).map_err(backend)?;
        let error: Option<String> = get(row, "last_error")?;
        let at: DateTime<Utc> = get(row, "updated_at")?;
        match out
            .iter_mut()
            .find(|c| c.channel == channel && c.state == state)
        {
            Some(c) => {
                c.count += 1;
                c.last_at = at;
                if error.is_some() {
                    c.last_error = error;
                }
            }
            None => out.push(DeliveryCount {
                channel,
                state,
                count: 1,
                last_error: error,
                last_at: at,
            }),
        }
    }
    out.sort_by_key(|c| (c.channel, c.state));
    Ok(out)
}

/// Queues the deliveries of one new notification on the channels of `outbound` that its
/// user chose.
pub(crate) async fn queue(
    conn: &mut Conn,
    n: &Notification,
    outbound: &[Channel],
) -> StoreResult<()> {
    if outbound.is_empty() {
        return Ok(());
    }
    for c in channels_of(&mut *conn, n.user_id).await? {
        if !outbound.contains(&c.channel) {
            continue;
        }
        let text = message(&n.kind, c.lang);
        sqlx::query(
            "insert into deliveries (notification_id, channel, user_id, address, subject, body, \
             state, attempts, next_attempt_at, last_error, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, null, $7, $7)",
        )
        .bind(n.id.as_uuid())
        .bind(c.channel.key())
        .bind(n.user_id.as_uuid())
        .bind(&c.address)
        .bind(&text.subject)
        .bind(&text.text)
        .bind(n.created_at)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

#[async_trait]
impl OutboundStore for Backend {
    async fn user_channels(&self, user: UserId) -> StoreResult<Vec<ChannelChoice>> {
        channels_of(self.reader(), user).await
    }
    async fn due_deliveries(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<Delivery>> {
        due(self.reader(), now, limit).await
    }
    async fn delivery_counts(&self, scope: &Scope) -> StoreResult<Vec<DeliveryCount>> {
        counts(self.reader(), scope).await
    }
}

#[async_trait]
impl OutboundTx for SqlTx<'_> {
    async fn set_channel(&mut self, c: &ChannelChoice) -> StoreResult<()> {
        sqlx::query(
            "insert into user_channels (user_id, channel, address, lang, updated_at) \
             values ($1, $2, $3, $4, $5) on conflict (user_id, channel) do update \
             set address = excluded.address, lang = excluded.lang, updated_at = excluded.updated_at",
        )
        .bind(c.user_id.as_uuid())
        .bind(c.channel.key())
        .bind(&c.address)
        .bind(c.lang.key())
        .bind(c.updated_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn remove_channel(
        &mut self,
        user: UserId,
        channel: Channel,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let gone = sqlx::query("delete from user_channels where user_id = $1 and channel = $2")
            .bind(user.as_uuid())
            .bind(channel.key())
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?
            .rows_affected();
        sqlx::query(
            "update deliveries set state = 'failed', next_attempt_at = null, \
             last_error = 'withdrawn', updated_at = $1 \
             where user_id = $2 and channel = $3 and state = 'pending'",
        )
        .bind(at)
        .bind(user.as_uuid())
        .bind(channel.key())
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(gone == 1)
    }

    async fn claim_delivery(
        &mut self,
        (id, channel): (NotificationId, Channel),
        attempts: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let taken = sqlx::query(
            "update deliveries set next_attempt_at = $1 \
             where notification_id = $2 and channel = $3 and state = 'pending' \
             and attempts = $4 and next_attempt_at <= $5",
        )
        .bind(until)
        .bind(id.as_uuid())
        .bind(channel.key())
        .bind(attempts)
        .bind(now)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?
        .rows_affected();
        Ok(taken == 1)
    }

    async fn delivery_attempted(
        &mut self,
        (id, channel): (NotificationId, Channel),
        a: &Attempted,
    ) -> StoreResult<()> {
        sqlx::query(
            "update deliveries set state = $1, attempts = $2, next_attempt_at = $3, \
             last_error = coalesce($4, last_error), updated_at = $5 \
             where notification_id = $6 and channel = $7 and state = 'pending'",
        )
        .bind(a.state.key())
        .bind(a.attempts)
        .bind(a.next_attempt_at)
        .bind(&a.error)
        .bind(a.at)
        .bind(id.as_uuid())
        .bind(channel.key())
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }
}
