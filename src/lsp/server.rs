//! The main loop: reads messages in order, changes document state on this thread only, and hands
//! linting to worker threads with a snapshot of the document (the ruff_server / rust-analyzer
//! model). Results come back on a channel and are dropped when the
//! document has moved on to a newer version in the meantime.
//!
//! Every lint runs on a thread of its own, so a document that parses slowly (swc backtracks
//! exponentially on some TypeScript, docs/known-issues.md) delays only its own diagnostics. A
//! document has at most one pushed lint running: edits made meanwhile are linted once it ends,
//! so a slow document never piles up threads. Past the lint budget the document is given a
//! `parse-timeout` diagnostic, which its findings replace if the lint ends after all.
//!
//! After `initialized` a background thread summarises the workspace's files ([`super::project`]);
//! once that ends, every lint of an open document leaves its summary in the index (from the
//! editor's text) and is done again knowing how the project uses the document's exports. When
//! a summary changes, the other open documents that asked about their exports' uses are linted
//! again too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{select, unbounded, Receiver, Sender};
use gen_lsp_types as lsp;
use gen_lsp_types::Uri;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

use super::document::{Document, DocumentStore, Snapshot};
use super::encoding::{Encoding, PositionMap};
use super::initialize::{self, ClientCaps, ClientSetup};
use super::project::{self as index, ProjectIndex, SharedIndex};
use super::settings::{is_config_file, ConfigFiles, EditorSettings};
use super::{actions, convert, hover, ServerOptions};
use crate::diagnostic::Diagnostic;
use crate::isolate;
use crate::linter::{LintOptions, Project};
use crate::project::ModuleSummary;
use crate::source::LineIndex;

/// A finished piece of background work.
enum Done {
    /// Diagnostics to push for `uri` at `version`, unless the document has changed since.
    Publish {
        uri: Uri,
        version: i32,
        diagnostics: Vec<lsp::Diagnostic>,
    },
    /// A response to send as it is.
    Respond(Response),
    /// Linting panicked (the document gets an `internal-error` diagnostic); the message is logged.
    Failed(String),
    /// The summary of the open document at this path changed in the project index: the answers
    /// of other documents may change.
    SummaryChanged(PathBuf),
    /// Workspace files changed on disk, with their new summaries (`None` when deleted).
    DiskChanged(Vec<(PathBuf, Option<ModuleSummary>)>),
    /// The workspace's files were summarised, in `took`.
    Indexed {
        files: Vec<PathBuf>,
        summaries: Vec<Option<ModuleSummary>>,
        took: Duration,
    },
}

/// The server's state, owned by the main loop.
struct Session {
    conn: Connection,
    options: ServerOptions,
    encoding: Encoding,
    caps: ClientCaps,
    docs: DocumentStore,
    settings: EditorSettings,
    configs: ConfigFiles,
    /// Documents waiting for their debounced lint, with the time it is due.
    due: HashMap<Uri, Instant>,
    done_tx: Sender<Done>,
    done_rx: Receiver<Done>,
    shutdown: bool,
    next_request: i32,
    /// Documents with a pushed lint running: the version linted, when its budget ends, and
    /// whether a `parse-timeout` was published for it.
    running: HashMap<Uri, Running>,
    /// Documents edited while their lint was running, to lint again when it ends.
    relint: std::collections::HashSet<Uri>,
    /// The workspace folders to index (none when the client named none).
    roots: Vec<PathBuf>,
    /// The project index, once `initialized` started it.
    index: Option<SharedIndex>,
}

/// Why [`serve`] ended before serving: the client never sent `initialize`. Once the handshake
/// is done nothing ends the server but `exit`, so these are the only errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ServeError {
    /// The client sent the `exit` notification before the `initialize` request.
    #[error("the client sent exit before initialize")]
    ExitBeforeInitialize,
    /// The connection closed (the client hung up, or stdin reached its end) before the
    /// `initialize` request.
    #[error("the client went away before initialize")]
    DisconnectedBeforeInitialize,
}

/// A pushed lint in progress.
struct Running {
    version: i32,
    deadline: Instant,
    timed_out: bool,
}

