//! load → parse → model → graph: turns paths into the object graph, with the diagnostics
//! of the input stages (syntax, duplicate keys, templates, documents without a kind).

use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::base::{At, Diagnostic, DocId, FileId, Location, ObjectId, Pointer, Span};
use crate::graph::{DocTree, Graph};
use crate::load::{self, InputPath, LoadError, SourceFile};
use crate::model::Object;
use crate::model::object::{group_of, is_cluster_scoped_builtin, str_at};
use crate::render::template::Templates;
use crate::rules::input::{
    MISSING_KIND, TEMPLATE_ERROR, TEMPLATE_SYNTAX, YAML_DUPLICATE_KEY, YAML_SYNTAX,
};
use crate::yaml::{self, Comment, ParseLimits, ProblemKind};

/// Bounds on input size.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Parser bounds.
    pub parse: ParseLimits,
    /// Objects in one run; the rest are not checked.
    pub max_objects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            parse: ParseLimits::default(),
            max_objects: 1_000_000,
        }
    }
}

/// What to compile.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Files to check (already expanded from directories).
    pub files: Vec<InputPath>,
    /// Default namespace of namespaced objects without one.
    pub namespace: String,
    /// Bounds.
    pub limits: Limits,
    /// Values and engine for `${{ }}` expressions (the template stage).
    pub templates: Templates,
}

/// Counts for the report's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files read (not counting context files).
    pub files: usize,
    /// Non-empty documents.
    pub documents: usize,
    /// Objects checked.
    pub objects: usize,
    /// Files skipped because they hold no Kubernetes object.
    pub skipped_files: usize,
}

/// The compiled input.
#[derive(Debug)]
pub struct Compiled {
    /// The graph.
    pub graph: Graph,
    /// Diagnostics of the input stages.
    pub diagnostics: Vec<Diagnostic>,
    /// Comments of every checked file, for inline suppressions.
    pub comments: Vec<(FileId, Vec<Comment>)>,
    /// Counts.
    pub counts: Counts,
}

/// One file after reading and parsing, before objects get ids.
struct ParsedFile {
    source: SourceFile,
    documents: Vec<yaml::Document>,
    comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
    skipped: bool,
    /// Non-empty documents that parsed, objects or not.
    parsed_documents: usize,
}

impl ParsedFile {
    /// A file that yields no document: skipped, or reported whole by `diagnostics`.
    fn without_documents(
        source: SourceFile,
        diagnostics: Vec<Diagnostic>,
        skipped: bool,
    ) -> ParsedFile {
        ParsedFile {
            source,
            documents: Vec::new(),
            comments: Vec::new(),
            diagnostics,
            skipped,
            parsed_documents: 0,
        }
    }
}

/// Reads, parses and classifies every input file (in parallel), then builds the graph.
pub fn compile(inputs: &Inputs) -> Result<Compiled, LoadError> {
    let patches = load::kustomize::patch_files(&inputs.files);
    let parsed: Vec<ParsedFile> = inputs
        .files
        .par_iter()
        .enumerate()
        .map(|(i, input)| {
            let id = FileId(i as u32);
            if load::kustomize::is_patch(input, &patches) {
                return Ok(skipped(id, input));
            }
            read_and_parse(id, input, &inputs.limits, &inputs.templates)
        })
        .collect::<Result<_, _>>()?;
    Ok(assemble(
        parsed,
        &inputs.namespace,
        inputs.limits.max_objects,
    ))
}

/// Compiles files held in memory, `(name, bytes)`, as if named on the command line (for
/// fuzzing and embedding).
pub fn compile_in_memory(
    sources: &[(String, Vec<u8>)],
    namespace: &str,
    limits: &Limits,
) -> Compiled {
    let parsed = sources
        .iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let input = InputPath {
                path: Some(name.into()),
                explicit: true,
                context: false,
            };
            parse_bytes(
                FileId(i as u32),
                &input,
                bytes.clone(),
                limits,
                &Templates::default(),
            )
        })
        .collect();
    assemble(parsed, namespace, limits.max_objects)
}

