// Unit tests of the extension's pure logic (binary lookup, settings mapping), compiled by
// `npm test` into out/ with esbuild.
const test = require("node:test");
const assert = require("node:assert");
const path = require("path");

const { findBinary } = require("../out/binary.js");
const { toServerSettings } = require("../out/settings.js");

const base = {
  settingPath: null,
  trusted: true,
  extensionDir: "/ext",
  platform: "linux",
  isExecutable: () => false,
  pathDirs: ["/usr/bin", "/opt/bin"],
};

test("the setting wins in a trusted workspace", () => {
  const r = findBinary({ ...base, settingPath: "/my/leaklint", isExecutable: () => true });
  assert.deepStrictEqual(r, { command: "/my/leaklint", source: "setting" });
});

test("the setting is ignored in an untrusted workspace", () => {
  const r = findBinary({
    ...base,
    trusted: false,
    settingPath: "/evil/leaklint",
    isExecutable: (f) => f === path.join("/ext", "bundled", "leaklint"),
  });
  assert.deepStrictEqual(r, { command: "/ext/bundled/leaklint", source: "bundled" });
});

test("PATH is the last resort, and .exe on Windows", () => {
  const r = findBinary({ ...base, isExecutable: (f) => f === "/opt/bin/leaklint" });
  assert.deepStrictEqual(r, { command: "/opt/bin/leaklint", source: "path" });
  const w = findBinary({ ...base, platform: "win32", isExecutable: (f) => f.endsWith("leaklint.exe") });
  assert.strictEqual(w.source, "bundled");
  assert.strictEqual(findBinary(base), undefined);
});

test("settings map to the server's shape without 'default' values", () => {
  assert.deepStrictEqual(
    toServerSettings({
      enable: true,
      minConfidence: "default",
      rules: { "no-leaked-timer": "warn", "no-leaked-listener": "default" },
    }),
    { enable: true, rules: { "no-leaked-timer": "warn" } },
  );
  assert.deepStrictEqual(toServerSettings({ minConfidence: "high" }), {
    enable: true,
    minConfidence: "high",
    rules: {},
  });
});
