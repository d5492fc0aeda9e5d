//! What a database holds, table by table, in a form two copies are compared by: each
//! table's row count and a SHA-256 digest of its rows in primary-key order. Backups record
//! it in their manifest (`pulih backup`), restores and `pulih backup verify` read it again
//! and name every table that differs.
//!
//! A digest is computed the same way on both backends — one query per table that quotes
//! every value as an SQL literal (`crates/pulih-store-sql/contents.rs`) — but over each
//! backend's own text of its values, so it compares copies of one backend, not a SQLite
//! file with a PostgreSQL database.

use pulih_domain::audit::ChainHead;
use serde::{Deserialize, Serialize};

/// One table: its rows counted and digested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableContents {
    /// The table's name.
    pub table: String,
    /// How many rows it holds.
    pub rows: u64,
    /// SHA-256 (hex) over its rows in primary-key order.
    pub sha256: String,
}

/// A whole database, read in one consistent snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contents {
    /// The last migration applied (0 for a database never migrated).
    pub schema_version: i64,
    /// The audit chain's head, if the database has one.
    pub chain_head: Option<ChainHead>,
    /// Every table, by name.
    pub tables: Vec<TableContents>,
}

/// A table whose contents are not what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The table's name.
    pub table: String,
    /// What was expected (`None`: the table was not expected).
    pub expected: Option<TableContents>,
    /// What was found (`None`: the table is missing).
    pub found: Option<TableContents>,
}

impl Contents {
    /// Every table that differs from `expected`, by name: changed, missing or unexpected.
    pub fn differences(&self, expected: &Contents) -> Vec<Difference> {
        let mut names: Vec<&str> = expected
            .tables
            .iter()
            .chain(&self.tables)
            .map(|t| t.table.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let find = |c: &Contents, name: &str| c.tables.iter().find(|t| t.table == name).cloned();
        names
            .into_iter()
            .filter_map(|name| {
                let (want, have) = (find(expected, name), find(self, name));
                (want != have).then(|| Difference {
                    table: name.to_owned(),
                    expected: want,
                    found: have,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, rows: u64, sha256: &str) -> TableContents {
        TableContents {
            table: name.into(),
            rows,
            sha256: sha256.into(),
        }
    }

    fn contents(tables: Vec<TableContents>) -> Contents {
        Contents {
            schema_version: 19,
            chain_head: None,
            tables,
        }
    }

    #[test]
    fn changed_missing_and_unexpected_tables_are_named_in_order() {
        let expected = contents(vec![
            table("a", 1, "x"),
            table("b", 2, "y"),
            table("c", 0, "z"),
        ]);
        let found = contents(vec![
            table("a", 1, "x"),
            table("b", 2, "Y"),
            table("d", 0, "z"),
        ]);
        let names: Vec<String> = found
            .differences(&expected)
            .into_iter()
            .map(|d| d.table)
            .collect();
        assert_eq!(names, ["b", "c", "d"]);
        assert!(expected.differences(&expected).is_empty());
    }
}
