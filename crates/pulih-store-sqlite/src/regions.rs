//! The region tree in SQLite.

use std::collections::HashMap;

use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::ImportId;
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_domain::region_import::{ImportPlan, ImportSummary, SourceRegion, StoredRegion};
use pulih_store::{Region, RegionChange, RegionHit, StoreResult};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};

use crate::{audit, map_err, rows};

const COLUMNS: &str =
    "code, name, latitude, longitude, utc_offset, postal_code, children_count, retired_at";

fn level_number(level: RegionLevel) -> i64 {
    level as i64 + 1
}

pub(crate) async fn counts(pool: &SqlitePool) -> StoreResult<[i64; 4]> {
    let rows = sqlx::query(
        "select level, count(*) as n from regions where retired_at is null group by level",
    )
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    let mut out = [0; 4];
    for row in rows {
        let level: i64 = row.get("level");
        if let Some(slot) = usize::try_from(level - 1).ok().and_then(|i| out.get_mut(i)) {
            *slot = row.get("n");
        }
    }
    Ok(out)
}

pub(crate) async fn stored(pool: &SqlitePool) -> StoreResult<HashMap<RegionCode, StoredRegion>> {
    let rows = sqlx::query("select code, name, retired_at is not null as retired from regions")
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    rows.iter()
        .map(|row| {
            let code = RegionCode::parse(row.get("code")).map_err(crate::backend)?;
            Ok((
                code,
                StoredRegion {
                    name: row.get("name"),
                    retired: row.get("retired"),
                },
            ))
        })
        .collect()
}

/// Inserts or replaces regions in batches (parents come first in the plan).
// A list without centroids or postal codes (such as idn-area-data's own CSV files) keeps
// the stored ones: `coalesce` below.
async fn upsert(conn: &mut SqliteConnection, regions: &[&SourceRegion]) -> StoreResult<()> {
    for chunk in regions.chunks(500) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "insert into regions (code, parent_code, level, name, name_lower, latitude, longitude, utc_offset, postal_code) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(r.code.as_str())
                .push_bind(r.code.parent().map(|p| p.to_string()))
                .push_bind(level_number(r.code.level()))
                .push_bind(&r.name)
                .push_bind(r.name.to_lowercase())
                .push_bind(r.latitude)
                .push_bind(r.longitude)
                .push_bind(r.utc_offset)
                .push_bind(&r.postal_code);
        });
        q.push(
            " on conflict (code) do update set name = excluded.name, name_lower = excluded.name_lower, \
             latitude = coalesce(excluded.latitude, regions.latitude), \
             longitude = coalesce(excluded.longitude, regions.longitude), \
             utc_offset = coalesce(excluded.utc_offset, regions.utc_offset), \
             postal_code = coalesce(excluded.postal_code, regions.postal_code), retired_at = null",
        );
        q.build().execute(&mut *conn).await.map_err(map_err)?;
    }
    Ok(())
}

