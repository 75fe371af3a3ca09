//! The session: the workspace and the open buffers, re-checked on every change, and the
//! requests answered from the last check.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, BufRead, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;

use lsp_server::{Message, Notification, Request, RequestId};
use lsp_types as lt;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::app::{self, Checked, Fatal};
use crate::base::{Diagnostic, FileId, Location, Severity, Span};
use crate::cli::CheckArgs;
use crate::compile::Reparse;
use crate::graph::Graph;
use crate::load::Overlay;
use crate::rules::RuleMeta;

use super::convert::{self, path_of, uri_of};
use super::hover;
use super::keep::Findings;
use super::navigate::{self, Place};
use super::{Incoming, error_response, read, write};

/// One editor session.
pub struct Server {
    root: Option<PathBuf>,
    open: BTreeMap<PathBuf, Arc<str>>,
    checked: Option<Checked>,
    /// What was last published per file (files without findings are left out).
    published: BTreeMap<PathBuf, Vec<lt::Diagnostic>>,
    /// Buffers changed since the last publication: published even when unchanged, so that
    /// the editor knows the new text was checked.
    touched: BTreeSet<PathBuf>,
    rules: HashMap<&'static str, &'static RuleMeta>,
    /// The parses of the workspace's files, kept for the next check.
    parsed: Arc<Reparse>,
    /// The object-scoped findings of the last check, kept for the next.
    findings: Arc<Findings>,
    /// The config file and its text at the last check.
    config_seen: Option<(Option<PathBuf>, Option<String>)>,
    initialized: bool,
    shutdown: bool,
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

/// A request's failure: its JSON-RPC error code and message.
type Failure = (i32, String);

impl Server {
    /// A server with no workspace yet.
    pub fn new() -> Server {
        let mut rules: HashMap<&'static str, &'static RuleMeta> = crate::rules::builtin()
            .iter()
            .map(|r| (r.meta().id, r.meta()))
            .collect();
        if let Ok(policies) = crate::policy::PolicySet::with_dirs(&[]) {
            rules.extend(policies.metas().into_iter().map(|m| (m.id, m)));
        }
        Server {
            root: None,
            open: BTreeMap::new(),
            checked: None,
            published: BTreeMap::new(),
            touched: BTreeSet::new(),
            rules,
            parsed: Arc::default(),
            findings: Arc::default(),
            config_seen: None,
            initialized: false,
            shutdown: false,
        }
    }

    /// Serves until `exit` or the end of the input; `true` when the session ended with
    /// `shutdown` then `exit`, as the protocol asks.
    pub fn run(
        &mut self,
        input: Box<dyn BufRead + Send>,
        out: &mut dyn Write,
    ) -> Result<bool, Fatal> {
        let (tx, rx) = mpsc::channel();
        let mut input = input;
        std::thread::spawn(move || {
            loop {
                let next = read(&mut *input).unwrap_or(Incoming::End);
                let end = matches!(next, Incoming::End);
                if tx.send(next).is_err() || end {
                    break;
                }
            }
        });
        let mut pending = std::collections::VecDeque::new();
        loop {
            let next = match pending.pop_front() {
                Some(m) => m,
                None => rx.recv().unwrap_or(Incoming::End),
            };
            let message = match next {
                Incoming::End => return Ok(false),
                Incoming::Invalid(code, why) => {
                    write(out, &error_response(code, &why))?;
                    continue;
                }
                Incoming::Message(m) => m,
            };
            match message {
                Message::Request(req) => {
                    let response = self.request(req);
                    write(out, &response)?;
                }
                Message::Notification(n) if n.method == "exit" => return Ok(self.shutdown),
                Message::Notification(n) => {
                    if self.notification(n) {
                        // Changes that arrived meanwhile are taken in before one re-check:
                        // typing does not queue a check per keystroke.
                        while let Ok(m) = rx.try_recv() {
                            match m {
                                Incoming::Message(Message::Notification(n))
                                    if n.method.starts_with("textDocument/did") =>
                                {
                                    self.notification(n);
                                }
                                other => {
                                    pending.push_back(other);
                                    break;
                                }
                            }
                        }
                        self.recheck_and_publish(out)?;
                    }
                }
                Message::Response(_) => {}
            }
        }
    }

