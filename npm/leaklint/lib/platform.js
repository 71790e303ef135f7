// Which platform package holds the binary for this machine. Shared by the launcher
// (bin/leaklint) and the packing script (scripts/npm-pack.sh), so that the package the
// launcher looks for is the package that was packed.
"use strict";

/**
 * The platform packages, keyed by `<platform>-<arch>[-<libc>]` as computed by `platformKey`.
 * Their names follow oxlint's and Biome's `@scope/cli-<os>-<cpu>[-<libc>]` scheme; each lists
 * the matching `os`, `cpu` and (on Linux) `libc` in its package.json, so npm installs only the
 * one that fits (https://docs.npmjs.com/cli/v10/configuring-npm/package-json#os).
 */
const PACKAGES = {
  "linux-x64-gnu": "@leaklint/cli-linux-x64-gnu",
  "linux-arm64-gnu": "@leaklint/cli-linux-arm64-gnu",
  "linux-x64-musl": "@leaklint/cli-linux-x64-musl",
  "darwin-x64": "@leaklint/cli-darwin-x64",
  "darwin-arm64": "@leaklint/cli-darwin-arm64",
  "win32-x64": "@leaklint/cli-win32-x64",
};

/**
 * The C library of a Linux machine: "gnu" or "musl". Node's diagnostic report carries
 * `glibcVersionRuntime` only when Node runs on glibc (the test detect-libc and napi-rs use).
 * Takes an optional report (for tests); returns "gnu" or "musl".
 */
function linuxLibc(report) {
  const header = (report ?? process.report.getReport()).header;
  return header.glibcVersionRuntime ? "gnu" : "musl";
}

/**
 * The key of this machine in `PACKAGES`: `process.platform` and `process.arch`, plus the libc
 * on Linux. Takes optional overrides `{ platform, arch, libc }` (for tests); returns a string,
 * which may be absent from `PACKAGES` when no package is built for the machine.
 */
function platformKey(overrides = {}) {
  const platform = overrides.platform ?? process.platform;
  const arch = overrides.arch ?? process.arch;
  if (platform !== "linux") return `${platform}-${arch}`;
  return `${platform}-${arch}-${overrides.libc ?? linuxLibc()}`;
}

/** The binary's file name in a platform package: `leaklint.exe` on Windows, else `leaklint`. */
function binaryName(platform = process.platform) {
  return platform === "win32" ? "leaklint.exe" : "leaklint";
}

module.exports = { PACKAGES, platformKey, binaryName, linuxLibc };
