//! Where SQLite's SQL differs from PostgreSQL's, for the shared layer.

use pulih_store::StoreResult;
use sqlx::error::DatabaseError;

use crate::db::Conn;

/// The backend's name, for logs and benchmarks.
pub(crate) const NAME: &str = "sqlite";

/// Whether a write locks the rows its checks read. One writer runs writes one at a time: rows need no locks.
pub(crate) const LOCKS_ROWS: bool = false;

/// Text in byte order (`order by name collate …`).
pub(crate) const BYTE_ORDER: &str = "collate binary";

/// A row lock to the end of the transaction: none, the one writer runs writes one by one.
pub(crate) fn for_update(_of: &str) -> String {
    String::new()
}

/// The UTC date of a timestamp column (stored as RFC 3339 text).
pub(crate) fn utc_date(column: &str) -> String {
    format!("substr({column}, 1, 10)")
}

/// The date `months` months after a date column; a day the later month lacks becomes
/// its last day, as in PostgreSQL's `date + interval`.
pub(crate) fn months_after(column: &str, months: u32) -> String {
    format!(
        "min(date({column}, '+{months} months'), \
         date({column}, 'start of month', '+{} months', '-1 day'))",
        months + 1
    )
}

/// The violated unique key as `table.column` (its first column), from SQLite's message
/// `UNIQUE constraint failed: table.column, …`.
pub(crate) fn constraint_name(db: &dyn DatabaseError) -> Option<String> {
    let columns = db.message().split_once("constraint failed: ")?.1;
    Some(
        columns
            .split(',')
            .next()
            .unwrap_or(columns)
            .trim()
            .to_owned(),
    )
}

/// SQLite has no lock timeouts: one writer, and readers never wait.
pub(crate) fn is_lock_timeout(_db: &dyn DatabaseError) -> bool {
    false
}

/// The database cannot write now: the disk is full (`SQLITE_FULL`), the file or its
/// folder is read-only (`SQLITE_READONLY*`), or the storage failed (`SQLITE_IOERR*`,
/// `SQLITE_CANTOPEN` of the journal). Extended codes carry the primary code in their
/// low byte.
pub(crate) fn is_unavailable(db: &dyn DatabaseError) -> bool {
    const READONLY: i64 = 8;
    const IOERR: i64 = 10;
    const FULL: i64 = 13;
    const CANTOPEN: i64 = 14;
    db.code()
        .and_then(|c| c.parse::<i64>().ok())
        .is_some_and(|c| matches!(c & 0xff, READONLY | IOERR | FULL | CANTOPEN))
}

/// Serialises writes that must not interleave: the one writer already does.
#[expect(clippy::unused_async, reason = "PostgreSQL's lock is a statement")]
pub(crate) async fn lock_named(_conn: &mut Conn, _name: &str) -> StoreResult<()> {
    Ok(())
}

/// The tables a backup covers (SQLite's own, such as `sqlite_sequence`, left out).
pub(crate) const TABLES: &str =
    r"select name from sqlite_schema where type = 'table' and name not like 'sqlite\_%' escape '\'";

/// A table's columns (`$1`): name, place in the primary key (0: none) and declared type.
pub(crate) const COLUMNS: &str = "select name, pk, type from pragma_table_info($1) order by cid";

/// The function writing any value as an SQL literal (`NULL` for null).
pub(crate) const QUOTE: &str = "quote";

/// A key column in the digest's order: SQLite's default order is already bytewise.
pub(crate) fn key_order(column: &str, _kind: &str) -> String {
    column.to_owned()
}
