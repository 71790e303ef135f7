#!/usr/bin/env bash
# Precision on real code: unpacks the pinned packages of scripts/noise.tsv (17 libraries)
# and scripts/apps.tsv (19 application-shaped server packages) with `npm pack` into target/noise/, runs leaklint on each at default settings (or with LEAKLINT_ARGS), and prints
# findings per 10,000 lines per rule. The findings themselves go to target/noise/findings.txt for
# triage (docs/precision.md).
# Usage: scripts/precision.sh [path/to/leaklint]   (default: target/release/leaklint, built if missing)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TSVS="${NOISE_TSV:-$ROOT/scripts/noise.tsv $ROOT/scripts/apps.tsv}"
OUT="$ROOT/target/noise"
BIN="${1:-$ROOT/target/release/leaklint}"
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --quiet)
mkdir -p "$OUT"
: > "$OUT/findings.txt"
printf '%-14s %8s %7s' package lines files
rules=$("$BIN" rules | awk '{print $1}')
for r in $rules; do printf ' %24s' "$r"; done; echo
for TSV in $TSVS; do tail -n +2 "$TSV"; done | while IFS=$'\t' read -r name version _rest; do
  dir="$OUT/${name//\//_}-$version"
  if [ ! -d "$dir/package" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$name@$version" >/dev/null 2>&1 && tar -xzf ./*.tgz)
  fi
  mapfile -d '' files < <(find "$dir/package" -type f \( -name '*.js' -o -name '*.ts' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.mts' -o -name '*.cts' -o -name '*.jsx' -o -name '*.tsx' \) ! -name '*.d.ts' ! -name '*.d.mts' ! -name '*.d.cts' -print0)
  lines=$(cat "${files[@]}" | wc -l)
  report=$("$BIN" check --format concise --no-cache ${LEAKLINT_ARGS:-} "$dir/package" || true)
  printf '%s\n' "$report" | grep -E '^[^ ]+:[0-9]+:[0-9]+: ' | sed "s#^$OUT/##" >> "$OUT/findings.txt" || true
  printf '%-14s %8s %7s' "$name" "$lines" "${#files[@]}"
  for r in $rules; do
    n=$(printf '%s\n' "$report" | grep -c ": $r " || true)
    printf ' %17s (%4.1f)' "$n" "$(echo "$n $lines" | awk '{ if ($2 > 0) printf "%.1f", $1 * 10000 / $2; else print 0 }')"
  done
  echo
done
echo "findings: $OUT/findings.txt ($(wc -l < "$OUT/findings.txt") lines)"
