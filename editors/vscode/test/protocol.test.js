// Protocol test with the stack under vscode-languageclient (vscode-languageserver-protocol):
// spawns `leaklint server`, initializes as VS Code would (settings as initializationOptions),
// opens a leaky file, receives publishDiagnostics, asks for code actions, and shuts down.
// The binary is $LEAKLINT_BIN, else ../../target/debug/leaklint (CARGO_TARGET_DIR respected).
const test = require("node:test");
const assert = require("node:assert");
const cp = require("child_process");
const fs = require("fs");
const path = require("path");
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  PublishDiagnosticsNotification,
  CodeActionRequest,
  ShutdownRequest,
  ExitNotification,
} = require("vscode-languageserver-protocol/node");

function binary() {
  if (process.env.LEAKLINT_BIN) return process.env.LEAKLINT_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? path.join(__dirname, "..", "..", "..", "target");
  return path.join(target, "debug", process.platform === "win32" ? "leaklint.exe" : "leaklint");
}

const LEAKY = `const bus = require('./bus');
const app = require('express')();
app.get('/x', (req, res) => {
  bus.on('update', () => console.log('x'));
  res.end();
});
`;

test("initialize, diagnostics, code actions, shutdown", { timeout: 30000 }, async (t) => {
  const bin = binary();
  if (!fs.existsSync(bin)) {
    // A binary asked for by name, or any run under CI, must be there: skipping would pass a
    // package without its binary.
    assert.ok(!process.env.LEAKLINT_BIN && !process.env.CI, `no leaklint binary at ${bin}`);
    t.skip(`no leaklint binary at ${bin} (cargo build first, or set LEAKLINT_BIN)`);
    return;
  }
  const child = cp.spawn(bin, ["server"], { stdio: ["pipe", "pipe", "inherit"] });
  const conn = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  conn.listen();
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));

  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: { enable: true, rules: { "no-leaked-listener": "warn" } },
  });
  assert.strictEqual(init.serverInfo.name, "leaklint");
  assert.strictEqual(init.capabilities.positionEncoding, "utf-16");
  assert.deepStrictEqual(init.capabilities.textDocumentSync, { openClose: true, change: 2 });
  await conn.sendNotification(InitializedNotification.type, {});

  const uri = "file:///tmp/leaklint-protocol-test/server.js";
  const published = new Promise((resolve) =>
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => resolve(p)),
  );
  await conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: "javascript", version: 1, text: LEAKY },
  });
  const p = await published;
  assert.strictEqual(p.uri, uri);
  assert.strictEqual(p.diagnostics.length, 1);
  const d = p.diagnostics[0];
  assert.strictEqual(d.code, "no-leaked-listener");
  assert.strictEqual(d.source, "leaklint");
  assert.strictEqual(d.severity, 2); // warn, from initializationOptions
  assert.deepStrictEqual(d.range.start, { line: 3, character: 2 });

  const actions = await conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
  assert.deepStrictEqual(
    actions.map((a) => a.title),
    ["Disable no-leaked-listener for this line", "Disable no-leaked-listener for this file"],
  );
  assert.strictEqual(
    actions[0].edit.changes[uri][0].newText,
    "  // leaklint-disable-next-line no-leaked-listener -- reason\n",
  );

  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  assert.strictEqual(await exited, 0);
  conn.dispose();
});
