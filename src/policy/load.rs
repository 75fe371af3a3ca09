//! Loading policies: the defaults embedded in the binary, and users' directories. Each
//! `.rhai` file is compiled once; its declarations (`const ID`, `SEVERITY`, `SUMMARY`,
//! `HELP`, `KINDS`, and `//!` docs) become the rule's metadata, leaked once so that it
//! is `&'static` like a built-in rule's. A file that cannot be used becomes a [`Broken`]
//! policy, reported as a `policy-error` diagnostic instead of stopping the run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rhai::{AST, Dynamic, Position, Scope};

use super::sandbox::engine;
use super::view_use::ViewReads;
use crate::base::{Severity, Span};
use crate::deadline;
use crate::model::{Object, WorkloadKind};
use crate::rules::{Category, RuleMeta};

/// The default policies , embedded at build time. A unit test
/// keeps this list equal to the `.rhai` files in `policies/`.
pub const DEFAULTS: &[(&str, &str)] = &[
    (
        "privileged-container.rhai",
        include_str!("../../policies/privileged-container.rhai"),
    ),
    (
        "privilege-escalation.rhai",
        include_str!("../../policies/privilege-escalation.rhai"),
    ),
    (
        "host-namespaces.rhai",
        include_str!("../../policies/host-namespaces.rhai"),
    ),
    (
        "run-as-root.rhai",
        include_str!("../../policies/run-as-root.rhai"),
    ),
    (
        "read-only-root-fs.rhai",
        include_str!("../../policies/read-only-root-fs.rhai"),
    ),
    (
        "resources-requests.rhai",
        include_str!("../../policies/resources-requests.rhai"),
    ),
    (
        "resources-limits.rhai",
        include_str!("../../policies/resources-limits.rhai"),
    ),
    (
        "docker-socket.rhai",
        include_str!("../../policies/docker-socket.rhai"),
    ),
    (
        "secret-env.rhai",
        include_str!("../../policies/secret-env.rhai"),
    ),
];

/// Where the default policies appear in reports.
pub const DEFAULTS_PREFIX: &str = "k8lint:policies/";

/// A policy file's text and names.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// The name reports show.
    pub name: String,
    /// The path on disk (`None` for the embedded defaults).
    pub path: Option<PathBuf>,
    /// The text.
    pub text: Arc<str>,
}

impl PolicySource {
    /// The byte span of a Rhai position: from its column to the end of the word there.
    pub fn span_at(&self, position: Position) -> Span {
        let (Some(line), Some(column)) = (position.line(), position.position()) else {
            return self.first_line();
        };
        let Some(line_start) = line_start(&self.text, line) else {
            return self.first_line();
        };
        let rest = &self.text[line_start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        let start = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        let word = line_text[start..]
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(line_text.len() - start, |(i, _)| i)
            .max(1)
            .min(line_text.len() - start);
        Span::new(line_start + start, line_start + start + word)
    }

    /// The span of the first line that contains `needle`, or of the first line.
    pub fn span_of(&self, needle: &str) -> Span {
        match self.text.find(needle) {
            Some(at) => Span::new(at, at + needle.len()),
            None => self.first_line(),
        }
    }

    /// The span of the first line (where a missing declaration is reported).
    pub fn first_line(&self) -> Span {
        Span::new(0, self.text.find('\n').unwrap_or(self.text.len()))
    }
}

fn line_start(text: &str, line: usize) -> Option<usize> {
    if line <= 1 {
        return Some(0);
    }
    text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
}

/// Which objects a policy is called for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindPattern {
    /// `"*"`: every object.
    Any,
    /// `"workload"`: every kind with a pod template (Pod, Deployment, CronJob, ...).
    Workload,
    /// `"Kind"` (any API group) or `"group/Kind"`.
    Kind {
        /// The API group, when written.
        group: Option<String>,
        /// The kind.
        kind: String,
    },
}

impl KindPattern {
    fn parse(text: &str) -> KindPattern {
        match text {
            "*" => KindPattern::Any,
            "workload" => KindPattern::Workload,
            _ => match text.rsplit_once('/') {
                Some((g, k)) => KindPattern::Kind {
                    group: Some(g.to_owned()),
                    kind: k.to_owned(),
                },
                None => KindPattern::Kind {
                    group: None,
                    kind: text.to_owned(),
                },
            },
        }
    }