async fn history(
    conn: &mut SqliteConnection,
    import: ImportId,
    code: &RegionCode,
    change: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> StoreResult<()> {
    sqlx::query("insert into region_changes (code, import_id, change, old_name, new_name) values (?1, ?2, ?3, ?4, ?5)")
        .bind(code.as_str())
        .bind(import.as_uuid())
        .bind(change)
        .bind(old)
        .bind(new)
        .execute(conn)
        .await
        .map_err(map_err)?;
    Ok(())
}

pub(crate) async fn apply_import(
    conn: &mut SqliteConnection,
    plan: &ImportPlan,
    source: &str,
    event: &AuditEvent,
) -> StoreResult<ImportSummary> {
    let summary = plan.summary();
    let import = ImportId::new();
    sqlx::query("insert into region_imports (id, source, at, added, renamed, restored, retired, unchanged) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(import.as_uuid())
        .bind(source)
        .bind(event.at)
        .bind(summary.added as i64)
        .bind(summary.renamed as i64)
        .bind(summary.restored as i64)
        .bind(summary.retired as i64)
        .bind(summary.unchanged as i64)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    let all = plan.upserts();
    upsert(conn, &all).await?;
    if !plan.first {
        for r in &plan.added {
            history(conn, import, &r.code, "added", None, Some(&r.name)).await?;
        }
    }
    for r in &plan.renamed {
        history(
            &mut *conn,
            import,
            &r.region.code,
            "renamed",
            Some(&r.old_name),
            Some(&r.region.name),
        )
        .await?;
    }
    for r in &plan.restored {
        history(conn, import, &r.code, "restored", None, Some(&r.name)).await?;
    }
    for code in &plan.retired {
        sqlx::query("update regions set retired_at = ?2 where code = ?1")
            .bind(code.as_str())
            .bind(event.at)
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
        history(conn, import, code, "retired", None, None).await?;
    }
    sqlx::query(
        "update regions set children_count = \
         (select count(*) from regions c where c.parent_code = regions.code and c.retired_at is null)",
    )
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    audit::append(conn, event).await?;
    Ok(summary)
}

pub(crate) async fn one(pool: &SqlitePool, code: &RegionCode) -> StoreResult<Option<Region>> {
    sqlx::query(&format!("select {COLUMNS} from regions where code = ?1"))
        .bind(code.as_str())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::region)
        .transpose()
}

pub(crate) async fn children(
    pool: &SqlitePool,
    parent: Option<&RegionCode>,
) -> StoreResult<Vec<Region>> {
    let rows = match parent {
        Some(p) => sqlx::query(&format!("select {COLUMNS} from regions where parent_code = ?1 and retired_at is null order by code"))
            .bind(p.as_str())
            .fetch_all(pool)
            .await,
        None => sqlx::query(&format!("select {COLUMNS} from regions where level = 1 and retired_at is null order by code"))
            .fetch_all(pool)
            .await,
    }
    .map_err(map_err)?;
    rows.iter().map(rows::region).collect()
}

pub(crate) async fn villages_below(
    pool: &SqlitePool,
    node: &RegionCode,
) -> StoreResult<Vec<Region>> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from regions where level = 4 and retired_at is null and {} order by code",
        crate::below("code", "?1")
    ))
    .bind(node.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter().map(rows::region).collect()
}

pub(crate) async fn search(
    pool: &SqlitePool,
    query: &str,
    level: Option<RegionLevel>,
    limit: i64,
) -> StoreResult<Vec<RegionHit>> {
    let rows = sqlx::query(
        "select r.code, r.name, r.latitude, r.longitude, r.utc_offset, r.postal_code, r.children_count, r.retired_at, \
                a1.name as a1, a2.name as a2, a3.name as a3 \
         from regions r \
         left join regions a1 on a1.code = r.parent_code \
         left join regions a2 on a2.code = a1.parent_code \
         left join regions a3 on a3.code = a2.parent_code \
         where r.retired_at is null and r.name_lower like ?1 escape '\\' and (?2 is null or r.level = ?2) \
         order by r.level, r.name_lower = ?3 desc, r.name, r.code limit ?4",
    )
    .bind(pulih_store::contains_pattern(query))
    .bind(level.map(level_number))
    .bind(query.trim().to_lowercase())
    .bind(limit)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter()
        .map(|row| {
            let path = ["a3", "a2", "a1"]
                .iter()
                .filter_map(|c| row.get::<Option<String>, _>(*c))
                .collect();
            Ok(RegionHit {
                region: rows::region(row)?,
                path,
            })
        })
        .collect()
}

pub(crate) async fn history_of(
    pool: &SqlitePool,
    code: &RegionCode,
) -> StoreResult<Vec<RegionChange>> {
    let rows = sqlx::query(
        "select c.change, c.old_name, c.new_name, i.source, i.at from region_changes c \
         join region_imports i on i.id = c.import_id where c.code = ?1 order by c.id",
    )
    .bind(code.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter()
        .map(|row| {
            Ok(RegionChange {
                change: row.try_get("change").map_err(map_err)?,
                old_name: row.try_get("old_name").map_err(map_err)?,
                new_name: row.try_get("new_name").map_err(map_err)?,
                source: row.try_get("source").map_err(map_err)?,
                at: row.try_get("at").map_err(map_err)?,
            })
        })
        .collect()
}
