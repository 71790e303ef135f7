#!/usr/bin/env bash
# Throughput benchmark of leaklint on the pinned JS/TS corpus (shared/bench/fetch-corpus.sh).
#
# One run measures, RUNS times each, alternating tools, with THREADS threads:
#   parse-only       examples/parse_only.rs: leaklint's discovery + read + swc parse + swc resolver
#   parse+visit      examples/parse_only.rs --no-resolver: plain swc parse + one no-op Visit walk
#   leaklint         leaklint check --format json CORPUS > /dev/null
#   oxlint           oxlint --threads THREADS CORPUS > /dev/null   (default rules and output)
#   oxlint-json      the same with --format json
# then leaklint's peak memory on the largest file alone, on about half the corpus (whole
# packages, always including the one with the largest file) and on the whole corpus.
# Wall time and peak RSS come from /usr/bin/time -f '%e %M'; medians are reported, times as ratios
# against the parse-only baselines of the same run.
#
# Usage: benches/throughput.sh            (env: RUNS=5 THREADS=2 CORPUS=benches/corpus
#                                          OXLINT_VERSION=1.94.0 SHARED=../shared CARGO_TARGET_DIR)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-5}"
THREADS="${THREADS:-2}"
CORPUS="${CORPUS:-$ROOT/benches/corpus}"
OXLINT_VERSION="${OXLINT_VERSION:-1.94.0}"
SHARED="${SHARED:-$ROOT/../shared}"
TOOLS_DIR="$ROOT/benches/.tools"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"

say() { printf '%s\n' "$*" >&2; }

# --- prerequisites -------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
  say "installing GNU time (Debian package 'time')"
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

if [ ! -d "$CORPUS" ] || [ -z "$(ls -A "$CORPUS" 2>/dev/null)" ]; then
  say "fetching the corpus into $CORPUS"
  # shared/ is read-only and the fetch script writes a scratch dir next to itself: run a copy.
  tmp="$(mktemp -d)"
  cp "$SHARED/bench/fetch-corpus.sh" "$SHARED/bench/corpus-stats.sh" "$tmp/"
  bash "$tmp/fetch-corpus.sh" "$CORPUS" >&2
  rm -rf "$tmp"
fi

say "building leaklint and examples/parse_only (release)"
cargo build --release --quiet --bin leaklint --example parse_only >&2
LEAKLINT="$TARGET/release/leaklint"
PARSE_ONLY="$TARGET/release/examples/parse_only"

OXLINT="$TOOLS_DIR/node_modules/.bin/oxlint"
if [ ! -x "$OXLINT" ] || [ "$("$OXLINT" --version 2>/dev/null | awk '{print $NF}')" != "$OXLINT_VERSION" ]; then
  say "installing oxlint@$OXLINT_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "oxlint@$OXLINT_VERSION" >&2
fi

export RAYON_NUM_THREADS="$THREADS"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# Every tool walks the corpus through a symlink outside the repository: benches/corpus/ is
# gitignored, and both oxlint and leaklint honour the enclosing repository's .gitignore (oxlint
# finds 0 files when given benches/corpus directly).
ln -s "$(realpath "$CORPUS")" "$WORK/corpus"
SRC_CORPUS="$CORPUS"
CORPUS="$WORK/corpus"

# --- the commands ---------------------------------------------------------------------------------
# cmd_of NAME: sets CMD to the command line of tool NAME (the paths to lint are appended).
# Reports go to /dev/null; exit codes 0 and 1 (findings) are normal, anything else aborts.
cmd_of() {
  case "$1" in
    parse_only) CMD=("$PARSE_ONLY") ;;
    parse_visit) CMD=("$PARSE_ONLY" --no-resolver) ;;
    leaklint | leaklint_*) CMD=("$LEAKLINT" check --format json) ;;
    oxlint) CMD=("$OXLINT" --threads "$THREADS") ;;
    oxlint_json) CMD=("$OXLINT" --threads "$THREADS" --format json) ;;
    *) say "unknown tool $1"; exit 2 ;;
  esac
}
TOOLS=(parse_only parse_visit leaklint oxlint oxlint_json)

# measure NAME PATHS...: one timed run; appends "wall_s peak_rss_kb" to $WORK/NAME.
measure() {
  local name="$1"; shift
  local rc=0
  cmd_of "$name"
  /usr/bin/time -f '%e %M' -o "$WORK/time" "${CMD[@]}" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [ "$rc" -gt 1 ]; then
    say "$name failed with exit code $rc:"; tail -5 "$WORK/err" >&2; exit 2
  fi
  tail -1 "$WORK/time" >>"$WORK/$name"
  tail -c 2000 "$WORK/out" >"$WORK/$name.out"
}

