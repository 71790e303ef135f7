//! `leaklint rules` and `leaklint explain <rule>`.

use super::{EXIT_ERROR, EXIT_OK};
use crate::rules::REGISTRY;

/// Prints each rule's name, default severity and summary.
pub fn list() -> u8 {
    let width = REGISTRY
        .iter()
        .map(|r| r.meta().name.len())
        .max()
        .unwrap_or(0);
    for r in REGISTRY {
        let m = r.meta();
        println!(
            "{:width$}  {:5}  {}",
            m.name,
            m.default_severity.as_str(),
            m.summary
        );
    }
    EXIT_OK
}

/// Prints the document of rule `name`; unknown names exit with 2 and list the known ones.
pub fn explain(name: &str) -> u8 {
    match crate::rules::find(name) {
        Some(r) => {
            print!("{}", r.meta().doc);
            EXIT_OK
        }
        None => {
            let known: Vec<&str> = REGISTRY.iter().map(|r| r.meta().name).collect();
            eprintln!(
                "leaklint: error: unknown rule `{name}`; the rules are: {}",
                known.join(", ")
            );
            EXIT_ERROR
        }
    }
}
