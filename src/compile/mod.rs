//! The input pipeline's driver, load → parse → model → graph: turns paths into the
//! object graph. Which documents are objects is [`classify`]'s, their identity
//! [`identity`]'s; the findings of the input stages (syntax, duplicate keys, templates,
//! documents without a kind) are made by the input rules' own files.

pub mod charts;
pub mod classify;
pub mod identity;
pub mod parses;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::base::{Diagnostic, DocId, FileId, ObjectId, Pointer, Span};
use crate::graph::units::{Declared, Membership, Units};
use crate::graph::{DocTree, Graph};
use crate::kustomize::{self, Builds};
use crate::load::{self, InputPath, LoadError, SourceFile};
use crate::model::Object;
use crate::render::template::Templates;
use crate::rules::input::{
    missing_kind, template_error, template_syntax, yaml_duplicate_key, yaml_syntax,
};
use crate::yaml::{self, Comment, InputBudget, ParseLimits, ProblemKind};
use classify::{classify, has_identity, is_tool_config, is_tool_file, strip_unidentified_items};
use identity::{apply_crd_scopes, make_object};
use parses::ParseStore;

/// Bounds on input size.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Parser bounds.
    pub parse: ParseLimits,
    /// Objects in one run; the rest are not checked.
    pub max_objects: usize,
    /// The text of the files whose span trees are kept from the parse to the report, over
    /// the whole run (`None`: every tree is kept). A tree is about twice its text and is
    /// needed only to locate findings, so past this budget a file's trees are let go once
    /// its objects are built and its text is parsed again when a finding in it is
    /// located: memory stops growing with the repository for a little more time.
    pub kept_trees: Option<Arc<InputBudget>>,
}

/// The default of `limits.kept-tree-bytes`: repositories of up to ten thousand objects
/// keep every tree.
pub const DEFAULT_KEPT_TREE_BYTES: u64 = 16 * 1024 * 1024;

/// The default of `limits.max-input-bytes`: every file's text plus what aliases expand
/// to, over the whole run (real repositories are tens of MiB).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            parse: ParseLimits {
                run: Some(Arc::new(InputBudget::new(DEFAULT_MAX_INPUT_BYTES))),
                ..ParseLimits::default()
            },
            max_objects: 1_000_000,
            kept_trees: Some(Arc::new(InputBudget::new(DEFAULT_KEPT_TREE_BYTES))),
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
    /// Texts read instead of the files on disk.
    pub overlay: load::Overlay,
    /// The apply units declared in the config.
    pub units: Declared,
    /// How to render the Helm charts of a walk; `None`: they are reported, not rendered.
    pub helm: Option<crate::helm::Helm>,
    /// Parses kept on disk from earlier runs; `None`: every file is parsed.
    pub parses: Option<Arc<parses::ParseStore>>,
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

/// Parse results kept between compilations of the same workspace (the editor's server
/// compiles it again on every change): a file whose text, id and role did not change is
/// not parsed again. Files that leave the inputs are forgotten.
#[derive(Debug, Default)]
pub struct Reparse {
    files: Mutex<HashMap<PathBuf, Arc<ParsedFile>>>,
}

impl Reparse {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<ParsedFile>>> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The parse of a decoded text: the kept one when the same file had the same text.
    fn parse(
        &self,
        id: FileId,
        input: &InputPath,
        text: String,
        limits: &Limits,
        templates: &Templates,
        store: Option<&ParseStore>,
    ) -> ParsedFile {
        let Some(path) = input.path.as_ref() else {
            return parse_text(id, input.display(), input, text, limits, templates, store);
        };
        let same = |pf: &ParsedFile| {
            pf.source.id == id
                && pf.source.context == input.context
                && pf.explicit == input.explicit
                && *pf.source.text() == *text
        };
        let kept = self.lock().get(path).filter(|pf| same(pf)).map(Arc::clone);
        if let Some(kept) = kept {
            // The documents are shared, not copied (`SharedDoc`): the rest of the record
            // is small, and copied outside the lock while other files are looked up.
            return ParsedFile::clone(&kept);
        }
        // Not kept: a template's output depends on the values, not on the text alone,
        // and aliases charge the run's input budget as they are expanded.
        let templated = text.contains("${{");
        let mut parsed = parse_text(id, input.display(), input, text, limits, templates, store);
        parsed.explicit = input.explicit;
        if !templated && !parsed.aliased {
            self.lock().insert(path.clone(), Arc::new(parsed.clone()));
        }
        parsed
    }