/// Objects get ids and the graph its indexes, in input order.
fn assemble(parsed: Vec<ParsedFile>, namespace: &str, max_objects: usize) -> Compiled {
    let mut files = Vec::with_capacity(parsed.len());
    // One object per document, but for Lists: exact in the common case, and these live
    // until the run ends.
    let documents: usize = parsed.iter().map(|pf| pf.documents.len()).sum();
    let mut docs = Vec::with_capacity(documents);
    let mut objects = Vec::with_capacity(documents.min(max_objects));
    let mut diagnostics = Vec::new();
    let mut comments = Vec::new();
    let mut counts = Counts::default();
    let mut over_limit = false;
    for pf in parsed {
        let context = pf.source.context;
        if !context {
            counts.files += 1;
            counts.skipped_files += usize::from(pf.skipped);
            counts.documents += pf.parsed_documents;
            diagnostics.extend(pf.diagnostics);
            comments.push((pf.source.id, pf.comments));
        }
        for doc in pf.documents {
            let doc_id = DocId(docs.len() as u32);
            let mut found = Vec::new();
            classify(doc.value, Pointer::root(), &mut found);
            for (base, value) in found.into_iter().filter(|(_, v)| !v.is_null()) {
                if objects.len() >= max_objects {
                    if !over_limit && !context {
                        over_limit = true;
                        let message = format!(
                            "the run has more than {max_objects} objects (limits.max-objects); this one and the rest are not checked"
                        );
                        diagnostics.push(YAML_SYNTAX.diagnostic(
                            Location::File {
                                file: pf.source.id,
                                span: doc.tree.label_span(),
                            },
                            message,
                        ));
                    }
                    break;
                }
                let id = ObjectId(objects.len() as u32);
                objects.push(make_object(
                    id,
                    pf.source.id,
                    doc_id,
                    base,
                    value,
                    context,
                    namespace,
                ));
            }
            docs.push(DocTree {
                file: pf.source.id,
                index: doc.index,
                span: doc.span,
                tree: doc.tree,
            });
        }
        files.push(pf.source);
    }
    counts.objects = objects.iter().filter(|o: &&Object| !o.context).count();
    apply_crd_scopes(&mut objects);
    let graph = Graph::new(files, docs, objects);
    Compiled {
        graph,
        diagnostics,
        comments,
        counts,
    }
}

/// A document's value → the objects in it (a `List` gives its items).
fn classify(value: Value, base: Pointer, out: &mut Vec<(Pointer, Value)>) {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    if !is_list {
        out.push((base, value));
        return;
    }
    let Value::Object(mut map) = value else {
        return;
    };
    let Some(Value::Array(items)) = map.remove("items") else {
        return;
    };
    for (i, item) in items.into_iter().enumerate() {
        out.push((base.key("items").index(i), item));
    }
}

fn make_object(
    id: ObjectId,
    file: FileId,
    doc: DocId,
    base: Pointer,
    value: Value,
    context: bool,
    default_ns: &str,
) -> Object {
    let s = |p: &str| str_at(&value, p);
    let api_version = s("/apiVersion");
    let kind = s("/kind");
    let name = s("/metadata/name");
    let group = group_of(&api_version).to_owned();
    let namespace = if is_cluster_scoped_builtin(&group, &kind) {
        None
    } else {
        Some(
            value
                .at("/metadata/namespace")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or(default_ns)
                .to_owned(),
        )
    };
    Object {
        id,
        file,
        doc,
        base,
        value,
        api_version,
        kind,
        group,
        namespace,
        name,
        context,
    }
}

/// Custom resources of a cluster-scoped CRD in the inputs have no namespace.
fn apply_crd_scopes(objects: &mut [Object]) {
    let cluster: std::collections::HashSet<(String, String)> = objects
        .iter()
        .filter(|o| o.is("apiextensions.k8s.io", "CustomResourceDefinition"))
        .filter(|o| o.at("/spec/scope").and_then(Value::as_str) == Some("Cluster"))
        .filter_map(|o| {
            let group = o.at("/spec/group")?.as_str()?.to_owned();
            let kind = o.at("/spec/names/kind")?.as_str()?.to_owned();
            Some((group, kind))
        })
        .collect();
    if cluster.is_empty() {
        return;
    }
    for o in objects.iter_mut() {
        if cluster.contains(&(o.group.clone(), o.kind.clone())) {
            o.namespace = None;
        }
    }
}

/// Whether a document is a tool's config that never reaches a cluster.
fn is_tool_config(value: &Value) -> bool {
    let api = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let group = group_of(api);
    matches!(
        group,
        "kustomize.config.k8s.io" | "kpt.dev" | "config.kubernetes.io" | "fn.kpt.dev"
    ) || api.starts_with("skaffold/")
}

