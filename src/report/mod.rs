//! report: resolves each diagnostic's location to file, line and column (through the
//! graph's one mechanism) and writes it in the chosen format.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod roots;
pub mod sarif;
pub mod short;
pub mod statistics;

use serde::Serialize;

use crate::base::{Diagnostic, Location, ObjectId, Severity};
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
    /// Help.
    pub help: Option<String>,
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
    /// The findings, in order.
    pub findings: Vec<Finding>,
    /// Summary counts.
    pub counts: Counts,
}

impl<'a> Report<'a> {
    /// Resolves diagnostics for output.
    pub fn new(graph: &'a Graph, diagnostics: &[Diagnostic], counts: Counts) -> Report<'a> {
        let findings = diagnostics.iter().map(|d| resolve(graph, d)).collect();
        Report {
            graph,
            findings,
            counts,
        }
    }

    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

fn place(graph: &Graph, location: &Location, key: bool) -> Place {
    let (file, span) = graph.locate_at(location, key);
    let source = graph.file(file);
    let start = source.line_col(span.start);
    let end = source.line_col(span.end);
    Place {
        file: source.name.clone(),
        start: span.start,
        end: span.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
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
pub fn resolve(graph: &Graph, d: &Diagnostic) -> Finding {
    let (pointer, object, object_id) = match &d.location {
        Location::Object { object, pointer } => (
            Some(pointer.to_string()),
            Some(object_ref(graph, *object)),
            Some(*object),
        ),
        Location::File { .. } => (None, None, None),
    };
    let file_id = graph.locate(&d.location).0;
    Finding {
        rule: d.rule.to_string(),
        severity: d.severity,
        message: d.message.clone(),
        place: place(graph, &d.location, d.at_key),
        pointer,
        object,
        help: d.help.clone(),
        related: d
            .related
            .iter()
            .map(|r| RelatedPlace {
                place: place(graph, &r.location, false),
                message: r.message.clone(),
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
