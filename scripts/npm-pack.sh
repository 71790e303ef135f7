#!/usr/bin/env bash
# Packs the npm packages of this machine's platform: builds the release binary, then writes the
# host platform package (@leaklint/cli-<os>-<cpu>[-<libc>], binary inside) and the main package
# `leaklint` as tarballs into OUTDIR, and prints their paths, one per line.
#
#   scripts/npm-pack.sh OUTDIR
#
# LEAKLINT_PACK_BINARY=path packs that binary instead of building one (the tests pack the debug
# binary; the launcher does not care). LEAKLINT_PACK_TARGET=<key> names the platform package to
# pack (the release workflow, cross-building, sets it); default: this machine's (npm/leaklint/lib/platform.js).
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

# The packages must carry Cargo.toml's version, or the main package would ask for platform
# packages that are never published.
node "$root/npm/sync-version.mjs" --check >/dev/null

key=${LEAKLINT_PACK_TARGET:-$(node -p 'require(process.argv[1]).platformKey()' "$root/npm/leaklint/lib/platform.js")}
pkgdir="$root/npm/cli-$key"
if [ ! -f "$pkgdir/package.json" ]; then
  echo "no platform package for $key (npm/cli-$key)" >&2
  exit 1
fi
exe=leaklint
case "$key" in win32-*) exe=leaklint.exe ;; esac

binary=${LEAKLINT_PACK_BINARY:-}
if [ -z "$binary" ]; then
  (cd "$root" && cargo build --release --locked --bin leaklint)
  binary="${CARGO_TARGET_DIR:-$root/target}/release/$exe"
fi
if [ ! -f "$binary" ]; then
  echo "no binary at $binary" >&2
  exit 1
fi

# The platform package is staged in a scratch copy so that the binary never lands in the tree.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$pkgdir/package.json" "$stage/"
cp "$binary" "$stage/$exe"
chmod 755 "$stage/$exe"

pack() {
  # npm pack --json names the tarball it wrote; that name is what we print.
  (cd "$1" && npm pack --json --pack-destination "$out" 2>/dev/null) |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(process.argv[1]+"/"+JSON.parse(s)[0].filename))' "$out"
}
pack "$stage"
pack "$root/npm/leaklint"