    /// Forgets the files that are no longer inputs.
    fn retain(&self, inputs: &[InputPath]) {
        let paths: HashSet<&Path> = inputs.iter().filter_map(|i| i.path.as_deref()).collect();
        self.lock().retain(|p, _| paths.contains(p.as_path()));
    }
}

/// The parses a compilation may take instead of parsing: the editor's, kept in memory,
/// and the ones kept on disk.
type Kept<'a> = (Option<&'a Reparse>, Option<&'a ParseStore>);

/// One file after reading and parsing, before objects get ids.
#[derive(Debug, Clone)]
struct ParsedFile {
    source: SourceFile,
    documents: Vec<SharedDoc>,
    comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
    skipped: bool,
    /// Non-empty documents that parsed, objects or not.
    parsed_documents: usize,
    /// The path whose folder is the apply unit, when it is not the file's own (a chart's
    /// rendering is applied from the chart's folder).
    unit_of: Option<std::path::PathBuf>,
    /// Whether the file was named on the command line.
    explicit: bool,
    /// Whether its parse expanded an alias: charged to the run's input budget as it is
    /// expanded, so such a parse is never reused.
    aliased: bool,
}

/// A parsed document as the graph takes it: its tree and value are shared, so that a
/// kept parse (the editor's server keeps one per unchanged file) goes into the next
/// check without a copy, and leaves it without being freed.
#[derive(Debug, Clone)]
struct SharedDoc {
    index: usize,
    span: Span,
    /// The span a finding on the whole document underlines.
    label: Span,
    /// `None` once let go (see [`Limits::kept_trees`]).
    tree: Option<Arc<yaml::Node>>,
    value: Arc<crate::base::value::Value>,
}

impl From<yaml::Document> for SharedDoc {
    fn from(d: yaml::Document) -> SharedDoc {
        SharedDoc {
            index: d.index,
            span: d.span,
            label: d.tree.label_span(),
            tree: Some(Arc::new(d.tree)),
            value: Arc::new(d.value),
        }
    }
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
            unit_of: None,
            explicit: false,
            aliased: false,
        }
    }
}

/// Reads, parses and classifies every input file (in parallel), then builds the graph.
pub fn compile(inputs: &Inputs) -> Result<Compiled, LoadError> {
    compile_reusing(inputs, None)
}

