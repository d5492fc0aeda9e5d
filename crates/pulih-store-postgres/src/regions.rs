//! The region tree in PostgreSQL.

use std::collections::HashMap;

use pulih_domain::audit::AuditEvent;
use pulih_domain::ids::ImportId;
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_domain::region_import::{ImportPlan, ImportSummary, SourceRegion, StoredRegion};
use pulih_store::{Region, RegionChange, RegionHit, StoreResult};
use sqlx::{PgConnection, PgPool, Row};

use crate::{audit, map_err, rows};

const COLUMNS: &str =
    "code, name, latitude, longitude, utc_offset, postal_code, children_count, retired_at";

/// Rows per insert statement. Arrays are bound as one parameter each, so the limit of
/// 65535 parameters does not apply; this only bounds the size of one message.
const CHUNK: usize = 5000;

fn level_number(level: RegionLevel) -> i16 {
    level as i16 + 1
}

pub(crate) async fn counts(pool: &PgPool) -> StoreResult<[i64; 4]> {
    let rows = sqlx::query(
        "select level, count(*) as n from regions where retired_at is null group by level",
    )
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    let mut out = [0; 4];
    for row in rows {
        let level: i16 = row.try_get("level").map_err(map_err)?;
        if let Some(slot) = usize::try_from(level - 1).ok().and_then(|i| out.get_mut(i)) {
            *slot = row.try_get("n").map_err(map_err)?;
        }
    }
    Ok(out)
}

pub(crate) async fn stored(pool: &PgPool) -> StoreResult<HashMap<RegionCode, StoredRegion>> {
    let rows = sqlx::query("select code, name, retired_at is not null as retired from regions")
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    rows.iter()
        .map(|row| {
            let code =
                RegionCode::parse(row.try_get("code").map_err(map_err)?).map_err(crate::backend)?;
            Ok((
                code,
                StoredRegion {
                    name: row.try_get("name").map_err(map_err)?,
                    retired: row.try_get("retired").map_err(map_err)?,
                },
            ))
        })
        .collect()
}

