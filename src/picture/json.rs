//! JSON output of the picture: nodes (with file and line for objects) and edges (with the
//! JSON pointers of their references and the wiring rules that reported on them).

use std::io::{self, Write};

use serde::Serialize;

use super::Picture;
use crate::base::{Location, Pointer};
use crate::graph::Graph;

#[derive(Serialize)]
struct Doc<'a> {
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: String,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
    missing: bool,
    context: bool,
    file: Option<&'a str>,
    line: Option<u32>,
    unit: &'a str,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: String,
    to: String,
    relation: &'static str,
    optional: bool,
    broken: bool,
    findings: &'a [String],
    sites: Vec<JsonSite<'a>>,
}

#[derive(Serialize)]
struct JsonSite<'a> {
    node: String,
    pointer: &'a str,
}

/// Writes the picture as JSON.
pub fn write(graph: &Graph, picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
    let node_of = |id| {
        picture
            .nodes
            .iter()
            .position(|n| n.object == Some(id))
            .map_or_else(String::new, |i| format!("n{i}"))
    };
    let doc = Doc {
        nodes: picture
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let place = n.object.map(|id| {
                    let (file, span) = graph.locate(&Location::Object {
                        object: id,
                        pointer: Pointer::root(),
                    });
                    let source = graph.file(file);
                    (source.name.as_str(), source.line_col(span.start).line)
                });
                JsonNode {
                    id: format!("n{i}"),
                    kind: &n.kind,
                    namespace: n.namespace.as_deref(),
                    name: &n.name,
                    missing: n.is_missing(),
                    context: n.context,
                    file: place.map(|p| p.0),
                    line: place.map(|p| p.1),
                    unit: &n.unit,
                }
            })
            .collect(),
        edges: picture
            .arrows
            .iter()
            .map(|a| JsonEdge {
                from: format!("n{}", a.from),
                to: format!("n{}", a.to),
                relation: a.relation.label(),
                optional: a.optional,
                broken: a.is_broken(),
                findings: &a.findings,
                sites: a
                    .sites
                    .iter()
                    .map(|(o, p)| JsonSite {
                        node: node_of(*o),
                        pointer: p,
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
