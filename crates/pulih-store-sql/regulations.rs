//! Local regulations with their dated steps, and programme decrees with the villages
//! they name (`programme_decree_villages`) and the Bersinar nominations they make. The reads of [`RegulationStore`]
//! are implemented here, beside their SQL.

use async_trait::async_trait;
use pulih_domain::ids::{DecreeId, RegulationId, UserId};
use pulih_domain::programme::bersinar_decree::Effect;
use pulih_domain::programme::regulation::{Kind, Status, Topic};
use pulih_domain::region::RegionCode;
use pulih_store::{
    BersinarStep, ProgrammeDecree, Regulation, RegulationStep, RegulationStore, RegulationTx,
    StoreError, StoreResult,
};
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::rows::get;
use crate::Backend;
use crate::db::{Db, DbRow, Pool};

fn regulation(row: &DbRow) -> StoreResult<Regulation> {
    Ok(Regulation {
        id: RegulationId::from_uuid(get(row, "id")?),
        region: RegionCode::parse(get(row, "region")?).map_err(backend)?,
        kind: Kind::parse(get(row, "kind")?).map_err(backend)?,
        number: get(row, "number")?,
        title: get(row, "title")?,
        topic: Topic::parse(get(row, "topic")?).map_err(backend)?,
        status: Status::parse(get(row, "status")?).map_err(backend)?,
        version: get(row, "version")?,
        steps: Vec::new(),
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

fn step(row: &DbRow) -> StoreResult<RegulationStep> {
    Ok(RegulationStep {
        seq: get(row, "seq")?,
        step: get(row, "step")?,
        status: Status::parse(get(row, "status")?).map_err(backend)?,
        on: get(row, "on_date")?,
        note: get(row, "note")?,
        recorded_by: UserId::from_uuid(get(row, "recorded_by")?),
        recorded_at: get(row, "recorded_at")?,
    })
}

async fn by_id(pool: &Pool, id: RegulationId) -> StoreResult<Option<Regulation>> {
    let Some(row) = sqlx::query("select * from regulations where id = $1")
        .bind(id.as_uuid())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
    else {
        return Ok(None);
    };
    let mut found = regulation(&row)?;
    let steps = sqlx::query("select * from regulation_steps where regulation_id = $1 order by seq")
        .bind(id.as_uuid())
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    found.steps = steps.iter().map(step).collect::<StoreResult<_>>()?;
    Ok(Some(found))
}

async fn of_regions(pool: &Pool, regions: &[RegionCode]) -> StoreResult<Vec<Regulation>> {
    if regions.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new("select * from regulations where region in (");
    let mut list = q.separated(", ");
    for r in regions {
        list.push_bind(r.as_str());
    }
    q.push(") order by recorded_at desc, id desc");
    let rows = q.build().fetch_all(pool).await.map_err(map_err)?;
    rows.iter().map(regulation).collect()
}

async fn decrees(pool: &Pool, regency: &RegionCode) -> StoreResult<Vec<ProgrammeDecree>> {
    let rows = sqlx::query(
        "select * from programme_decrees where regency = $1 \
         order by decree_date desc, recorded_at desc, id desc",
    )
    .bind(regency.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: Uuid = get(r, "id")?;
        let villages: Vec<(String, String)> = sqlx::query_as(
            "select village, effect from programme_decree_villages where decree_id = $1 \
             order by village",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
        out.push(ProgrammeDecree {
            id: DecreeId::from_uuid(id),
            regency: RegionCode::parse(get(r, "regency")?).map_err(backend)?,
            number: get(r, "number")?,
            date: get(r, "decree_date")?,
            issuer: get(r, "issuer")?,
            year: get(r, "year")?,
            villages: villages
                .iter()
                .map(|(v, e)| Ok((RegionCode::parse(v)?, Effect::parse(e)?)))
                .collect::<Result<_, pulih_domain::Invalid>>()
                .map_err(backend)?,
            recorded_by: UserId::from_uuid(get(r, "recorded_by")?),
            recorded_at: get(r, "recorded_at")?,
        });
    }
    Ok(out)
}

#[async_trait]
impl RegulationStore for Backend {
    async fn regulation(&self, id: RegulationId) -> StoreResult<Option<Regulation>> {
        by_id(self.reader(), id).await
    }
    async fn regulations_of(&self, regions: &[RegionCode]) -> StoreResult<Vec<Regulation>> {
        of_regions(self.reader(), regions).await
    }
    async fn programme_decrees(&self, regency: &RegionCode) -> StoreResult<Vec<ProgrammeDecree>> {
        decrees(self.reader(), regency).await
    }
}

impl SqlTx<'_> {
    async fn insert_step(&mut self, id: RegulationId, s: &RegulationStep) -> StoreResult<()> {
        sqlx::query(
            "insert into regulation_steps (regulation_id, seq, step, status, on_date, note, \
             recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_uuid())
        .bind(s.seq)
        .bind(&s.step)
        .bind(s.status.key())
        .bind(s.on)
        .bind(&s.note)
        .bind(s.recorded_by.as_uuid())
        .bind(s.recorded_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(())
    }
}

#[async_trait]
impl RegulationTx for SqlTx<'_> {
    async fn insert_regulation(&mut self, r: &Regulation) -> StoreResult<()> {
        let first = r.steps.first().ok_or(StoreError::NotFound)?;
        sqlx::query(
            "insert into regulations (id, region, kind, number, title, topic, status, version, \
             recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(r.id.as_uuid())
        .bind(r.region.as_str())
        .bind(r.kind.key())
        .bind(&r.number)
        .bind(&r.title)
        .bind(r.topic.key())
        .bind(r.status.key())
        .bind(r.version)
        .bind(r.recorded_by.as_uuid())
        .bind(r.recorded_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        self.insert_step(r.id, first).await?;
        self.changed("regulation", r.id, r.version, r.region.as_str());
        Ok(())
    }

    async fn add_regulation_step(
        &mut self,
        r: &Regulation,
        version: i64,
        s: &RegulationStep,
    ) -> StoreResult<i64> {
        let next = sqlx::query_scalar::<_, i64>(
            "update regulations set status = $1, number = coalesce($2, number), \
             version = version + 1 where id = $3 and version = $4 returning version",
        )
        .bind(s.status.key())
        .bind(&r.number)
        .bind(r.id.as_uuid())
        .bind(version)
        .fetch_optional(&mut *self.conn)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::Conflict)?;
        let numbered = RegulationStep {
            seq: next,
            ..s.clone()
        };
        self.insert_step(r.id, &numbered).await?;
        self.changed("regulation", r.id, next, r.region.as_str());
        Ok(next)
    }

    async fn insert_decree(
        &mut self,
        d: &ProgrammeDecree,
        steps: &[BersinarStep],
    ) -> StoreResult<()> {
        sqlx::query(
            "insert into programme_decrees (id, regency, number, decree_date, issuer, year, \
             recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(d.id.as_uuid())
        .bind(d.regency.as_str())
        .bind(&d.number)
        .bind(d.date)
        .bind(&d.issuer)
        .bind(d.year)
        .bind(d.recorded_by.as_uuid())
        .bind(d.recorded_at)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        for (village, effect) in &d.villages {
            sqlx::query(
                "insert into programme_decree_villages (decree_id, village, effect) \
                 values ($1, $2, $3)",
            )
            .bind(d.id.as_uuid())
            .bind(village.as_str())
            .bind(effect.key())
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?;
        }
        for s in steps {
            let (number, date, issuer) = match &s.decree {
                Some((n, d, i)) => (Some(n.as_str()), Some(*d), Some(i.as_str())),
                None => (None, None, None),
            };
            sqlx::query(
                "insert into bersinar_steps (village, seq, step, status, decree_number, \
                 decree_date, decree_issuer, reason, recorded_by, recorded_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(s.village.as_str())
            .bind(s.seq)
            .bind(&s.step)
            .bind(&s.status)
            .bind(number)
            .bind(date)
            .bind(issuer)
            .bind(&s.reason)
            .bind(s.recorded_by.as_uuid())
            .bind(s.recorded_at)
            .execute(&mut *self.conn)
            .await
            .map_err(map_err)?;
            self.changed("bersinar", s.village.as_str(), s.seq, s.village.as_str());
        }
        self.changed("programme_decree", d.id, 1, d.regency.as_str());
        Ok(())
    }
}
