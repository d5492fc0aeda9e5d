//! Where rows lie in the region tree, as SQL conditions: the one way every query filters
//! by scope, and every query that spans clients by the worker's reach.

use pulih_domain::region::{RegionCode, Scope};
use pulih_store::ClientReach;
use sqlx::QueryBuilder;

use crate::db::Db;

/// `column` is `code` or lies below it. "Below" is written as a range on the column's
/// index rather than `like code || '.%'`: codes are digits and dots, `/` is the character
/// after `.`, and the columns compare in byte order (`collate "C"` on PostgreSQL), so the
/// range holds exactly the descendants, and both planners use the index for it, where a
/// `like` pattern built from a parameter scans the whole table.
pub(crate) fn push_at_or_below(q: &mut QueryBuilder<'_, Db>, column: &str, code: &RegionCode) {
    q.push(format!("({column} = "))
        .push_bind(code.to_string())
        .push(format!(" or ({column} >= "))
        .push_bind(code.to_string())
        .push(format!(" || '.' and {column} < "))
        .push_bind(code.to_string())
        .push(" || '/'))");
}

/// `column` lies inside `scope`: everything for national scope.
pub(crate) fn push_scope(q: &mut QueryBuilder<'_, Db>, column: &str, scope: &Scope) {
    match scope {
        Scope::National => {
            q.push("1 = 1");
        }
        Scope::Region(code) => push_at_or_below(q, column, code),
    }
}

/// The clients `reach` allows, as a condition on `clients c`.
pub(crate) fn push_reach(q: &mut QueryBuilder<'_, Db>, reach: &ClientReach) {
    match reach {
        ClientReach::Scope(scope) => push_scope(q, "c.region", scope),
        ClientReach::OrgOrAssigned(scope, org, user) => {
            push_scope(q, "c.region", scope);
            q.push(" and (c.org_id = ")
                .push_bind(org.as_uuid())
                .push(" or c.assigned_to = ")
                .push_bind(user.as_uuid())
                .push(")");
        }
        ClientReach::Assigned(user) => {
            q.push("c.assigned_to = ").push_bind(user.as_uuid());
        }
    }
}
