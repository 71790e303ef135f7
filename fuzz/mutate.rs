//! The mutation engine: byte-level edits (flips, random bytes, deletions, duplications,
//! truncation, splices of two inputs) and syntax-aware insertions of the shapes that break
//! parsers and reporters (deep nesting, template literals, regular expressions, JSX, TypeScript
//! generics and assertions, unicode line terminators, astral characters, lone surrogates, long
//! lines), plus a minimiser that shrinks a failing input while it still fails.

use std::time::{Duration, Instant};

/// Fragments inserted whole: each is a known trouble spot for a JS/TS parser, a JSON decoder, a
/// TOML parser or a position converter.
const DICTIONARY: &[&str] = &[
    "`${",
    "}`",
    "`${`${x}`}`",
    "/[a-z\\/]+/gu",
    "/(?<n>a)\\k<n>/v",
    "<div a={x}>",
    "</div>",
    "<a:b.c />",
    "<></>",
    "<T,>(x: T) => x",
    "<T extends U = V>",
    "as const",
    "satisfies T",
    "<a>",
    "x!",
    "?.",
    "??=",
    "#priv",
    "@dec ",
    "enum E { A = 1 }",
    "declare module 'm' {",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "é",
    "😀",
    "\u{10ffff}",
    "\\ud800",
    "\\udfff",
    "\\u{110000}",
    "\r",
    "\r\n",
    "\t",
    "\0",
    "'",
    "\"",
    "\\",
    "/*",
    "*/",
    "//",
    "<!--",
    "-->",
    "#!",
    "0x",
    "1e999",
    "9007199254740993n",
    "new Map()",
    ".set(",
    ".on('x', () => {",
    "setInterval(() => {",
    "}, 1000)",
    "export function f(req) {",
    "// leaklint-disable-next-line",
    "/* leaklint-disable */",
    "Content-Length: ",
    "\r\n\r\n",
    "{\"",
    "\":",
    "[]",
    "{}",
    "null",
    "true",
    "-1",
    "4294967295",
    "2147483648",
    "1.5",
    "[rules]\n",
    "min-confidence = ",
    "exclude = [\"",
    "**/",
    "\"]\n",
    "=",
    "[[",
    "\"\"\"",
    "'''",
    "node_count",
    "edge_count",
    "\"snapshot\":",
    "\"nodes\":[",
    "\"edges\":[",
    "\"strings\":[",
    "],",
];

/// A seeded source of mutations.
pub struct Mutator {
    rng: fastrand::Rng,
}

impl Mutator {
    /// A mutator whose choices follow `seed` (the same seed gives the same inputs).
    pub fn new(seed: u64) -> Mutator {
        Mutator {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// A random index below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.usize(..n)
    }

    /// `input` after 1 to 8 mutations; `other` is spliced in by some of them.
    pub fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..1 + self.rng.usize(..8) {
            self.mutate_once(&mut out, other);
        }
        out
    }

    fn at(&mut self, v: &[u8]) -> usize {
        self.rng.usize(..=v.len())
    }

    fn mutate_once(&mut self, v: &mut Vec<u8>, other: &[u8]) {
        match self.rng.u8(..12) {
            0 if !v.is_empty() => {
                let i = self.rng.usize(..v.len());
                v[i] ^= 1 << self.rng.u8(..8);
            }
            1 if !v.is_empty() => {
                let i = self.rng.usize(..v.len());
                v[i] = self.rng.u8(..);
            }
            2 if !v.is_empty() => {
                let i = self.rng.usize(..v.len());
                let n = self.rng.usize(1..=v.len().clamp(1, 64)).min(v.len() - i);
                v.drain(i..i + n);
            }
            3 if !v.is_empty() => {
                let i = self.rng.usize(..v.len());
                let n = self.rng.usize(1..=64).min(v.len() - i);
                let copy = v[i..i + n].to_vec();
                let at = self.at(v);
                v.splice(at..at, copy);
            }
            4 => {
                let at = self.at(v);
                v.truncate(at);
            }
            5 if !other.is_empty() => {
                let a = self.at(v);
                let s = self.rng.usize(..other.len());
                let n = self.rng.usize(1..=(other.len() - s).min(4096));
                v.splice(a..a, other[s..s + n].iter().copied());
            }
            6 => {
                // Deep nesting: one opener repeated, sometimes closed again.
                // Not `<a>(`: its exponential parse is known (docs/known-issues.md), and each
                // one found would keep a core busy for the rest of the run.
                let (open, close) =
                    [("(", ")"), ("[", "]"), ("{", "}"), ("f(", ")")][self.rng.usize(..4)];
                let depth = [10, 100, 1000, 5000][self.rng.usize(..4)];
                let mut s = open.repeat(depth);
                if self.rng.bool() {
                    s.push('x');
                    s.push_str(&close.repeat(depth));
                }
                let at = self.at(v);
                v.splice(at..at, s.into_bytes());
            }
            7 => {
                // A long line: minified code past column 65,535.
                let unit = ["var a=1;", "x", "é", "😀"][self.rng.usize(..4)];
                let s = unit.repeat(70_000 / unit.len());
                let at = self.at(v);
                v.splice(at..at, s.into_bytes());
            }
            _ => {
                let word = DICTIONARY[self.rng.usize(..DICTIONARY.len())];
                let at = self.at(v);
                v.splice(at..at, word.bytes());
            }
        }
    }
}

/// Shrinks `input` while `fails` holds: removes chunks from half the input down to single bytes,
/// for at most `budget`. Returns the smallest failing input found.
pub fn minimise(input: &[u8], budget: Duration, fails: &dyn Fn(&[u8]) -> bool) -> Vec<u8> {
    let started = Instant::now();
    let mut best = input.to_vec();
    let mut chunk = best.len().div_ceil(2).max(1);
    while chunk >= 1 && started.elapsed() < budget {
        let mut i = 0;
        let mut shrunk = false;
        while i < best.len() && started.elapsed() < budget {
            let end = (i + chunk).min(best.len());
            let mut candidate = best[..i].to_vec();
            candidate.extend_from_slice(&best[end..]);
            if fails(&candidate) {
                best = candidate;
                shrunk = true;
            } else {
                i += chunk;
            }
        }
        if !shrunk {
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimiser_keeps_what_makes_the_input_fail() {
        let input = b"aaaaaaa<a:b.c />bbbbbbbbbbbb";
        let small = minimise(input, Duration::from_secs(5), &|c| {
            c.windows(5).any(|w| w == b"<a:b.")
        });
        assert_eq!(small, b"<a:b.");
    }

    #[test]
    fn the_same_seed_gives_the_same_inputs() {
        let (mut a, mut b) = (Mutator::new(7), Mutator::new(7));
        for _ in 0..50 {
            assert_eq!(
                a.mutate(b"const x = 1;", b"y"),
                b.mutate(b"const x = 1;", b"y")
            );
        }
    }
}
