//! Fixes over a checked run: each finding's fix (offered by its rule) resolved to text
//! edits, the ones that can be applied together chosen, and every file's new text checked
//! to still parse. Running the passes and writing files is the command's job (`app`).

use std::collections::BTreeMap;

use crate::base::{Diagnostic, FileId, Span};
use crate::edit::{self, TextEdit};
use crate::graph::Graph;
use crate::rules::{self, Fix, FixContext, Safety};
use crate::versions::KubeVersion;
use crate::yaml::{self, ParseLimits, ProblemKind};

/// Which fixes to apply.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Only the fixes of these rules (all when empty).
    pub rules: Vec<String>,
}

impl Options {
    fn wants(&self, rule: &str, safety: Safety) -> bool {
        (self.unsafe_fixes || safety == Safety::Safe)
            && (self.rules.is_empty() || self.rules.iter().any(|r| r == rule))
    }
}

/// A finding's fix with its edits.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The rule of the finding.
    pub rule: String,
    /// The fix.
    pub fix: Fix,
    /// Its edits (all in one file).
    pub edits: Vec<TextEdit>,
}

/// The fix of one finding resolved to edits, if its rule offers one that the text allows.
pub fn resolve(graph: &Graph, version: KubeVersion, finding: &Diagnostic) -> Option<Resolved> {
    let cx = FixContext { graph, version };
    let fix = rules::fix_for(&cx, finding)?;
    let edits = edit::resolve(graph, fix.object, &fix.changes)?;
    if edits.is_empty() {
        return None;
    }
    Some(Resolved {
        rule: finding.rule.as_str().to_owned(),
        fix,
        edits,
    })
}

/// A file's new text, and the fixes that made it.
#[derive(Debug, Clone)]
pub struct FileFix {
    /// The new text.
    pub text: String,
    /// The rule of each fix applied.
    pub rules: Vec<String>,
}

/// What one pass does.
#[derive(Debug, Default)]
pub struct Pass {
    /// The files that change.
    pub files: BTreeMap<FileId, FileFix>,
    /// Fixes left for a later pass because they touch text another fix changes.
    pub deferred: usize,
    /// Findings with a fix that the options leave out (unsafe ones without
    /// `--unsafe-fixes`).
    pub withheld: usize,
    /// Files whose fixed text would not parse (never written).
    pub broken: Vec<FileId>,
}

/// One pass over the findings: every wanted fix that touches nothing another one touches,
/// applied per file; a file whose new text has more YAML problems than its old one is
/// left as it was.
pub fn pass(
    graph: &Graph,
    version: KubeVersion,
    findings: &[Diagnostic],
    options: &Options,
) -> Pass {
    let mut out = Pass::default();
    let mut chosen: BTreeMap<FileId, (Vec<TextEdit>, Vec<String>)> = BTreeMap::new();
    for finding in findings {
        let Some(r) = resolve(graph, version, finding) else {
            continue;
        };
        if !options.wants(&r.rule, r.fix.safety) {
            out.withheld += 1;
            continue;
        }
        let Some(file) = r.edits.first().map(|e| e.file) else {
            continue;
        };
        if graph.file(file).path.is_none() || r.edits.iter().any(|e| e.file != file) {
            continue;
        }
        let (edits, rules) = chosen.entry(file).or_default();
        if r.edits
            .iter()
            .any(|e| edits.iter().any(|t| touches(e.span, t.span)))
        {
            out.deferred += 1;
            continue;
        }
        edits.extend(r.edits);
        rules.push(r.rule);
    }
    for (file, (edits, rules)) in chosen {
        let old = &graph.file(file).text;
        let text = edit::apply(old, &edits);
        let (before, broken_before) = problems(old);
        if broken_before || problems(&text).0 > before {
            out.broken.push(file);
            continue;
        }
        out.files.insert(file, FileFix { text, rules });
    }
    out
}

/// Whether two edits meet: they overlap, or one is an insertion at the other's edge
/// (their order would be a guess).
fn touches(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// How many YAML problems a text has that a fix must not add (syntax errors, complex and
/// repeated keys), and whether it fails to parse at all: such a file is never written.
fn problems(text: &str) -> (usize, bool) {
    let stream = yaml::parse(text, &ParseLimits::default());
    let mut count = 0;
    let mut broken = false;
    for p in &stream.problems {
        match p.kind {
            ProblemKind::Syntax | ProblemKind::ComplexKey => {
                count += 1;
                broken = true;
            }
            ProblemKind::DuplicateKey => count += 1,
            ProblemKind::Limit => {}
        }
    }
    (count, broken)
}
