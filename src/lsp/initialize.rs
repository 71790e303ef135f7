//! The `initialize` handshake (LSP 3.17 §"Initialize Request"): what the server reads of the
//! client's typed `InitializeParams`, and the capabilities it answers with.

use std::path::PathBuf;

use gen_lsp_types as lsp;
use serde_json::Value;

use super::encoding::Encoding;

/// What the server takes from the client's `initialize` request.
#[derive(Debug)]
pub(super) struct ClientSetup {
    /// The position encoding both sides use.
    pub encoding: Encoding,
    /// The optional protocol features the client supports.
    pub caps: ClientCaps,
    /// The workspace folder: configurations are discovered from it.
    pub root: PathBuf,
    /// Every workspace folder, else `rootUri`/`rootPath`; empty when the client named none (the
    /// project index is then not built: the working directory is no project of the user's).
    pub roots: Vec<PathBuf>,
    /// The editor's settings (`initializationOptions`), not yet parsed.
    pub settings: Option<Value>,
    /// Why the params could not be read, when they could not (the defaults are used then).
    pub problem: Option<String>,
}

/// Client capabilities the server acts on.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct ClientCaps {
    /// `textDocument.diagnostic` is present: the client pulls, we never push.
    pub pull_diagnostics: bool,
    /// `workspace.diagnostics.refreshSupport`: we may ask a pulling client to pull again.
    pub refresh: bool,
    /// `workspace.didChangeWatchedFiles.dynamicRegistration`: we may ask to watch config files.
    pub watch_registration: bool,
}

impl ClientSetup {
    /// Reads the `initialize` request's params. Params that are not `InitializeParams` are not
    /// refused (an editor's quirk must not stop the server): the defaults are used (UTF-16, push
    /// diagnostics, the working directory as root) and `problem` says why.
    pub fn read(params: Value) -> ClientSetup {
        let (params, problem) = match serde_json::from_value::<lsp::InitializeParams>(params) {
            Ok(p) => (p, None),
            Err(e) => (lsp::InitializeParams::default(), Some(e.to_string())),
        };
        let caps = &params.capabilities;
        let offered: Vec<String> = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default()
            .into_iter()
            .map(String::from)
            .collect();
        let workspace = caps.workspace.as_ref();
        let client = ClientCaps {
            pull_diagnostics: caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some()),
            refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            watch_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
        };
        ClientSetup {
            encoding: Encoding::negotiate(&offered),
            caps: client,
            root: workspace_root(&params),
            roots: workspace_roots(&params),
            settings: params.initialization_options,
            problem,
        }
    }
}

/// The first workspace folder, else `rootUri`, else `rootPath` (both deprecated, still sent by
/// older clients), else the working directory.
#[allow(deprecated)]
fn workspace_root(params: &lsp::InitializeParams) -> PathBuf {
    let folder = match &params.workspace_folders_initialize_params.workspace_folders {
        Some(lsp::WorkspaceFolders::WorkspaceFolderList(list)) => list.first().map(|f| &f.uri),
        _ => None,
    };
    folder
        .or(params.root_uri.as_ref())
        .and_then(|u| u.to_file_path().ok())
        .or_else(|| match &params.root_path {
            Some(lsp::RootPath::String(p)) => Some(PathBuf::from(p)),
            _ => None,
        })
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
}

/// Every workspace folder that is a file path, else `rootUri`, else `rootPath`, else none.
#[allow(deprecated)]
fn workspace_roots(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = match &params.workspace_folders_initialize_params.workspace_folders
    {
        Some(lsp::WorkspaceFolders::WorkspaceFolderList(list)) => list
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect(),
        _ => Vec::new(),
    };
    if !folders.is_empty() {
        return folders;
    }
    params
        .root_uri
        .as_ref()
        .and_then(|u| u.to_file_path().ok())
        .or_else(|| match &params.root_path {
            Some(lsp::RootPath::String(p)) => Some(PathBuf::from(p)),
            _ => None,
        })
        .into_iter()
        .collect()
}

/// The server's capabilities (LSP 3.17 §"Server Capabilities").
pub(super) fn capabilities(encoding: Encoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(encoding.as_str().to_string().into()),
        // Incremental: didChange carries only the edited ranges.
        text_document_sync: Some(lsp::TextDocumentSync::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::Incremental),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProvider::Bool(true)),
        code_action_provider: Some(lsp::CodeActionProvider::CodeActionOptions(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QuickFix]),
                ..Default::default()
            },
        )),
        diagnostic_provider: Some(lsp::DiagnosticProvider::DiagnosticOptions(
            lsp::DiagnosticOptions {
                identifier: Some("leaklint".to_string()),
                // A document's findings may rest on how other files use its exports
                // (the project index): a pulling client pulls the other open documents again
                // after an edit.
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn capabilities_are_those_announced_before_they_were_typed() {
        for (encoding, name) in [(Encoding::Utf8, "utf-8"), (Encoding::Utf16, "utf-16")] {
            assert_eq!(
                serde_json::to_value(capabilities(encoding)).unwrap(),
                json!({
                    "positionEncoding": name,
                    "textDocumentSync": { "openClose": true, "change": 2 },
                    "hoverProvider": true,
                    "codeActionProvider": { "codeActionKinds": ["quickfix"] },
                    "diagnosticProvider": {
                        "identifier": "leaklint",
                        "interFileDependencies": true,
                        "workspaceDiagnostics": false,
                    },
                })
            );
        }
    }

    #[test]
    fn reads_encodings_capabilities_root_and_settings() {
        let s = ClientSetup::read(json!({
            "processId": null,
            "rootUri": "file:///tmp/project",
            "capabilities": {
                "general": { "positionEncodings": ["utf-32", "utf-8"] },
                "textDocument": { "diagnostic": {} },
                "workspace": {
                    "diagnostics": { "refreshSupport": true },
                    "didChangeWatchedFiles": { "dynamicRegistration": true },
                },
            },
            "initializationOptions": { "enable": false },
        }));
        assert_eq!(s.problem, None);
        assert_eq!(s.encoding, Encoding::Utf8);
        assert_eq!(
            s.caps,
            ClientCaps {
                pull_diagnostics: true,
                refresh: true,
                watch_registration: true
            }
        );
        assert_eq!(s.root, PathBuf::from("/tmp/project"));
        assert_eq!(s.settings, Some(json!({ "enable": false })));
        let folders = ClientSetup::read(json!({
            "rootPath": "/elsewhere",
            "workspaceFolders": [{ "uri": "file:///tmp/a", "name": "a" }],
            "capabilities": {},
        }));
        assert_eq!(folders.root, PathBuf::from("/tmp/a"));
        assert_eq!(folders.roots, vec![PathBuf::from("/tmp/a")]);
        assert!(ClientSetup::read(json!({ "capabilities": {} }))
            .roots
            .is_empty());
        let path = ClientSetup::read(json!({ "rootPath": "/elsewhere", "capabilities": {} }));
        assert_eq!(path.root, PathBuf::from("/elsewhere"));
    }

    #[test]
    fn params_that_are_not_initialize_params_give_the_defaults_and_say_why() {
        let s = ClientSetup::read(json!({ "capabilities": 3 }));
        assert!(s.problem.is_some());
        assert_eq!(s.encoding, Encoding::Utf16);
        assert_eq!(s.caps, ClientCaps::default());
    }
}
