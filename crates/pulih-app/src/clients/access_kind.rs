//! What an audit entry about a client says was done, in words a client reads: each
//! entry's action (and the view or outcome its detail names) becomes one [`AccessKind`],
//! whose key names its plain-language text (`access.kind.…` in the web's locales).

use serde::Serialize;
use serde_json::Value;

/// One kind of access to a client's record, as the client's access report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// The client was registered.
    Register,
    /// The record page was opened.
    ReadPage,
    /// The record was read through the JSON API.
    ReadApi,
    /// The client's own copy was printed or downloaded.
    ReadExport,
    /// The record was sent to a health service (FHIR).
    ReadFhir,
    /// A referral of the client was opened.
    ReadReferral,
    /// An access report like this one was printed at the client's request.
    ReadAccessReport,
    /// Something was recorded in the record (consent, screening, care, a visit…).
    WriteFact,
    /// A referral was sent or its status moved.
    WriteReferral,
    /// The client was assigned to a worker.
    Assign,
    /// The client's assignment was ended.
    Unassign,
    /// The client's data was erased on request.
    Erase,
    /// Break-glass access was opened.
    BreakGlass,
    /// The client was found by a NIK check at a registration.
    NikMatch,
    /// The client was found as a possible duplicate at a registration.
    DuplicateMatch,
    /// An administrator read the reason of a break-glass access.
    GrantRead,
    /// An administrator signed off a break-glass access.
    GrantSignedOff,
    /// An administrator escalated a break-glass access.
    GrantEscalated,
    /// Another kind of entry about the record.
    Other,
}

impl AccessKind {
    /// The kind of the audit entry with `action` and `detail`.
    pub fn of(action: &str, detail: &Value) -> Self {
        let text = |name: &str| detail.get(name).and_then(Value::as_str);
        match action {
            "client.register" => Self::Register,
            crate::audit::RECORD_READ => match text("view") {
                Some("page") => Self::ReadPage,
                Some("api") => Self::ReadApi,
                Some("export") => Self::ReadExport,
                Some("fhir") => Self::ReadFhir,
                Some("referral") => Self::ReadReferral,
                Some("access_report") => Self::ReadAccessReport,
                _ => Self::Other,
            },
            crate::audit::RECORD_WRITE if detail.get("fact").is_some() => Self::WriteFact,
            crate::audit::RECORD_WRITE if detail.get("referral").is_some() => Self::WriteReferral,
            "client.assign" if text("assigned_to").is_some() => Self::Assign,
            "client.assign" => Self::Unassign,
            "client.erase" => Self::Erase,
            "client.break_glass" => Self::BreakGlass,
            "client.nik_match" => Self::NikMatch,
            "client.duplicate_match" => Self::DuplicateMatch,
            "grant.read" => Self::GrantRead,
            "grant.review" if text("outcome") == Some("escalated") => Self::GrantEscalated,
            "grant.review" => Self::GrantSignedOff,
            _ => Self::Other,
        }
    }

    /// Every kind, for checking that each has its text.
    pub const ALL: [Self; 19] = [
        Self::Register,
        Self::ReadPage,
        Self::ReadApi,
        Self::ReadExport,
        Self::ReadFhir,
        Self::ReadReferral,
        Self::ReadAccessReport,
        Self::WriteFact,
        Self::WriteReferral,
        Self::Assign,
        Self::Unassign,
        Self::Erase,
        Self::BreakGlass,
        Self::NikMatch,
        Self::DuplicateMatch,
        Self::GrantRead,
        Self::GrantSignedOff,
        Self::GrantEscalated,
        Self::Other,
    ];

    /// The kind's name, as in the JSON report and its text's key (`access.kind.<key>`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::ReadPage => "read_page",
            Self::ReadApi => "read_api",
            Self::ReadExport => "read_export",
            Self::ReadFhir => "read_fhir",
            Self::ReadReferral => "read_referral",
            Self::ReadAccessReport => "read_access_report",
            Self::WriteFact => "write_fact",
            Self::WriteReferral => "write_referral",
            Self::Assign => "assign",
            Self::Unassign => "unassign",
            Self::Erase => "erase",
            Self::BreakGlass => "break_glass",
            Self::NikMatch => "nik_match",
            Self::DuplicateMatch => "duplicate_match",
            Self::GrantRead => "grant_read",
            Self::GrantSignedOff => "grant_signed_off",
            Self::GrantEscalated => "grant_escalated",
            Self::Other => "other",
        }
    }
}

/// Whether the entry rests on break-glass: the opening itself, or a read or write made
/// under a live grant.
pub(super) fn under_break_glass(action: &str, detail: &Value) -> bool {
    action == "client.break_glass" || detail.get("break_glass") == Some(&Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_are_told_apart_by_the_view_they_were_for() {
        let read = |view| AccessKind::of("client.record.read", &json!({ "view": view }));
        assert_eq!(read("page"), AccessKind::ReadPage);
        assert_eq!(read("export"), AccessKind::ReadExport);
        assert_eq!(read("fhir"), AccessKind::ReadFhir);
        assert_eq!(read("access_report"), AccessKind::ReadAccessReport);
        assert_eq!(read("something new"), AccessKind::Other);
    }

    #[test]
    fn writes_assignments_and_reviews_are_named_by_their_detail() {
        let write = |d| AccessKind::of("client.record.write", &d);
        assert_eq!(write(json!({"fact": "f"})), AccessKind::WriteFact);
        assert_eq!(write(json!({"referral": "r"})), AccessKind::WriteReferral);
        let assign = |d| AccessKind::of("client.assign", &d);
        assert_eq!(assign(json!({"assigned_to": "u"})), AccessKind::Assign);
        assert_eq!(assign(json!({"assigned_to": null})), AccessKind::Unassign);
        let review = |o| AccessKind::of("grant.review", &json!({ "outcome": o }));
        assert_eq!(review("signed_off"), AccessKind::GrantSignedOff);
        assert_eq!(review("escalated"), AccessKind::GrantEscalated);
        assert_eq!(AccessKind::of("org.create", &json!({})), AccessKind::Other);
    }

    #[test]
    fn break_glass_is_the_opening_or_an_access_flagged_with_it() {
        assert!(under_break_glass("client.break_glass", &json!({})));
        assert!(under_break_glass(
            "client.record.read",
            &json!({"view": "page", "break_glass": true})
        ));
        assert!(!under_break_glass(
            "client.record.read",
            &json!({"view": "page", "break_glass": false})
        ));
    }

    #[test]
    fn every_kind_has_its_own_key() {
        let keys: std::collections::BTreeSet<_> = AccessKind::ALL.iter().map(|k| k.key()).collect();
        assert_eq!(keys.len(), AccessKind::ALL.len());
    }
}
