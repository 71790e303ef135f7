//! Open documents: their text and version as the client last sent them, changed only on the main
//! loop, in message order (LSP 3.17 §"Text Document Synchronization").

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use gen_lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::encoding::{Encoding, PositionMap};
use crate::source::{Dialect, LineIndex};

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path used for the dialect and for finding `leaklint.toml`: the file's own path for
    /// `file:` URIs, else a made-up name whose extension follows `languageId`.
    pub path: PathBuf,
    /// The client's version number; strictly increasing per document.
    pub version: i32,
    /// The full text. Shared, so that a lint snapshot costs one reference count.
    pub text: Arc<str>,
}

/// What a worker lints: the document as it was at one version.
pub type Snapshot = Document;

impl Document {
    /// A document from `textDocument/didOpen`.
    pub fn new(uri: &Uri, language_id: &str, version: i32, text: String) -> Document {
        Document {
            path: path_for(uri, language_id),
            version,
            text: text.into(),
        }
    }

    /// Applies `didChange` content changes in order (each range is relative to the text left by the
    /// previous change, as the spec says) and sets the new `version`.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        let mut text = self.text.to_string();
        for change in changes {
            match change {
                TextDocumentContentChangeEvent::TextDocumentContentChangeWholeDocument(whole) => {
                    text = whole.text;
                }
                TextDocumentContentChangeEvent::TextDocumentContentChangePartial(part) => {
                    let index = LineIndex::new(&text);
                    let map = PositionMap::new(&text, &index, encoding);
                    let start = map.offset(part.range.start);
                    let end = map.offset(part.range.end).max(start);
                    text.replace_range(start..end, &part.text);
                }
            }
        }
        self.text = text.into();
        self.version = version;
    }
}

/// The path a document is linted as. Documents that are not files (`untitled:`) get a name in
/// the working directory whose extension matches the language, so that the dialect is right.
fn path_for(uri: &Uri, language_id: &str) -> PathBuf {
    if uri.scheme() == "file" {
        if let Ok(p) = uri.to_file_path() {
            if Dialect::from_path(&p).is_some() {
                return p;
            }
            let ext = extension_for(language_id);
            return p.with_extension(format!(
                "{}{ext}",
                p.extension()
                    .map(|e| format!("{}.", e.to_string_lossy()))
                    .unwrap_or_default()
            ));
        }
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    cwd.join(format!("untitled.{}", extension_for(language_id)))
}

fn extension_for(language_id: &str) -> &'static str {
    match language_id {
        "typescript" => "ts",
        "typescriptreact" => "tsx",
        // Components, as their editor extensions name them: linted by their script blocks.
        "vue" => "vue",
        "svelte" => "svelte",
        "astro" => "astro",
        _ => "jsx",
    }
}

/// Every open document by URI.
#[derive(Debug, Default)]
pub struct DocumentStore {
    docs: HashMap<Uri, Document>,
}

impl DocumentStore {
    /// Adds (or replaces) a document on `didOpen`.
    pub fn open(&mut self, uri: Uri, doc: Document) {
        self.docs.insert(uri, doc);
    }

    /// The open document at `uri`.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    /// The open document at `uri`, to change it.
    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.docs.get_mut(uri)
    }

    /// Forgets a document on `didClose`; returns whether it was open.
    pub fn close(&mut self, uri: &Uri) -> bool {
        self.docs.remove(uri).is_some()
    }

    /// The URIs of every open document.
    pub fn uris(&self) -> Vec<Uri> {
        self.docs.keys().cloned().collect()
    }
}
