#!/usr/bin/env node
// Keeps the npm packages' versions in step with Cargo.toml: the main package, its
// optionalDependencies on the platform packages, every platform package, the VS Code extension
// and the `leaklint@VERSION` of the leaklint-npm pre-commit hook and of action.yml's default.
//
//   node npm/sync-version.mjs           rewrite the files that differ
//   node npm/sync-version.mjs --check   list them and exit 1 if any differs (CI, npm-pack.sh)
//
// The version comes from `cargo metadata` (not from parsing Cargo.toml by hand).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

function cargoVersion() {
  const out = execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--offline"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const pkg = JSON.parse(out).packages.find((p) => p.name === "leaklint");
  if (!pkg) throw new Error("cargo metadata lists no package named leaklint");
  return pkg.version;
}

/** Each managed file with the function that returns its text at `version`. */
function managedFiles(version) {
  const json = (rel, edit) => ({
    rel,
    update: (text) => {
      const value = JSON.parse(text);
      edit(value);
      return JSON.stringify(value, null, 2) + "\n";
    },
  });
  const files = [
    json("npm/leaklint/package.json", (p) => {
      p.version = version;
      for (const dep of Object.keys(p.optionalDependencies)) p.optionalDependencies[dep] = version;
    }),
    json("editors/vscode/package.json", (p) => {
      p.version = version;
    }),
    {
      rel: "action.yml",
      update: (text) => text.replace(/\bleaklint@[0-9][^\]\s'",]*/g, `leaklint@${version}`),
    },
    {
      rel: ".pre-commit-hooks.yaml",
      update: (text) => text.replace(/\bleaklint@[0-9][^\]\s'",]*/g, `leaklint@${version}`),
    },
  ];
  for (const dir of fs.readdirSync(path.join(root, "npm")).filter((d) => d.startsWith("cli-")).sort()) {
    files.push(json(`npm/${dir}/package.json`, (p) => (p.version = version)));
  }
  return files;
}

const version = cargoVersion();
const stale = [];
for (const { rel, update } of managedFiles(version)) {
  const file = path.join(root, rel);
  const before = fs.readFileSync(file, "utf8");
  const after = update(before);
  if (after === before) continue;
  stale.push(rel);
  if (!check) fs.writeFileSync(file, after);
}
if (check && stale.length) {
  console.error(`not at version ${version} (run node npm/sync-version.mjs): ${stale.join(", ")}`);
  process.exit(1);
}
console.log(stale.length ? `set ${version} in ${stale.join(", ")}` : `all at ${version}`);
