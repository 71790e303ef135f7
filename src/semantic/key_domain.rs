//! Key-domain evidence from names: calls whose names say they map values onto a bounded set, and
//! keys whose names say they are drawn from a standard code set.

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

/// Names of values drawn from a standard code set of a few hundred members at most: IANA time
/// zones, BCP 47 locales and languages, ISO 4217 currencies, ISO 3166 countries, character
/// encodings (exact, case-insensitive). A table keyed by one stays small whatever the traffic.
pub fn is_code_set_name(name: &str) -> bool {
    [
        "timezone", "tz", "zone", "locale", "locales", "lang", "language", "currency", "country",
        "encoding", "charset",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}
