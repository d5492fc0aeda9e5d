//! The village programme: assessments of places (IKN, IKOTAN), the Desa/Kelurahan
//! Bersinar history and yearly targets, and the programme's versioned settings.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::{AssessmentId, UserId};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::RegionCode;
use pulih_store::{
    Assessment, BersinarStep, LatestOutcome, ProgrammeTx, Setting, StoreError, StoreResult, Target,
};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::map_err;
use super::reach::push_at_or_below;
use super::rows::{self, get};
use crate::db::{Db, Pool};

pub(crate) async fn assessment(pool: &Pool, id: AssessmentId) -> StoreResult<Option<Assessment>> {
    sqlx::query("select * from assessments where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::assessment)
        .transpose()
}

pub(crate) async fn assessments(
    pool: &Pool,
    kind: AssessmentKind,
    region: &RegionCode,
) -> StoreResult<Vec<Assessment>> {
    let found = sqlx::query(
        "select * from assessments where kind = $1 and region = $2 \
         order by period desc, recorded_at desc, id desc",
    )
    .bind(kind.key())
    .bind(region.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found.iter().map(rows::assessment).collect()
}

pub(crate) async fn latest_outcomes(
    pool: &Pool,
    kind: AssessmentKind,
    node: &RegionCode,
) -> StoreResult<Vec<LatestOutcome>> {
    // the newest by (period, recorded_at, id), as in `assessments`: no newer one exists
    let mut q =
        QueryBuilder::<Db>::new("select a.region, a.outcome from assessments a where a.kind = ");
    q.push_bind(kind.key()).push(" and ");
    push_at_or_below(&mut q, "a.region", node);
    q.push(
        " and not exists (select 1 from assessments n where n.kind = a.kind \
         and n.region = a.region \
         and (n.period, n.recorded_at, n.id) > (a.period, a.recorded_at, a.id)) \
         order by a.region",
    );
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::latest_outcome).collect()
}

pub(crate) async fn bersinar_steps(
    pool: &Pool,
    village: &RegionCode,
) -> StoreResult<Vec<BersinarStep>> {
    let found = sqlx::query("select * from bersinar_steps where village = $1 order by seq")
        .bind(village.as_str())
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    found.iter().map(rows::bersinar_step).collect()
}

/// The latest step of every village at or below `region` (with a decree only, if
/// `decreed`), by village.
pub(crate) async fn bersinar_latest(
    pool: &Pool,
    region: &RegionCode,
    decreed: bool,
) -> StoreResult<Vec<BersinarStep>> {
    let mut q = QueryBuilder::<Db>::new(
        "select * from (select s.*, row_number() over (partition by s.village order by s.seq desc) \
         as newest from bersinar_steps s where ",
    );
    push_at_or_below(&mut q, "s.village", region);
    if decreed {
        q.push(" and s.decree_number is not null");
    }
    q.push(") l where newest = 1 order by village");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::bersinar_step).collect()
}

pub(crate) async fn targets(pool: &Pool, regency: &RegionCode) -> StoreResult<Vec<Target>> {
    let found = sqlx::query(
        "select year, count, version from bersinar_targets where regency = $1 order by year",
    )
    .bind(regency.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found
        .iter()
        .map(|r| {
            Ok(Target {
                year: get(r, "year")?,
                count: get(r, "count")?,
                version: get(r, "version")?,
            })
        })
        .collect()
}

pub(crate) async fn setting(pool: &Pool, key: &str) -> StoreResult<Option<Setting>> {
    sqlx::query("select value, version from settings where key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .map(|r| {
            Ok(Setting {
                value: get(&r, "value")?,
                version: get(&r, "version")?,
            })
        })
        .transpose()
}

#[async_trait]
impl ProgrammeTx for SqlTx<'_> {
    async fn insert_assessment(&mut self, a: &Assessment) -> StoreResult<()> {
        sqlx::query(
            "insert into assessments (id, kind, region, period, answers, outcome, score, rules, \
             recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed("assessment", a.id, 1, a.region.as_str());
        Ok(())
    }

    async fn approve_assessment(
        &mut self,
        id: AssessmentId,
        approver: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Assessment> {
        let done = sqlx::query(
            "update assessments set approved_by = $1, approved_at = $2 \
             where id = $3 and approved_at is null",
        )
        .bind(approver.as_uuid())
        .bind(at)
        .bind(id.as_uuid())
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        let found = sqlx::query("select * from assessments where id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&mut *self.conn)
            .await
            .map_err(map_err)?
            .ok_or(StoreError::NotFound)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        let assessment = rows::assessment(&found)?;
        self.changed("assessment", id, 2, assessment.region.as_str());
        Ok(assessment)
    }

    async fn insert_bersinar_step(&mut self, step: &BersinarStep) -> StoreResult<()> {
        let (number, date, issuer) = match &step.decree {
            Some((n, d, i)) => (Some(n.as_str()), Some(*d), Some(i.as_str())),
            None => (None, None, None),
        };
        sqlx::query(
            "insert into bersinar_steps (village, seq, step, status, decree_number, decree_date, \
             decree_issuer, reason, recorded_by, recorded_at) \
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
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.changed(
            "bersinar",
            step.village.as_str(),
            step.seq,
            step.village.as_str(),
        );
        Ok(())
    }

    async fn set_target(
        &mut self,
        regency: &RegionCode,
        year: i32,
        count: i64,
        expected_version: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        // without a version the year's target is set whatever it was (an upsert); with
        // one, only if it is still at the version read
        let version = match expected_version {
            None => sqlx::query_scalar::<_, i64>(
                "insert into bersinar_targets (regency, year, count, version, updated_at) \
                 values ($1, $2, $3, 1, $4) on conflict (regency, year) do update \
                 set count = excluded.count, version = bersinar_targets.version + 1, \
                 updated_at = excluded.updated_at returning version",
            )
            .bind(regency.as_str())
            .bind(year)
            .bind(count)
            .bind(at),
            Some(version) => sqlx::query_scalar::<_, i64>(
                "update bersinar_targets set count = $3, version = version + 1, updated_at = $4 \
                 where regency = $1 and year = $2 and version = $5 returning version",
            )
            .bind(regency.as_str())
            .bind(year)
            .bind(count)
            .bind(at)
            .bind(version),
        }
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?;
        version.ok_or(StoreError::Conflict)
    }

    async fn put_setting(
        &mut self,
        key: &str,
        value: &str,
        expected_version: Option<i64>,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let done = match expected_version {
            None => sqlx::query(
                "insert into settings (key, value, version, updated_at) values ($1, $2, 1, $3) \
                 on conflict (key) do nothing",
            )
            .bind(key)
            .bind(value)
            .bind(at),
            Some(version) => sqlx::query(
                "update settings set value = $2, version = version + 1, updated_at = $3 \
                 where key = $1 and version = $4",
            )
            .bind(key)
            .bind(value)
            .bind(at)
            .bind(version),
        }
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(expected_version.map_or(1, |v| v + 1))
    }
}
