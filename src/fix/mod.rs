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
    let mut chosen: BTreeMap<FileId, (Vec<TextEdit>, Vec<String>, Touched)> = BTreeMap::new();
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
        let (edits, rules, touched) = chosen.entry(file).or_default();
        if r.edits.iter().any(|e| touched.meets(e.span)) {
            out.deferred += 1;
            continue;
        }
        for e in &r.edits {
            touched.add(e.span);
        }
        edits.extend(r.edits);
        rules.push(r.rule);
    }
    for (file, (edits, rules, _)) in chosen {
        let old = &graph.file(file).text();
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

/// The text a file's chosen edits cover, as disjoint ranges (start → end) merged where
/// they meet: whether a new edit meets one is a lookup, not a walk over every edit chosen.
#[derive(Debug, Default)]
struct Touched(BTreeMap<u32, u32>);

impl Touched {
    /// Whether an edit meets a chosen one: they overlap, or one is an insertion at the
    /// other's edge (their order would be a guess).
    fn meets(&self, span: Span) -> bool {
        // The ranges are disjoint and apart, so the last one starting at or before the
        // span's end is the only one that can reach it.
        self.0
            .range(..=span.end)
            .next_back()
            .is_some_and(|(_, &end)| span.start <= end)
    }

    /// Adds an edit's span, merged with the ranges it meets.
    fn add(&mut self, span: Span) {
        let (mut start, mut end) = (span.start, span.end);
        let met: Vec<(u32, u32)> = self
            .0
            .range(..=end)
            .rev()
            .map(|(&s, &e)| (s, e))
            .take_while(|&(_, e)| start <= e)
            .collect();
        for (s, e) in met {
            self.0.remove(&s);
            start = start.min(s);
            end = end.max(e);
        }
        self.0.insert(start, end);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The merged ranges answer what comparing with every chosen edit answers.
    #[test]
    fn touched_meets_what_some_chosen_edit_meets() {
        let touches = |a: Span, b: Span| a.start <= b.end && b.start <= a.end;
        // A fixed pseudo-random walk of edits, insertions (empty spans) included.
        let mut seed = 7u32;
        let mut next = |n: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % n
        };
        for _ in 0..50 {
            let mut touched = Touched::default();
            let mut chosen: Vec<Span> = Vec::new();
            for _ in 0..40 {
                let start = next(100);
                let edit = Span {
                    start,
                    end: start + next(4),
                };
                let slow = chosen.iter().any(|&t| touches(edit, t));
                assert_eq!(touched.meets(edit), slow, "{edit:?} against {chosen:?}");
                if !slow || next(2) == 0 {
                    touched.add(edit);
                    chosen.push(edit);
                }
            }
        }
    }
}