/// Runs the initialize handshake and then the main loop until `exit`.
///
/// Returns the process exit code the spec asks for (LSP 3.17 §"Exit Notification"): 0 when
/// `exit` came after `shutdown`, 1 otherwise (including a client that hung up).
///
/// # Errors
/// A [`ServeError`]: the client went away, or sent `exit`, before `initialize` (requests before
/// it are answered with `ServerNotInitialized`; nothing after it ends the server but `exit`).
pub fn serve(conn: Connection, options: ServerOptions) -> Result<i32, ServeError> {
    let (id, params) = wait_for_initialize(&conn)?;
    let setup = ClientSetup::read(params);
    let (settings, warnings) = setup
        .settings
        .as_ref()
        .map(EditorSettings::from_json)
        .unwrap_or_default();
    // The `initialized` notification that follows is taken as any other notification: a client
    // that sends something else first (or a damaged `initialized`) is still served, where
    // lsp-server's `initialize_finish` would end the server.
    let result = lsp::InitializeResult {
        capabilities: initialize::capabilities(setup.encoding),
        server_info: Some(lsp::ServerInfo {
            name: "leaklint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let _ = conn.sender.send(Response::new_ok(id, result).into());
    let (done_tx, done_rx) = unbounded();
    let mut session = Session {
        conn,
        options,
        encoding: setup.encoding,
        caps: setup.caps,
        docs: DocumentStore::default(),
        settings,
        configs: ConfigFiles::new(&setup.root),
        due: HashMap::new(),
        done_tx,
        done_rx,
        shutdown: false,
        next_request: 0,
        running: HashMap::new(),
        relint: Default::default(),
        roots: setup.roots,
        index: None,
    };
    if let Some(problem) = &setup.problem {
        session.show(
            lsp::MessageType::Warning,
            &format!("leaklint: could not read the initialize params ({problem}); using defaults"),
        );
    }
    for w in warnings {
        session.show(lsp::MessageType::Warning, &format!("leaklint: {w}"));
    }
    // The spec allows server-to-client requests once the initialize result is sent.
    if session.caps.watch_registration {
        session.register_config_watcher();
    }
    Ok(session.run())
}

/// Waits for the `initialize` request (LSP 3.17 §"Initialize Request"): other requests are
/// answered with `ServerNotInitialized` (-32002), notifications and responses are dropped.
///
/// # Errors
/// The client went away, or sent `exit`, before `initialize`.
fn wait_for_initialize(conn: &Connection) -> Result<(RequestId, Value), ServeError> {
    loop {
        match conn.receiver.recv() {
            Ok(Message::Request(req)) if req.method == "initialize" => {
                return Ok((req.id, req.params))
            }
            Ok(Message::Request(req)) => {
                let _ = conn.sender.send(
                    Response::new_err(
                        req.id,
                        ErrorCode::ServerNotInitialized as i32,
                        format!("expected the initialize request, got {}", req.method),
                    )
                    .into(),
                );
            }
            Ok(Message::Notification(n)) if n.method == "exit" => {
                return Err(ServeError::ExitBeforeInitialize)
            }
            Ok(_) => {}
            Err(_) => return Err(ServeError::DisconnectedBeforeInitialize),
        }
    }
}

impl Session {
    fn run(&mut self) -> i32 {
        loop {
            let now = Instant::now();
            let budget_ends = self
                .running
                .values()
                .filter(|r| !r.timed_out)
                .map(|r| r.deadline);
            let wait = self
                .due
                .values()
                .copied()
                .chain(budget_ends)
                .min()
                .map(|d| d.saturating_duration_since(now))
                .unwrap_or(Duration::from_secs(3600));
            select! {
                recv(self.conn.receiver) -> msg => match msg {
                    Ok(Message::Request(req)) => self.on_request_isolated(req),
                    Ok(Message::Notification(n)) => {
                        if n.method == "exit" {
                            return if self.shutdown { 0 } else { 1 };
                        }
                        self.on_notification_isolated(n);
                    }
                    // Answers to our own requests (registerCapability, refresh): nothing to do.
                    Ok(Message::Response(_)) => {}
                    Err(_) => return 1,
                },
                recv(self.done_rx) -> done => {
                    if let Ok(done) = done {
                        self.on_done(done);
                    }
                }
                default(wait) => {}
            }
            self.start_due_lints();
            self.publish_timeouts();
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // The client is gone when this fails; the receiver loop notices and ends.
        let _ = self.conn.sender.send(msg.into());
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    /// Logs to the client's output (`window/logMessage`) and to stderr.
    fn log(&self, kind: lsp::MessageType, message: &str) {
        eprintln!("leaklint server: {message}");
        self.notify(
            "window/logMessage",
            lsp::LogMessageParams {
                kind,
                message: message.to_string(),
            },
        );
    }

    /// Shows a message to the user (`window/showMessage`) and logs it.
    fn show(&self, kind: lsp::MessageType, message: &str) {
        eprintln!("leaklint server: {message}");
        self.notify(
            "window/showMessage",
            lsp::ShowMessageParams {
                kind,
                message: message.to_string(),
            },
        );
    }

    fn request_client(&mut self, method: &str, params: Value) {
        self.next_request += 1;
        let id = RequestId::from(format!("leaklint-{}", self.next_request));
        self.send(Request::new(id, method.to_string(), params));
    }

    // ---- isolation ------------------------------------------------------------------------

    /// [`Session::on_request`], with a panic answered as `InternalError` instead of ending the
    /// server. Unwind safety: a handler changes the session only after its parameters parsed, and
    /// every change is a whole-value replacement (a document's text, a settings struct, a map
    /// entry), so an unwind leaves the previous or the new value, never a torn one.
    fn on_request_isolated(&mut self, req: Request) {
        let id = req.id.clone();
        let method = req.method.clone();
        if let Err(p) = isolate::catch(|| self.on_request(req)) {
            let message = format!("internal error in {method}: {}", p.describe());
            self.log(lsp::MessageType::Error, &message);
            self.send(Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                message,
            ));
        }
    }

    /// [`Session::on_notification`], with a panic logged instead of ending the server (unwind
    /// safety as for [`Session::on_request_isolated`]).
    fn on_notification_isolated(&mut self, n: Notification) {
        let method = n.method.clone();
        if let Err(p) = isolate::catch(|| self.on_notification(n)) {
            let message = format!("internal error in {method}: {}", p.describe());
            self.log(lsp::MessageType::Error, &message);
        }
    }

    // ---- requests -------------------------------------------------------------------------

    fn on_request(&mut self, req: Request) {
        if self.shutdown {
            self.send(Response::new_err(
                req.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        let result = match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                self.send(Response::new_ok(req.id, ()));
                return;
            }
            "textDocument/diagnostic" => self.on_pull(req.id.clone(), req.params),
            "textDocument/codeAction" => self.on_code_action(req.id.clone(), req.params),
            "textDocument/hover" => self.on_hover(req.id.clone(), req.params),
            _ => {
                self.send(Response::new_err(
                    req.id,
                    ErrorCode::MethodNotFound as i32,
                    format!("unknown method {}", req.method),
                ));
                return;
            }
        };
        if let Err(e) = result {
            self.send(Response::new_err(
                req.id,
                ErrorCode::InvalidParams as i32,
                e.to_string(),
            ));
        }
    }

    /// `textDocument/diagnostic` (LSP 3.17 §"Document Diagnostics"): always a full report.
    fn on_pull(&mut self, id: RequestId, params: Value) -> serde_json::Result<()> {
        let p: lsp::DocumentDiagnosticParams = serde_json::from_value(params)?;
        let uri = p.text_document.uri;
        let Some(job) = self.job(&uri) else {
            self.send(Response::new_ok(id, full_report(Vec::new())));
            return Ok(());
        };
        self.spawn(id.clone(), job, move |job, found| {
            let index = LineIndex::new(&job.doc.text);
            let map = PositionMap::new(&job.doc.text, &index, job.encoding);
            let items = found
                .iter()
                .map(|d| convert::to_lsp(d, &uri, &map))
                .collect();
            Response::new_ok(id, full_report(items))
        });
        Ok(())
    }

    /// `textDocument/codeAction`: suppression comments for the findings in the range.
    fn on_code_action(&mut self, id: RequestId, params: Value) -> serde_json::Result<()> {
        let p: lsp::CodeActionParams = serde_json::from_value(params)?;
        let uri = p.text_document.uri;
        let Some(job) = self.job(&uri) else {
            self.send(Response::new_ok(id, Vec::<Value>::new()));
            return Ok(());
        };
        self.spawn(id.clone(), job, move |job, found| {
            let text = &job.doc.text;
            let index = LineIndex::new(text);
            let map = PositionMap::new(text, &index, job.encoding);
            let start = map.offset(p.range.start) as u32;
            let end = map.offset(p.range.end) as u32;
            let list = actions::for_range(&uri, text, &map, &found, start, end);
            Response::new_ok(id, list)
        });
        Ok(())
    }

    /// `textDocument/hover`: the rule document of a finding under the cursor.
    fn on_hover(&mut self, id: RequestId, params: Value) -> serde_json::Result<()> {
        let p: lsp::HoverParams = serde_json::from_value(params)?;
        let uri = p.text_document_position_params.text_document.uri;
        let pos = p.text_document_position_params.position;
        let Some(job) = self.job(&uri) else {
            self.send(Response::new_ok(id, Value::Null));
            return Ok(());
        };
        self.spawn(id.clone(), job, move |job, found| {
            let text = &job.doc.text;
            let index = LineIndex::new(text);
            let map = PositionMap::new(text, &index, job.encoding);
            let offset = map.offset(pos) as u32;
            Response::new_ok(id, hover::at(&found, offset, &map))
        });
        Ok(())
    }

    // ---- notifications --------------------------------------------------------------------

    fn on_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        if let Err(e) = self.dispatch_notification(n) {
            self.log(
                lsp::MessageType::Error,
                &format!("bad parameters for {method}: {e}"),
            );
        }
    }

    fn dispatch_notification(&mut self, n: Notification) -> serde_json::Result<()> {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                let d = p.text_document;
                let doc = Document::new(&d.uri, &d.language_id.to_string(), d.version, d.text);
                self.docs.open(d.uri.clone(), doc);
                self.schedule(d.uri, Duration::ZERO);
            }
            "textDocument/didChange" => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.text_document_identifier.uri;
                let encoding = self.encoding;
                // A change for a document that is not open is ignored, as the spec allows.
                if let Some(doc) = self.docs.get_mut(&uri) {
                    doc.apply(p.content_changes, p.text_document.version, encoding);
                    let debounce = self.options.debounce;
                    self.schedule(uri, debounce);
                }
            }
            "textDocument/didClose" => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                let uri = p.text_document.uri;
                self.due.remove(&uri);
                let path = self.docs.get(&uri).map(|d| d.path.clone());
                if self.docs.close(&uri) {
                    self.publish(uri, None, Vec::new());
                }
                // Its summary is the disk one again.
                if let (Some(index), Some(path)) = (&self.index, path) {
                    if write(index).close(&path) {
                        self.on_summary_changed(&path);
                    }
                }
            }
            "textDocument/didSave" => {
                let p: lsp::DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
                let path = self.docs.get(&p.text_document.uri).map(|d| d.path.clone());
                if let (Some(index), Some(path)) = (&self.index, path) {
                    write(index).saved(&path);
                }
            }
            "initialized" => self.start_index(),
            "workspace/didChangeWatchedFiles" => {
                let p: lsp::DidChangeWatchedFilesParams = serde_json::from_value(n.params)?;
                let touched = p
                    .changes
                    .iter()
                    .any(|c| c.uri.to_file_path().is_ok_and(|path| is_config_file(&path)));
                if touched {
                    self.configs.reload();
                    self.relint_all();
                }
                let sources: Vec<PathBuf> = p
                    .changes
                    .iter()
                    .filter_map(|c| c.uri.to_file_path().ok())
                    .collect();
                self.summarise_changed(sources);
            }
            "workspace/didChangeConfiguration" => {
                let settings = n.params.get("settings").cloned().unwrap_or(Value::Null);
                if settings.is_object() {
                    let (s, warnings) = EditorSettings::from_json(&settings);
                    for w in warnings {
                        self.show(lsp::MessageType::Warning, &format!("leaklint: {w}"));
                    }
                    self.settings = s;
                    self.relint_all();
                }
            }
            // `$/cancelRequest`, `$/setTrace`, didSave, and anything we do not know: nothing to do.
            _ => {}
        }
        Ok(())
    }

    // ---- project index --------------------------------------------------------------------

    /// Starts summarising the workspace's files on a thread of its own (once; nothing when the
    /// client named no workspace folder). Documents are linted alone until it ends.
    fn start_index(&mut self) {
        if self.index.is_some() || self.roots.is_empty() {
            return;
        }
        self.index = Some(SharedIndex::default());
        let roots = self.roots.clone();
        let configs = self.configs.resolver();
        let settings = self.settings.clone();
        let budget = self.options.lint_budget;
        let tx = self.done_tx.clone();
        spawn_worker(move || {
            let started = Instant::now();
            // A panic here leaves the documents linted alone, and the server serving.
            match isolate::catch(|| index::summarise_workspace(&roots, &configs, &settings, budget))
            {
                Ok((files, summaries)) => {
                    let _ = tx.send(Done::Indexed {
                        files,
                        summaries,
                        took: started.elapsed(),
                    });
                }
                Err(p) => {
                    let _ = tx.send(Done::Failed(format!(
                        "internal error while indexing the workspace: {} (please report this); \
                         documents are linted alone",
                        p.describe()
                    )));
                }
            }
        });
    }

    /// The disk summaries arrived: the index is ready, and the open documents that asked how the
    /// project uses their exports are linted again knowing it (the others' findings cannot
    /// change).
    fn on_indexed(
        &mut self,
        files: Vec<PathBuf>,
        summaries: Vec<Option<ModuleSummary>>,
        took: Duration,
    ) {
        let Some(index) = &self.index else {
            return;
        };
        let count = files.len();
        write(index).install(files, summaries);
        self.log(
            lsp::MessageType::Info,
            &format!("indexed {count} files of the workspace in {took:?}"),
        );
        self.relint_askers(None);
    }

    /// Summarises again, on a worker, the workspace files among `paths` that changed on disk
    /// (files the disk index did not find, such as new ones, are left out: ignore files are not
    /// asked again).
    fn summarise_changed(&mut self, paths: Vec<PathBuf>) {
        let Some(index) = &self.index else {
            return;
        };
        let paths: Vec<PathBuf> = {
            let index = read(index);
            paths
                .into_iter()
                .filter(|p| index.is_workspace_file(p))
                .collect()
        };
        if paths.is_empty() {
            return;
        }
        let configs = self.configs.resolver();
        let settings = self.settings.clone();
        let budget = self.options.lint_budget;
        let tx = self.done_tx.clone();
        spawn_worker(move || {
            let summaries =
                isolate::catch(|| index::summarise_files(&paths, &configs, &settings, budget));
            let _ = match summaries {
                Ok(s) => tx.send(Done::DiskChanged(paths.into_iter().zip(s).collect())),
                Err(p) => tx.send(Done::Failed(format!(
                    "internal error while summarising changed files: {} (please report this)",
                    p.describe()
                ))),
            };
        });
    }

    /// Workspace files changed on disk: their summaries replace the indexed ones, and the open
    /// documents that asked are linted again when one in effect changed.
    fn on_disk_changed(&mut self, changes: Vec<(PathBuf, Option<ModuleSummary>)>) {
        let Some(index) = &self.index else {
            return;
        };
        let mut changed = Vec::new();
        {
            let mut index = write(index);
            for (path, summary) in changes {
                if index.set_disk(&path, summary) {
                    changed.push(path);
                }
            }
        }
        if let Some(last) = changed.last() {
            self.relint_askers(Some(last));
        }
        for path in &changed {
            self.relint_importers(path);
        }
    }

    /// The summary of the open document at `path` changed: lint again the other open documents
    /// whose verdicts rest on how the project uses their exports (for a pulling client, ask it
    /// to pull again).
    fn on_summary_changed(&mut self, path: &Path) {
        self.relint_askers(Some(path));
        self.relint_importers(path);
    }

    /// Lints again the open documents that may import `path` when its summary changed from or
    /// to one that offers its importers facts (a registry, a held listener, a pinned signal…):
    /// their findings rest on it.
    fn relint_importers(&mut self, path: &Path) {
        let Some(index) = &self.index else {
            return;
        };
        let importers: Vec<Uri> = {
            let mut index = write(index);
            if !index.take_offering(path) || !index.is_ready() {
                return;
            }
            self.open_documents_where(|p| {
                p != path && !index.rests_on_project(p) && index.may_import(p, path)
            })
        };
        self.relint_documents(importers);
    }

    /// Lints again the open documents (but the one at `except`) whose summary asked how the
    /// project uses their exports, once the index is ready; a pulling client is asked to pull
    /// again instead.
    fn relint_askers(&mut self, except: Option<&Path>) {
        let Some(index) = &self.index else {
            return;
        };
        let askers: Vec<Uri> = {
            let index = read(index);
            if !index.is_ready() {
                return;
            }
            self.open_documents_where(|p| Some(p) != except && index.rests_on_project(p))
        };
        self.relint_documents(askers);
    }

    /// The open documents whose path satisfies `test`.
    fn open_documents_where(&self, test: impl Fn(&Path) -> bool) -> Vec<Uri> {
        self.docs
            .uris()
            .into_iter()
            .filter(|u| self.docs.get(u).is_some_and(|d| test(&d.path)))
            .collect()
    }

    /// Lints the open documents `uris` again at once; a pulling client is asked to pull again
    /// instead (when it can be asked). Nothing happens for an empty list.
    fn relint_documents(&mut self, uris: Vec<Uri>) {
        if uris.is_empty() {
            return;
        }
        if self.caps.pull_diagnostics {
            if self.caps.refresh {
                self.request_client("workspace/diagnostic/refresh", Value::Null);
            }
            return;
        }
        for uri in uris {
            self.schedule(uri, Duration::ZERO);
        }
    }

    /// Asks the client to watch `leaklint.toml` files and source files (LSP 3.17 §"DidChangeWatchedFiles").
    fn register_config_watcher(&mut self) {
        self.request_client(
            "client/registerCapability",
            json!({ "registrations": [{
                "id": "leaklint-config-watcher",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": [
                    { "globPattern": "**/leaklint.toml" },
                    { "globPattern": "**/.leaklint.toml" },
                    // Sources changed outside the editor: the project index follows them.
                    { "globPattern": "**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}" },
                ]},
            }]}),
        );
    }

    /// After a configuration change: lint every open document again (push), or ask a pulling
    /// client to pull again.
    fn relint_all(&mut self) {
        if self.caps.pull_diagnostics {
            if self.caps.refresh {
                self.request_client("workspace/diagnostic/refresh", Value::Null);
            }
            return;
        }
        for uri in self.docs.uris() {
            self.schedule(uri, Duration::ZERO);
        }
    }

    // ---- linting --------------------------------------------------------------------------

    /// Schedules a pushed lint of `uri` after `delay`; a later change replaces the deadline, so
    /// a burst of keystrokes lints once. Pulling clients ask when they want diagnostics.
    fn schedule(&mut self, uri: Uri, delay: Duration) {
        if !self.caps.pull_diagnostics {
            self.due.insert(uri, Instant::now() + delay);
        }
    }

    fn start_due_lints(&mut self) {
        let now = Instant::now();
        let ready: Vec<Uri> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            if self.running.contains_key(&uri) {
                self.relint.insert(uri);
                continue;
            }
            let Some(job) = self.job(&uri) else {
                continue;
            };
            self.running.insert(
                uri.clone(),
                Running {
                    version: job.doc.version,
                    deadline: Instant::now() + self.options.lint_budget,
                    timed_out: false,
                },
            );
            let tx = self.done_tx.clone();
            let uri_again = uri.clone();
            let started = spawn_worker(move || {
                let version = job.doc.version;
                let (found, failure) = job.lint();
                if let Some(log) = failure {
                    let _ = tx.send(Done::Failed(log));
                }
                let index = LineIndex::new(&job.doc.text);
                let map = PositionMap::new(&job.doc.text, &index, job.encoding);
                let diagnostics = found
                    .iter()
                    .map(|d| convert::to_lsp(d, &uri, &map))
                    .collect();
                let _ = tx.send(Done::Publish {
                    uri,
                    version,
                    diagnostics,
                });
            });
            if !started {
                // Nothing will report back: let a later edit try again.
                self.running.remove(&uri_again);
            }
        }
    }

    /// Publishes a `parse-timeout` for every document whose running lint is past its budget
    /// (once per lint, and only while the document is still at the version being linted).
    fn publish_timeouts(&mut self) {
        let now = Instant::now();
        let budget = self.options.lint_budget;
        let mut late = Vec::new();
        for (uri, r) in &mut self.running {
            if !r.timed_out && r.deadline <= now {
                r.timed_out = true;
                late.push((uri.clone(), r.version));
            }
        }
        for (uri, version) in late {
            let Some(doc) = self.docs.get(&uri) else {
                continue;
            };
            if doc.version != version {
                continue;
            }
            let index = LineIndex::new(&doc.text);
            let map = PositionMap::new(&doc.text, &index, self.encoding);
            let d = convert::to_lsp(&crate::budget::parse_timeout(budget), &uri, &map);
            self.log(
                lsp::MessageType::Warning,
                &format!(
                    "linting {} takes longer than {budget:?}; its findings follow when it ends",
                    doc.path.display()
                ),
            );
            self.publish(uri, Some(version), vec![d]);
        }
    }

    /// A snapshot of the document at `uri` with the options that apply to it, or `None` when it
    /// is not open. Config errors met while resolving are shown to the user once.
    fn job(&mut self, uri: &Uri) -> Option<LintJob> {
        let doc = self.docs.get(uri)?.clone();
        let options = if self.settings.enable {
            let config = self.configs.for_file(&doc.path);
            (!config.excludes(&doc.path)).then(|| self.settings.apply(&config))
        } else {
            None
        };
        for e in self.configs.take_errors() {
            self.show(lsp::MessageType::Error, &format!("leaklint: {e}"));
        }
        // Only files take part in the project (an untitled document has a made-up path).
        let index = self.index.clone().filter(|_| uri.scheme() == "file");
        Some(LintJob {
            doc,
            options,
            encoding: self.encoding,
            lint: self.options.lint,
            index,
            changes: self.done_tx.clone(),
        })
    }

    /// Runs `respond` on a worker with the job's findings; a panic becomes an error response.
    fn spawn(
        &self,
        id: RequestId,
        job: LintJob,
        respond: impl FnOnce(&LintJob, Vec<Diagnostic>) -> Response + Send + 'static,
    ) {
        let tx = self.done_tx.clone();
        let budget = self.options.lint_budget;
        let id_again = id.clone();
        let started = spawn_worker(move || {
            let (found, failure) = job.lint_within(budget);
            if let Some(log) = failure {
                let _ = tx.send(Done::Failed(log));
            }
            let response = isolate::catch(|| respond(&job, found)).unwrap_or_else(|p| {
                Response::new_err(
                    id.clone(),
                    ErrorCode::InternalError as i32,
                    failure_log(&job.doc.path, &p.describe()),
                )
            });
            let _ = tx.send(Done::Respond(response));
        });
        if !started {
            self.send(Response::new_err(
                id_again,
                ErrorCode::InternalError as i32,
                "leaklint could not start a thread to lint the document".into(),
            ));
        }
    }

    fn on_done(&mut self, done: Done) {
        match done {
            Done::Publish {
                uri,
                version,
                diagnostics,
            } => {
                self.running.remove(&uri);
                // Drop results for a document that was closed or changed since the snapshot.
                let current = self.docs.get(&uri).map(|d| d.version);
                if self.relint.remove(&uri) && current.is_some() {
                    self.schedule(uri.clone(), Duration::ZERO);
                }
                if current == Some(version) {
                    self.publish(uri, Some(version), diagnostics);
                }
            }
            Done::Respond(r) => self.send(r),
            Done::Failed(message) => self.log(lsp::MessageType::Error, &message),
            Done::SummaryChanged(path) => self.on_summary_changed(&path),
            Done::DiskChanged(changes) => self.on_disk_changed(changes),
            Done::Indexed {
                files,
                summaries,
                took,
            } => self.on_indexed(files, summaries, took),
        }
    }

    fn publish(&self, uri: Uri, version: Option<i32>, diagnostics: Vec<lsp::Diagnostic>) {
        self.notify(
            "textDocument/publishDiagnostics",
            lsp::PublishDiagnosticsParams {
                uri,
                version,
                diagnostics,
            },
        );
    }
}

