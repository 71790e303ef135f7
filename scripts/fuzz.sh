#!/usr/bin/env bash
# Fuzzes one leaklint target for a while: scripts/fuzz.sh TARGET SECONDS [extra fuzz args]
# TARGET is lint, config, heap or lsp. Seeds: the repository's fixtures and examples, the
# JavaScript of the global npm installation (real npm files), and for heap a snapshot Node writes
# here. Failing inputs are minimised into fuzz/regressions/TARGET/, which
# tests/fuzz_regressions.rs replays. Built with the dev profile, whose dependencies (swc, serde,
# miette) are optimised (Cargo.toml: opt-level 2), so that it starts without a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
shift 2
args=()
npm_root=$(npm root -g 2>/dev/null || true)
if [ -n "$npm_root" ] && [ -d "$npm_root" ]; then
  args+=(--seeds "$npm_root")
fi
if [ "$target" = heap ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  node -e "require('v8').writeHeapSnapshot(process.argv[1])" "$scratch/seed.heapsnapshot"
  args+=(--snapshot "$scratch/seed.heapsnapshot")
fi
nice -n 15 cargo run --quiet --example fuzz -- "$target" "$seconds" "${args[@]}" "$@"
