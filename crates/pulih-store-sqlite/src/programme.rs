//! Assessments of places and programme settings in SQLite, behind [`ProgrammeStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::{AssessmentId, UserId};
use pulih_domain::programme::AssessmentKind;
use pulih_domain::region::RegionCode;
use pulih_store::{
    Assessment, BersinarStep, ProgrammeStore, Setting, StoreError, StoreResult, Target,
};
use sqlx::{Row, SqliteConnection};

use crate::{SqliteStore, audit, map_err, rows};

async fn add(conn: &mut SqliteConnection, a: &Assessment, event: &AuditEvent) -> StoreResult<()> {
    sqlx::query(
        "insert into assessments (id, kind, region, period, answers, outcome, score, rules, recorded_by, recorded_at) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    let (id, region) = (a.id.to_string(), a.region.to_string());
    audit::change(conn, "assessment", &id, 1, &region, event.at).await
}

async fn approve(
    conn: &mut SqliteConnection,
    id: AssessmentId,
    approver: UserId,
    at: DateTime<Utc>,
    event: &AuditEvent,
) -> StoreResult<Assessment> {
    let done = sqlx::query(
        "update assessments set approved_by = ?1, approved_at = ?2 where id = ?3 and approved_at is null",
    )
    .bind(approver.as_uuid())
    .bind(at)
    .bind(id.as_uuid())
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    let found = sqlx::query("select * from assessments where id = ?1")
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    let assessment = rows::assessment(&found)?;
    audit::append(conn, event).await?;
    let (id, region) = (assessment.id.to_string(), assessment.region.to_string());
    audit::change(conn, "assessment", &id, 2, &region, event.at).await?;
    Ok(assessment)
}

async fn put_setting(
    conn: &mut SqliteConnection,
    key: &str,
    value: &str,
    expected: Option<i64>,
    event: &AuditEvent,
) -> StoreResult<i64> {
    let done = match expected {
        None => sqlx::query(
            "insert into settings (key, value, version, updated_at) values (?1, ?2, 1, ?3) \
             on conflict (key) do nothing",
        )
        .bind(key)
        .bind(value)
        .bind(event.at)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?,
        Some(version) => sqlx::query(
            "update settings set value = ?2, version = version + 1, updated_at = ?3 \
             where key = ?1 and version = ?4",
        )
        .bind(key)
        .bind(value)
        .bind(event.at)
        .bind(version)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?,
    };
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    audit::append(conn, event).await?;
    Ok(expected.map_or(1, |v| v + 1))
}

async fn add_step(
    conn: &mut SqliteConnection,
    step: &BersinarStep,
    event: &AuditEvent,
) -> StoreResult<()> {
    let (number, date, issuer) = match &step.decree {
        Some((n, d, i)) => (Some(n.as_str()), Some(*d), Some(i.as_str())),
        None => (None, None, None),
    };
    sqlx::query(
        "insert into bersinar_steps (village, seq, step, status, decree_number, decree_date, decree_issuer, reason, recorded_by, recorded_at) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    let region = step.village.to_string();
    audit::change(conn, "bersinar", &region, step.seq, &region, event.at).await
}

async fn set_target(
    conn: &mut SqliteConnection,
    regency: &RegionCode,
    year: i32,
    count: i64,
    expected: Option<i64>,
    event: &AuditEvent,
) -> StoreResult<i64> {
    // an insert refuses an existing year; an update needs the version it was read at
    let sql = match expected {
        None => {
            "insert into bersinar_targets (regency, year, count, version, updated_at) \
             select ?1, ?2, ?3, 1, ?4 where ?5 is null \
             on conflict (regency, year) do nothing"
        }
        Some(_) => {
            "update bersinar_targets set count = ?3, version = version + 1, updated_at = ?4 \
             where regency = ?1 and year = ?2 and version = ?5"
        }
    };
    let done = sqlx::query(sql)
        .bind(regency.as_str())
        .bind(year)
        .bind(count)
        .bind(event.at)
        .bind(expected)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    audit::append(conn, event).await?;
    Ok(expected.map_or(1, |v| v + 1))
}

#[async_trait]
impl ProgrammeStore for SqliteStore {
    async fn add_assessment(&self, assessment: &Assessment, event: &AuditEvent) -> StoreResult<()> {
        let (a, event) = (assessment.clone(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { add(c, &a, &event).await }))
            .await
    }
    async fn assessment(&self, id: AssessmentId) -> StoreResult<Option<Assessment>> {
        sqlx::query("select * from assessments where id = ?1")
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
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
            "select * from assessments where kind = ?1 and region = ?2 \
             order by period desc, recorded_at desc, id desc",
        )
        .bind(kind.key())
        .bind(region.as_str())
        .fetch_all(&self.reader)
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
            "select a.* from assessments a where a.kind = ?1 and {} \
             and a.id = (select b.id from assessments b where b.kind = a.kind and b.region = a.region \
                         order by b.period desc, b.recorded_at desc, b.id desc limit 1) \
             order by a.region",
            crate::below("a.region", "?2")
        ))
        .bind(kind.key())
        .bind(node.as_str())
        .fetch_all(&self.reader)
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
        let event = event.clone();
        self.writer
            .write(move |c| Box::pin(async move { approve(c, id, approver, at, &event).await }))
            .await
    }
    async fn add_bersinar_step(&self, step: &BersinarStep, event: &AuditEvent) -> StoreResult<()> {
        let (step, event) = (step.clone(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { add_step(c, &step, &event).await }))
            .await
    }
    async fn bersinar_steps(&self, village: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        let found = sqlx::query("select * from bersinar_steps where village = ?1 order by seq")
            .bind(village.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(map_err)?;
        found.iter().map(rows::bersinar_step).collect()
    }
    async fn bersinar_latest(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        let found = sqlx::query(&format!(
            "select s.* from bersinar_steps s \
             where (s.village = ?1 or {}) \
             and s.seq = (select max(seq) from bersinar_steps l where l.village = s.village) \
             order by s.village",
            crate::below("s.village", "?1")
        ))
        .bind(region.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        found.iter().map(rows::bersinar_step).collect()
    }
    async fn bersinar_latest_decrees(&self, region: &RegionCode) -> StoreResult<Vec<BersinarStep>> {
        let found = sqlx::query(&format!(
            "select s.* from bersinar_steps s \
             where (s.village = ?1 or {}) \
             and s.seq = (select max(seq) from bersinar_steps l \
                          where l.village = s.village and l.decree_number is not null) \
             order by s.village",
            crate::below("s.village", "?1")
        ))
        .bind(region.as_str())
        .fetch_all(&self.reader)
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
        let (regency, event) = (regency.clone(), event.clone());
        self.writer
            .write(move |c| {
                Box::pin(async move {
                    set_target(c, &regency, year, count, expected_version, &event).await
                })
            })
            .await
    }
    async fn targets(&self, regency: &RegionCode) -> StoreResult<Vec<Target>> {
        let found = sqlx::query(
            "select year, count, version from bersinar_targets where regency = ?1 order by year",
        )
        .bind(regency.as_str())
        .fetch_all(&self.reader)
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
        let found = sqlx::query("select value, version from settings where key = ?1")
            .bind(key.to_owned())
            .fetch_optional(&self.reader)
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
        let (key, value, event) = (key.to_owned(), value.to_owned(), event.clone());
        self.writer
            .write(move |c| {
                Box::pin(
                    async move { put_setting(c, &key, &value, expected_version, &event).await },
                )
            })
            .await
    }
}
