//! Figures about clients as analysts see them: published per figure and closed calendar
//! period for the whole region tree at once, with complementary suppression
//! (`pulih_domain::suppression`), so that a cell hidden in one table is never shown as a
//! total in another and no hidden count can be worked out from the shown ones.
//!
//! A publication is kept for [`REFRESH`]; the first view after that takes in the
//! corrections that reached the period since (an erasure, a late record) and publishes
//! again, hiding at least every cell hidden before, so an old copy compared with the new
//! one gives nothing away that either hides. Open periods are never published: a table
//! refreshed as records arrive would reveal a hidden cell by its change over time.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use pulih_domain::region::RegionCode;
use pulih_domain::rollup::{Cell, Figure, NATION, Period};
use pulih_domain::suppression::{self, Node};
use pulih_store::{Counted, Published};

use crate::{App, AppError, AppResult};

/// How long a publication stands before corrections are taken in.
const REFRESH: Duration = Duration::hours(24);

impl App {
    /// The published cells of `node` (`ID`: the nation) and its children for `figures`
    /// in `period`, publishing first what is missing or older than [`REFRESH`]; none
    /// unless the period closed before `today`.
    pub(crate) async fn published(
        &self,
        node: &str,
        period: Period,
        today: NaiveDate,
        figures: &[Figure],
    ) -> AppResult<Vec<Published>> {
        if figures.is_empty() || !period.closed(today) {
            return Ok(Vec::new());
        }
        let key = period.to_string();
        futures::future::try_join_all(figures.iter().map(|f| self.publish_stale(*f, &key))).await?;
        Ok(self.store.published_family(node, &key, figures).await?)
    }

    async fn publish_stale(&self, figure: Figure, period: &str) -> AppResult<()> {
        let now = self.now();
        let forced = match self.store.publication(figure, period).await? {
            Some((at, _)) if now - at < REFRESH => return Ok(()),
            Some((_, hidden)) => hidden,
            None => Vec::new(),
        };
        let counted = self.store.rollup_figure(figure, period).await?;
        let cells = suppressed(figure, period, counted, &forced)?;
        self.store.publish(figure, period, now, cells).await?;
        Ok(())
    }
}

/// Every counter with whether it is hidden, and the nodes kept hidden (`forced`, a
/// former publication's) that have come down to zero since.
fn suppressed(
    figure: Figure,
    period: &str,
    counted: Vec<Counted>,
    forced: &[String],
) -> AppResult<Vec<Published>> {
    let values = counted
        .iter()
        .map(|c| {
            let n = u64::try_from(c.n).map_err(|_| corrupt(&c.cell.node))?;
            Ok((node(&c.cell.node)?, n))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let forced = forced
        .iter()
        .map(|n| node(n))
        .collect::<AppResult<Vec<_>>>()?;
    let pattern = suppression::suppress(values.iter().cloned(), forced)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut out: Vec<Published> = counted
        .into_iter()
        .zip(&values)
        .map(|(counted, (node, _))| Published {
            hidden: pattern.hides(node),
            counted,
        })
        .collect();
    let given: HashSet<&Node> = values.iter().map(|(n, _)| n).collect();
    for cell in pattern.cells() {
        if let suppression::Cell::Node(hidden) = cell
            && !given.contains(hidden)
        {
            out.push(Published {
                counted: Counted {
                    cell: Cell {
                        figure,
                        node: hidden.to_string(),
                        period: period.to_owned(),
                    },
                    n: 0,
                },
                hidden: true,
            });
        }
    }
    Ok(out)
}

fn node(key: &str) -> AppResult<Node> {
    if key == NATION {
        return Ok(Node::Nation);
    }
    RegionCode::parse(key)
        .map(Node::Region)
        .map_err(|_| corrupt(key))
}

fn corrupt(node: &str) -> AppError {
    AppError::Internal(format!("rollup counter of node {node} is not a count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(node: &str, n: i64) -> Counted {
        Counted {
            cell: Cell {
                figure: Figure::Intakes,
                node: node.to_owned(),
                period: "2026-S1".to_owned(),
            },
            n,
        }
    }

    fn hidden(cells: &[Published]) -> Vec<(&str, i64)> {
        let mut out: Vec<(&str, i64)> = cells
            .iter()
            .filter(|p| p.hidden)
            .map(|p| (p.counted.cell.node.as_str(), p.counted.n))
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn a_small_count_hides_with_a_partner_and_a_republication_keeps_what_it_hid() {
        let now = vec![
            counted("ID", 10),
            counted("12", 10),
            counted("12.71", 7),
            counted("12.75", 3),
        ];
        let first = suppressed(Figure::Intakes, "2026-S1", now, &[]).expect("tree");
        assert_eq!(hidden(&first), [("12.71", 7), ("12.75", 3)]);

        // Binjai's clients are all erased: its 0 stays hidden, so Medan's 7 does too
        let later = vec![counted("ID", 7), counted("12", 7), counted("12.71", 7)];
        let forced = ["12.71".to_owned(), "12.75".to_owned()];
        let again = suppressed(Figure::Intakes, "2026-S1", later, &forced).expect("tree");
        assert_eq!(hidden(&again), [("12.71", 7), ("12.75", 0)]);
    }

    #[test]
    fn a_negative_counter_is_refused_not_published() {
        let broken = vec![counted("ID", -1)];
        assert!(suppressed(Figure::Intakes, "2026-S1", broken, &[]).is_err());
    }
}
