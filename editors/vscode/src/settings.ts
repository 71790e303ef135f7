// VS Code settings → the server's settings object (src/lsp/settings.rs in the server).

/** The `leaklint.*` settings as VS Code returns them. */
export interface VsSettings {
  enable?: boolean;
  minConfidence?: string;
  rules?: Record<string, string>;
}

/** The server's settings: `enable`, `minConfidence` and `rules`, with "default" values left out. */
export interface ServerSettings {
  enable: boolean;
  minConfidence?: string;
  rules: Record<string, string>;
}

/** Maps the extension's settings to what `leaklint server` reads. */
export function toServerSettings(s: VsSettings): ServerSettings {
  const rules: Record<string, string> = {};
  for (const [name, level] of Object.entries(s.rules ?? {})) {
    if (level && level !== "default") rules[name] = level;
  }
  const out: ServerSettings = { enable: s.enable ?? true, rules };
  if (s.minConfidence && s.minConfidence !== "default") out.minConfidence = s.minConfidence;
  return out;
}
