//! The region tree and official boundaries.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pulih_domain::ids::ImportId;
use pulih_domain::region::{RegionCode, RegionLevel, Scope};
use pulih_domain::region_import::{
    ImportPlan, ImportSummary, RegionUse, SourceRegion, StoredRegion,
};
use pulih_store::{Boundary, Region, RegionChange, RegionHit, RegionTx, StoreResult};
use sqlx::QueryBuilder;

use super::envelope::SqlTx;
use super::errors::{backend, map_err};
use super::reach::{push_at_or_below, push_scope};
use super::rows::{self, get};
use crate::db::{Conn, Db, Pool};
use crate::dialect;

const COLUMNS: &str =
    "code, name, latitude, longitude, utc_offset, postal_code, children_count, retired_at";

/// Rows per multi-row statement: at most 10 parameters each, well under both backends'
/// limits on parameters per statement.
const CHUNK: usize = 500;

fn level_number(level: RegionLevel) -> i16 {
    level as i16 + 1
}

pub(crate) async fn counts(pool: &Pool) -> StoreResult<[i64; 4]> {
    let found = sqlx::query(
        "select level, count(*) as n from regions where retired_at is null group by level",
    )
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    let mut out = [0; 4];
    for row in found {
        let level: i16 = get(&row, "level")?;
        if let Some(slot) = usize::try_from(level - 1).ok().and_then(|i| out.get_mut(i)) {
            *slot = get(&row, "n")?;
        }
    }
    Ok(out)
}

pub(crate) async fn stored(pool: &Pool) -> StoreResult<HashMap<RegionCode, StoredRegion>> {
    let found = sqlx::query("select code, name, retired_at is not null as retired from regions")
        .fetch_all(pool)
        .await
        .map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            let code = RegionCode::parse(get(row, "code")?).map_err(backend)?;
            let stored = StoredRegion {
                name: get(row, "name")?,
                retired: get(row, "retired")?,
            };
            Ok((code, stored))
        })
        .collect()
}

/// Where live records and scopes are placed: each code with a count per kind.
const USES: &str = "select code, what, count(*) as n from (\
      select scope as code, 'users' as what from users where not disabled \
      union all select place, 'organisations' from organisations \
      union all select region, 'clients' from clients where erased_at is null \
      union all select village, 'units' from units \
      union all select village, 'trainings' from trainings \
      union all select village, 'activities' from activities \
      union all select place, 'office_activities' from office_activities \
      union all select village, 'schools' from schools \
      union all select region, 'assessments' from assessments \
      union all select region, 'referrals' from referrals \
      union all select region, 'handoffs' from handoffs \
      union all select region, 'service_areas' from partner_service_areas \
    ) placed where code <> 'ID' group by code, what";

pub(crate) async fn uses(pool: &Pool) -> StoreResult<Vec<RegionUse>> {
    let found = sqlx::query(USES).fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            Ok(RegionUse {
                code: RegionCode::parse(get(row, "code")?).map_err(backend)?,
                what: get(row, "what")?,
                count: get(row, "n")?,
            })
        })
        .collect()
}

pub(crate) async fn one(pool: &Pool, code: &RegionCode) -> StoreResult<Option<Region>> {
    sqlx::query(&format!("select {COLUMNS} from regions where code = $1"))
        .bind(code.as_str())
        .fetch_optional(pool)
        .await
        .map_err(map_err)?
        .as_ref()
        .map(rows::region)
        .transpose()
}

pub(crate) async fn children(pool: &Pool, parent: Option<&RegionCode>) -> StoreResult<Vec<Region>> {
    let mut q = QueryBuilder::<Db>::new(format!(
        "select {COLUMNS} from regions where retired_at is null and "
    ));
    match parent {
        Some(p) => q.push("parent_code = ").push_bind(p.as_str()),
        // provinces have no parent: the parent index finds them without a scan
        None => q.push("parent_code is null"),
    };
    q.push(" order by code");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::region).collect()
}

pub(crate) async fn villages_below(pool: &Pool, node: &RegionCode) -> StoreResult<Vec<Region>> {
    let mut q = QueryBuilder::<Db>::new(format!(
        "select {COLUMNS} from regions where level = 4 and retired_at is null and "
    ));
    push_at_or_below(&mut q, "code", node);
    q.push(" order by code");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found.iter().map(rows::region).collect()
}

pub(crate) async fn by_codes(pool: &Pool, codes: &[RegionCode]) -> StoreResult<Vec<Region>> {
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(CHUNK) {
        let mut q =
            QueryBuilder::<Db>::new(format!("select {COLUMNS} from regions where code in ("));
        let mut list = q.separated(", ");
        for code in chunk {
            list.push_bind(code.as_str());
        }
        q.push(")");
        let found = q.build().fetch_all(pool).await.map_err(map_err)?;
        for row in &found {
            out.push(rows::region(row)?);
        }
    }
    Ok(out)
}

