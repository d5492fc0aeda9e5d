//! The writes of clients: registration, facts, assignment, erasure, break-glass grants
//! and sealed keys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::client::{ClientCode, FactKind};
use pulih_domain::ids::{ClientId, GrantId, UserId};
use pulih_store::{
    ClientFact, ClientRow, ClientTx, Grant, GrantReview, NewClient, SealedKey, StoreError,
    StoreResult,
};
use sqlx::QueryBuilder;

use super::clients::CLIENT;
use super::envelope::SqlTx;
use super::errors::map_err;
use super::facts::push_kinds;
use super::rows::{self, get};
use crate::db::Db;
use crate::dialect;

impl SqlTx<'_> {
    /// Why an update of client `id` by version or state touched nothing.
    async fn client_stale_or_missing(&mut self, id: ClientId) -> StoreError {
        match sqlx::query("select 1 as one from clients where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&mut *self.conn)
            .await
        {
            Ok(Some(_)) => StoreError::Conflict,
            Ok(None) => StoreError::NotFound,
            Err(e) => map_err(e),
        }
    }

    /// The client row as it stands inside this write.
    async fn client_row(&mut self, id: ClientId) -> StoreResult<ClientRow> {
        let row = sqlx::query(&format!("{CLIENT} where c.id = $1"))
            .bind(id.as_uuid())
            .fetch_optional(&mut *self.conn)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        rows::client(&row)
    }
}

