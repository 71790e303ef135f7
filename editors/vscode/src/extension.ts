// The leaklint extension: starts `leaklint server` and connects it with vscode-languageclient.

import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { findBinary } from "./binary";
import { toServerSettings, VsSettings } from "./settings";

// The components' language ids come from their own extensions (Vue - Official, Svelte, Astro);
// leaklint lints their script blocks.
const LANGUAGES = [
  "javascript",
  "javascriptreact",
  "typescript",
  "typescriptreact",
  "vue",
  "svelte",
  "astro",
];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function readSettings(): VsSettings {
  const c = vscode.workspace.getConfiguration("leaklint");
  return {
    enable: c.get<boolean>("enable"),
    minConfidence: c.get<string>("minConfidence"),
    rules: c.get<Record<string, string>>("rules"),
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("leaklint");
  if (!config.get<boolean>("enable", true)) {
    return;
  }
  const found = findBinary({
    settingPath: config.get<string | null>("path"),
    trusted: vscode.workspace.isTrusted,
    extensionDir: context.extensionPath,
    platform: process.platform,
    isExecutable,
    pathDirs: (process.env.PATH ?? "").split(path.delimiter),
  });
  output ??= vscode.window.createOutputChannel("leaklint");
  if (!found) {
    output.appendLine("leaklint: no binary found (set leaklint.path or put leaklint on PATH)");
    void vscode.window.showWarningMessage(
      "leaklint: the leaklint binary was not found. Install the extension for your platform (it brings the binary), put leaklint on PATH (npm i -g leaklint), or set `leaklint.path`.",
    );
    return;
  }
  output.appendLine(`leaklint: using ${found.command} (${found.source})`);
  const serverOptions: ServerOptions = {
    command: found.command,
    args: ["server"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]),
    initializationOptions: toServerSettings(readSettings()),
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{leaklint.toml,.leaklint.toml}"),
    },
    outputChannel: output,
  };
  client = new LanguageClient("leaklint", "leaklint", serverOptions, clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration("leaklint")) return;
      if (e.affectsConfiguration("leaklint.enable") || e.affectsConfiguration("leaklint.path")) {
        // A different binary, or on/off: restart.
        await stop();
        await start(context);
      } else if (client) {
        // Rules and confidence: the running server applies them.
        await client.sendNotification("workspace/didChangeConfiguration", {
          settings: { leaklint: toServerSettings(readSettings()) },
        });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await stop();
      await start(context);
    }),
  );
  await start(context);
}

export function deactivate(): Promise<void> {
  return stop();
}