/// Whether a document has the shape of an object: string `apiVersion` and `kind`.
fn has_identity(value: &Value) -> bool {
    value.get("apiVersion").is_some_and(Value::is_string)
        && value.get("kind").is_some_and(Value::is_string)
}

fn read_and_parse(
    id: FileId,
    input: &InputPath,
    limits: &Limits,
    templates: &Templates,
) -> Result<ParsedFile, LoadError> {
    match load::read_bytes(input, limits.max_file_bytes)? {
        Ok(bytes) => Ok(parse_bytes(id, input, bytes, limits, templates)),
        Err(message) => Ok(unreadable(
            id,
            input.display(),
            input,
            String::new(),
            0,
            message,
        )),
    }
}

/// Decodes and parses one file's bytes, runs the template stage and classifies its
/// documents.
fn parse_bytes(
    id: FileId,
    input: &InputPath,
    bytes: Vec<u8>,
    limits: &Limits,
    templates: &Templates,
) -> ParsedFile {
    let name = input.display();
    let text = match load::decode(bytes) {
        Ok(text) => text,
        // Not text: keep what decodes, so the diagnostic lands at the offending byte.
        Err(e) => return unreadable(id, name, input, e.lossy, e.offset, e.message),
    };
    let text: Arc<str> = Arc::from(text);
    let source = SourceFile::new(
        id,
        name,
        input.path.clone(),
        Arc::clone(&text),
        input.context,
    );
    let stream = yaml::parse(&text, &limits.parse);
    let mut diagnostics = Vec::new();
    let file_loc = |span: Span| Location::File { file: id, span };

    let broken = stream
        .problems
        .iter()
        .any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::ComplexKey));
    if broken {
        if let Some(span) = template_action(&text) {
            let d = TEMPLATE_SYNTAX.diagnostic(
                file_loc(span),
                "this file is a Go template (Helm chart template), not a manifest",
            );
            return ParsedFile::without_documents(source, vec![d], false);
        }
    }
    for p in &stream.problems {
        let meta = match p.kind {
            ProblemKind::DuplicateKey => &YAML_DUPLICATE_KEY,
            ProblemKind::Syntax | ProblemKind::ComplexKey | ProblemKind::Limit => &YAML_SYNTAX,
        };
        let mut d = meta.diagnostic(file_loc(p.span), p.message.clone());
        if let Some((span, message)) = &p.related {
            d = d.with_related_span(id, *span, message.clone());
        }
        diagnostics.push(d);
    }

    // Which documents are objects; a walked file with none is not a Kubernetes file.
    let parsed_documents = stream.documents.len();
    let mut documents = Vec::with_capacity(stream.documents.len());
    let mut tool_configs = 0;
    for doc in stream.documents {
        if is_tool_config(&doc.value) {
            tool_configs += 1;
            continue;
        }
        documents.push(doc);
    }
    let any_object = documents.iter().any(|d| has_identity(&d.value));
    if !any_object {
        let skipped = !input.explicit || tool_configs > 0;
        if !skipped && diagnostics.is_empty() {
            diagnostics.push(MISSING_KIND.diagnostic(file_loc(
                    documents
                        .first()
                        .map_or(Span::default(), |d| d.tree.label_span()),
                ),
                "this file holds no Kubernetes object (no document has both apiVersion and kind)",
            ));
        }
        let comments = if skipped { Vec::new() } else { stream.comments };
        return ParsedFile {
            source,
            documents: Vec::new(),
            comments,
            diagnostics: if skipped { Vec::new() } else { diagnostics },
            skipped,
            parsed_documents: if skipped { 0 } else { parsed_documents },
        };
    }
    // The template stage: between parse and model, on the files that hold objects.
    if text.contains("${{") {
        for doc in &mut documents {
            for p in templates.expand(&mut doc.tree, &mut doc.value, &text) {
                diagnostics.push(TEMPLATE_ERROR.diagnostic(file_loc(p.span), p.message));
            }
        }
    }
    let mut kept = Vec::with_capacity(documents.len());
    for doc in documents {
        match missing_identity(&doc.value) {
            None => kept.push(doc),
            Some(message) => {
                diagnostics.push(MISSING_KIND.diagnostic(file_loc(doc.tree.label_span()), message))
            }
        }
    }
    // List items without identity.
    for doc in &kept {
        if let Some(items) = list_items(&doc.value) {
            for (i, item) in items.iter().enumerate() {
                if let Some(message) = missing_identity(item) {
                    let (node, _) = doc.tree.resolve(&Pointer::root().key("items").index(i));
                    diagnostics.push(MISSING_KIND.diagnostic(
                        file_loc(node.label_span()),
                        format!("List item {i}: {message}"),
                    ));
                }
            }
        }
    }
    let kept = kept
        .into_iter()
        .map(|mut d| {
            strip_unidentified_items(&mut d.value);
            d
        })
        .collect();
    ParsedFile {
        source,
        documents: kept,
        comments: stream.comments,
        diagnostics,
        skipped: false,
        parsed_documents,
    }
}

