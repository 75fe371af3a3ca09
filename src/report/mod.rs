//! report: resolves each diagnostic's location to file, line and column (through the
//! graph's one mechanism) and writes it in the chosen format.

pub mod baseline;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod roots;
pub mod sarif;
pub mod short;
pub mod statistics;

use rayon::prelude::*;
use serde::Serialize;

use crate::base::{Diagnostic, FileId, Location, ObjectId, Severity};
use crate::compile::Counts;
use crate::graph::Graph;

/// The object a finding is about, as the JSON report names it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ObjectRef {
    /// `apiVersion`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// The effective namespace, `null` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

/// A place, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file's display name.
    pub file: String,
    /// Byte range in the file.
    pub start: u32,
    /// End of the byte range.
    pub end: u32,
    /// 1-based line of the start.
    pub line: u32,
    /// 1-based column of the start.
    pub column: u32,
    /// 1-based line of the end.
    pub end_line: u32,
    /// 1-based column of the end (exclusive).
    pub end_column: u32,
}

/// A related place, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedPlace {
    /// Where.
    pub place: Place,
    /// Why.
    pub message: String,
    /// The apply unit of the related object (or file).
    pub unit: String,
    /// The file's index, to reach its text.
    pub file_id: crate::base::FileId,
}

/// A diagnostic with every location resolved: what every format writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// Message.
    pub message: String,
    /// Where.
    pub place: Place,
    /// The JSON pointer, for findings about an object.
    pub pointer: Option<String>,
    /// The object.
    pub object: Option<ObjectRef>,
    /// Help (most often the rule's own, borrowed).
    pub help: Option<std::borrow::Cow<'static, str>>,
    /// Related places.
    pub related: Vec<RelatedPlace>,
    /// The file's index, to reach its text.
    pub file_id: crate::base::FileId,
    /// The object's id in the graph, for findings about an object.
    pub object_id: Option<ObjectId>,
    /// The apply unit of the object (or of the file) the finding is about.
    pub unit: String,
}

/// Everything a format needs.
pub struct Report<'a> {
    /// The graph (files, for source text).
    pub graph: &'a Graph,
    /// The findings to print, in order.
    pub findings: Vec<Finding>,
    /// Summary counts.
    pub counts: Counts,
    /// Findings per severity (info, warning, error), those hidden by
    /// [`Report::hide_below`] included: the summary counts everything that was found.
    tally: [usize; 3],
    /// The least severity printed, when `--min-severity` hides some.
    pub min_severity: Option<Severity>,
    /// What a baseline left out, when one was used.
    pub baseline: Option<baseline::Outcome>,
}

fn slot(severity: Severity) -> usize {
    match severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

impl<'a> Report<'a> {
    /// Resolves diagnostics for output. They are taken, not borrowed: each finding keeps
    /// its diagnostic's texts, and a report of 150,000 findings would otherwise hold both
    /// at once.
    pub fn new(graph: &'a Graph, diagnostics: Vec<Diagnostic>, counts: Counts) -> Report<'a> {
        // Resolved in parallel (on the caller's thread pool), in order.
        let findings = diagnostics
            .into_par_iter()
            .map(|d| resolve(graph, d))
            .collect();
        let mut report = Report {
            graph,
            findings,
            counts,
            tally: [0; 3],
            min_severity: None,
            baseline: None,
        };
        report.retally();
        report
    }

    fn retally(&mut self) {
        self.tally = [0; 3];
        for f in &self.findings {
            self.tally[slot(f.severity)] += 1;
        }
    }

    /// Leaves out the findings of a baseline: they are neither printed nor counted.
    pub fn apply_baseline(&mut self, baseline: &baseline::Baseline) {
        let findings = std::mem::take(&mut self.findings);
        let (kept, outcome) = baseline.filter(findings);
        self.findings = kept;
        self.baseline = Some(outcome);
        self.retally();
    }

    /// Prints only findings at `least` or above; the summary still counts the others.
    pub fn hide_below(&mut self, least: Severity) {
        self.findings.retain(|f| f.severity >= least);
        self.min_severity = Some(least);
    }

    /// Number of findings of a severity, hidden ones included.
    pub fn count(&self, severity: Severity) -> usize {
        self.tally[slot(severity)]
    }

    /// Number of findings found but not printed (`--min-severity`).
    pub fn hidden(&self) -> usize {
        self.tally.iter().sum::<usize>() - self.findings.len()
    }
}

/// Where a location is, and the file it is in: one walk down the span tree for both.
fn place(graph: &Graph, location: &Location, key: bool) -> (Place, FileId) {
    let (file, span) = graph.locate_at(location, key);
    let source = graph.file(file);
    let start = source.line_col(span.start);
    let end = source.line_col(span.end);
    let place = Place {
        file: source.name.clone(),
        start: span.start,
        end: span.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    };
    (place, file)
}

fn object_ref(graph: &Graph, id: ObjectId) -> ObjectRef {
    let o = graph.object(id);
    ObjectRef {
        api_version: o.api_version.clone(),
        kind: o.kind.clone(),
        namespace: o.namespace.clone(),
        name: o.name.clone(),
    }
}

/// Resolves one diagnostic.
pub fn resolve(graph: &Graph, d: Diagnostic) -> Finding {
    let (pointer, object, object_id) = match &d.location {
        Location::Object { object, pointer } => (
            Some(pointer.to_string()),
            Some(object_ref(graph, *object)),
            Some(*object),
        ),
        Location::File { .. } => (None, None, None),
    };
    let (at, file_id) = place(graph, &d.location, d.at_key);
    Finding {
        rule: d.rule.to_string(),
        severity: d.severity,
        message: d.message,
        place: at,
        pointer,
        object,
        help: d.help,
        related: d
            .related
            .into_iter()
            .map(|r| {
                let (at, file_id) = place(graph, &r.location, false);
                RelatedPlace {
                    place: at,
                    message: r.message,
                    unit: match &r.location {
                        Location::Object { object, .. } => graph.unit_name(*object).to_owned(),
                        Location::File { file, .. } => graph.file_unit_name(*file),
                    },
                    file_id,
                }
            })
            .collect(),
        file_id,
        object_id,
        unit: match object_id {
            Some(id) => graph.unit_name(id).to_owned(),
            None => graph.file_unit_name(file_id),
        },
    }
}