/// [`compile`], taking the parse of every file whose text `reparse` has kept, and
/// keeping the others' there.
pub fn compile_reusing(inputs: &Inputs, reparse: Option<&Reparse>) -> Result<Compiled, LoadError> {
    // Charts are rendered first: their templates' renderings are files of the run, with
    // the ids after the inputs'.
    let charts = charts::render_all(&inputs.files, inputs.helm.as_ref(), &inputs.limits.parse);
    let rendered = charts::rendered_files(&inputs.files, &charts);
    let first_rendered = inputs.files.len();
    // Kustomizations are built next: the files they read are checked through the build.
    let builds = kustomize::build_inputs(
        &inputs.files,
        (first_rendered + rendered.len()) as u32,
        &inputs.limits.parse,
        inputs.limits.max_file_bytes,
        &inputs.overlay,
    );
    // The editor's server keeps every tree (`reparse`): its files are not even measured.
    let limits = Limits {
        kept_trees: match reparse {
            Some(_) => inputs.limits.kept_trees.clone(),
            None => kept_trees_of_run(inputs, &builds),
        },
        ..inputs.limits.clone()
    };
    let parsed: Vec<ParsedFile> = inputs
        .files
        .par_iter()
        .enumerate()
        .map(|(i, input)| {
            let id = FileId(i as u32);
            if builds.covers(input) {
                return Ok(built(id, input));
            }
            if let Some(text) = input.path.as_deref().and_then(|p| inputs.overlay.get(p)) {
                let bytes = text.as_bytes().to_vec();
                return Ok(parse_bytes(
                    id,
                    input,
                    bytes,
                    &limits,
                    &inputs.templates,
                    (reparse, inputs.parses.as_deref()),
                ));
            }
            let mut pf = read_and_parse(
                id,
                input,
                &limits,
                &inputs.templates,
                (reparse, inputs.parses.as_deref()),
            )?;
            // A chart met in a walk that was not rendered is reported once, at its
            // Chart.yaml.
            let chart = charts.iter().find(|c| c.input == i);
            if let (Some(chart), Some(path)) = (chart, input.path.as_deref()) {
                pf.diagnostics
                    .extend(charts::finding(id, path, &chart.outcome));
            }
            Ok(pf)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(reparse) = reparse {
        reparse.retain(&inputs.files);
    }
    let parsed = parsed
        .into_iter()
        .chain(parse_rendered(inputs, &limits, &rendered, first_rendered))
        .collect();
    let mut compiled = assemble(
        parsed,
        builds,
        &inputs.namespace,
        inputs.limits.max_objects,
        &inputs.units,
    );
    compiled.graph.set_reparser(inputs.limits.parse.clone());
    Ok(compiled)
}

/// The budget of kept trees for this run: the configured one ([`Limits::kept_trees`]) while
/// the files' text fits in it; past that it shrinks by as much as the text exceeds it, and
/// a repository of twice the budget keeps no tree. A tree only locates findings, and a
/// repository that outgrows the budget would otherwise spend it on whichever files were
/// parsed first, for a fixed cost (60 MB at 100,000 objects) in a run whose memory is
/// already at its largest. Sizes are those on disk (or of the editor's texts), read before
/// anything is parsed; what a kustomization builds, or a chart renders, is not counted.
fn kept_trees_of_run(inputs: &Inputs, builds: &Builds) -> Option<Arc<InputBudget>> {
    let budget = inputs.limits.kept_trees.as_ref()?;
    let total: u64 = inputs
        .files
        .par_iter()
        .filter(|input| !builds.covers(input))
        .filter_map(|input| {
            let path = input.path.as_deref()?;
            match inputs.overlay.get(path) {
                Some(text) => Some(text.len() as u64),
                None => std::fs::metadata(path).ok().map(|m| m.len()),
            }
        })
        .sum();
    Some(Arc::new(InputBudget::new(tapered(budget.limit(), total))))
}

/// What is left of a budget of `limit` bytes for a repository of `total` bytes.
fn tapered(limit: u64, total: u64) -> u64 {
    if total <= limit {
        limit
    } else {
        limit.saturating_sub(total - limit)
    }
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
                (None, None),
            )
        })
        .collect();
    let mut compiled = assemble(
        parsed,
        Builds::default(),
        namespace,
        limits.max_objects,
        &Declared::default(),
    );
    compiled.graph.set_reparser(limits.parse.clone());
    compiled
}

/// An object found in a document, before its identity is read.
struct Pending {
    file: FileId,
    doc: DocId,
    base: Pointer,
    value: Arc<crate::base::value::Value>,
    context: bool,
}

