//! The configuration's types, as serde reads them: from `leaklint.toml` (TOML) and, for the
//! editor's overrides, from the language server's JSON settings. Every value is checked while it
//! is read (rule names against the registry, severities, globs), so a TOML error carries the
//! position of the key or value at fault.

use std::fmt;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::diagnostic::{Confidence, Severity};
use crate::rules::{self, Rule};

/// The longest glob accepted in `include`/`exclude`, in bytes.
pub const MAX_GLOB: usize = 1024;

/// The most globs accepted in one `include` or `exclude` list.
pub const MAX_GLOBS: usize = 1000;

/// A `leaklint.toml` as written (every key optional).
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    /// Lowest confidence reported.
    pub min_confidence: Option<ConfidenceSetting>,
    /// Only files matching these globs are linted.
    pub include: Option<Globs>,
    /// Files matching these globs are not linted.
    pub exclude: Option<Globs>,
    /// Per-rule settings, in the file's order.
    #[serde(default)]
    pub rules: RuleTable,
}

/// A `min-confidence` (`minConfidence` in the editor): `"low"`, `"medium"` or `"high"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfidenceSetting(pub Confidence);

impl<'de> Deserialize<'de> for ConfidenceSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ConfidenceSetting, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ConfidenceSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a confidence: \"low\", \"medium\" or \"high\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ConfidenceSetting, E> {
                match s {
                    "low" => Ok(ConfidenceSetting(Confidence::Low)),
                    "medium" => Ok(ConfidenceSetting(Confidence::Medium)),
                    "high" => Ok(ConfidenceSetting(Confidence::High)),
                    other => Err(E::custom(format!(
                        "unknown confidence `{other}`: use \"low\", \"medium\" or \"high\""
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A rule's level: off, or on at a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The rule does not run (`"off"`).
    Off,
    /// The rule runs at warning severity (`"warn"` or `"warning"`).
    Warn,
    /// The rule runs at error severity (`"error"`).
    Error,
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Level, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Level;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a severity: \"off\", \"warn\" or \"error\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Level, E> {
                match s {
                    "off" => Ok(Level::Off),
                    "warn" | "warning" => Ok(Level::Warn),
                    "error" => Ok(Level::Error),
                    other => Err(E::custom(format!(
                        "unknown severity `{other}`: use \"off\", \"warn\" or \"error\""
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Level {
    /// The severity the rule runs at, or `None` when it is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warn => Some(Severity::Warn),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// A rule's setting: a level (`"warn"`) or a table of options (`{ severity = "warn" }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSetting {
    /// The rule's level.
    pub level: Level,
}

/// The table form of a rule's setting.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleOptions {
    severity: Level,
}

impl<'de> Deserialize<'de> for RuleSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RuleSetting, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RuleSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a severity (\"off\", \"warn\" or \"error\") or a table with a `severity`",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RuleSetting, E> {
                let level = Level::deserialize(de::value::StrDeserializer::<E>::new(s))?;
                Ok(RuleSetting { level })
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<RuleSetting, M::Error> {
                let o = RuleOptions::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(RuleSetting { level: o.severity })
            }
        }
        d.deserialize_any(V)
    }
}

/// A rule of the registry, named by its name.
#[derive(Clone, Copy)]
pub struct RuleName(pub &'static dyn Rule);

impl<'de> Deserialize<'de> for RuleName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RuleName, D::Error> {
        let name = String::deserialize(d)?;
        rules::find(&name).map(RuleName).ok_or_else(|| {
            de::Error::custom(format!(
                "unknown rule `{name}` (`leaklint rules` lists them)"
            ))
        })
    }
}

/// The `[rules]` table: (rule, setting) in the order written.
#[derive(Default)]
pub struct RuleTable(pub Vec<(RuleName, RuleSetting)>);

impl<'de> Deserialize<'de> for RuleTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RuleTable, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RuleTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of rule settings")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<RuleTable, M::Error> {
                let mut out = Vec::new();
                while let Some((name, setting)) = m.next_entry()? {
                    out.push((name, setting));
                }
                Ok(RuleTable(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// An `include` or `exclude` list, compiled. A glob that does not start with `**/` or `/` also
/// matches everything below what it matches (`dist` covers `dist/a.js`).
pub struct Globs(pub GlobSet);

/// One glob of a list, checked and compiled.
struct Pattern(Glob);

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Pattern, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Pattern;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a glob string")
            }
            fn visit_str<E: de::Error>(self, g: &str) -> Result<Pattern, E> {
                // globset compiles each glob into a regular expression: a 70 KB glob takes half a
                // minute, so sizes no real pattern reaches are refused.
                if g.len() > MAX_GLOB {
                    return Err(E::custom(format!("a glob longer than {MAX_GLOB} bytes")));
                }
                Glob::new(g)
                    .map(Pattern)
                    .map_err(|e| E::custom(format!("bad glob `{g}`: {e}")))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Globs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Globs, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Globs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of glob strings")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut s: S) -> Result<Globs, S::Error> {
                let too_many =
                    || de::Error::custom(format!("more than {MAX_GLOBS} globs in one list"));
                if s.size_hint().is_some_and(|n| n > MAX_GLOBS) {
                    return Err(too_many());
                }
                let mut b = GlobSetBuilder::new();
                let mut n = 0;
                while let Some(Pattern(g)) = s.next_element()? {
                    n += 1;
                    if n > MAX_GLOBS {
                        return Err(too_many());
                    }
                    let text = g.glob().to_string();
                    b.add(g);
                    if !text.starts_with("**/") && !text.starts_with('/') {
                        // `dist/**` should also match `dist` itself and anything below.
                        if let Ok(g2) = Glob::new(&format!("{}/**", text.trim_end_matches("/**"))) {
                            b.add(g2);
                        }
                    }
                }
                b.build().map(Globs).map_err(de::Error::custom)
            }
        }
        d.deserialize_seq(V)
    }
}
