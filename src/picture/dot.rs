//! Graphviz output: one cluster per apply unit when there are several, inside it one per
//! namespace, nodes colored by role, missing objects
//! dashed, broken references red (`k8lint graph | dot -Tsvg > graph.svg`).

use std::io::{self, Write};

use super::{Node, Picture, Role};
use crate::graph::Graph;

/// A DOT string literal: quotes and backslashes escaped; `\n` stays a line break.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn fill(role: Role) -> &'static str {
    match role {
        Role::Network => "#dbeafe",
        Role::Workload => "#dcfce7",
        Role::Storage => "#fef9c3",
        Role::Config => "#f3e8ff",
        Role::Policy => "#e5e7eb",
        Role::Other => "#ffffff",
    }
}

fn node_line(i: usize, n: &Node) -> String {
    let mut label = format!("{}\n{}", n.kind, n.name);
    let mut style = "rounded,filled";
    let mut extra = String::new();
    if n.is_missing() {
        label.push_str("\n(missing)");
        style = "rounded,dashed";
        extra.push_str(", color=\"#6b7280\", fontcolor=\"#6b7280\"");
    } else if n.context {
        label.push_str("\n(context)");
        extra.push_str(", color=\"#9ca3af\"");
    }
    format!(
        "n{i} [label={}, style={}, fillcolor={}{extra}];",
        quote(&label),
        quote(style),
        quote(fill(n.role))
    )
}

/// Writes the picture in DOT.
pub fn write(_graph: &Graph, picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "digraph k8lint {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  compound=true;")?;
    writeln!(
        out,
        "  node [shape=box, fontname=\"Helvetica\", fontsize=10, style=\"rounded,filled\"];"
    )?;
    writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#4b5563\"];"
    )?;
    let units = picture.by_unit();
    // One unit is drawn as before: namespaces at the top level.
    let wrap = units.len() > 1;
    let mut c = 0;
    for (u, (unit, namespaces)) in units.into_iter().enumerate() {
        let pad = if wrap { "    " } else { "  " };
        if wrap {
            writeln!(out, "  subgraph cluster_unit_{u} {{")?;
            writeln!(out, "    label={};", quote(&format!("unit {unit}")))?;
            writeln!(
                out,
                "    style=\"rounded\"; color=\"#374151\"; fontname=\"Helvetica\"; fontsize=12;"
            )?;
        }
        for (namespace, members) in namespaces {
            match namespace {
                Some(ns) => {
                    writeln!(out, "{pad}subgraph cluster_{c} {{")?;
                    c += 1;
                    writeln!(out, "{pad}  label={};", quote(&format!("namespace {ns}")))?;
                    writeln!(
                        out,
                        "{pad}  style=\"rounded,dashed\"; color=\"#9ca3af\"; fontname=\"Helvetica\"; fontsize=11;"
                    )?;
                    for i in members {
                        writeln!(out, "{pad}  {}", node_line(i, &picture.nodes[i]))?;
                    }
                    writeln!(out, "{pad}}}")?;
                }
                None => {
                    c += 1;
                    for i in members {
                        writeln!(out, "{pad}{}", node_line(i, &picture.nodes[i]))?;
                    }
                }
            }
        }
        if wrap {
            writeln!(out, "  }}")?;
        }
    }
    for a in &picture.arrows {
        let mut attrs = vec![format!("label={}", quote(a.relation.label()))];
        if a.is_broken() {
            attrs.push("color=\"#dc2626\", fontcolor=\"#dc2626\", penwidth=2".to_owned());
            attrs.push(format!("tooltip={}", quote(&a.findings.join(", "))));
        }
        if picture.nodes[a.to].is_missing() || a.optional {
            attrs.push("style=dashed".to_owned());
        }
        writeln!(out, "  n{} -> n{} [{}];", a.from, a.to, attrs.join(", "))?;
    }
    writeln!(out, "}}")
}
