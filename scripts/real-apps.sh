#!/usr/bin/env bash
# Precision on real applications: lints the open-source applications of tests/real/apps.tsv (each
# at a pinned commit) and compares every finding with the hand triage in tests/real/triage.tsv
# (one row per finding ever reported: app, file, line, rule, confidence, verdict, why).
#
# It prints, per rule, the findings at default settings, how many were triaged `leak`, `not-leak`
# or `unsure`, the precision (leaks / triaged), and lists every finding that has no triage row yet:
# those need a verdict before a figure is quoted. Findings go to $OUT/<app>.tsv.
#
# The applications are not fetched by this script: check each one out at its pinned commit under
# $APPS_DIR/<name> (for example `git clone https://github.com/<repo> <name> && git -C <name>
# checkout <commit>`).
#
# Usage: scripts/real-apps.sh [path/to/leaklint]   (default: target/release/leaklint, built if missing)
# Environment: APPS_DIR (default target/apps), LEAKLINT_ARGS (e.g. '--min-confidence low').
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APPS_DIR="${APPS_DIR:-$ROOT/target/apps}"
OUT="$ROOT/target/apps-out"
BIN="${1:-$ROOT/target/release/leaklint}"
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --quiet)
mkdir -p "$OUT"

tail -n +2 "$ROOT/tests/real/apps.tsv" | while IFS=$'\t' read -r name _repo commit _kind lint_path _files _lines; do
  dir="$APPS_DIR/$name"
  if [ ! -d "$dir" ]; then
    echo "missing checkout: $dir (commit $commit)" >&2
    continue
  fi
  (cd "$dir" && "$BIN" check --format json --no-cache ${LEAKLINT_ARGS:-} "$lint_path" 2>/dev/null || true) |
    node -e '
      const [app, dir] = process.argv.slice(1);
      let text = "";
      process.stdin.on("data", (c) => (text += c)).on("end", () => {
        const path = require("path");
        for (const f of JSON.parse(text || "[]")) {
          for (const m of f.messages) {
            const file = path.relative(dir, f.filePath);
            const msg = m.message.replace(/[\t\n]/g, " ");
            console.log([app, file, m.line, m.ruleId || "parse-error", m.confidence || "", msg].join("\t"));
          }
        }
      });
    ' "$name" "$(cd "$dir" && pwd)" > "$OUT/$name.tsv"
done

node -e '
  const fs = require("fs");
  const [triageFile, outDir] = process.argv.slice(1);
  const key = (app, file, line, rule) => [app, file, line, rule].join("\t");
  const triage = new Map();
  for (const l of fs.readFileSync(triageFile, "utf8").split("\n").slice(1)) {
    const [app, file, line, rule, , verdict, why] = l.split("\t");
    if (app) triage.set(key(app, file, line, rule), { verdict, why });
  }
  const findings = fs.readdirSync(outDir).filter((f) => f.endsWith(".tsv"))
    .flatMap((f) => fs.readFileSync(`${outDir}/${f}`, "utf8").split("\n").filter(Boolean))
    .map((l) => l.split("\t")).map(([app, file, line, rule, confidence, message]) => ({ app, file, line, rule, confidence, message }))
    .filter((f) => f.rule !== "parse-error");
  const byRule = new Map();
  const untriaged = [];
  for (const f of findings) {
    const t = triage.get(key(f.app, f.file, f.line, f.rule));
    const r = byRule.get(f.rule) || { n: 0, leak: 0, notLeak: 0, unsure: 0 };
    r.n++;
    if (!t) untriaged.push(f);
    else if (t.verdict === "leak") r.leak++;
    else if (t.verdict === "not-leak") r.notLeak++;
    else r.unsure++;
    byRule.set(f.rule, r);
  }
  const pad = (s, n) => String(s).padEnd(n);
  console.log(pad("rule", 28), pad("findings", 9), pad("leak", 5), pad("not", 5), pad("unsure", 7), "precision");
  const total = { n: 0, leak: 0, notLeak: 0, unsure: 0 };
  for (const [rule, r] of [...byRule].sort()) {
    const judged = r.leak + r.notLeak;
    console.log(pad(rule, 28), pad(r.n, 9), pad(r.leak, 5), pad(r.notLeak, 5), pad(r.unsure, 7), judged ? `${Math.round((100 * r.leak) / judged)}%` : "-");
    for (const k of Object.keys(total)) total[k] += r[k];
  }
  const judged = total.leak + total.notLeak;
  console.log(pad("all", 28), pad(total.n, 9), pad(total.leak, 5), pad(total.notLeak, 5), pad(total.unsure, 7), judged ? `${Math.round((100 * total.leak) / judged)}%` : "-");
  if (untriaged.length) {
    console.log(`\n${untriaged.length} findings without a triage row (add them to tests/real/triage.tsv):`);
    for (const f of untriaged) console.log([f.app, f.file, f.line, f.rule, f.confidence, f.message].join("\t"));
  }
' "$ROOT/tests/real/triage.tsv" "$OUT"
