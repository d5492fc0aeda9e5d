//! Fuzz tests of the parsers every form and API field goes through, bounded so that they
//! run with the suite: any text, including control characters, long runs and
//! multi-byte letters, is parsed or refused with an error, never a panic, and what is
//! parsed reads back the same.

use proptest::prelude::*;
use pulih_domain::account::{DisplayName, Role, Username};
use pulih_domain::aftercare::Schedule;
use pulih_domain::client::ClientCode;
use pulih_domain::handoff::{HandoffKind, MAX_BULK_ROWS, bulk_rows};
use pulih_domain::nik::Nik;
use pulih_domain::org::{OrgName, OrgType};
use pulih_domain::region::{RegionCode, Scope};
use pulih_domain::rollup::Period;

/// Text as forms bring it: digits and dots, printable, separators and lines, anything.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9.]{0,24}",
        "[ -~]{0,60}",
        "[0-9a-zA-Z,;\\n\\r -]{0,200}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn field_parsers_parse_or_refuse_any_text(s in typed()) {
        if let Ok(code) = RegionCode::parse(&s) {
            prop_assert_eq!(RegionCode::parse(code.as_str()).ok(), Some(code.clone()));
            let _ = code.level();
            let _ = code.kind();
        }
        if let Ok(scope) = Scope::parse(&s) {
            prop_assert_eq!(Scope::parse(scope.as_str()).ok(), Some(scope.clone()));
        }
        if let Ok(nik) = Nik::parse(&s) {
            prop_assert_eq!(nik.as_str().len(), 16);
        }
        let _ = Username::parse(&s);
        let _ = DisplayName::parse(&s);
        let _ = OrgName::parse(&s);
        let _ = OrgType::parse(&s);
        let _ = Role::parse(&s);
        let _ = ClientCode::parse(&s);
        let _ = Schedule::parse(&s);
        let _ = Period::parse(&s);
        let _ = HandoffKind::parse(&s);
    }

    #[test]
    fn a_bulk_entry_is_split_or_refused(s in typed()) {
        if let Ok(rows) = bulk_rows(&s) {
            prop_assert!(!rows.is_empty() && rows.len() <= MAX_BULK_ROWS);
        }
    }
}
