//! Every conformance scenario runs: one defined in `src/conformance` but missing from the
//! list in [`conformance_suite!`] would compile (it is public) and silently never run on
//! either backend. This reads the sources and fails naming it.

use std::collections::BTreeSet;
use std::path::Path;

/// The names of the `pub async fn` scenarios in a source text.
fn defined_in(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split("pub async fn ").skip(1).filter_map(|rest| {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

#[test]
fn every_conformance_scenario_is_listed_in_the_suite() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let suite = std::fs::read_to_string(src.join("conformance.rs")).expect("read the suite");
    let list = suite
        .split("@each $fresh;")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the scenario list of conformance_suite!");
    let listed: BTreeSet<String> = list
        .split(',')
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    let mut defined: BTreeSet<String> = defined_in(&suite).collect();
    for entry in std::fs::read_dir(src.join("conformance")).expect("read the scenarios") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("read a scenario file");
        defined.extend(defined_in(&text));
    }
    assert!(defined.len() > 30, "the scenarios were found: {defined:?}");
    let unlisted: Vec<&String> = defined.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "defined but not listed in conformance_suite!, so never run: {unlisted:?}"
    );
}