/// Inserts or replaces regions, a chunk of rows per statement: each column travels as one
/// array parameter and `unnest` turns the arrays back into rows. Parents come first in
/// the plan, so every chunk finds the parents its foreign keys point at.
// A list without centroids or postal codes (such as idn-area-data's own CSV files) keeps
// the stored ones: `coalesce` below.
async fn upsert(conn: &mut PgConnection, regions: &[&SourceRegion]) -> StoreResult<()> {
    for chunk in regions.chunks(CHUNK) {
        let mut codes = Vec::with_capacity(chunk.len());
        let mut parents = Vec::with_capacity(chunk.len());
        let mut levels = Vec::with_capacity(chunk.len());
        let mut names = Vec::with_capacity(chunk.len());
        let mut lowers = Vec::with_capacity(chunk.len());
        let mut latitudes = Vec::with_capacity(chunk.len());
        let mut longitudes = Vec::with_capacity(chunk.len());
        let mut offsets = Vec::with_capacity(chunk.len());
        let mut postal_codes = Vec::with_capacity(chunk.len());
        for r in chunk {
            codes.push(r.code.as_str());
            parents.push(r.code.parent().map(|p| p.to_string()));
            levels.push(level_number(r.code.level()));
            names.push(r.name.as_str());
            lowers.push(r.name.to_lowercase());
            latitudes.push(r.latitude);
            longitudes.push(r.longitude);
            offsets.push(r.utc_offset);
            postal_codes.push(r.postal_code.as_deref());
        }
        sqlx::query(
            "insert into regions (code, parent_code, level, name, name_lower, latitude, longitude, utc_offset, postal_code) \
             select * from unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], \
                                  $6::float8[], $7::float8[], $8::int4[], $9::text[]) \
             on conflict (code) do update set name = excluded.name, name_lower = excluded.name_lower, \
             latitude = coalesce(excluded.latitude, regions.latitude), \
             longitude = coalesce(excluded.longitude, regions.longitude), \
             utc_offset = coalesce(excluded.utc_offset, regions.utc_offset), \
             postal_code = coalesce(excluded.postal_code, regions.postal_code), retired_at = null",
        )
        .bind(&codes)
        .bind(&parents)
        .bind(&levels)
        .bind(&names)
        .bind(&lowers)
        .bind(&latitudes)
        .bind(&longitudes)
        .bind(&offsets)
        .bind(&postal_codes)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

/// One history row to record: code, change, old name, new name.
type HistoryRow<'a> = (
    &'a RegionCode,
    &'static str,
    Option<&'a str>,
    Option<&'a str>,
);

/// Records the history rows of one import, in order, a chunk per statement.
async fn history(
    conn: &mut PgConnection,
    import: ImportId,
    changes: &[HistoryRow<'_>],
) -> StoreResult<()> {
    for chunk in changes.chunks(CHUNK) {
        let codes: Vec<&str> = chunk.iter().map(|c| c.0.as_str()).collect();
        let kinds: Vec<&str> = chunk.iter().map(|c| c.1).collect();
        let olds: Vec<Option<&str>> = chunk.iter().map(|c| c.2).collect();
        let news: Vec<Option<&str>> = chunk.iter().map(|c| c.3).collect();
        // `with ordinality` keeps the identity ids in the order of the plan.
        sqlx::query(
            "insert into region_changes (code, import_id, change, old_name, new_name) \
             select code, $1, change, old_name, new_name \
             from unnest($2::text[], $3::text[], $4::text[], $5::text[]) \
                  with ordinality as t (code, change, old_name, new_name, n) \
             order by n",
        )
        .bind(import.as_uuid())
        .bind(&codes)
        .bind(&kinds)
        .bind(&olds)
        .bind(&news)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

pub(crate) async fn apply_import(
    pool: &PgPool,
    plan: &ImportPlan,
    source: &str,
    event: &AuditEvent,
) -> StoreResult<ImportSummary> {
    let summary = plan.summary();
    let import = ImportId::new();
    let count = |n: usize| i64::try_from(n).map_err(crate::backend);
    let mut tx = pool.begin().await.map_err(map_err)?;
    // Imports take the writers' lock up front rather than only for the audit entry: two
    // imports planned against the same stored tree must not interleave, as they cannot on
    // SQLite's single writer. Other writers wait for the import, which is rare and quick.
    audit::lock_writers(&mut tx).await?;
    sqlx::query(
        "insert into region_imports (id, source, at, added, renamed, restored, retired, unchanged) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(import.as_uuid())
    .bind(source)
    .bind(event.at)
    .bind(count(summary.added)?)
    .bind(count(summary.renamed)?)
    .bind(count(summary.restored)?)
    .bind(count(summary.retired)?)
    .bind(count(summary.unchanged)?)
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    let all = plan.upserts();
    upsert(&mut tx, &all).await?;

    let mut changes: Vec<HistoryRow<'_>> = Vec::new();
    if !plan.first {
        changes.extend(
            plan.added
                .iter()
                .map(|r| (&r.code, "added", None, Some(r.name.as_str()))),
        );
    }
    changes.extend(plan.renamed.iter().map(|r| {
        (
            &r.region.code,
            "renamed",
            Some(r.old_name.as_str()),
            Some(r.region.name.as_str()),
        )
    }));
    changes.extend(
        plan.restored
            .iter()
            .map(|r| (&r.code, "restored", None, Some(r.name.as_str()))),
    );
    changes.extend(plan.retired.iter().map(|c| (c, "retired", None, None)));
    history(&mut tx, import, &changes).await?;

    if !plan.retired.is_empty() {
        let retired: Vec<&str> = plan.retired.iter().map(RegionCode::as_str).collect();
        sqlx::query("update regions set retired_at = $2 where code = any($1)")
            .bind(&retired)
            .bind(event.at)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
    }
    // One pass over the tree with a hash aggregate instead of a subquery per row, and only
    // rows whose count changed are rewritten (a re-import usually changes few).
    sqlx::query(
        "update regions r set children_count = c.n \
         from (select p.code, count(k.code) as n from regions p \
               left join regions k on k.parent_code = p.code and k.retired_at is null \
               group by p.code) c \
         where r.code = c.code and r.children_count <> c.n",
    )
    .execute(&mut *tx)
    .await
    .map_err(map_err)?;
    audit::append(&mut tx, event).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(summary)
}

pub(crate) async fn one(pool: &PgPool, code: &RegionCode) -> StoreResult<Option<Region>> {
    sqlx::query(&format!("select {COLUMNS} from regions where code = $1"))
        .bind(code.as_str())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::region)
        .transpose()
}

pub(crate) async fn villages_below(pool: &PgPool, node: &RegionCode) -> StoreResult<Vec<Region>> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from regions where level = 4 and retired_at is null and {} order by code",
        crate::below("code", "$1")
    ))
    .bind(node.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter().map(rows::region).collect()
}

pub(crate) async fn children(
    pool: &PgPool,
    parent: Option<&RegionCode>,
) -> StoreResult<Vec<Region>> {
    let rows = match parent {
        Some(p) => {
            sqlx::query(&format!(
                "select {COLUMNS} from regions where parent_code = $1 and retired_at is null order by code"
            ))
            .bind(p.as_str())
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query(&format!(
                "select {COLUMNS} from regions where level = 1 and retired_at is null order by code"
            ))
            .fetch_all(pool)
            .await
        }
    }
    .map_err(map_err)?;
    rows.iter().map(rows::region).collect()
}

pub(crate) async fn search(
    pool: &PgPool,
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
         where r.retired_at is null and r.name_lower like $1 escape '\\' \
           and ($2::smallint is null or r.level = $2) \
         order by r.level, r.name_lower = $3 desc, r.name, r.code limit $4",
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
            let mut path = Vec::with_capacity(3);
            for column in ["a3", "a2", "a1"] {
                if let Some(name) = row.try_get::<Option<String>, _>(column).map_err(map_err)? {
                    path.push(name);
                }
            }
            Ok(RegionHit {
                region: rows::region(row)?,
                path,
            })
        })
        .collect()
}

pub(crate) async fn history_of(pool: &PgPool, code: &RegionCode) -> StoreResult<Vec<RegionChange>> {
    let rows = sqlx::query(
        "select c.change, c.old_name, c.new_name, i.source, i.at from region_changes c \
         join region_imports i on i.id = c.import_id where c.code = $1 order by c.id",
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