/// Runs `work` on a thread of its own (with the lint stack size; only touched pages are used), so
/// that no lint waits for another. Returns false (and logs why) when no thread could be started.
fn spawn_worker(work: impl FnOnce() + Send + 'static) -> bool {
    let spawned = std::thread::Builder::new()
        .name("leaklint-lint".into())
        .stack_size(crate::stacks::STACK_SIZE)
        .spawn(work);
    if let Err(e) = &spawned {
        eprintln!("leaklint server: cannot start a lint thread: {e}");
    }
    spawned.is_ok()
}

/// Everything a worker needs, owned: the document snapshot and the options in force.
#[derive(Clone)]
struct LintJob {
    doc: Snapshot,
    /// `None` when linting is off for this document (disabled, or excluded by its config).
    options: Option<LintOptions>,
    encoding: Encoding,
    lint: super::LintFn,
    /// The project index, for a document that takes part in the project.
    index: Option<SharedIndex>,
    /// Where a change of the document's summary is reported ([`Done::SummaryChanged`]).
    changes: Sender<Done>,
}

impl LintJob {
    /// The findings. When the linter panicked they are one `internal-error` diagnostic, and the
    /// second value is a log line naming the file.
    ///
    /// With a project index the document is summarised first and its summary recorded in the
    /// index (a change is reported on [`LintJob::changes`]); when the project knows something
    /// about the exports it asked about, it is linted again knowing it.
    fn lint(&self) -> (Vec<Diagnostic>, Option<String>) {
        let Some(options) = &self.options else {
            return (Vec::new(), None);
        };
        let (path, text) = (&self.doc.path, &self.doc.text);
        let lint = || -> Vec<Diagnostic> {
            let Some(index) = &self.index else {
                return (self.lint)(path, text, options, &Project::Alone).0;
            };
            let (found, summary) = (self.lint)(path, text, options, &Project::Summarise);
            let changed = write(index).set_open(path, self.doc.version, summary);
            if changed {
                let _ = self.changes.send(Done::SummaryChanged(path.clone()));
            }
            // Bind the facts first: the read lock is released before the second lint.
            let facts = read(index).facts_for(path);
            match facts {
                Some(facts) => (self.lint)(path, text, options, &Project::Knowing(&facts)).0,
                None => found,
            }
        };
        // `lint_document` isolates its own panics; this catches those of any other `LintFn`, and
        // of the project index.
        match isolate::catch(lint) {
            Ok(found) => {
                let failure = found
                    .iter()
                    .find(|d| d.rule == isolate::INTERNAL_ERROR)
                    .map(|d| failure_log(&self.doc.path, &d.message));
                (found, failure)
            }
            Err(p) => (
                vec![isolate::internal_error(&p)],
                Some(failure_log(&self.doc.path, &p.describe())),
            ),
        }
    }
}

