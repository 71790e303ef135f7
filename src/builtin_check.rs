//! The checks leaklint reports itself besides the rules: files that do not parse and
//! suppression comments that are wrong or unneeded. Each carries its own name, descriptions and
//! severity, so that reports, the language server and the suppression logic ask it instead of
//! comparing strings.

use crate::diagnostic::{ByteSpan, Diagnostic, Severity};

/// A built-in check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinCheck {
    /// The file could not be parsed (a syntax error, or text that is not UTF-8).
    ParseError,
    /// A `leaklint-disable` comment suppressed nothing.
    UnusedSuppression,
    /// A `leaklint-disable` comment names a rule that does not exist.
    InvalidSuppression,
}

impl BuiltinCheck {
    /// Every built-in check, in the order reports list them.
    pub const ALL: [BuiltinCheck; 3] = [
        BuiltinCheck::ParseError,
        BuiltinCheck::UnusedSuppression,
        BuiltinCheck::InvalidSuppression,
    ];

    /// The name diagnostics carry as their rule, e.g. `parse-error`.
    pub const fn name(self) -> &'static str {
        match self {
            BuiltinCheck::ParseError => "parse-error",
            BuiltinCheck::UnusedSuppression => "unused-suppression",
            BuiltinCheck::InvalidSuppression => "invalid-suppression",
        }
    }

    /// One line (SARIF's `shortDescription`).
    pub const fn summary(self) -> &'static str {
        match self {
            BuiltinCheck::ParseError => "The file could not be parsed as JavaScript or TypeScript",
            BuiltinCheck::UnusedSuppression => "A leaklint-disable comment suppresses nothing",
            BuiltinCheck::InvalidSuppression => "A leaklint-disable comment names an unknown rule",
        }
    }

    /// What the check reports and what to do about it (SARIF's `fullDescription` and help).
    pub const fn description(self) -> &'static str {
        match self {
            BuiltinCheck::ParseError => {
                "leaklint could not parse the file (a syntax error, or text that is not UTF-8), so \
                 no rule checked it. The message gives swc's error and its position."
            }
            BuiltinCheck::UnusedSuppression => {
                "A `leaklint-disable` comment did not suppress any finding: the code it covered \
                 was fixed or moved. Remove the comment."
            }
            BuiltinCheck::InvalidSuppression => {
                "A `leaklint-disable` comment names a rule that does not exist; `leaklint rules` \
                 lists the rules."
            }
        }
    }

    /// The severity of its diagnostics (built-in checks are not configurable).
    pub const fn severity(self) -> Severity {
        match self {
            BuiltinCheck::ParseError => Severity::Error,
            BuiltinCheck::UnusedSuppression | BuiltinCheck::InvalidSuppression => Severity::Warn,
        }
    }

    /// The built-in check named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<BuiltinCheck> {
        BuiltinCheck::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether diagnostics named `rule` come from this check.
    pub fn is(self, rule: &str) -> bool {
        self.name() == rule
    }

    /// A diagnostic of this check at `span`, at its severity.
    pub fn report(self, span: ByteSpan, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.name(), span, message).with_severity(self.severity())
    }
}

#[cfg(test)]
mod tests {
    use super::BuiltinCheck;

    #[test]
    fn names_are_distinct_from_each_other_and_from_the_rules() {
        for (i, c) in BuiltinCheck::ALL.iter().enumerate() {
            assert_eq!(BuiltinCheck::from_name(c.name()), Some(*c));
            assert!(crate::rules::find(c.name()).is_none(), "{}", c.name());
            assert!(BuiltinCheck::ALL[..i].iter().all(|o| o.name() != c.name()));
        }
    }
}
