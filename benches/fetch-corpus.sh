#!/usr/bin/env bash
# Builds the JS/TS corpus of the throughput benchmark from the pinned npm packages of
# benches/corpus.tsv, so that every tool lints exactly the same file set.
#
# Usage: benches/fetch-corpus.sh [DEST]   (default: benches/corpus, which .gitignore lists)
# Needs npm (registry access) and tar. Re-running wipes and rebuilds DEST. Env: KEEP_DTS=1 keeps
# declaration files, KEEP_NEXT_COMPILED=1 keeps next/dist/compiled (~61 MB of vendored bundles).
# Prints per-extension file counts and sizes at the end.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="${1:-$HERE/corpus}"
TGZ="$(mktemp -d)"
trap 'rm -rf "$TGZ"' EXIT
export NPM_CONFIG_LOGLEVEL=error

rm -rf "$DEST"
mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"
cd "$TGZ"
grep -v '^#' "$HERE/corpus.tsv" | cut -f1 | while read -r spec; do
  [ -n "$spec" ] || continue
  name="${spec%@*}" # strip @version, keep a leading @scope
  dir="$DEST/$(echo "$name" | sed 's#^@##; s#/#__#g')"
  tgz="$(npm pack "$spec" --silent 2>/dev/null | tail -1)"
  mkdir -p "$dir"
  tar -xzf "$tgz" -C "$dir" --strip-components=1 --no-same-owner
  echo "fetched $spec -> $dir ($(du -sh "$dir" | cut -f1))"
done

# Anything that could make a tool silently skip files or pick up a foreign config: ignore files
# and linter configs shipped inside packages.
find "$DEST" \( -name .gitignore -o -name .ignore -o -name .npmignore -o -name .eslintignore \
  -o -name .prettierignore -o -name 'eslint.config.*' -o -name '.eslintrc*' -o -name 'biome.json*' \
  -o -name '.oxlintrc*' -o -name '.editorconfig' \) -print -exec rm -rf {} + || true
# Source maps are not source.
find "$DEST" -name '*.map' -delete
# next/dist/compiled is vendored, mostly minified third-party code (webpack, babel, react-dom):
# dropped so that minified code does not dominate the corpus.
[ "${KEEP_NEXT_COMPILED:-0}" = 1 ] || rm -rf "$DEST/next/dist/compiled"
# Only lintable JS/TS sources, so that every tool sees the same files (biome would also lint
# .json/.css). Declaration files are counted, then removed unless KEEP_DTS=1.
echo "declaration files: $(find "$DEST" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -printf '%s\n' | awk '{s+=$1;n++} END {printf "%d files, %.2f MB", n, s/1e6}')"
[ "${KEEP_DTS:-0}" = 1 ] || find "$DEST" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete
find "$DEST" -type f ! \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' \
  -o -name '*.ts' -o -name '*.tsx' -o -name '*.mts' -o -name '*.cts' \) -delete
# Minified files (*.min.js etc.): oxlint skips them unconditionally, so they go for every tool.
find "$DEST" -type f -name '*.min.*' -delete
find "$DEST" -type d -empty -delete

# Per-extension file count and size.
find "$DEST" -type f -printf '%s %f\n' | awk '
  { f = $2; if (f ~ /\.d\.(ts|mts|cts)$/) ext = "d.ts"; else if (f ~ /\.[^.]+$/) { ext = f; sub(/.*\./, "", ext) } else ext = "(none)";
    n[ext]++; b[ext] += $1 }
  END { for (e in n) printf "%-8s %7d files %10.2f MB\n", e, n[e], b[e] / 1e6 }' | sort -k4 -nr
echo "corpus at $DEST"