impl LintJob {
    /// As [`LintJob::lint`], but gives up waiting after `budget`: the lint goes on on its own
    /// thread and the findings are one `parse-timeout` diagnostic.
    fn lint_within(&self, budget: Duration) -> (Vec<Diagnostic>, Option<String>) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let job = self.clone();
        if !spawn_worker(move || {
            let _ = tx.send(job.lint());
        }) {
            return self.lint();
        }
        rx.recv_timeout(budget).unwrap_or_else(|_| {
            (
                vec![crate::budget::parse_timeout(budget)],
                Some(format!(
                    "linting {} takes longer than {budget:?}; answered with parse-timeout",
                    self.doc.path.display()
                )),
            )
        })
    }
}

/// The index, to read (a panic while it was held left whole values: see [`super::project`]).
fn read(index: &SharedIndex) -> std::sync::RwLockReadGuard<'_, ProjectIndex> {
    index.read().unwrap_or_else(|e| e.into_inner())
}

/// The index, to change.
fn write(index: &SharedIndex) -> std::sync::RwLockWriteGuard<'_, ProjectIndex> {
    index.write().unwrap_or_else(|e| e.into_inner())
}

fn failure_log(path: &Path, what: &str) -> String {
    format!(
        "internal error while linting {}: {what} (please report this)",
        path.display()
    )
}

fn full_report(items: Vec<lsp::Diagnostic>) -> Value {
    json!({ "kind": "full", "items": items })
}
