#!/usr/bin/env bash
# Throughput benchmark of leaklint on the pinned JS/TS corpus (benches/corpus.tsv, fetched by
# benches/fetch-corpus.sh).
#
# One run measures, RUNS times each, alternating tools, with THREADS threads:
#   parse_only       examples/parse_only.rs: leaklint's discovery + read + swc parse + swc resolver
#   parse_walk       examples/parse_only.rs --walk: the same + one no-op Visit walk of the resolved
#                    AST (the "parse + comments + resolver + one walk" baseline of the target)
#   parse_visit      examples/parse_only.rs --no-resolver: plain swc parse + one no-op Visit walk
#   leaklint         leaklint check --no-cache --format json CORPUS > /dev/null (a cold run: the
#                    result cache would otherwise skip every clean file after the first round)
#   oxlint           oxlint --threads THREADS CORPUS > /dev/null   (default rules and output)
#   oxlint_json      the same with --format json
#   oxc_parse        benches/oxc-baseline: parse_only's discovery, scheduling and allocator, each
#                    file parsed with oxc_parser, the parser oxlint uses (an arena AST, freed at
#                    once), nothing else
#   oxc_semantic     benches/oxc-baseline --semantic: the same + oxc_semantic's scopes, symbols and
#                    references (what oxlint builds before its rules run)
# then the peak memory of parse_only and leaklint on the largest file alone, on about half the
# corpus (whole packages, always including the one with the largest file) and on the whole corpus.
# Wall time, peak RSS and CPU time come from /usr/bin/time -f '%e %M %U %S'; medians are
# reported, times also as ratios against the parse-only baselines of the same run.
#
# The oxc rows say how much of oxlint's run its parser and semantic analysis take, against swc's
# parse (`parse_visit`): leaklint's own analysis is what it adds to `parse_visit`, oxlint's rules
# what oxlint adds to `oxc_semantic`.
#
# Usage: benches/throughput.sh > report.md   (progress on stderr; env: RUNS=5 MEM_RUNS=3 THREADS=2
#        CORPUS=benches/corpus OXLINT_VERSION=1.94.0 CARGO_TARGET_DIR)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-5}"
THREADS="${THREADS:-2}"
CORPUS="${CORPUS:-$ROOT/benches/corpus}"
OXLINT_VERSION="${OXLINT_VERSION:-1.94.0}"
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
  "$ROOT/benches/fetch-corpus.sh" "$CORPUS" >&2
fi

# Both in the `dist` profile of the distributed binaries (Cargo.toml).
say "building leaklint and examples/parse_only (profile dist)"
cargo build --profile dist --quiet --bin leaklint --example parse_only >&2
LEAKLINT="$TARGET/dist/leaklint"
PARSE_ONLY="$TARGET/dist/examples/parse_only"
# A crate of its own (benches/oxc-baseline/Cargo.toml), built with the same LTO settings.
say "building benches/oxc-baseline (oxc_parser, oxc_semantic)"
CARGO_TARGET_DIR="$TARGET/oxc-baseline" cargo build --release --quiet \
  --manifest-path "$ROOT/benches/oxc-baseline/Cargo.toml" >&2
OXC_BASELINE="$TARGET/oxc-baseline/release/oxc-baseline"

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
    parse_only | parse_only_*) CMD=("$PARSE_ONLY") ;;
    parse_walk) CMD=("$PARSE_ONLY" --walk) ;;
    parse_visit) CMD=("$PARSE_ONLY" --no-resolver) ;;
    leaklint | leaklint_*) CMD=("$LEAKLINT" check --no-cache --format json) ;;
    oxlint) CMD=("$OXLINT" --threads "$THREADS") ;;
    oxlint_json) CMD=("$OXLINT" --threads "$THREADS" --format json) ;;
    oxc_parse) CMD=("$OXC_BASELINE") ;;
    oxc_semantic) CMD=("$OXC_BASELINE" --semantic) ;;
    *) say "unknown tool $1"; exit 2 ;;
  esac
}
TOOLS=(parse_only parse_walk parse_visit leaklint oxlint oxlint_json oxc_parse oxc_semantic)

# measure NAME PATHS...: one timed run; appends "wall_s peak_rss_kb cpu_s" (cpu = user + system)
# to $WORK/NAME.
measure() {
  local name="$1"; shift
  local rc=0
  cmd_of "$name"
  /usr/bin/time -f '%e %M %U %S' -o "$WORK/time" "${CMD[@]}" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [ "$rc" -gt 1 ]; then
    say "$name failed with exit code $rc:"; tail -5 "$WORK/err" >&2; exit 2
  fi
  tail -1 "$WORK/time" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' >>"$WORK/$name"
  tail -c 2000 "$WORK/out" >"$WORK/$name.out"
}

