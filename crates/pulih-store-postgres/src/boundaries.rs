//! Boundaries of regions in PostgreSQL, behind [`BoundaryStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::audit::AuditEvent;
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_store::{Boundary, BoundaryStore, StoreResult};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::{PostgresStore, audit, map_err};

/// Rows per statement.
const CHUNK: usize = 1000;

fn level_number(level: RegionLevel) -> i16 {
    level as i16 + 1
}

fn boundary(row: &PgRow) -> StoreResult<Boundary> {
    let get = |name: &str| row.try_get::<f64, _>(name).map_err(map_err);
    Ok(Boundary {
        code: RegionCode::parse(row.try_get("code").map_err(map_err)?).map_err(crate::backend)?,
        geometry: row.try_get("geometry").map_err(map_err)?,
        bbox: [
            get("min_lon")?,
            get("min_lat")?,
            get("max_lon")?,
            get("max_lat")?,
        ],
        vertices: row.try_get("vertices").map_err(map_err)?,
        source: row.try_get("source").map_err(map_err)?,
        imported_at: row.try_get("imported_at").map_err(map_err)?,
    })
}

#[async_trait]
impl BoundaryStore for PostgresStore {
    async fn put_boundaries(
        &self,
        boundaries: &[Boundary],
        event: &AuditEvent,
    ) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(map_err)?;
        let mut replaced = 0;
        for chunk in boundaries.chunks(CHUNK) {
            let codes: Vec<&str> = chunk.iter().map(|b| b.code.as_str()).collect();
            let levels: Vec<i16> = chunk.iter().map(|b| level_number(b.code.level())).collect();
            let edge = |i: usize| chunk.iter().map(|b| b.bbox[i]).collect::<Vec<f64>>();
            let vertices: Vec<i64> = chunk.iter().map(|b| b.vertices).collect();
            let geometries: Vec<&str> = chunk.iter().map(|b| b.geometry.as_str()).collect();
            let sources: Vec<&str> = chunk.iter().map(|b| b.source.as_str()).collect();
            let times: Vec<DateTime<Utc>> = chunk.iter().map(|b| b.imported_at).collect();
            let found: i64 =
                sqlx::query("select count(*) from region_boundaries where code = any($1::text[])")
                    .bind(&codes)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .try_get(0)
                    .map_err(map_err)?;
            replaced += u64::try_from(found).unwrap_or_default();
            sqlx::query(
                "insert into region_boundaries (code, level, min_lon, min_lat, max_lon, max_lat, vertices, geometry, source, imported_at) \
                 select * from unnest($1::text[], $2::smallint[], $3::float8[], $4::float8[], $5::float8[], \
                                      $6::float8[], $7::int8[], $8::text[], $9::text[], $10::timestamptz[]) \
                 on conflict (code) do update set min_lon = excluded.min_lon, min_lat = excluded.min_lat, \
                 max_lon = excluded.max_lon, max_lat = excluded.max_lat, vertices = excluded.vertices, \
                 geometry = excluded.geometry, source = excluded.source, imported_at = excluded.imported_at",
            )
            .bind(&codes)
            .bind(&levels)
            .bind(edge(0))
            .bind(edge(1))
            .bind(edge(2))
            .bind(edge(3))
            .bind(&vertices)
            .bind(&geometries)
            .bind(&sources)
            .bind(&times)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        audit::append(&mut tx, event).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(replaced)
    }

    async fn boundaries_below(
        &self,
        node: &RegionCode,
        level: RegionLevel,
    ) -> StoreResult<Vec<Boundary>> {
        let found = sqlx::query(
            "select * from region_boundaries where level = $1 and code like $2 || '.%' order by code",
        )
        .bind(level_number(level))
        .bind(node.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        found.iter().map(boundary).collect()
    }
}
