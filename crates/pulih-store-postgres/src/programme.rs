//! Assessments of places and programme settings in PostgreSQL, behind [`ProgrammeStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{AssessmentId, UserId};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::RegionCode;
use pulih_store::{
    Assessment, BersinarStep, ProgrammeStore, Setting, StoreError, StoreResult, Target,
};
use sqlx::Row;

use crate::{PostgresStore, audit, map_err, rows};

#[async_trait]
impl ProgrammeStore for PostgresStore {
    async fn add_assessment(&self, a: &Assessment, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(
            "insert into assessments (id, kind, region, period, answers, outcome, score, rules, recorded_by, recorded_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id.as_uuid())
        .bind(a.kind.key())
        .bind(a.region.as_str())
        .bind(a.period)
        .bind(&a.answers)
        .bind(&a.outcome)
        .bind(a.score)
        .bind(&a.rules)
        .bind(a.recorded_by.as_uuid())
        .bind(a.recorded_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        audit::append(&mut tx, event).await?;
        let (id, region) = (a.id.to_string(), a.region.to_string());
        audit::change(&mut tx, "assessment", &id, 1, &region, event.at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn assessment(&self, id: AssessmentId) -> StoreResult<Option<Assessment>> {
        sqlx::query("select * from assessments where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?
            .as_ref()
            .map(rows::assessment)
            .transpose()
    }

    async fn assessments(
        &self,
        kind: AssessmentKind,
        region: &RegionCode,
    ) -> StoreResult<Vec<Assessment>> {
        let found = sqlx::query(
            "select * from assessments where kind = $1 and region = $2 \
             order by period desc, recorded_at desc, id desc",
        )
        .bind(kind.key())
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(rows::assessment).collect()
    }

    async fn latest_assessments(
        &self,
        kind: AssessmentKind,
        node: &RegionCode,
    ) -> StoreResult<Vec<Assessment>> {
        // the newest by (period, recorded_at, id), as in `assessments`
        let found = sqlx::query(&format!(
            "select distinct on (region) * from assessments where kind = $1 and {} \
             order by region, period desc, recorded_at desc, id desc",
            crate::below("region", "$2")
        ))
        .bind(kind.key())
        .bind(node.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(rows::assessment).collect()
    }

    async fn approve_assessment(
        &self,
        id: AssessmentId,
        approver: UserId,
        at: DateTime<Utc>,
        event: &AuditEvent,
    ) -> StoreResult<Assessment> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = sqlx::query(
            "update assessments set approved_by = $1, approved_at = $2 where id = $3 and approved_at is null",
        )
        .bind(approver.as_uuid())
        .bind(at)
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        let found = sqlx::query("select * from assessments where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        let assessment = rows::assessment(&found)?;
        audit::append(&mut tx, event).await?;
        let (id, region) = (assessment.id.to_string(), assessment.region.to_string());
        audit::change(&mut tx, "assessment", &id, 2, &region, event.at).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(assessment)
    }

    async fn add_bersinar_step(&self, step: &BersinarStep, event: &AuditEvent) -> StoreResult<()> {
        let (number, date, issuer) = match &step.decree {
            Some((n, d, i)) => (Some(n.as_str()), Some(*d), Some(i.as_str())),
            None => (None, None, None),
        };
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        sqlx::query(
            "insert into bersinar_steps (village, seq, step, status, decree_number, decree_date, decree_issuer, reason, recorded_by, recorded_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(step.village.as_str())
        .bind(step.seq)
        .bind(&step.step)
        .bind(&step.status)
        .bind(number)
        .bind(date)
        .bind(issuer)
        .bind(&step.reason)
        .bind(step.recorded_by.as_uuid())
        .bind(step.recorded_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        audit::append(&mut tx, event).await?;
        let region = step.village.to_string();
        audit::change(&mut tx, "bersinar", &region, step.seq, &region, event.at).await?;
        tx.commit().await.map_err(map_err)
    }

    async fn bersinar_steps(&self, village: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        let found = sqlx::query("select * from bersinar_steps where village = $1 order by seq")
            .bind(village.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        found.iter().map(rows::bersinar_step).collect()
    }

    async fn bersinar_latest(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        let found = sqlx::query(&format!(
            "select distinct on (village) * from bersinar_steps \
             where village = $1 or {} \
             order by village, seq desc",
            crate::below("village", "$1")
        ))
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(rows::bersinar_step).collect()
    }

    async fn bersinar_latest_decrees(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        let found = sqlx::query(&format!(
            "select distinct on (village) * from bersinar_steps \
             where (village = $1 or {}) and decree_number is not null \
             order by village, seq desc",
            crate::below("village", "$1")
        ))
        .bind(region.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(rows::bersinar_step).collect()
    }

    async fn set_target(
        &self,
        regency: &RegionCode,
        year: i32,
        count: i64,
        expected_version: Option<i64>,
        event: &AuditEvent,
    ) -> StoreResult<i64> {
        // an insert refuses an existing year; an update needs the version it was read at
        let sql = match expected_version {
            None => {
                "insert into bersinar_targets (regency, year, count, version, updated_at) \
                 select $1, $2, $3, 1, $4 where $5::bigint is null \
                 on conflict (regency, year) do nothing"
            }
            Some(_) => {
                "update bersinar_targets set count = $3, version = version + 1, updated_at = $4 \
                 where regency = $1 and year = $2 and version = $5"
            }
        };
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = sqlx::query(sql)
            .bind(regency.as_str())
            .bind(year)
            .bind(count)
            .bind(event.at)
            .bind(expected_version)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        audit::append(&mut tx, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(expected_version.map_or(1, |v| v + 1))
    }

    async fn targets(&self, regency: &RegionCode) -> StoreResult<Vec<Target>> {
        let found = sqlx::query(
            "select year, count, version from bersinar_targets where regency = $1 order by year",
        )
        .bind(regency.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found
            .iter()
            .map(|r| {
                Ok(Target {
                    year: r.try_get("year").map_err(map_err)?,
                    count: r.try_get("count").map_err(map_err)?,
                    version: r.try_get("version").map_err(map_err)?,
                })
            })
            .collect()
    }

    async fn setting(&self, key: &str) -> StoreResult<Option<Setting>> {
        let found = sqlx::query("select value, version from settings where key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        found
            .map(|r| {
                Ok(Setting {
                    value: r.try_get("value").map_err(map_err)?,
                    version: r.try_get("version").map_err(map_err)?,
                })
            })
            .transpose()
    }

    async fn put_setting(
        &self,
        key: &str,
        value: &str,
        expected_version: Option<i64>,
        event: &AuditEvent,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let done = match expected_version {
            None => sqlx::query(
                "insert into settings (key, value, version, updated_at) values ($1, $2, 1, $3) \
                 on conflict (key) do nothing",
            )
            .bind(key)
            .bind(value)
            .bind(event.at)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?,
            Some(version) => sqlx::query(
                "update settings set value = $2, version = version + 1, updated_at = $3 \
                 where key = $1 and version = $4",
            )
            .bind(key)
            .bind(value)
            .bind(event.at)
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?,
        };
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        audit::append(&mut tx, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(expected_version.map_or(1, |v| v + 1))
    }
}