    /// Whether the pattern covers an object.
    pub fn matches(&self, o: &Object) -> bool {
        match self {
            KindPattern::Any => true,
            KindPattern::Workload => WorkloadKind::of(o).is_some(),
            KindPattern::Kind { group, kind } => {
                o.kind == *kind && group.as_ref().is_none_or(|g| *g == o.group)
            }
        }
    }
}

/// A compiled policy.
pub struct Policy {
    /// Its metadata, as a rule's.
    pub meta: &'static RuleMeta,
    /// The objects it is called for.
    pub kinds: Vec<KindPattern>,
    /// The compiled script, shared by every call.
    pub ast: AST,
    /// Whether `check` reads its object, or only hands it to the context (which is then
    /// given a stand-in: [`super::object_use`]).
    pub reads_object: bool,
    /// The fields of the pod views `check` reads ([`super::view_use`]).
    pub views: Arc<ViewReads>,
    /// The compiled form of an embedded default policy, run instead of the script
    /// ([`super::native`]); `None` for every other policy.
    pub native: Option<super::native::Check>,
    /// Its file.
    pub source: PolicySource,
}

impl Policy {
    /// Whether the policy is called for an object.
    pub fn applies_to(&self, o: &Object) -> bool {
        self.kinds.iter().any(|k| k.matches(o))
    }
}

/// The words of a policy that may reach other objects than the one checked: the
/// context's lookups, and what could call them or name another object indirectly
/// (function pointers, `eval`, a forged tag on a map passed to the context).
const GRAPH_WORDS: [&str; 10] = [
    "get",
    "list",
    "selected_by",
    "services_selecting",
    "pvc",
    "Fn",
    "call",
    "curry",
    "eval",
    "tag",
];

/// `Object` when no word of the policy's text (comments and strings included, which
/// only errs towards `Graph`) is one of [`GRAPH_WORDS`]: its findings on an object then
/// depend on that object alone and are cached between runs.
pub fn scope_of(text: &str) -> crate::rules::Scope {
    let graph = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| GRAPH_WORDS.contains(&word));
    if graph {
        crate::rules::Scope::Graph
    } else {
        crate::rules::Scope::Object
    }
}

