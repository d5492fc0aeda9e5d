//! Activities of a BNN office (`office_activities`): the reads of
//! [`OfficeActivityStore`] and the writes of [`OfficeActivityTx`], beside their SQL. A
//! voided one is left out of every read; its change-feed entries are placed where it
//! happened.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::{ActivityId, OrgId, UserId};
use pulih_domain::region::RegionCode;
use pulih_store::{
    OfficeActivityRow, OfficeActivityStore, OfficeActivityTx, StoreError, StoreResult,
};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::push_at_or_below;
use super::rows::get;
use crate::db::{Db, DbRow, Pool};
use crate::{Backend, dialect};

/// The change-feed kind of an office activity.
const KIND: &str = "office_activity";

fn office_row(row: &DbRow) -> StoreResult<OfficeActivityRow> {
    Ok(OfficeActivityRow {
        id: ActivityId::from_uuid(get(row, "id")?),
        office: OrgId::from_uuid(get(row, "office_id")?),
        place: RegionCode::parse(get(row, "place")?).map_err(backend)?,
        kind: get(row, "kind")?,
        held_on: get(row, "held_on")?,
        detail: get(row, "detail")?,
        counts: get(row, "counts")?,
        people: get(row, "people")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

async fn by_id(pool: &Pool, id: ActivityId) -> StoreResult<Option<OfficeActivityRow>> {
    let found = sqlx::query("select * from office_activities where id = $1 and voided_at is null")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?;
    found.as_ref().map(office_row).transpose()
}

async fn below(
    pool: &Pool,
    region: &RegionCode,
    before: Option<ActivityId>,
    limit: i64,
) -> StoreResult<Vec<OfficeActivityRow>> {
    let mut q =
        QueryBuilder::<Db>::new("select * from office_activities where voided_at is null and ");
    push_at_or_below(&mut q, "place", region);
    if let Some(before) = before {
        q.push(" and id < ").push_bind(before.as_uuid());
    }
    q.push(" order by id desc limit ").push_bind(limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(office_row).collect()
}

async fn after(
    pool: &Pool,
    after: Option<ActivityId>,
    limit: i64,
) -> StoreResult<Vec<OfficeActivityRow>> {
    let mut q = QueryBuilder::<Db>::new("select * from office_activities where voided_at is null");
    if let Some(after) = after {
        q.push(" and id > ").push_bind(after.as_uuid());
    }
    q.push(" order by id limit ").push_bind(limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(office_row).collect()
}

#[async_trait]
impl OfficeActivityStore for Backend {
    async fn office_activity(&self, id: ActivityId) -> StoreResult<Option<OfficeActivityRow>> {
        by_id(self.reader(), id).await
    }
    async fn office_activities(
        &self,
        region: &RegionCode,
        before: Option<ActivityId>,
        limit: i64,
    ) -> StoreResult<Vec<OfficeActivityRow>> {
        below(self.reader(), region, before, limit).await
    }
    async fn office_activities_after(
        &self,
        after_id: Option<ActivityId>,
        limit: i64,
    ) -> StoreResult<Vec<OfficeActivityRow>> {
        after(self.reader(), after_id, limit).await
    }
}

#[async_trait]
impl OfficeActivityTx for SqlTx<'_> {
    async fn insert_office_activity(&mut self, a: &OfficeActivityRow) -> StoreResult<()> {
        sqlx::query(
            "insert into office_activities (id, office_id, place, kind, held_on, detail, \
             counts, people, recorded_by, recorded_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id.as_uuid())
        .bind(a.office.as_uuid())
        .bind(a.place.as_str())
        .bind(&a.kind)
        .bind(a.held_on)
        .bind(&a.detail)
        .bind(&a.counts)
        .bind(a.people)
        .bind(a.recorded_by.as_uuid())
        .bind(a.recorded_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed(KIND, a.id, 1, a.place.as_str());
        Ok(())
    }

    async fn lock_office_activity(&mut self, id: ActivityId) -> StoreResult<OfficeActivityRow> {
        let row = sqlx::query(&format!(
            "select * from office_activities where id = $1 and voided_at is null{}",
            dialect::for_update("office_activities")
        ))
        .bind(id.as_uuid())
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        office_row(&row)
    }

    async fn correct_office_activity(&mut self, a: &OfficeActivityRow) -> StoreResult<()> {
        let version: i64 = sqlx::query_scalar(
            "update office_activities set held_on = $2, detail = $3, counts = $4, people = $5, \
             version = version + 1 where id = $1 and voided_at is null returning version",
        )
        .bind(a.id.as_uuid())
        .bind(a.held_on)
        .bind(&a.detail)
        .bind(&a.counts)
        .bind(a.people)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        self.changed(KIND, a.id, version, a.place.as_str());
        Ok(())
    }

    async fn void_office_activity(&mut self, id: ActivityId, at: DateTime<Utc>) -> StoreResult<()> {
        let row = sqlx::query(
            "update office_activities set voided_at = $2, version = version + 1 \
             where id = $1 and voided_at is null returning version, place",
        )
        .bind(id.as_uuid())
        .bind(at)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
        let version: i64 = get(&row, "version")?;
        let place: String = get(&row, "place")?;
        self.changed(KIND, id, version, place);
        Ok(())
    }
}
