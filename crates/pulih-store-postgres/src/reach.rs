//! Which clients a worker reaches, as SQL conditions on `clients c`: the one way every
//! query that spans clients filters them.

use pulih_domain::region::{RegionCode, Scope};
use pulih_store::ClientReach;
use sqlx::{Postgres, QueryBuilder};

/// `column` is `code` or lies below it, as the index range [`crate::below`] describes.
pub(crate) fn push_at_or_below(
    q: &mut QueryBuilder<'_, Postgres>,
    column: &str,
    code: &RegionCode,
) {
    q.push(format!("({column} = "))
        .push_bind(code.to_string())
        .push(format!(" or ({column} >= "))
        .push_bind(code.to_string())
        .push(format!(" || '.' and {column} < "))
        .push_bind(code.to_string())
        .push(" || '/'))");
}

/// `column` lies inside `scope`: everything for national scope.
pub(crate) fn push_scope(q: &mut QueryBuilder<'_, Postgres>, column: &str, scope: &Scope) {
    match scope {
        Scope::National => {
            q.push("true");
        }
        Scope::Region(code) => push_at_or_below(q, column, code),
    }
}

/// The clients `reach` allows.
pub(crate) fn push_reach(q: &mut QueryBuilder<'_, Postgres>, reach: &ClientReach) {
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
