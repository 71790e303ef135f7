#!/usr/bin/env bash
# Heap-engine benchmark: `leaklint heap summary` vs memlab's `analyze object-size` on the same
# ~380 MB Node heap snapshot: wall time, CPU time and peak RSS of both, ROUNDS times each
# (interleaved, so that both see the same machine load), medians compared.
#
#   benches/heap/run.sh                 # N=2200000 sessions (~378 MB snapshot), ROUNDS=3
#   N=500000 benches/heap/run.sh        # smaller input
#   KEEP=1 benches/heap/run.sh          # reuse an existing snapshot in $OUT
#   ROUNDS=1 benches/heap/run.sh        # one run of each
#
# Needs: node (20), npm (memlab is installed into $MEMLAB_DIR with PUPPETEER_SKIP_DOWNLOAD=1),
# GNU time (/usr/bin/time; installed with apt-get if missing), cargo. Peak memory while writing
# the snapshot: ~4.5 GB (node itself).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2200000}
ROUNDS=${ROUNDS:-3}
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
  (cd "$MEMLAB_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund memlab@2.0.5 >/dev/null)
fi

if [ "${KEEP:-0}" = 1 ] && [ -s "$SNAP" ]; then
  echo "reusing $SNAP"
else
  echo "writing snapshot with N=$N ..."
  node --expose-gc benches/heap/big.js "$N" "$SNAP"
fi
ls -l "$SNAP"

echo "building release leaklint ..."
cargo build --release --bin leaklint -q
MEMLAB_VERSION=$(node -p "require('$MEMLAB_DIR/node_modules/memlab/package.json').version")

measure() { # name, log, command... → appends "wall cpu rss_kb" to $OUT/$name.runs
  local name=$1 log=$2; shift 2
  /usr/bin/time -v "$@" >"$log.out" 2>"$log.err" || { echo "$name failed:"; tail -20 "$log.err"; exit 1; }
  local wall rss cpu
  wall=$(grep "Elapsed (wall clock)" "$log.err" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$log.err" | awk '{print $NF}')
  cpu=$(grep -E "(User|System) time \(seconds\)" "$log.err" | awk '{s += $NF} END {print s}')
  printf "  %-8s wall %6.2f s, CPU (user+sys) %6.2f s, peak RSS %5d MiB\n" "$name" "$wall" "$cpu" $((rss / 1024))
  echo "$wall $cpu $rss" >>"$OUT/$name.runs"
}
median() { # file, column → median of that column
  awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'
}

echo "snapshot: $(stat -c %s "$SNAP") bytes; node $(node --version); memlab $MEMLAB_VERSION; $(nproc) CPUs"
rm -f "$OUT/leaklint.runs" "$OUT/memlab.runs"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$ROUNDS"); do
  echo "== round $r of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  measure leaklint "$OUT/leaklint" target/release/leaklint heap summary --top 5 "$SNAP"
  measure memlab "$OUT/memlab" "$MEMLAB_DIR/node_modules/.bin/memlab" analyze object-size --snapshot "$SNAP"
done
echo "== largest retainer, as each tool reports it"
sed -n 1p "$OUT/leaklint.out"
grep -E "Map" "$OUT/memlab.out" | head -1 || true

echo "== medians over $ROUNDS rounds"
lw=$(median "$OUT/leaklint.runs" 1); lc=$(median "$OUT/leaklint.runs" 2); lr=$(median "$OUT/leaklint.runs" 3)
mw=$(median "$OUT/memlab.runs" 1); mc=$(median "$OUT/memlab.runs" 2); mr=$(median "$OUT/memlab.runs" 3)
echo "load average before/after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v lw="$lw" -v mw="$mw" -v lr="$lr" -v mr="$mr" -v lc="$lc" -v mc="$mc" 'BEGIN {
  printf "leaklint heap summary: wall %.2f s, CPU %.2f s, peak RSS %d MiB\n", lw, lc, lr / 1024;
  printf "memlab object-size:    wall %.2f s, CPU %.2f s, peak RSS %d MiB\n", mw, mc, mr / 1024;
  printf "wall: memlab / leaklint = %.1fx (target >= 15x) %s\n", mw / lw, (mw / lw >= 15 ? "OK" : "MISSED");
  printf "CPU:  memlab / leaklint = %.1fx\n", mc / lc;
  printf "peak RSS: leaklint / memlab = %.2f (target <= 0.40) %s\n", lr / mr, (lr / mr <= 0.4 ? "OK" : "MISSED");
}'
