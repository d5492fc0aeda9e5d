//! Published figures: what those who see suppressed figures are shown of a figure in a
//! closed period, per node, with the cells complementary suppression hides
//! (`pulih_app`'s publication decides them; this stores and reads them).

use chrono::{DateTime, Utc};
use pulih_domain::rollup::{Cell, Figure};
use pulih_store::{Counted, Published, StoreResult};
use sqlx::QueryBuilder;

use super::errors::{backend, map_err};
use super::rollups::{ROUND, push_family};
use super::rows::get;
use crate::db::{Conn, Db, DbRow, Pool};

/// Every counter of `figure` in `period`.
pub(crate) async fn figure(pool: &Pool, figure: Figure, period: &str) -> StoreResult<Vec<Counted>> {
    let rows = sqlx::query(
        "select node, n from rollups where figure = $1 and period = $2 and n <> 0 order by node",
    )
    .bind(figure.key())
    .bind(period)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    rows.iter()
        .map(|row| {
            Ok(Counted {
                cell: Cell {
                    figure,
                    node: get(row, "node")?,
                    period: period.to_owned(),
                },
                n: get(row, "n")?,
            })
        })
        .collect()
}

/// When `figure` in `period` was published, and the nodes it hid.
pub(crate) async fn publication(
    pool: &Pool,
    figure: Figure,
    period: &str,
) -> StoreResult<Option<(DateTime<Utc>, Vec<String>)>> {
    let at =
        sqlx::query("select published_at from published_figures where figure = $1 and period = $2")
            .bind(figure.key())
            .bind(period)
            .fetch_optional(pool)
            .await
            .map_err(map_err)?;
    let Some(at) = at else {
        return Ok(None);
    };
    let hidden = sqlx::query(
        "select node from published_cells where figure = $1 and period = $2 and hidden \
         order by node",
    )
    .bind(figure.key())
    .bind(period)
    .fetch_all(pool)
    .await
    .map_err(map_err)?;
    let hidden = hidden
        .iter()
        .map(|r| get(r, "node"))
        .collect::<StoreResult<_>>()?;
    Ok(Some((get(&at, "published_at")?, hidden)))
}

/// Replaces the publication of `figure` in `period`, in the caller's transaction.
pub(crate) async fn publish(
    conn: &mut Conn,
    figure: Figure,
    period: &str,
    at: DateTime<Utc>,
    cells: Vec<Published>,
) -> StoreResult<()> {
    sqlx::query("delete from published_cells where figure = $1 and period = $2")
        .bind(figure.key())
        .bind(period)
        .execute(&mut *conn)
        .await
        .map_err(map_err)?;
    for chunk in cells.chunks(ROUND as usize) {
        let mut q = QueryBuilder::<Db>::new(
            "insert into published_cells (figure, period, node, parent, n, hidden) ",
        );
        q.push_values(chunk, |mut b, p| {
            b.push_bind(figure.key())
                .push_bind(period.to_owned())
                .push_bind(p.counted.cell.node.clone())
                .push_bind(p.counted.cell.parent().to_owned())
                .push_bind(p.counted.n)
                .push_bind(p.hidden);
        });
        q.build().execute(&mut *conn).await.map_err(map_err)?;
    }
    sqlx::query(
        "insert into published_figures (figure, period, published_at) values ($1, $2, $3) \
         on conflict (figure, period) do update set published_at = excluded.published_at",
    )
    .bind(figure.key())
    .bind(period)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(map_err)?;
    Ok(())
}

fn published(row: &DbRow, period: &str) -> StoreResult<Published> {
    Ok(Published {
        counted: Counted {
            cell: Cell {
                figure: Figure::parse(&get::<String>(row, "figure")?).map_err(backend)?,
                node: get(row, "node")?,
                period: period.to_owned(),
            },
            n: get(row, "n")?,
        },
        hidden: get(row, "hidden")?,
    })
}

/// The published cells of `node` and its children in `period`, for `figures`.
pub(crate) async fn family(
    pool: &Pool,
    node: &str,
    period: &str,
    figures: &[Figure],
) -> StoreResult<Vec<Published>> {
    if figures.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new(
        "select figure, node, n, hidden from published_cells where period = ",
    );
    q.push_bind(period.to_owned()).push(" and ");
    push_family(&mut q, node, figures);
    let rows = q.build().fetch_all(pool).await.map_err(map_err)?;
    rows.iter().map(|r| published(r, period)).collect()
}
