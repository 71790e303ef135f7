#!/usr/bin/env bash
# Heap-engine benchmark: leaklint's heap engine vs memlab on a ~400 MB Node heap snapshot.
#
#   benches/heap/run.sh                 # N=2200000 sessions (~378 MB snapshot)
#   N=500000 benches/heap/run.sh        # smaller input
#   KEEP=1 benches/heap/run.sh          # reuse an existing snapshot in $OUT
#
# Needs: node (20), npm (memlab is installed into $MEMLAB_DIR with PUPPETEER_SKIP_DOWNLOAD=1),
# GNU time (/usr/bin/time; installed with apt-get if missing), cargo. Peak memory while writing
# the snapshot: ~4.5 GB (node itself).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2200000}
OUT=$(realpath -m "${OUT:-target/heap-bench}")
MEMLAB_DIR=$(realpath -m "${MEMLAB_DIR:-$OUT/memlab}")
SNAP=$OUT/big.heapsnapshot
mkdir -p "$OUT" "$MEMLAB_DIR"

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time"; apt-get update -qq && apt-get install -y -qq time
fi
if [ ! -x "$MEMLAB_DIR/node_modules/.bin/memlab" ]; then
  echo "installing memlab into $MEMLAB_DIR"
  [ -f "$MEMLAB_DIR/package.json" ] || echo '{"private":true}' > "$MEMLAB_DIR/package.json"
  (cd "$MEMLAB_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund memlab >/dev/null)
fi

if [ "${KEEP:-0}" = 1 ] && [ -s "$SNAP" ]; then
  echo "reusing $SNAP"
else
  echo "writing snapshot with N=$N ..."
  node --expose-gc benches/heap/big.js "$N" "$SNAP"
fi
ls -l "$SNAP"

echo "building release example heap_summary ..."
cargo build --release --example heap_summary -q

measure() { # name, log, command...
  local name=$1 log=$2; shift 2
  /usr/bin/time -v "$@" >"$log.out" 2>"$log.err" || { echo "$name failed:"; tail -20 "$log.err"; exit 1; }
  local wall rss cpu
  wall=$(grep "Elapsed (wall clock)" "$log.err" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log.err" | awk '{print $NF}')
  cpu=$(grep -E "(User|System) time \(seconds\)" "$log.err" | awk '{s += $NF} END {print s}')
  echo "$name: wall ${wall} s, CPU (user+sys) ${cpu} s, peak RSS $((rss / 1024)) MB"
  eval "${name}_wall=$wall; ${name}_rss=$rss; ${name}_cpu=$cpu"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== leaklint heap engine (load + paths + dominators + retained sizes + summary)"
measure leaklint "$OUT/leaklint" target/release/examples/heap_summary --top 5 "$SNAP"
grep -E "^loaded|^summary" "$OUT/leaklint.err" || true
head -1 "$OUT/leaklint.out"

echo "== memlab analyze object-size"
measure memlab "$OUT/memlab" "$MEMLAB_DIR/node_modules/.bin/memlab" analyze object-size --snapshot "$SNAP"
grep -E "Map|MB" "$OUT/memlab.out" | head -3 || true

echo "== ratios"
echo "load average before/after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v lw="$leaklint_wall" -v mw="$memlab_wall" -v lr="$leaklint_rss" -v mr="$memlab_rss" \
    -v lc="$leaklint_cpu" -v mc="$memlab_cpu" 'BEGIN {
  printf "wall: memlab / leaklint = %.1fx (target >= 10x) %s\n", mw / lw, (mw / lw >= 10 ? "OK" : "MISSED");
  printf "CPU:  memlab / leaklint = %.1fx\n", mc / lc;
  printf "peak RSS: leaklint / memlab = %.2f (target <= 0.50) %s\n", lr / mr, (lr / mr <= 0.5 ? "OK" : "MISSED");
}'
