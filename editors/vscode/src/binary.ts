// Which `leaklint` binary the extension runs. Pure (no `vscode` import) so that it is unit-tested.

import * as path from "path";

/** What the lookup needs to know about the machine. */
export interface BinaryEnv {
  /** The `leaklint.path` setting, if set. */
  settingPath: string | null | undefined;
  /** Whether the workspace is trusted: only then is `leaklint.path` honoured. */
  trusted: boolean;
  /** The extension's install folder (the bundled binary lives in `bundled/`). */
  extensionDir: string;
  /** `process.platform`. */
  platform: string;
  /** Whether a file exists and is executable. */
  isExecutable: (file: string) => boolean;
  /** The PATH entries. */
  pathDirs: string[];
}

/** Where the binary came from, for the log. */
export type BinarySource = "setting" | "bundled" | "path";

/**
 * The binary to run: `leaklint.path` (trusted workspaces only), else the bundled
 * `bundled/leaklint[.exe]`, else `leaklint` on PATH. Returns `undefined` when none is found.
 */
export function findBinary(env: BinaryEnv): { command: string; source: BinarySource } | undefined {
  const exe = env.platform === "win32" ? "leaklint.exe" : "leaklint";
  if (env.trusted && env.settingPath && env.settingPath.trim() !== "") {
    return { command: env.settingPath, source: "setting" };
  }
  const bundled = path.join(env.extensionDir, "bundled", exe);
  if (env.isExecutable(bundled)) {
    return { command: bundled, source: "bundled" };
  }
  for (const dir of env.pathDirs) {
    if (dir === "") continue;
    const candidate = path.join(dir, exe);
    if (env.isExecutable(candidate)) {
      return { command: candidate, source: "path" };
    }
  }
  return undefined;
}