/// Objects get ids and the graph its indexes, in input order.
fn assemble(
    parsed: Vec<ParsedFile>,
    builds: Builds,
    namespace: &str,
    max_objects: usize,
    declared: &Declared,
) -> Compiled {
    let mut files = Vec::with_capacity(parsed.len());
    // One object per document, but for Lists: exact in the common case, and these live
    // until the run ends.
    let documents: usize = parsed.iter().map(|pf| pf.documents.len()).sum();
    let mut docs = Vec::with_capacity(documents);
    let mut pending: Vec<Pending> = Vec::with_capacity(documents.min(max_objects));
    let mut diagnostics = Vec::new();
    let mut comments = Vec::new();
    let mut counts = Counts::default();
    let mut over_limit = false;
    let mut units = Units::new(&std::env::current_dir().unwrap_or_default());
    let mut members = Vec::with_capacity(pending.capacity());
    for pf in parsed {
        let context = pf.source.context;
        let unit_path = pf.unit_of.as_deref().or(pf.source.path.as_deref());
        let member = membership(&mut units, declared, unit_path, context);
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
                if pending.len() >= max_objects {
                    if !over_limit && !context {
                        over_limit = true;
                        let d = yaml_syntax::too_many_objects(pf.source.id, doc.label, max_objects);
                        diagnostics.push(d);
                    }
                    break;
                }
                members.push(member);
                pending.push(Pending {
                    file: pf.source.id,
                    doc: doc_id,
                    base,
                    value,
                    context,
                });
            }
            docs.push(DocTree {
                file: pf.source.id,
                index: doc.index,
                span: doc.span,
                tree: doc.tree,
                built: None,
            });
        }
        files.push(pf.source);
    }
    // The objects' identities are read in parallel; ids follow input order.
    let mut objects: Vec<Object> = Vec::with_capacity(pending.len() + builds.objects.len());
    pending
        .into_par_iter()
        .enumerate()
        .map(|(i, p)| {
            let id = ObjectId(i as u32);
            make_object(id, p.file, p.doc, p.base, p.value, p.context, namespace)
        })
        .collect_into_vec(&mut objects);
    // Built objects, after the inputs: their files have the ids after the inputs'.
    files.extend(builds.files);
    comments.extend(builds.comments);
    diagnostics.extend(builds.diagnostics);
    for b in builds.objects {
        if objects.len() >= max_objects {
            break;
        }
        counts.documents += 1;
        let doc_id = DocId(docs.len() as u32);
        let file = b.built.switches.first().map_or(b.built.by.0, |s| s.1);
        // What a kustomization builds is applied from its folder, wherever its bases live.
        let by = files
            .get(b.built.by.0.0 as usize)
            .and_then(|f| f.path.as_deref());
        members.push(membership(&mut units, declared, by, false));
        let id = ObjectId(objects.len() as u32);
        objects.push(make_object(
            id,
            file,
            doc_id,
            Pointer::root(),
            Arc::new(b.value),
            false,
            namespace,
        ));
        docs.push(DocTree {
            file,
            index: 0,
            span: b.tree.span,
            tree: Some(Arc::new(b.tree)),
            built: Some(Box::new(b.built)),
        });
    }
    counts.objects = objects.iter().filter(|o: &&Object| !o.context).count();
    apply_crd_scopes(&mut objects);
    let graph = Graph::new(files, docs, objects, units, members);
    Compiled {
        graph,
        diagnostics,
        comments,
        counts,
    }
}

/// The unit of the objects of a file: its folder's (stdin's is the current directory's),
/// and the declared unit its path matches; a context file's objects are seen everywhere.
fn membership(
    units: &mut Units,
    declared: &Declared,
    path: Option<&std::path::Path>,
    context: bool,
) -> Membership {
    let dir = path
        .and_then(std::path::Path::parent)
        .unwrap_or(std::path::Path::new("."));
    let unit = units.folder(dir);
    let declared = path
        .and_then(|p| declared.of_path(p))
        .map(|name| units.declare(name));
    Membership {
        everywhere: context,
        ..Membership::of(unit, declared)
    }
}

