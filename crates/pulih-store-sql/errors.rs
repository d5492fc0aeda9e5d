//! Database errors as the cases callers tell apart. Constraint violations are looked up
//! in one table by the name each backend reports them under; everything else is a
//! backend error whose detail goes to the log.

use pulih_store::StoreError;

use crate::dialect;

/// What a violated constraint means to callers.
#[derive(Debug, Clone, Copy)]
enum Meaning {
    /// A unique value is taken; names the field.
    Duplicate(&'static str),
    /// Someone else took the step first (a numbered step, a version).
    Conflict,
}

/// The constraints callers handle: the name SQLite reports (the first `table.column` of
/// the violated unique key), the name PostgreSQL reports (the constraint's name), and
/// what the violation means.
const CONSTRAINTS: &[(&str, &str, Meaning)] = &[
    (
        "users.username",
        "users_username_key",
        Meaning::Duplicate("username"),
    ),
    (
        "bersinar_steps.village",
        "bersinar_steps_pkey",
        Meaning::Conflict,
    ),
    (
        "units.village",
        "units_village_key",
        Meaning::Duplicate("village"),
    ),
    (
        "unit_members.user_id",
        "unit_members_pkey",
        Meaning::Duplicate("member"),
    ),
    ("schools.npsn", "schools_npsn", Meaning::Duplicate("npsn")),
    (
        "client_facts.refers_to",
        "client_facts_retention",
        Meaning::Duplicate("retention_check"),
    ),
];

/// Whether the database cannot serve the request now for a reason that passes without
/// anyone changing the request: its storage (full, read-only, failing) or the way to it
/// (no connection in time, a connection lost).
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => dialect::is_unavailable(db.as_ref()),
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        _ => false,
    }
}

/// Wraps a database failure for logs.
pub(crate) fn backend(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Backend(Box::new(e))
}

/// Maps a database error to the case callers handle: a known constraint, a missing
/// reference, a lock that waited too long, a database that cannot write now (disk full,
/// read-only, failed storage, unreachable), or a backend error.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    if is_unavailable(&e) {
        return StoreError::Unavailable(e.to_string());
    }
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            let name = dialect::constraint_name(db.as_ref());
            let known = CONSTRAINTS.iter().find(|(sqlite, postgres, _)| {
                name.as_deref()
                    .is_some_and(|n| n == *sqlite || n == *postgres)
            });
            match known {
                Some((_, _, Meaning::Duplicate(field))) => return StoreError::Duplicate(field),
                Some((_, _, Meaning::Conflict)) => return StoreError::Conflict,
                None => {}
            }
        }
        if db.is_foreign_key_violation() {
            // SQLite does not say which reference failed, so neither backend does: a
            // use-case that must name it checks the reference inside its write first.
            return StoreError::MissingReference("record");
        }
        if dialect::is_lock_timeout(db.as_ref()) {
            return StoreError::Busy;
        }
    }
    backend(e)
}