pub(crate) async fn search(
    pool: &Pool,
    query: &str,
    level: Option<RegionLevel>,
    within: &Scope,
    limit: i64,
) -> StoreResult<Vec<RegionHit>> {
    let mut q = QueryBuilder::<Db>::new(
        "select r.code, r.name, r.latitude, r.longitude, r.utc_offset, r.postal_code, \
                r.children_count, r.retired_at, a1.name as a1, a2.name as a2, a3.name as a3 \
         from regions r \
         left join regions a1 on a1.code = r.parent_code \
         left join regions a2 on a2.code = a1.parent_code \
         left join regions a3 on a3.code = a2.parent_code \
         where r.retired_at is null and r.name_lower like ",
    );
    q.push_bind(pulih_store::contains_pattern(query))
        .push(" escape '\\'");
    if let Some(level) = level {
        q.push(" and r.level = ").push_bind(level_number(level));
    }
    q.push(" and ");
    push_scope(&mut q, "r.code", within);
    q.push(" order by r.level, r.name_lower = ")
        .push_bind(query.trim().to_lowercase())
        .push(" desc, r.name, r.code limit ")
        .push_bind(limit);
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            let mut path = Vec::with_capacity(3);
            for column in ["a3", "a2", "a1"] {
                if let Some(name) = get::<Option<String>>(row, column)? {
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

pub(crate) async fn history_of(pool: &Pool, code: &RegionCode) -> StoreResult<Vec<RegionChange>> {
    let found = sqlx::query(
        "select c.change, c.old_name, c.new_name, i.source, i.at from region_changes c \
         join region_imports i on i.id = c.import_id where c.code = $1 order by c.id",
    )
    .bind(code.as_str())
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            Ok(RegionChange {
                change: get(row, "change")?,
                old_name: get(row, "old_name")?,
                new_name: get(row, "new_name")?,
                source: get(row, "source")?,
                at: get(row, "at")?,
            })
        })
        .collect()
}

pub(crate) async fn boundaries_below(
    pool: &Pool,
    node: &RegionCode,
    level: RegionLevel,
) -> StoreResult<Vec<Boundary>> {
    let mut q = QueryBuilder::<Db>::new("select * from region_boundaries where level = ");
    q.push_bind(level_number(level)).push(" and ");
    push_at_or_below(&mut q, "code", node);
    q.push(" order by code");
    let found = q.build().fetch_all(pool).await.map_err(map_err)?;
    found
        .iter()
        .map(|row| {
            Ok(Boundary {
                code: RegionCode::parse(get(row, "code")?).map_err(backend)?,
                geometry: get(row, "geometry")?,
                bbox: [
                    get(row, "min_lon")?,
                    get(row, "min_lat")?,
                    get(row, "max_lon")?,
                    get(row, "max_lat")?,
                ],
                vertices: get(row, "vertices")?,
                source: get(row, "source")?,
                imported_at: get(row, "imported_at")?,
            })
        })
        .collect()
}

/// Inserts or replaces regions, a chunk per statement (parents come first in the plan,
/// so every chunk finds the parents its foreign keys point at). A list without
/// centroids or postal codes (such as idn-area-data's own CSV files) keeps the stored
/// ones: `coalesce` below.
async fn upsert(conn: &mut Conn, regions: &[&SourceRegion]) -> StoreResult<()> {
    for chunk in regions.chunks(CHUNK) {
        let mut q = QueryBuilder::<Db>::new(
            "insert into regions (code, parent_code, level, name, name_lower, latitude, longitude, \
             utc_offset, postal_code) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(r.code.as_str())
                .push_bind(r.code.parent().map(|p| p.to_string()))
                .push_bind(level_number(r.code.level()))
                .push_bind(r.name.as_str())
                .push_bind(r.name.to_lowercase())
                .push_bind(r.latitude)
                .push_bind(r.longitude)
                .push_bind(r.utc_offset)
                .push_bind(r.postal_code.as_deref());
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

/// One history row to record: code, change, old name, new name.
type HistoryRow<'a> = (
    &'a RegionCode,
    &'static str,
    Option<&'a str>,
    Option<&'a str>,
);

/// The history rows of an import, in the plan's order.
fn history(plan: &ImportPlan) -> Vec<HistoryRow<'_>> {
    let mut changes: Vec<HistoryRow<'_>> = Vec::new();
    if !plan.first {
        changes.extend(
            plan.added
                .iter()
                .map(|r| (&r.code, "added", None, Some(r.name.as_str()))),
        );
    }
    changes.extend(plan.renamed.iter().map(|r| {
        let old = Some(r.old_name.as_str());
        (&r.region.code, "renamed", old, Some(r.region.name.as_str()))
    }));
    changes.extend(
        plan.restored
            .iter()
            .map(|r| (&r.code, "restored", None, Some(r.name.as_str()))),
    );
    changes.extend(plan.retired.iter().map(|c| (c, "retired", None, None)));
    changes
}

#[async_trait]
impl RegionTx for SqlTx<'_> {
    async fn apply_region_import(
        &mut self,
        plan: &ImportPlan,
        source: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<ImportSummary> {
        // Two imports planned against the same stored tree must not interleave.
        dialect::lock_named(self.conn, "region_import").await?;
        let summary = plan.summary();
        let import = ImportId::new();
        let count = |n: usize| i64::try_from(n).map_err(backend);
        sqlx::query(
            "insert into region_imports (id, source, at, added, renamed, restored, retired, unchanged) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(import.as_uuid())
        .bind(source)
        .bind(at)
        .bind(count(summary.added)?)
        .bind(count(summary.renamed)?)
        .bind(count(summary.restored)?)
        .bind(count(summary.retired)?)
        .bind(count(summary.unchanged)?)
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        upsert(self.conn, &plan.upserts()).await?;
        for chunk in history(plan).chunks(CHUNK) {
            let mut q = QueryBuilder::<Db>::new(
                "insert into region_changes (code, import_id, change, old_name, new_name) ",
            );
            q.push_values(chunk, |mut b, (code, change, old, new)| {
                b.push_bind(code.as_str())
                    .push_bind(import.as_uuid())
                    .push_bind(*change)
                    .push_bind(*old)
                    .push_bind(*new);
            });
            q.build().execute(&mut *self.conn).await.map_err(map_err)?;
        }
        for chunk in plan.retired.chunks(CHUNK) {
            let mut q = QueryBuilder::<Db>::new("update regions set retired_at = ");
            q.push_bind(at).push(" where code in (");
            let mut codes = q.separated(", ");
            for code in chunk {
                codes.push_bind(code.as_str());
            }
            q.push(")");
            q.build().execute(&mut *self.conn).await.map_err(map_err)?;
        }
        // One pass over the tree with an aggregate instead of a subquery per row, and only
        // rows whose count changed are rewritten (a re-import usually changes few).
        sqlx::query(
            "update regions set children_count = c.n \
             from (select p.code, count(k.code) as n from regions p \
                   left join regions k on k.parent_code = p.code and k.retired_at is null \
                   group by p.code) c \
             where regions.code = c.code and regions.children_count <> c.n",
        )
        .execute(&mut *self.conn)
        .await
        .map_err(map_err)?;
        Ok(summary)
    }

    async fn put_boundaries(&mut self, boundaries: &[Boundary]) -> StoreResult<u64> {
        let mut replaced = 0;
        for chunk in boundaries.chunks(CHUNK) {
            let mut count = QueryBuilder::<Db>::new(
                "select count(*) as n from region_boundaries where code in (",
            );
            let mut codes = count.separated(", ");
            for b in chunk {
                codes.push_bind(b.code.as_str());
            }
            count.push(")");
            let found = count
                .build()
                .fetch_one(&mut *self.conn)
                .await
                .map_err(map_err)?;
            replaced += u64::try_from(get::<i64>(&found, "n")?).unwrap_or_default();
            let mut q = QueryBuilder::<Db>::new(
                "insert into region_boundaries (code, level, min_lon, min_lat, max_lon, max_lat, \
                 vertices, geometry, source, imported_at) ",
            );
            q.push_values(chunk, |mut row, b| {
                row.push_bind(b.code.as_str())
                    .push_bind(level_number(b.code.level()))
                    .push_bind(b.bbox[0])
                    .push_bind(b.bbox[1])
                    .push_bind(b.bbox[2])
                    .push_bind(b.bbox[3])
                    .push_bind(b.vertices)
                    .push_bind(b.geometry.as_str())
                    .push_bind(b.source.as_str())
                    .push_bind(b.imported_at);
            });
            q.push(
                " on conflict (code) do update set min_lon = excluded.min_lon, \
                 min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat, \
                 vertices = excluded.vertices, geometry = excluded.geometry, \
                 source = excluded.source, imported_at = excluded.imported_at",
            );
            q.build().execute(&mut *self.conn).await.map_err(map_err)?;
        }
        Ok(replaced)
    }
}
