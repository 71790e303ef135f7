//! Key-domain evidence from names: calls whose names say they map values onto a bounded set.

/// Functions whose names say they map values onto a bounded set.
pub fn is_normaliser(name: &str) -> bool {
    // Compared case-insensitively in place: this runs for every call inside a summarised expression.
    [
        "normali",
        "sanitize",
        "sanitise",
        "route",
        "bucket",
        "classify",
        "template",
        "statusclass",
        "category",
    ]
    .iter()
    .any(|p| {
        name.as_bytes()
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    })
}