fn read_and_parse(
    id: FileId,
    input: &InputPath,
    limits: &Limits,
    templates: &Templates,
    kept: Kept<'_>,
) -> Result<ParsedFile, LoadError> {
    match load::read_bytes(input, limits.max_file_bytes)? {
        Ok(bytes) => Ok(parse_bytes(id, input, bytes, limits, templates, kept)),
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
    (reparse, store): Kept<'_>,
) -> ParsedFile {
    let name = input.display();
    let text = match load::decode(bytes) {
        Ok(text) => text,
        // Not text: keep what decodes, so the diagnostic lands at the offending byte.
        Err(e) => return unreadable(id, name, input, e.lossy, e.offset, e.message),
    };
    match reparse {
        // The editor's server keeps its parses whole, trees included.
        Some(r) => r.parse(id, input, text, limits, templates, store),
        None => {
            let mut parsed = parse_text(id, name, input, text, limits, templates, store);
            let_go_of_trees(&mut parsed, limits);
            parsed
        }
    }
}

/// Lets go of a file's span trees when its text does not fit in what is left of the
/// run's [`Limits::kept_trees`], and packs its text; the graph parses a document's part
/// of the file again when its tree is asked for. A file keeps them when that part alone
/// might not parse as in the file: one with a problem (a syntax error, a duplicate key),
/// a directive, an expanded alias (charged to the run's input budget), or templates.
fn let_go_of_trees(parsed: &mut ParsedFile, limits: &Limits) {
    let Some(budget) = &limits.kept_trees else {
        return;
    };
    let text = parsed.source.text();
    let alone = parsed.diagnostics.is_empty()
        && !parsed.aliased
        && yaml::split::may_cut(&text)
        && !text.contains("${{");
    if parsed.documents.is_empty() || !alone {
        return;
    }
    if !budget.charge(text.len() as u64) {
        for d in &mut parsed.documents {
            d.tree = None;
        }
        // From now on the text is read only to parse a document again or to locate a
        // finding, a file at a time.
        parsed.source.pack();
    }
}

/// The renderings of the charts' templates, parsed as walked files with the ids from
/// `first`: each is named by its template's path, has no path on disk (nothing writes a
/// fix into a rendering) and belongs to its chart's apply unit.
fn parse_rendered(
    inputs: &Inputs,
    limits: &Limits,
    rendered: &[charts::RenderedFile],
    first: usize,
) -> Vec<ParsedFile> {
    // Walked, not named: what is not an object in a rendering (a template that renders
    // only comments) is skipped as in a walk, and what does not parse is reported.
    let input = InputPath {
        path: None,
        explicit: false,
        context: false,
    };
    rendered
        .par_iter()
        .enumerate()
        .map(|(k, r)| {
            let id = FileId((first + k) as u32);
            let chart_yaml = inputs.files.get(r.chart_input).and_then(|i| i.path.clone());
            let name = load::InputPath {
                path: Some(r.template.clone()),
                ..input.clone()
            }
            .display();
            let mut pf = parse_text(
                id,
                name,
                &input,
                r.text.clone(),
                limits,
                &inputs.templates,
                inputs.parses.as_deref(),
            );
            let_go_of_trees(&mut pf, limits);
            if let Some(chart_yaml) = chart_yaml {
                pf.source.rendered = Some(load::RenderedFrom {
                    chart_file: FileId(r.chart_input as u32),
                    chart: charts::chart_dir(&chart_yaml).display().to_string(),
                });
                pf.unit_of = Some(chart_yaml);
            }
            pf
        })
        .collect()
}

/// Parses one file's text, runs the template stage and classifies its documents.
fn parse_text(
    id: FileId,
    name: String,
    input: &InputPath,
    text: String,
    limits: &Limits,
    templates: &Templates,
    store: Option<&ParseStore>,
) -> ParsedFile {
    // The run's ceiling on parsed input: a file past it is not kept, not even its text.
    if let Some(run) = &limits.parse.run {
        if !run.charge(text.len() as u64) {
            return unreadable(id, name, input, String::new(), 0, run.exceeded());
        }
    }
    let text: Arc<str> = Arc::from(text);
    let source = SourceFile::new(
        id,
        name,
        input.path.clone(),
        Arc::clone(&text),
        input.context,
    );
    let (stream, aliased) = match store {
        Some(store) => store.parse(&text, &limits.parse),
        None => yaml::parse_noting_aliases(&text, &limits.parse),
    };
    let broken = stream
        .problems
        .iter()
        .any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::ComplexKey));
    if broken {
        if let Some(d) = template_syntax::check(id, &text) {
            let mut reported = ParsedFile::without_documents(source, vec![d], false);
            reported.aliased = aliased;
            return reported;
        }
    }
    let mut diagnostics: Vec<Diagnostic> = stream
        .problems
        .iter()
        .map(|p| yaml_duplicate_key::check(id, p).unwrap_or_else(|| yaml_syntax::check(id, p)))
        .collect();

    // Which documents are objects; a walked file with none is not a Kubernetes file.
    let parsed_documents = stream.documents.len();
    let mut documents = Vec::with_capacity(stream.documents.len());
    let mut tool_configs = 0;
    let tool_file = is_tool_file(input.path.as_deref());
    for doc in stream.documents {
        if tool_file || is_tool_config(&doc.value) {
            tool_configs += 1;
            continue;
        }
        documents.push(doc);
    }
    // A document that names an apiVersion or a kind, even misspelled, is an attempted
    // object: what it lacks is reported, never skipped.
    let any_object = documents
        .iter()
        .any(|d| has_identity(&d.value) || missing_kind::attempts_identity(&d.value));
    if !any_object {
        let skipped = !input.explicit || tool_configs > 0;
        if !skipped && diagnostics.is_empty() {
            diagnostics.push(if input.path.is_none() && parsed_documents == 0 {
                missing_kind::empty_stdin(id)
            } else {
                missing_kind::no_object(id, documents.first())
            });
        }
        if skipped {
            // Foreign YAML is skipped, but a file that does not parse is reported whatever
            // it holds: a broken manifest must never pass as "no objects".
            diagnostics.retain(|d| d.rule.as_str() == yaml_syntax::YAML_SYNTAX.id);
        }
        let reported = !diagnostics.is_empty();
        let comments = if skipped && !reported {
            Vec::new()
        } else {
            stream.comments
        };
        return ParsedFile {
            source,
            documents: Vec::new(),
            comments,
            diagnostics,
            skipped: skipped && !reported,
            parsed_documents: if skipped { 0 } else { parsed_documents },
            unit_of: None,
            explicit: input.explicit,
            aliased,
        };
    }
    // The template stage: between parse and model, on the files that hold objects.
    if text.contains("${{") {
        for doc in &mut documents {
            let problems = templates.expand(&mut doc.tree, &mut doc.value, &text);
            diagnostics.extend(
                problems
                    .into_iter()
                    .map(|p| template_error::check(id, p.span, p.message)),
            );
        }
    }
    let mut kept = Vec::with_capacity(documents.len());
    for doc in documents {
        match missing_kind::check_document(id, &doc) {
            None => kept.push(doc),
            Some(d) => diagnostics.push(d),
        }
    }
    for doc in &kept {
        diagnostics.extend(missing_kind::check_list_items(id, doc));
    }
    let kept = kept
        .into_iter()
        .map(|mut d| {
            strip_unidentified_items(&mut d.value);
            SharedDoc::from(d)
        })
        .collect();
    ParsedFile {
        source,
        documents: kept,
        comments: stream.comments,
        diagnostics,
        skipped: false,
        parsed_documents,
        unit_of: None,
        explicit: input.explicit,
        aliased,
    }
}

/// A file a kustomization build read: checked through the built objects, not on its own.
fn built(id: FileId, input: &InputPath) -> ParsedFile {
    let source = SourceFile::new(
        id,
        input.display(),
        input.path.clone(),
        Arc::from(""),
        input.context,
    );
    ParsedFile::without_documents(source, Vec::new(), false)
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
    let d = yaml_syntax::unreadable(id, offset, message);
    ParsedFile::without_documents(source, vec![d], false)
}

#[cfg(test)]
mod reparse_tests;

#[cfg(test)]
mod kept_trees_tests;
