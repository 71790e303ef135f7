#!/usr/bin/env bash
# The real-leak benchmark: memory leaks that were fixed in published npm packages
# (tests/real/leaks.tsv, one row each: the leaky and the fixed version, the file and lines of the
# leak, the rule that should report it, and a link to the fix).
#
# For every row it unpacks both versions with `npm pack` into a cache, lints the leaky file and the
# fixed file alone at default settings (plus LEAKLINT_ARGS), and counts a hit when a finding of the
# row's rule points into the row's lines (its primary location or one of its labels). A finding of
# another rule that the row's rule's finding was merged into (one leak, one finding: a label with
# the row's rule as `ruleId`, src/merge.rs) counts as a finding of the row's rule. It prints one
# line per row, recall per rule, and for the hits whether the fixed file has fewer findings of that
# rule. Per-row results go to $CACHE/results.tsv.
#
# Usage: scripts/real-leaks.sh [path/to/leaklint]   (default: target/release/leaklint, built if missing)
# Environment: LEAKLINT_REAL_CACHE (default target/real), LEAKLINT_ARGS (e.g. '--min-confidence low'),
#              ONLY (a regular expression on the row id), PROJECT=1 (lint each file as part of its
#              whole package folder instead of alone).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TSV="$ROOT/tests/real/leaks.tsv"
CACHE="${LEAKLINT_REAL_CACHE:-$ROOT/target/real}"
BIN="${1:-$ROOT/target/release/leaklint}"
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --quiet)
mkdir -p "$CACHE/pkg"

# unpack NAME VERSION: prints the unpacked package folder (npm's tarballs hold one `package/`).
unpack() {
  local dir="$CACHE/pkg/${1//\//_}@$2"
  if [ ! -d "$dir/package" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    if ! (cd "$dir" && npm pack --silent "$1@$2" >/dev/null 2>&1 && tar -xzf ./*.tgz 2>/dev/null); then
      echo "cannot fetch $1@$2" >&2
      return 1
    fi
    # Some tarballs use another top folder than `package/`.
    [ -d "$dir/package" ] || mv "$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -n 1)" "$dir/package"
  fi
  printf '%s\n' "$dir/package"
}

# lint DIR FILE: the JSON report of DIR/FILE, linted alone (a path given on the command line is
# linted even where an ignore file would skip it), or with PROJECT=1 as part of the whole package
# folder (the project pass: how the package's other modules use its exports), keeping that file's
# report only.
lint() {
  if [ -n "${PROJECT:-}" ]; then
    "$BIN" check --format json --no-cache ${LEAKLINT_ARGS:-} "$1" 2>/dev/null \
      | node -e '
        const [file] = process.argv.slice(1);
        let all = [];
        try { all = JSON.parse(require("fs").readFileSync(0, "utf8")); } catch {}
        console.log(JSON.stringify(all.filter((f) => f.filePath.endsWith("/" + file))));
      ' "$2" || true
  else
    "$BIN" check --format json --no-cache ${LEAKLINT_ARGS:-} "$1/$2" 2>/dev/null || true
  fi
}

results="$CACHE/results.tsv"
printf 'id\trule\thit\tleaky_findings\tfixed_findings\tconfidence\n' > "$results"
tail -n +2 "$TSV" | while IFS=$'\t' read -r id package leaky fixed file lines rule _link _shapes _notes; do
  [ -n "$id" ] || continue
  if [ -n "${ONLY:-}" ] && ! [[ "$id" =~ $ONLY ]]; then continue; fi
  leaky_file=${file%%=>*}
  fixed_file=${file##*=>}
  leaky_dir=$(unpack "$package" "$leaky") || { printf '%s\t%s\tfetch-failed\t\t\t\n' "$id" "$rule" >> "$results"; continue; }
  fixed_dir=$(unpack "$package" "$fixed") || { printf '%s\t%s\tfetch-failed\t\t\t\n' "$id" "$rule" >> "$results"; continue; }
  leaky_json=$(lint "$leaky_dir" "$leaky_file")
  fixed_json=$(lint "$fixed_dir" "$fixed_file")
  node -e '
    const [leaky, fixed, rule, lines, id] = process.argv.slice(1);
    const [from, to] = lines.split("-").map(Number);
    const msgs = (text) => {
      try {
        return JSON.parse(text).flatMap((f) => f.messages)
          .filter((m) => m.ruleId === rule || (m.labels || []).some((x) => x.ruleId === rule));
      }
      catch { return []; }
    };
    const inRange = (l) => l >= from && l <= (to || from);
    const l = msgs(leaky), f = msgs(fixed);
    // A label in another file of the package carries that file'"'"'s `filePath`: it does not point
    // into the row'"'"'s lines.
    const hits = l.filter((m) => inRange(m.line) || (m.labels || []).some((x) => !x.filePath && inRange(x.line)));
    const conf = hits.map((m) => m.confidence).join(",");
    console.log([id, rule, hits.length ? "hit" : "miss", l.length, f.length, conf].join("\t"));
  ' "$leaky_json" "$fixed_json" "$rule" "$lines" "$id" >> "$results"
done

node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").replace(/\n+$/, "").split("\n").slice(1)
    .map((l) => l.split("\t")).map(([id, rule, hit, lk, fx, conf]) => ({ id, rule, hit, lk: +lk, fx: +fx, conf }));
  const pad = (s, n) => String(s).padEnd(n);
  for (const r of rows) console.log(pad(r.id, 58), pad(r.rule, 28), pad(r.hit, 5), `leaky ${r.lk} fixed ${r.fx}`, r.conf);
  console.log("");
  const rules = [...new Set(rows.map((r) => r.rule))].sort();
  console.log(pad("rule", 28), pad("cases", 6), pad("hits", 5), pad("recall", 7), "fixed has fewer");
  const line = (name, rs) => {
    const hits = rs.filter((r) => r.hit === "hit");
    const fewer = hits.filter((r) => r.fx < r.lk).length;
    const pct = (a, b) => (b ? `${Math.round((100 * a) / b)}%` : "-");
    console.log(pad(name, 28), pad(rs.length, 6), pad(hits.length, 5), pad(pct(hits.length, rs.length), 7), `${fewer}/${hits.length} (${pct(fewer, hits.length)})`);
  };
  for (const rule of rules) line(rule, rows.filter((r) => r.rule === rule));
  line("all", rows);
  const failed = rows.filter((r) => r.hit === "fetch-failed");
  if (failed.length) console.log(`not fetched: ${failed.map((r) => r.id).join(", ")}`);
' "$results"