# median FILE COLUMN
median() { awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# --- throughput -----------------------------------------------------------------------------------
say "warm-up (page cache), then $RUNS rounds of: ${TOOLS[*]}"
for tool in "${TOOLS[@]}"; do measure "$tool" "$CORPUS"; : >"$WORK/$tool"; done
for ((i = 1; i <= RUNS; i++)); do
  for tool in "${TOOLS[@]}"; do measure "$tool" "$CORPUS"; done
  say "  round $i/$RUNS: $(for t in "${TOOLS[@]}"; do printf '%s=%ss ' "$t" "$(tail -1 "$WORK/$t" | cut -d' ' -f1)"; done)"
done

# --- memory scaling -------------------------------------------------------------------------------
largest="$(find -L "$CORPUS" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' -o -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' \) -printf '%s %p\n' | sort -n | tail -1)"
largest_bytes="${largest%% *}"; largest_path="${largest#* }"
largest_pkg="$(realpath --relative-to="$CORPUS" "$largest_path" | cut -d/ -f1)"
# Half the corpus by bytes, whole packages: the package with the largest file first, then the
# others from the biggest down, each into whichever half is smaller.
HALF=("$CORPUS/$largest_pkg")
a="$(du -s --block-size=1 --apparent-size "$SRC_CORPUS/$largest_pkg" | cut -f1)"; b=0
while IFS=$'\t' read -r size dir; do
  dir="${dir%/}"
  [ "$(basename "$dir")" = "$largest_pkg" ] && continue
  if [ "$a" -le "$b" ]; then HALF+=("$CORPUS/$(basename "$dir")"); a=$((a + size)); else b=$((b + size)); fi
done < <(du -s --block-size=1 --apparent-size "$SRC_CORPUS"/*/ | sort -nr)
half_bytes="$(du -cLs --block-size=1 --apparent-size "${HALF[@]}" | tail -1 | cut -f1)"
full_bytes="$(du -s --block-size=1 --apparent-size "$SRC_CORPUS" | cut -f1)"
say "memory scaling: largest file alone, half corpus (${#HALF[@]} packages), full corpus"
for ((i = 1; i <= RUNS; i++)); do
  measure leaklint_largest "$largest_path"
  measure leaklint_half "${HALF[@]}"
  measure leaklint_full "$CORPUS"
done

# --- report ---------------------------------------------------------------------------------------
stats="$(tail -1 "$WORK/parse_only.out")"
base="$(median "$WORK/parse_only" 1)"
base_nr="$(median "$WORK/parse_visit" 1)"
echo "leaklint throughput benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, THREADS=$THREADS, RUNS=$RUNS"
echo "leaklint $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), oxlint $OXLINT_VERSION, corpus $SRC_CORPUS"
echo "corpus: $(awk '{for (i=1;i<=NF;i++) if ($i ~ /^(files|lines|bytes|failed)=/) printf "%s ", $i}' <<<"$stats")"
echo
printf '| %-12s | %12s | %16s | %20s | %19s |\n' tool "median wall s" "median peak RSS MB" "wall / parse-only" "wall / parse+visit"
printf '|%s|%s|%s|%s|%s|\n' "--------------" "--------------:" "------------------:" "--------------------:" "---------------------:"
for tool in "${TOOLS[@]}"; do
  w="$(median "$WORK/$tool" 1)"; m="$(median "$WORK/$tool" 2)"
  printf '| %-12s | %13.2f | %18.0f | %20.2f | %19.2f |\n' "$tool" "$w" "$(echo "$m / 1024" | bc -l)" "$(echo "$w / $base" | bc -l)" "$(echo "$w / $base_nr" | bc -l)"
done
echo
echo "runs (wall s, peak RSS KB):"
for tool in "${TOOLS[@]}" leaklint_largest leaklint_half leaklint_full; do echo "  $tool: $(tr '\n' ';' <"$WORK/$tool")"; done
echo
lw="$(median "$WORK/leaklint" 1)"; lm="$(median "$WORK/leaklint" 2)"; ow="$(median "$WORK/oxlint" 1)"
ml="$(median "$WORK/leaklint_largest" 2)"; mh="$(median "$WORK/leaklint_half" 2)"; mf="$(median "$WORK/leaklint_full" 2)"
mb() { echo "$1 / 1024" | bc -l | xargs printf '%.0f'; }
echo "memory scaling (leaklint, median peak RSS):"
printf '  largest file alone (%s, %.1f MB): %s MB\n' "$(realpath --relative-to="$CORPUS" "$largest_path")" "$(echo "$largest_bytes / 1000000" | bc -l)" "$(mb "$ml")"
printf '  half corpus (%d packages, %.1f MB of source): %s MB\n' "${#HALF[@]}" "$(echo "$half_bytes / 1000000" | bc -l)" "$(mb "$mh")"
printf '  full corpus (%.1f MB of source): %s MB\n' "$(echo "$full_bytes / 1000000" | bc -l)" "$(mb "$mf")"
echo
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo PASS; else echo FAIL; fi; }
printf 'target: leaklint wall <= 1.3 x parse-only          %5.2fx  %s\n' "$(echo "$lw / $base" | bc -l)" "$(verdict "$lw <= 1.3 * $base")"
printf 'target: leaklint wall < oxlint wall                %5.2fx  %s\n' "$(echo "$lw / $ow" | bc -l)" "$(verdict "$lw < $ow")"
printf 'target: leaklint peak RSS < 300 MB                 %5.0f MB %s\n' "$(echo "$lm / 1024" | bc -l)" "$(verdict "$lm < 300 * 1024")"
# "independent of the corpus size beyond its largest file": the full corpus may cost at most 15%
# (and 20 MB) more than half of it.
printf 'target: peak RSS full / half corpus <= 1.15        %5.2fx  %s\n' "$(echo "$mf / $mh" | bc -l)" "$(verdict "$mf <= 1.15 * $mh || $mf - $mh <= 20 * 1024")"
