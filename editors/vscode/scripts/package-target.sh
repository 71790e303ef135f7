#!/usr/bin/env bash
# Packs the platform-specific .vsix: the extension with the leaklint binary of that platform in
# bundled/, which the extension runs unless leaklint.path is set (src/binary.ts).
#
#   scripts/package-target.sh TARGET BINARY OUTDIR
#
# TARGET is a VS Code platform (linux-x64, linux-arm64, alpine-x64, darwin-x64, darwin-arm64,
# win32-x64: https://code.visualstudio.com/api/working-with-extensions/publishing-extension#platformspecific-extensions);
# BINARY the leaklint built for it. Writes OUTDIR/leaklint-TARGET-VERSION.vsix and prints its
# path. The same file goes to the Marketplace (vsce publish --packagePath) and to Open VSX
# (ovsx publish --packagePath). Needs `npm ci` in editors/vscode first.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUTDIR" >&2
  exit 2
fi
target=$1 binary=$2
mkdir -p "$3"
out=$(cd "$3" && pwd)
cd "$(dirname "$0")/.."
exe=leaklint
case "$target" in win32-*) exe=leaklint.exe ;; esac
if [ ! -f "$binary" ]; then
  echo "no binary at $binary" >&2
  exit 1
fi
# bundled/ holds one platform's binary only while packing, so a later universal package
# (vsce package without --target) carries none.
rm -rf bundled
trap 'rm -rf bundled' EXIT
mkdir bundled
cp "$binary" "bundled/$exe"
chmod 755 "bundled/$exe"
version=$(node -p 'require("./package.json").version')
vsix="$out/leaklint-$target-$version.vsix"
npx vsce package --no-dependencies --target "$target" --out "$vsix" >&2
echo "$vsix"