#[async_trait]
impl ClientTx for SqlTx<'_> {
    async fn insert_client(&mut self, client: &NewClient) -> StoreResult<ClientCode> {
        // A code is drawn at random and drawn again in the rare case it is taken; `on
        // conflict do nothing` leaves the transaction usable on both backends.
        let code = loop {
            let code = ClientCode::fresh();
            let inserted = sqlx::query(
                "insert into clients (id, code, region, org_id, assigned_to, nik_hash, identity, \
                 created_by, created_at, version, name_hash, name_birth_hash) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11) \
                 on conflict (code) do nothing",
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
            .bind(&client.name_hash)
            .bind(&client.name_birth_hash)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?
            .rows_affected();
            if inserted == 1 {
                break code;
            }
        };
        sqlx::query("insert into client_keys (client_id, key_id, sealed) values ($1, $2, $3)")
            .bind(client.id.as_uuid())
            .bind(&client.key.key_id)
            .bind(&client.key.bytes)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?;
        self.about(client.id);
        self.changed("client", client.id, 1, client.region.as_str());
        Ok(code)
    }

    async fn lock_client(
        &mut self,
        id: ClientId,
        kinds: &[FactKind],
    ) -> StoreResult<Vec<ClientFact>> {
        if dialect::LOCKS_ROWS {
            sqlx::query(&format!(
                "select id from clients where id = $1{}",
                dialect::for_update("clients")
            ))
            .bind(id.as_uuid())
            .fetch_optional(&mut *self.conn)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        }
        self.about(id);
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Db>::new("select * from client_facts where client_id = ");
        q.push_bind(id.as_uuid()).push(" and ");
        push_kinds(&mut q, "kind", kinds);
        q.push(" order by occurred_on, recorded_at, id");
        let found = q
            .build()
            .fetch_all(&mut *self.conn)
            .await
            .map_err(map_err)?;
        found.iter().map(rows::fact).collect()
    }

    async fn insert_fact(&mut self, fact: &ClientFact) -> StoreResult<()> {
        // On PostgreSQL the row lock of the update holds off a concurrent erasure until
        // this fact is committed (its statements then see the fact and clear its sealed
        // part), or, if the erasure commits first, finds the client erased.
        let client = sqlx::query(
            "update clients set last_fact_on = case when last_fact_on is null or last_fact_on < $2 \
             then $2 else last_fact_on end where id = $1 and erased_at is null returning region",
        )
        .bind(fact.client_id.as_uuid())
        .bind(fact.occurred_on)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        let region: String = get(&client, "region")?;
        sqlx::query(
            "insert into client_facts (id, client_id, kind, occurred_on, due_on, status, refers_to, \
             detail, sealed, recorded_by, recorded_at) \
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.about(fact.client_id);
        self.changed("client_fact", fact.id, 1, region);
        Ok(())
    }

    async fn assign_client(
        &mut self,
        id: ClientId,
        expected_version: i64,
        assigned_to: Option<UserId>,
    ) -> StoreResult<i64> {
        // Check and bump in one statement: a concurrent writer waits for the row lock,
        // then sees the new version and matches nothing.
        let done = sqlx::query(
            "update clients set assigned_to = $1, version = version + 1 \
             where id = $2 and version = $3 returning version, region",
        )
        .bind(assigned_to.map(|u| u.as_uuid()))
        .bind(id.as_uuid())
        .bind(expected_version)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?;
        let Some(done) = done else {
            return Err(self.client_stale_or_missing(id).await);
        };
        let version: i64 = get(&done, "version")?;
        self.about(id);
        self.changed("client", id, version, get::<String>(&done, "region")?);
        Ok(version)
    }

    async fn erase_client(&mut self, id: ClientId, at: DateTime<Utc>) -> StoreResult<ClientRow> {
        let done = sqlx::query(
            "update clients set identity = null, nik_hash = null, name_hash = null, \
             name_birth_hash = null, erased_at = $1, \
             version = version + 1 where id = $2 and erased_at is null",
        )
        .bind(at)
        .bind(id.as_uuid())
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(self.client_stale_or_missing(id).await);
        }
        for sql in [
            "delete from client_keys where client_id = $1",
            "update client_facts set sealed = null, status = null, due_on = null, detail = '{}' \
             where client_id = $1",
            "update grants set reason = null where client_id = $1",
            "update referrals set reason = null where client_id = $1",
            "update referral_steps set reason = null \
             where referral_id in (select id from referrals where client_id = $1)",
            // the answers of writes about the client go too (they hold ids only, but a
            // replay after erasure must not tell that the client was ever written to)
            "delete from idempotency where client_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id.as_uuid())
                .execute(&mut *self.conn)
                .await
                .map_err(map_err)?;
        }
        let client = self.client_row(id).await?;
        self.changed("client", id, client.version, client.region.as_str());
        Ok(client)
    }

    async fn insert_grant(&mut self, grant: &Grant) -> StoreResult<()> {
        // As for facts: an erased client gets no grant, and (on PostgreSQL) the client's
        // row stays locked, so an erasure waits for this grant and then clears its reason.
        sqlx::query(&format!(
            "select id from clients where id = $1 and erased_at is null{}",
            dialect::for_update("clients")
        ))
        .bind(grant.client_id.as_uuid())
        .fetch_optional(&mut *self.conn)
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.about(grant.client_id);
        Ok(())
    }

    async fn review_grant(&mut self, id: GrantId, review: &GrantReview) -> StoreResult<()> {
        let done = sqlx::query(
            "update grants set reviewed_by = $1, reviewed_at = $2, outcome = $3, review_note = $4 \
             where id = $5 and reviewed_at is null",
        )
        .bind(review.reviewer.as_uuid())
        .bind(review.at)
        .bind(&review.outcome)
        .bind(&review.note)
        .bind(id.as_uuid())
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        let exists = sqlx::query("select 1 as one from grants where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&mut *self.conn)
            .await
            .map_err(map_err)?;
        Err(if exists.is_some() {
            StoreError::Conflict
        } else {
            StoreError::NotFound
        })
    }

    async fn init_server_key(&mut self, purpose: &str, key: &SealedKey) -> StoreResult<SealedKey> {
        // A concurrent first initialisation makes this insert wait for it (PostgreSQL)
        // and then do nothing; the select that follows, a new statement, sees its key.
        sqlx::query(
            "insert into server_keys (purpose, key_id, sealed) values ($1, $2, $3) \
             on conflict (purpose) do nothing",
        )
        .bind(purpose)
        .bind(&key.key_id)
        .bind(&key.bytes)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        let row = sqlx::query("select key_id, sealed from server_keys where purpose = $1")
            .bind(purpose)
            .fetch_one(&mut *self.conn)
            .await
            .map_err(map_err)?;
        rows::sealed_key(&row, "sealed")
    }

    async fn set_name_hashes(
        &mut self,
        hashes: &[(ClientId, String, Option<String>)],
    ) -> StoreResult<u64> {
        let mut set = 0;
        // a client erased, or indexed by someone else, since it was read is left alone
        for (id, name, name_birth) in hashes {
            set += sqlx::query(
                "update clients set name_hash = $1, name_birth_hash = $2 \
                 where id = $3 and name_hash is null and erased_at is null",
            )
            .bind(name)
            .bind(name_birth)
            .bind(id.as_uuid())
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?
            .rows_affected();
        }
        Ok(set)
    }

    async fn rewrap_keys(
        &mut self,
        clients: &[(ClientId, String, SealedKey)],
        server: &[(String, String, SealedKey)],
    ) -> StoreResult<u64> {
        let mut replaced = 0;
        // Each update names the key id it was read with, so a key rewrapped (or a client
        // erased) since is left alone.
        for (id, old, new) in clients {
            replaced += sqlx::query(
                "update client_keys set key_id = $1, sealed = $2 where client_id = $3 and key_id = $4",
            )
            .bind(&new.key_id)
            .bind(&new.bytes)
            .bind(id.as_uuid())
            .bind(old)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?
            .rows_affected();
        }
        for (purpose, old, new) in server {
            replaced += sqlx::query(
                "update server_keys set key_id = $1, sealed = $2 where purpose = $3 and key_id = $4",
            )
            .bind(&new.key_id)
            .bind(&new.bytes)
            .bind(purpose)
            .bind(old)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?
            .rows_affected();
        }
        Ok(replaced)
    }
}
