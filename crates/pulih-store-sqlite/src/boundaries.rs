//! Boundaries of regions in SQLite, behind [`BoundaryStore`].

use async_trait::async_trait;
use pulih_domain::audit::AuditEvent;
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_store::{Boundary, BoundaryStore, StoreResult};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::{SqliteStore, audit, map_err};

/// Rows per statement: 10 parameters each, well under SQLite's limit.
const CHUNK: usize = 500;

fn level_number(level: RegionLevel) -> i64 {
    level as i64 + 1
}

async fn put(
    conn: &mut SqliteConnection,
    boundaries: &[Boundary],
    event: &AuditEvent,
) -> StoreResult<u64> {
    let mut replaced = 0;
    for chunk in boundaries.chunks(CHUNK) {
        let mut count: QueryBuilder<Sqlite> =
            QueryBuilder::new("select count(*) from region_boundaries where code in (");
        let mut codes = count.separated(", ");
        for b in chunk {
            codes.push_bind(b.code.as_str());
        }
        codes.push_unseparated(")");
        let found: i64 = count
            .build()
            .fetch_one(&mut *conn)
            .await
            .map_err(map_err)?
            .try_get(0)
            .map_err(map_err)?;
        replaced += u64::try_from(found).unwrap_or_default();
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "insert into region_boundaries (code, level, min_lon, min_lat, max_lon, max_lat, vertices, geometry, source, imported_at) ",
        );
        q.push_values(chunk, |mut row, b| {
            row.push_bind(b.code.as_str())
                .push_bind(level_number(b.code.level()))
                .push_bind(b.bbox[0])
                .push_bind(b.bbox[1])
                .push_bind(b.bbox[2])
                .push_bind(b.bbox[3])
                .push_bind(b.vertices)
                .push_bind(&b.geometry)
                .push_bind(&b.source)
                .push_bind(b.imported_at);
        });
        q.push(
            " on conflict (code) do update set min_lon = excluded.min_lon, min_lat = excluded.min_lat, \
             max_lon = excluded.max_lon, max_lat = excluded.max_lat, vertices = excluded.vertices, \
             geometry = excluded.geometry, source = excluded.source, imported_at = excluded.imported_at",
        );
        q.build().execute(&mut *conn).await.map_err(map_err)?;
    }
    audit::append(conn, event).await?;
    Ok(replaced)
}

fn boundary(row: &SqliteRow) -> StoreResult<Boundary> {
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
impl BoundaryStore for SqliteStore {
    async fn put_boundaries(
        &self,
        boundaries: &[Boundary],
        event: &AuditEvent,
    ) -> StoreResult<u64> {
        let (boundaries, event) = (boundaries.to_vec(), event.clone());
        self.writer
            .write(move |c| Box::pin(async move { put(c, &boundaries, &event).await }))
            .await
    }

    async fn boundaries_below(
        &self,
        node: &RegionCode,
        level: RegionLevel,
    ) -> StoreResult<Vec<Boundary>> {
        let found = sqlx::query(
            "select * from region_boundaries where level = ?1 and code like ?2 || '.%' order by code",
        )
        .bind(level_number(level))
        .bind(node.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(map_err)?;
        found.iter().map(boundary).collect()
    }
}