/// A kustomize patch found in a walk: counted as skipped, never parsed.
fn skipped(id: FileId, input: &InputPath) -> ParsedFile {
    let source = SourceFile::new(
        id,
        input.display(),
        input.path.clone(),
        Arc::from(""),
        input.context,
    );
    ParsedFile::without_documents(source, Vec::new(), true)
}

/// A file that cannot be parsed at all: one `yaml-syntax` finding at `offset`.
fn unreadable(
    id: FileId,
    name: String,
    input: &InputPath,
    text: String,
    offset: usize,
    message: String,
) -> ParsedFile {
    let offset = offset.min(text.len());
    let source = SourceFile::new(id, name, input.path.clone(), Arc::from(text), input.context);
    let d = YAML_SYNTAX.diagnostic(
        Location::File {
            file: id,
            span: Span::new(offset, offset + 1),
        },
        message,
    );
    ParsedFile::without_documents(source, vec![d], false)
}

fn list_items(value: &Value) -> Option<&Vec<Value>> {
    let kind = value.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    value.get("items")?.as_array()
}

/// List items that cannot become objects are replaced by null so that item indexes (and
/// so pointers) stay those of the file; null items are dropped when objects are made.
fn strip_unidentified_items(value: &mut Value) {
    if list_items(value).is_none() {
        return;
    }
    if let Some(Value::Array(items)) = value.get_mut("items") {
        for item in items.iter_mut() {
            if missing_identity(item).is_some() {
                *item = Value::Null;
            }
        }
    }
}

fn missing_identity(value: &Value) -> Option<String> {
    if value.is_null() {
        return None;
    }
    let Some(map) = value.as_object() else {
        return Some("a Kubernetes object must be a mapping".to_owned());
    };
    let missing: Vec<&str> = ["apiVersion", "kind"]
        .into_iter()
        .filter(|k| !map.get(*k).is_some_and(Value::is_string))
        .collect();
    match missing.as_slice() {
        [] => None,
        [one] => Some(format!("the document has no `{one}`")),
        _ => Some("the document has no `apiVersion` and no `kind`".to_owned()),
    }
}

/// The first Go-template action where YAML structure stands: a line or a value that starts
/// with `{{`. `None` when the file has no `{{` at all.
fn template_action(text: &str) -> Option<Span> {
    // `${{ }}` is k8lint's own template syntax, not Helm's.
    let first = memchr::memmem::find_iter(text.as_bytes(), b"{{")
        .find(|&i| i == 0 || text.as_bytes()[i - 1] != b'$')?;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        let starts = trimmed.strip_prefix("- ").map_or(trimmed, str::trim_start);
        let after_key = trimmed.find(": {{").map(|i| i + 2);
        let at = if starts.starts_with("{{") {
            Some(lead + (trimmed.len() - starts.len()))
        } else {
            after_key.map(|i| lead + i)
        };
        if let Some(at) = at {
            let start = offset + at;
            let end = line[at..]
                .find("}}")
                .map_or(offset + line.trim_end().len(), |e| offset + at + e + 2);
            return Some(Span::new(start, end));
        }
        offset += line.len();
    }
    Some(Span::new(first, first + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_action_finds_the_first_structural_action() {
        let text = "a: \"x {{ y }}\"\n{{- if .Values.on }}\nb: 1\n";
        let s = template_action(text).unwrap();
        assert_eq!(
            &text[s.start as usize..s.end as usize],
            "{{- if .Values.on }}"
        );
        let text = "metadata:\n  name: {{ .Release.Name }}-web\n";
        let s = template_action(text).unwrap();
        assert_eq!(
            &text[s.start as usize..s.end as usize],
            "{{ .Release.Name }}"
        );
    }
}