# median FILE COLUMN
median() { awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# --- throughput -----------------------------------------------------------------------------------
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
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
srcbytes() { find -L "$@" -type f -printf '%s\n' | awk '{s += $1} END {print s}'; }
half_bytes="$(srcbytes "${HALF[@]}")"
full_bytes="$(srcbytes "$CORPUS")"
MEM_RUNS="${MEM_RUNS:-3}"
say "memory scaling ($MEM_RUNS runs each): largest file alone, half corpus (${#HALF[@]} packages), full corpus"
MEMCASES=()
for tool in parse_only leaklint; do
  for scope in largest half full; do MEMCASES+=("${tool}_$scope"); done
done
for ((i = 1; i <= MEM_RUNS; i++)); do
  for tool in parse_only leaklint; do
    measure "${tool}_largest" "$largest_path"
    measure "${tool}_half" "${HALF[@]}"
    measure "${tool}_full" "$CORPUS"
  done
done

# --- report ---------------------------------------------------------------------------------------
med() { median "$WORK/$1" "$2"; }
div() { echo "$1 / $2" | bc -l; }
stats="$(tail -1 "$WORK/parse_only.out")"
base="$(med parse_only 1)"; base_walk="$(med parse_walk 1)"; base_nr="$(med parse_visit 1)"; base_cpu="$(med parse_only 3)"
echo "leaklint throughput benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, THREADS=$THREADS, RUNS=$RUNS"
echo "leaklint $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), oxlint $OXLINT_VERSION, corpus $SRC_CORPUS"
echo "corpus: $(awk '{for (i=1;i<=NF;i++) if ($i ~ /^(files|lines|bytes|failed)=/) printf "%s ", $i}' <<<"$stats")(failed = files swc cannot parse)"
echo "load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| tool | median wall s | wall / parse-only | wall / parse+walk | wall / parse+visit | median CPU s | CPU / parse-only | median peak RSS MiB |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
for tool in "${TOOLS[@]}"; do
  w="$(med "$tool" 1)"; m="$(med "$tool" 2)"; c="$(med "$tool" 3)"
  printf '| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |\n' "$tool" "$w" "$(div "$w" "$base")" "$(div "$w" "$base_walk")" "$(div "$w" "$base_nr")" "$c" "$(div "$c" "$base_cpu")" "$(div "$m" 1024)"
done
echo
# Per-round ratios: each round runs the tools back to back, so their ratio suffers less from the
# load of other processes than the ratio of medians.
round_ratio() { paste -d' ' "$WORK/$1" "$WORK/$2" | awk '{print $1 / $4}' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# What each linter adds to its own parser: leaklint to swc's parse and free (parse_visit), oxlint
# to oxc's parse and semantic analysis (oxc_semantic).
pv="$(med parse_visit 1)"; op="$(med oxc_parse 1)"; os="$(med oxc_semantic 1)"; ox="$(med oxlint 1)"; ll="$(med leaklint 1)"
printf 'parsers: swc parse + free (parse_visit) %.2f s, oxc parse %.2f s (swc / oxc %.2fx), oxc parse + semantic %.2f s\n' "$pv" "$op" "$(div "$pv" "$op")" "$os"
printf 'beyond the parser: leaklint - parse_visit %.2f s; oxlint - oxc_parse %.2f s; oxlint - oxc_semantic %.2f s; parse_visit / oxlint %.2f\n' "$(echo "$ll - $pv" | bc -l)" "$(echo "$ox - $op" | bc -l)" "$(echo "$ox - $os" | bc -l)" "$(div "$pv" "$ox")"
echo
echo "median of per-round wall ratios: leaklint/parse_only $(printf '%.2f' "$(round_ratio leaklint parse_only)"), leaklint/parse_walk $(printf '%.2f' "$(round_ratio leaklint parse_walk)"), leaklint/parse_visit $(printf '%.2f' "$(round_ratio leaklint parse_visit)"), leaklint/oxlint $(printf '%.2f' "$(round_ratio leaklint oxlint)")"
echo
echo "memory scaling (median peak RSS MiB over $MEM_RUNS runs):"
echo
echo "| input | source MB | parse_only MiB | leaklint MiB |"
echo "|---|--:|--:|--:|"
printf '| largest file alone (%s) | %.1f | %.0f | %.0f |\n' "$(realpath --relative-to="$CORPUS" "$largest_path")" "$(div "$largest_bytes" 1000000)" "$(div "$(med parse_only_largest 2)" 1024)" "$(div "$(med leaklint_largest 2)" 1024)"
printf '| half corpus (%d packages) | %.1f | %.0f | %.0f |\n' "${#HALF[@]}" "$(div "$half_bytes" 1000000)" "$(div "$(med parse_only_half 2)" 1024)" "$(div "$(med leaklint_half 2)" 1024)"
printf '| full corpus | %.1f | %.0f | %.0f |\n' "$(div "$full_bytes" 1000000)" "$(div "$(med parse_only_full 2)" 1024)" "$(div "$(med leaklint_full 2)" 1024)"
echo
echo "half corpus: $(for d in "${HALF[@]}"; do basename "$d"; done | tr '\n' ' ')"
echo
echo "all runs (wall s, peak RSS KB, CPU s):"
for tool in "${TOOLS[@]}" "${MEMCASES[@]}"; do echo "  $tool: $(paste -sd';' "$WORK/$tool")"; done
echo
lw="$(med leaklint 1)"; lm="$(med leaklint 2)"; ow="$(med oxlint 1)"
mh="$(med leaklint_half 2)"; mf="$(med leaklint_full 2)"
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo PASS; else echo FAIL; fi; }
printf 'target: leaklint wall <= 1.5 x parse+walk     %6.2fx   %s\n' "$(div "$lw" "$base_walk")" "$(verdict "$lw <= 1.5 * $base_walk")"
printf 'target: leaklint wall < oxlint wall           %6.2fx   %s\n' "$(div "$lw" "$ow")" "$(verdict "$lw < $ow")"
# The whole-project target (the project pass included) is stated against parse_only.
printf 'target: leaklint wall <= 1.6 x parse-only     %6.2fx   %s\n' "$(div "$lw" "$base")" "$(verdict "$lw <= 1.6 * $base")"
printf 'target: leaklint peak RSS < 300 MiB           %6.0f MiB %s\n' "$(div "$lm" 1024)" "$(verdict "$lm < 300 * 1024")"
# "Independent of the corpus size beyond its largest file": the full corpus may cost at most 10%
# (or 20 MB) more peak memory than half of it (both hold the largest file).
printf 'target: peak RSS full / half corpus <= 1.10   %6.2fx   %s\n' "$(div "$mf" "$mh")" "$(verdict "$mf <= 1.10 * $mh || $mf - $mh <= 20 * 1024")"