    /// Answers a request (an error response for any failure, a panic included).
    pub fn request(&mut self, req: Request) -> Value {
        let id = req.id.clone();
        let result =
            panic::catch_unwind(AssertUnwindSafe(|| self.dispatch(req))).unwrap_or_else(|p| {
                Err((
                    -32603,
                    format!(
                        "internal error: {}",
                        crate::check::panic_message(p.as_ref())
                    ),
                ))
            });
        response(id, result)
    }

    fn dispatch(&mut self, req: Request) -> Result<Value, Failure> {
        if req.method == "initialize" {
            let params: lt::InitializeParams = params(req.params)?;
            self.root = root_of(&params);
            self.initialized = true;
            return Ok(json!({
                "capabilities": {
                    "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": true}},
                    "codeActionProvider": {"codeActionKinds": ["quickfix"]},
                    "definitionProvider": true,
                    "referencesProvider": true,
                    "hoverProvider": true,
                },
                "serverInfo": {"name": "k8lint", "version": env!("CARGO_PKG_VERSION")},
            }));
        }
        if !self.initialized {
            return Err((-32002, "the server is not initialized".to_owned()));
        }
        if self.shutdown {
            return Err((-32600, "the server is shutting down".to_owned()));
        }
        match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => {
                let p: lt::CodeActionParams = params(req.params)?;
                Ok(serde_json::to_value(self.code_actions(&p)).unwrap_or_default())
            }
            "textDocument/definition" => {
                let p: lt::GotoDefinitionParams = params(req.params)?;
                let at = &p.text_document_position_params;
                let found = self.definition(&at.text_document.uri, at.position);
                Ok(serde_json::to_value(found).unwrap_or_default())
            }
            "textDocument/references" => {
                let p: lt::ReferenceParams = params(req.params)?;
                let at = &p.text_document_position;
                let found = self.references(
                    &at.text_document.uri,
                    at.position,
                    p.context.include_declaration,
                );
                Ok(serde_json::to_value(found).unwrap_or_default())
            }
            "textDocument/hover" => {
                let p: lt::HoverParams = params(req.params)?;
                let at = &p.text_document_position_params;
                let found = self.hover(&at.text_document.uri, at.position);
                Ok(serde_json::to_value(found).unwrap_or_default())
            }
            other => Err((-32601, format!("unknown method `{other}`"))),
        }
    }

    /// Takes a notification in; `true` when the workspace must be checked again.
    pub fn notification(&mut self, n: Notification) -> bool {
        let params = n.params;
        match n.method.as_str() {
            "initialized" => self.initialized,
            // Files changed on disk: values, policies, context folders that no buffer
            // shows. What was kept may depend on them.
            "workspace/didChangeWatchedFiles" => {
                self.findings.clear();
                self.initialized
            }
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(params) else {
                    return false;
                };
                self.set(&p.text_document.uri, Some(p.text_document.text))
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(params)
                else {
                    return false;
                };
                // Full synchronization: the last change is the whole text.
                let text = p.content_changes.into_iter().last().map(|c| c.text);
                text.is_some() && self.set(&p.text_document.uri, text)
            }
            "textDocument/didSave" => {
                let Ok(p) = serde_json::from_value::<lt::DidSaveTextDocumentParams>(params) else {
                    return false;
                };
                // A saved file may be a values file, a policy or a context file.
                self.findings.clear();
                match p.text {
                    Some(text) => self.set(&p.text_document.uri, Some(text)),
                    None => true,
                }
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(params) else {
                    return false;
                };
                self.set(&p.text_document.uri, None)
            }
            _ => false,
        }
    }

    /// Replaces (or with `None` forgets) an open buffer.
    fn set(&mut self, uri: &lt::Uri, text: Option<String>) -> bool {
        let Some(path) = path_of(uri) else {
            return false;
        };
        self.touched.insert(path.clone());
        match text {
            Some(t) => {
                self.open.insert(path, Arc::from(t));
            }
            None => {
                self.open.remove(&path);
            }
        }
        true
    }

    /// Checks the workspace again and publishes every file's findings (an empty list for
    /// a file that had some and has none now).
    pub fn recheck_and_publish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.recheck();
        let mut now: BTreeMap<PathBuf, Vec<lt::Diagnostic>> = BTreeMap::new();
        if let Some(checked) = &self.checked {
            let graph = &checked.compiled.graph;
            for d in &checked.diagnostics {
                if let Some((path, diag)) = self.to_lsp(graph, d) {
                    now.entry(path).or_default().push(diag);
                }
            }
        }
        for path in self.published.keys().chain(self.open.keys()) {
            now.entry(path.clone()).or_default();
        }
        let touched = std::mem::take(&mut self.touched);
        let first = self.published.is_empty();
        for (path, diagnostics) in now {
            let before = self.published.get(&path);
            let same = before.map_or(diagnostics.is_empty() && !first, |b| *b == diagnostics);
            if same && !touched.contains(&path) {
                continue;
            }
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path.clone(), diagnostics.clone());
            }
            let Some(uri) = uri_of(&path) else {
                continue;
            };
            let params = lt::PublishDiagnosticsParams::new(uri, diagnostics, None);
            write(
                out,
                &json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params}),
            )?;
        }
        Ok(())
    }

    /// The check of the workspace folder and of the open files outside it, with the
    /// buffers' texts.
    fn recheck(&mut self) {
        let mut paths: Vec<String> = Vec::new();
        if let Some(root) = &self.root {
            paths.push(root.display().to_string());
        }
        for p in self.open.keys() {
            if self.root.as_ref().is_none_or(|r| !p.starts_with(r)) {
                paths.push(p.display().to_string());
            }
        }
        if paths.is_empty() {
            self.checked = None;
            return;
        }
        let mut overlay = Overlay::default();
        for (p, text) in &self.open {
            overlay.insert(p.clone(), Arc::clone(text));
        }
        let config = self.root.as_deref().and_then(crate::config::discover);
        let args = CheckArgs {
            paths,
            config: config.clone(),
            quiet: true,
            // A chart's rendering has no file to show its findings in: not rendered on
            // every edit.
            no_helm: true,
            ..CheckArgs::default()
        };
        // Findings kept under another config would be wrong under this one.
        let config_text = config
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        let fingerprint = (config.clone(), config_text);
        if self.config_seen.as_ref() != Some(&fingerprint) {
            self.findings.clear();
            self.config_seen = Some(fingerprint);
        }
        let findings = Arc::clone(&self.findings);
        let kept = move |compiled: &crate::compile::Compiled| findings.for_check(compiled);
        let kept: &app::KeptFindings = &kept;
        let keep = app::Keep {
            overlay: &overlay,
            parsed: Some(Arc::clone(&self.parsed)),
            findings: Some(kept),
            workers: self.checked.as_ref().map(|c| Arc::clone(&c.workers)),
        };
        // A bad config is said once per check as a failed run: the last good check stays.
        if let Ok(checked) = app::compile_and_check_keeping(&args, &keep, &mut io::sink()) {
            self.checked = Some(checked);
        }
    }

    fn to_lsp(&self, graph: &Graph, d: &Diagnostic) -> Option<(PathBuf, lt::Diagnostic)> {
        let (file, span) = graph.locate_at(&d.location, d.at_key);
        let (path, range) = self.place(graph, file, span)?;
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let related: Vec<lt::DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|r| {
                let (f, s) = graph.locate(&r.location);
                let (p, range) = self.place(graph, f, s)?;
                Some(lt::DiagnosticRelatedInformation {
                    location: lt::Location::new(uri_of(&p)?, range),
                    message: r.message.clone(),
                })
            })
            .collect();
        let href = self
            .rules
            .get(d.rule.as_str())
            .and_then(|m| reference_link(m))
            .and_then(|h| h.parse().ok());
        let diag = lt::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => lt::DiagnosticSeverity::ERROR,
                Severity::Warning => lt::DiagnosticSeverity::WARNING,
                Severity::Info => lt::DiagnosticSeverity::INFORMATION,
            }),
            code: Some(lt::NumberOrString::String(d.rule.to_string())),
            code_description: href.map(|href| lt::CodeDescription { href }),
            source: Some("k8lint".to_owned()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        };
        Some((path, diag))
    }

    /// The absolute path and range of a span.
    fn place(&self, graph: &Graph, file: FileId, span: Span) -> Option<(PathBuf, lt::Range)> {
        let f = graph.files.get(file.0 as usize)?;
        let path = absolute(f.path.as_deref()?);
        Some((path, convert::range(f, span)))
    }

    /// The file of the last check at a path, and the byte offset of a position in it.
    fn at(&self, uri: &lt::Uri, position: lt::Position) -> Option<(&Checked, FileId, u32)> {
        let path = path_of(uri)?;
        let checked = self.checked.as_ref()?;
        let file = checked
            .compiled
            .graph
            .files
            .iter()
            .find(|f| f.path.as_deref().map(absolute).as_deref() == Some(path.as_path()))?;
        let offset = convert::offset(&file.text(), position);
        Some((checked, file.id, offset as u32))
    }

    // `WorkspaceEdit` is keyed by `Uri`, whose parsed parts sit in cells; its hash and
    // equality are those of its text, which never changes.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&self, p: &lt::CodeActionParams) -> Vec<lt::CodeAction> {
        let mut out = Vec::new();
        let Some((checked, file, start)) = self.at(&p.text_document.uri, p.range.start) else {
            return out;
        };
        let graph = &checked.compiled.graph;
        let end = convert::offset(&graph.file(file).text(), p.range.end) as u32;
        for d in &checked.diagnostics {
            let (f, span) = graph.locate_at(&d.location, d.at_key);
            if f != file || span.end < start || span.start > end {
                continue;
            }
            if let Some(a) = self.suppression(graph, d) {
                out.push(a);
            }
            if let Some(r) = crate::fix::resolve(graph, checked.version, d) {
                let unsafe_fix = r.fix.safety == crate::rules::Safety::Unsafe;
                let mut changes: HashMap<lt::Uri, Vec<lt::TextEdit>> = HashMap::new();
                for e in &r.edits {
                    if let Some((path, range)) = self.place(graph, e.file, e.span) {
                        if let Some(uri) = uri_of(&path) {
                            changes
                                .entry(uri)
                                .or_default()
                                .push(lt::TextEdit::new(range, e.text.clone()));
                        }
                    }
                }
                out.push(lt::CodeAction {
                    title: format!(
                        "{}{} ({})",
                        r.fix.title,
                        if unsafe_fix { " [unsafe]" } else { "" },
                        d.rule
                    ),
                    kind: Some(lt::CodeActionKind::QUICKFIX),
                    is_preferred: Some(!unsafe_fix),
                    edit: Some(lt::WorkspaceEdit::new(changes)),
                    ..lt::CodeAction::default()
                });
            }
        }
        out
    }

    /// `# k8lint: ignore RULE -- ` on its own line above the finding's node.
    #[allow(clippy::mutable_key_type)]
    fn suppression(&self, graph: &Graph, d: &Diagnostic) -> Option<lt::CodeAction> {
        let (file, offset) = match &d.location {
            Location::Object { object, pointer } => {
                let tree = graph.object_tree(*object);
                let (node, f) = tree.node_at(pointer);
                (f, node.head_span().start)
            }
            Location::File { file, span } => (*file, span.start),
        };
        let f = graph.files.get(file.0 as usize)?;
        let line = f.line_span(f.line_of(offset));
        let text = f.slice(line);
        let indent: String = text.chars().take_while(|c| *c == ' ').collect();
        let (path, _) = self.place(graph, file, line)?;
        let at = convert::position(f, line.start);
        let edit = lt::TextEdit::new(
            lt::Range::new(at, at),
            format!("{indent}# k8lint: ignore {} -- \n", d.rule),
        );
        Some(lt::CodeAction {
            title: format!("Suppress `{}` for this node", d.rule),
            kind: Some(lt::CodeActionKind::QUICKFIX),
            edit: Some(lt::WorkspaceEdit::new(HashMap::from([(
                uri_of(&path)?,
                vec![edit],
            )]))),
            ..lt::CodeAction::default()
        })
    }

    fn location(&self, graph: &Graph, place: &Place) -> Option<lt::Location> {
        let data = ["/data/", "/binaryData/", "/stringData/"];
        let key = data.iter().any(|d| place.1.as_str().starts_with(d));
        let location = Location::Object {
            object: place.0,
            pointer: place.1.clone(),
        };
        let (file, span) = graph.locate_at(&location, key);
        let (path, range) = self.place(graph, file, span)?;
        Some(lt::Location::new(uri_of(&path)?, range))
    }

    fn definition(&self, uri: &lt::Uri, position: lt::Position) -> Vec<lt::Location> {
        let Some((checked, file, offset)) = self.at(uri, position) else {
            return Vec::new();
        };
        let graph = &checked.compiled.graph;
        let Some(place) = navigate::pointer_at(graph, file, offset) else {
            return Vec::new();
        };
        navigate::targets(graph, &place)
            .iter()
            .filter_map(|t| self.location(graph, t))
            .collect()
    }

    fn references(
        &self,
        uri: &lt::Uri,
        position: lt::Position,
        declaration: bool,
    ) -> Vec<lt::Location> {
        let Some((checked, file, offset)) = self.at(uri, position) else {
            return Vec::new();
        };
        let graph = &checked.compiled.graph;
        let Some(place) = navigate::pointer_at(graph, file, offset) else {
            return Vec::new();
        };
        let mut out: Vec<lt::Location> = Vec::new();
        if declaration {
            out.extend(self.location(graph, &place));
        }
        for r in navigate::references(graph, &place) {
            out.extend(self.location(graph, &r));
        }
        out
    }

    fn hover(&self, uri: &lt::Uri, position: lt::Position) -> Option<lt::Hover> {
        let (checked, file, offset) = self.at(uri, position)?;
        let graph = &checked.compiled.graph;
        let mut ids: Vec<&str> = Vec::new();
        for d in &checked.diagnostics {
            let (f, span) = graph.locate_at(&d.location, d.at_key);
            if f == file
                && span.start <= offset
                && offset <= span.end
                && !ids.contains(&d.rule.as_str())
            {
                ids.push(d.rule.as_str());
            }
        }
        if ids.is_empty() {
            // A rule id in a suppression comment.
            let f = graph.file(file);
            let line = f.slice(f.line_span(f.line_of(offset)));
            if line.contains("k8lint:") {
                let start = f.line_span(f.line_of(offset)).start;
                let at = (offset - start) as usize;
                let word = |c: char| c.is_ascii_alphanumeric() || c == '-';
                let from = line.get(..at)?.rfind(|c| !word(c)).map_or(0, |i| i + 1);
                let to = line
                    .get(at..)?
                    .find(|c| !word(c))
                    .map_or(line.len(), |i| at + i);
                let id = line.get(from..to)?;
                if let Some((id, _)) = self.rules.get_key_value(id) {
                    ids.push(id);
                }
            }
        }
        let field = navigate::pointer_at(graph, file, offset).and_then(|(id, pointer)| {
            let o = graph.object(id);
            let schemas = crate::schema::catalog::for_version(checked.version.as_str())?;
            hover::field(schemas, &o.api_version, &o.kind, &pointer)
        });
        if ids.is_empty() && field.is_none() {
            return None;
        }
        let mut text: Vec<String> = ids
            .iter()
            .filter_map(|id| self.rules.get(id))
            .map(|m| {
                format!(
                    "### {} ({})\n{}\n\n{}",
                    m.id,
                    m.category,
                    m.summary,
                    m.docs_text().trim_end()
                )
            })
            .collect();
        // The field comes first: the rule pages are long.
        if let Some(f) = field {
            text.insert(0, f.markdown());
        }
        Some(lt::Hover {
            contents: lt::HoverContents::Markup(lt::MarkupContent {
                kind: lt::MarkupKind::Markdown,
                value: text.join("\n\n---\n\n"),
            }),
            range: None,
        })
    }
}

fn params<T: DeserializeOwned>(value: Value) -> Result<T, Failure> {
    serde_json::from_value(value).map_err(|e| (-32602, format!("invalid params: {e}")))
}

fn response(id: RequestId, result: Result<Value, Failure>) -> Value {
    match result {
        Ok(value) => json!({"jsonrpc": "2.0", "id": id, "result": value}),
        Err((code, message)) => {
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
        }
    }
}

/// The workspace folder: the first of `workspaceFolders`, else `rootUri`.
#[allow(deprecated)]
fn root_of(p: &lt::InitializeParams) -> Option<PathBuf> {
    p.workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| path_of(&f.uri))
        .or_else(|| p.root_uri.as_ref().and_then(path_of))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The first page a user can open among a rule's references.
fn reference_link(meta: &RuleMeta) -> Option<String> {
    let docs = meta.docs;
    let start = docs.find("https://")?;
    let rest = &docs[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == ')')
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}
