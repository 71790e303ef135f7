#!/usr/bin/env bash
# The clean-file cache on a real tree: one run with an empty cache, then runs on the unchanged
# tree, and the speed-up (first run time / best re-run time). The README records the figure.
#
# Usage: benches/cache.sh [TREE]
#   TREE      folder of JS/TS to lint (default: target/noise, the 36 npm packages that
#             scripts/precision.sh unpacks); it is copied, never modified.
#   LEAKLINT  binary to use (default: a release build of this checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
tree=$(realpath "${1:-target/noise}")
[ -d "$tree" ] || { echo "no tree at $tree: run scripts/precision.sh first, or pass a folder" >&2; exit 2; }
bin=${LEAKLINT:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=$(realpath "${CARGO_TARGET_DIR:-target}/release/leaklint")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$tree" "$work/tree"
cd "$work/tree"   # the cache lives in the working directory: .leaklint_cache/

now() { date +%s.%N; }
lint() { "$bin" check --format concise . > "$work/out.txt" 2>&1 || true; }

files=$(find . \( -name node_modules -prune \) -o -type f \( -name '*.js' -o -name '*.jsx' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' \) -print | wc -l)
bytes=$(du -sh . | cut -f1)

t0=$(now); lint; t1=$(now)
first=$(echo "$t1 - $t0" | bc)
summary=$(tail -1 "$work/out.txt")
best=""
for i in 1 2 3; do
  t0=$(now); lint; t1=$(now)
  t=$(echo "$t1 - $t0" | bc)
  if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
[ "$(tail -1 "$work/out.txt")" = "$summary" ] || { echo "re-run report differs: $summary / $(tail -1 "$work/out.txt")" >&2; exit 1; }

printf 'tree: %s (%s files, %s)\n' "$tree" "$files" "$bytes"
printf 'report: %s\n' "$summary"
printf 'first run (empty cache): %.3f s\n' "$first"
printf 'unchanged tree (best of 3): %.3f s\n' "$best"
printf 'speed-up: %.1fx\n' "$(echo "$first / $best" | bc -l)"
