#!/usr/bin/env bash
# Instructions executed by leaklint and by its parse-only baseline on the pinned corpus: a
# noise-free companion to benches/throughput.sh.
#
# Wall and CPU times on a shared machine move by ±10% between runs, more than most changes to the
# model builder are worth. The number of instructions a run executes moves by well under 1% (0.5%
# between two whole-corpus runs of the same parse_only: mimalloc's time-based purging and the
# order threads finish in), so an A/B of a change reads here as a difference of counts. It is not the target: instructions ignore cache misses
# and allocation stalls, which cost leaklint more than the baseline (a second and third pass over an
# AST that no longer fits in cache), so the time ratio is higher than the instruction ratio.
#
# Both programs run single-threaded under valgrind's cachegrind without cache simulation
# (`--cache-sim=no`: only instruction counts, "I refs"), on the same paths:
#   parse_only   examples/parse_only.rs (discovery + read + swc parse + swc resolver + drop)
#   leaklint     leaklint check --no-cache --format json PATHS > /dev/null
# The report gives both counts and their ratio, plus leaklint's instructions per input byte.
#
# Usage: benches/instructions.sh [PATH...] > report.md   (default: the whole corpus; env:
#        CORPUS=benches/corpus CARGO_TARGET_DIR; installs Debian's valgrind when missing.
#        The whole 140 MB corpus takes about 5 minutes per program.)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${CORPUS:-$ROOT/benches/corpus}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"

say() { printf '%s\n' "$*" >&2; }

if ! command -v valgrind >/dev/null; then
  say "installing valgrind (Debian package 'valgrind')"
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi

PATHS=("$@")
if [ ${#PATHS[@]} -eq 0 ]; then
  if [ ! -d "$CORPUS" ]; then
    say "no corpus at $CORPUS: run benches/throughput.sh once (it fetches it) or set CORPUS"
    exit 2
  fi
  PATHS=("$CORPUS")
fi

say "building leaklint and examples/parse_only (profile dist, as benches/throughput.sh)"
cargo build --profile dist --quiet --bin leaklint --example parse_only >&2

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# As in throughput.sh: walk the paths through symlinks outside the repository, so that the
# repository's .gitignore (which lists benches/corpus/) does not hide them.
LINKED=()
i=0
for p in "${PATHS[@]}"; do
  ln -s "$(realpath "$p")" "$WORK/p$i"
  LINKED+=("$WORK/p$i")
  i=$((i + 1))
done

# instructions NAME CMD...: prints the instructions CMD executed (cachegrind's "I refs").
instructions() {
  local name="$1"
  shift
  say "counting $name"
  RAYON_NUM_THREADS=1 valgrind --tool=cachegrind --cache-sim=no \
    --cachegrind-out-file=/dev/null "$@" "${LINKED[@]}" 2>"$WORK/$name.err" >/dev/null || true
  local count
  count="$(grep -E 'I +refs' "$WORK/$name.err" | tr -d ',' | awk '{print $NF}')"
  if [ -z "$count" ]; then
    say "valgrind gave no count for $name:"
    cat "$WORK/$name.err" >&2
    exit 1
  fi
  echo "$count"
}

base="$(instructions parse_only "$TARGET/dist/examples/parse_only")"
lint="$(instructions leaklint "$TARGET/dist/leaklint" check --no-cache --format json)"
bytes="$(find -L "${LINKED[@]}" -type f \( -name '*.js' -o -name '*.jsx' -o -name '*.mjs' -o -name '*.cjs' \
  -o -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' \) ! -name '*.d.ts' \
  -not -path '*/node_modules/*' -printf '%s\n' | awk '{s += $1} END {print s + 0}')"

echo "# Instructions executed (cachegrind, 1 thread)"
echo
echo "Paths: ${PATHS[*]} ($bytes bytes of JS/TS before ignore files)"
echo
echo "| program | instructions | ratio to parse_only |"
echo "|---|---:|---:|"
echo "| parse_only | $base | 1.000 |"
# %.0f, not %d: mawk's %d stops at 2^31.
awk -v b="$base" -v l="$lint" 'BEGIN { printf "| leaklint | %.0f | %.3f |\n", l, l / b }'
echo
awk -v l="$lint" -v n="$bytes" 'BEGIN { if (n > 0) printf "leaklint: %.1f instructions per input byte\n", l / n }'