/// A policy file that cannot be used, and why.
#[derive(Debug, Clone)]
pub struct Broken {
    /// Its file.
    pub source: PolicySource,
    /// Where in it.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Compiles one policy file.
pub fn compile(source: PolicySource) -> Result<Policy, Broken> {
    let engine = engine();
    let broken = |source: &PolicySource, span: Span, message: String| Broken {
        source: source.clone(),
        span,
        message,
    };
    let ast = match engine.compile(&*source.text) {
        Ok(ast) => ast,
        Err(e) => {
            let span = source.span_at(e.position());
            return Err(broken(
                &source,
                span,
                format!("the policy does not compile: {}", e.err_type()),
            ));
        }
    };
    // The declarations are top-level constants: evaluate the top level once, sandboxed.
    let mut scope = Scope::new();
    let top = {
        let _clock = deadline::Call::start();
        engine.run_ast_with_scope(&mut scope, &ast)
    };
    if let Err(mut e) = top {
        let pos = e.take_position();
        let why = if deadline::is_deadline(e.unwrap_inner()) {
            deadline::exceeded_message()
        } else {
            e.to_string()
        };
        return Err(broken(
            &source,
            source.span_at(pos),
            format!("the policy's top level fails: {why}"),
        ));
    }
    let text = |name: &str, required: bool| -> Result<Option<String>, Broken> {
        match scope.get_value::<Dynamic>(name) {
            Some(v) if v.is_string() => Ok(Some(v.to_string())),
            Some(_) => Err(broken(
                &source,
                source.span_of(&format!("const {name}")),
                format!("`{name}` must be a string"),
            )),
            None if required => Err(broken(
                &source,
                source.first_line(),
                format!("the policy declares no `const {name}` (see docs/policies.md)"),
            )),
            None => Ok(None),
        }
    };
    let id = text("ID", true)?.unwrap_or_default();
    if !is_valid_id(&id) {
        return Err(broken(
            &source,
            source.span_of("const ID"),
            format!("policy id `{id}` must be lower-case letters, digits and dashes"),
        ));
    }
    let severity_text = text("SEVERITY", true)?.unwrap_or_default();
    let severity = match severity_text.as_str() {
        "off" => None,
        s => Some(s.parse::<Severity>().map_err(|_| {
            broken(
                &source,
                source.span_of("const SEVERITY"),
                format!("`SEVERITY` is `{s}`: expected error, warning, info or off"),
            )
        })?),
    };
    let summary = text("SUMMARY", true)?.unwrap_or_default();
    let help = text("HELP", false)?.unwrap_or_default();
    let kinds = match scope.get_value::<Dynamic>("KINDS") {
        Some(v) => v
            .into_typed_array::<rhai::ImmutableString>()
            .ok()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                broken(
                    &source,
                    source.span_of("const KINDS"),
                    "`KINDS` must be a non-empty list of kinds (\"Deployment\", \"apps/Deployment\", \"workload\" or \"*\")".to_owned(),
                )
            })?,
        None => {
            return Err(broken(
                &source,
                source.first_line(),
                "the policy declares no `const KINDS` (see docs/policies.md)".to_owned(),
            ));
        }
    };
    let has_check = ast
        .iter_functions()
        .any(|f| f.name == "check" && f.params.len() == 2);
    if !has_check {
        return Err(broken(
            &source,
            source.span_of("fn check"),
            "the policy defines no `fn check(object, ctx)`".to_owned(),
        ));
    }
    let meta = RuleMeta {
        id: leak(id),
        severity,
        category: Category::Policy,
        summary: leak(summary),
        help: leak(help),
        docs: leak(docs_of(&source.text)),
        scope: scope_of(&source.text),
    };
    Ok(Policy {
        meta: Box::leak(Box::new(meta)),
        kinds: kinds.iter().map(|k| KindPattern::parse(k)).collect(),
        reads_object: super::object_use::reads_object(&ast),
        views: Arc::new(super::view_use::view_reads(&ast)),
        native: None,
        ast,
        source,
    })
}

/// Metadata lives as long as the process, like a built-in rule's (a handful of policies
/// per run; the defaults are loaded once per process).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// The `//!` comment lines, without the marker (one leading space is kept, as in a Rust
/// doc comment, so that [`RuleMeta::docs_text`] reads both the same way).
fn docs_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if let Some(doc) = line.trim_start().strip_prefix("//!") {
            out.push_str(doc);
            out.push('\n');
        }
    }
    out
}

/// The `.rhai` files directly in a directory, sorted by name.
pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("policy directory {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rhai") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Reads a policy file.
pub fn read(path: &Path) -> Result<PolicySource, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path.to_string_lossy();
    Ok(PolicySource {
        name: name.strip_prefix("./").unwrap_or(&name).to_owned(),
        path: Some(path.to_path_buf()),
        text: Arc::from(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_is_the_policies_directory() {
        let on_disk: Vec<String> = files_in(Path::new("policies"))
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let mut embedded: Vec<String> = DEFAULTS.iter().map(|(n, _)| (*n).to_owned()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
        for (name, text) in DEFAULTS {
            let id = name.trim_end_matches(".rhai");
            let p = compile(PolicySource {
                name: (*name).to_owned(),
                path: None,
                text: Arc::from(*text),
            })
            .unwrap_or_else(|b| panic!("{name}: {}", b.message));
            assert_eq!(p.meta.id, id, "{name} declares another id");
        }
    }

    #[test]
    fn spans_follow_rhai_positions() {
        let s = PolicySource {
            name: "p.rhai".into(),
            path: None,
            text: Arc::from("let a = 1;\nlet bcd = open(x);\n"),
        };
        let span = s.span_at(Position::new(2, 11));
        assert_eq!(&s.text[span.start as usize..span.end as usize], "open");
    }
}
