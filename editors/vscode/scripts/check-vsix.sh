#!/usr/bin/env bash
# Checks a platform-specific .vsix the way VS Code would use it: unpacks it, requires the
# bundled binary (executable), and runs the protocol test (test/protocol.test.js) against that
# binary instead of the build tree's.
#
#   scripts/check-vsix.sh VSIX
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 VSIX" >&2
  exit 2
fi
vsix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
unzip -q "$vsix" -d "$dir"
bin="$dir/extension/bundled/leaklint"
[ -f "$bin.exe" ] && bin="$bin.exe"
if [ ! -x "$bin" ]; then
  echo "$vsix: no executable extension/bundled/leaklint" >&2
  exit 1
fi
# The manifest names the platform the binary is for.
grep -q 'TargetPlatform="' "$dir/extension.vsixmanifest" || {
  echo "$vsix: not a platform-specific package (no TargetPlatform)" >&2
  exit 1
}
LEAKLINT_BIN="$bin" node --test test/protocol.test.js
echo "$vsix: bundled binary $("$bin" --version) passes the protocol test"
