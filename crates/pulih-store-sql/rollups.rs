//! Rollups: a write's tallies wait in `rollup_pending` (appended by the envelope, no
//! lock shared by writers); the chainer ([`fold`], in the run that chains the audit log)
//! spreads them over their cells, sums them, and adds the sums to `rollups` in key order,
//! one upsert per cell. On PostgreSQL that keeps the national and provincial rows off
//! every writer's path (only the chainer, one at a time, touches them) and makes every
//! upsert run in the same order; on SQLite it runs at the end of each batch.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pulih_domain::rollup::{Cell, Figure, Tally};
use pulih_store::{Counted, StoreResult};
use sqlx::QueryBuilder;

use super::errors::{backend, map_err};
use super::rows::get;
use crate::db::{Conn, Db, DbRow, Pool};

/// Most pending tallies one round folds, and most rows per insert statement.
pub(crate) const ROUND: i64 = 1_000;

/// Appends a write's tallies to the pending table.
pub(crate) async fn pend(conn: &mut Conn, tallies: &[Tally]) -> StoreResult<()> {
    if tallies.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::<Db>::new("insert into rollup_pending (figure, place, day, delta) ");
    q.push_values(tallies, |mut b, t| {
        b.push_bind(t.figure.key())
            .push_bind(t.place.as_str())
            .push_bind(t.day)
            .push_bind(t.delta);
    });
    q.build().execute(&mut *conn).await.map_err(map_err)?;
    Ok(())
}

/// Adds every pending tally to the counters, inside the caller's transaction (which
/// holds the chain's lock); returns how many tallies it folded.
pub(crate) async fn fold(conn: &mut Conn) -> StoreResult<u64> {
    let mut folded = 0;
    loop {
        let pending = sqlx::query(
            "select id, figure, place, day, delta from rollup_pending order by id limit $1",
        )
        .bind(ROUND)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_err)?;
        let Some(last) = pending.last() else {
            return Ok(folded);
        };
        let last: i64 = get(last, "id")?;
        let mut sums = BTreeMap::new();
        for row in &pending {
            for cell in tally(row)?.cells() {
                *sums.entry(cell).or_insert(0) += get::<i64>(row, "delta")?;
            }
        }
        sums.retain(|_, n| *n != 0);
        let sums: Vec<Counted> = sums
            .into_iter()
            .map(|(cell, n)| Counted { cell, n })
            .collect();
        add(conn, &sums).await?;
        sqlx::query("delete from rollup_pending where id <= $1")
            .bind(last)
            .execute(&mut *conn)
            .await
            .map_err(map_err)?;
        folded += pending.len() as u64;
        if pending.len() < ROUND as usize {
            return Ok(folded);
        }
    }
}

fn tally(row: &DbRow) -> StoreResult<Tally> {
    Ok(Tally {
        figure: Figure::parse(&get::<String>(row, "figure")?).map_err(backend)?,
        place: get::<String>(row, "place")?.parse().map_err(backend)?,
        day: get::<NaiveDate>(row, "day")?,
        delta: get(row, "delta")?,
    })
}

/// Adds `sums` (sorted by cell) to the counters.
async fn add(conn: &mut Conn, sums: &[Counted]) -> StoreResult<()> {
    for chunk in sums.chunks(ROUND as usize) {
        let mut q =
            QueryBuilder::<Db>::new("insert into rollups (node, period, figure, parent, n) ");
        q.push_values(chunk, |mut b, c| {
            b.push_bind(c.cell.node.clone())
                .push_bind(c.cell.period.clone())
                .push_bind(c.cell.figure.key())
                .push_bind(c.cell.parent().to_owned())
                .push_bind(c.n);
        });
        q.push(" on conflict (node, period, figure) do update set n = rollups.n + excluded.n");
        q.build().execute(&mut *conn).await.map_err(map_err)?;
    }
    Ok(())
}

fn counted(row: &DbRow) -> StoreResult<Counted> {
    Ok(Counted {
        cell: Cell {
            figure: Figure::parse(&get::<String>(row, "figure")?).map_err(backend)?,
            node: get(row, "node")?,
            period: get(row, "period")?,
        },
        n: get(row, "n")?,
    })
}

async fn counters(q: &mut QueryBuilder<'_, Db>, pool: &Pool) -> StoreResult<Vec<Counted>> {
    let rows = q.build().fetch_all(pool).await.map_err(map_err)?;
    rows.iter().map(counted).collect()
}

/// The counters of `node` and its children in `period`.
pub(crate) async fn family(pool: &Pool, node: &str, period: &str) -> StoreResult<Vec<Counted>> {
    let mut q = QueryBuilder::new("select node, period, figure, n from rollups where period = ");
    q.push_bind(period.to_owned())
        .push(" and n <> 0 and (node = ")
        .push_bind(node.to_owned())
        .push(" or parent = ")
        .push_bind(node.to_owned())
        .push(")");
    counters(&mut q, pool).await
}

/// The counters of `node` in `periods`.
pub(crate) async fn series(
    pool: &Pool,
    node: &str,
    periods: &[String],
) -> StoreResult<Vec<Counted>> {
    let mut q = QueryBuilder::new("select node, period, figure, n from rollups where node = ");
    q.push_bind(node.to_owned())
        .push(" and n <> 0 and period in (");
    let mut list = q.separated(", ");
    for p in periods {
        list.push_bind(p.clone());
    }
    q.push(")");
    counters(&mut q, pool).await
}

/// The stocks `figures` of `node` and its children: their counters summed over every
/// year (the period of such a sum is empty).
pub(crate) async fn stock(
    pool: &Pool,
    node: &str,
    figures: &[Figure],
) -> StoreResult<Vec<Counted>> {
    let mut q = QueryBuilder::new(
        "select node, '' as period, figure, cast(sum(n) as bigint) as n from rollups \
         where length(period) = 4 and ",
    );
    push_family(&mut q, node, figures);
    q.push(" group by node, figure");
    counters(&mut q, pool).await
}

/// `(node = … or parent = …) and figure in (…)`: `node` and its children, for `figures`
/// (not empty).
pub(crate) fn push_family(q: &mut QueryBuilder<'_, Db>, node: &str, figures: &[Figure]) {
    q.push("(node = ")
        .push_bind(node.to_owned())
        .push(" or parent = ")
        .push_bind(node.to_owned())
        .push(") and figure in (");
    let mut list = q.separated(", ");
    for f in figures {
        list.push_bind(f.key());
    }
    q.push(")");
}

/// Every non-zero counter.
pub(crate) async fn all(pool: &Pool) -> StoreResult<Vec<Counted>> {
    let mut q = QueryBuilder::new("select node, period, figure, n from rollups where n <> 0");
    counters(&mut q, pool).await
}

/// Replaces every counter, in the caller's transaction.
pub(crate) async fn replace(conn: &mut Conn, mut counted: Vec<Counted>) -> StoreResult<()> {
    sqlx::query("delete from rollups")
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    counted.sort();
    add(conn, &counted).await
}
