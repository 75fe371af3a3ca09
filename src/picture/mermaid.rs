//! Mermaid output: a `flowchart LR` that GitHub renders inside markdown, one subgraph per
//! apply unit when there are several, inside it one per namespace, missing objects dashed, broken references red.

use std::io::{self, Write};

use super::{Node, Picture, Role};
use crate::escape;
use crate::graph::Graph;

/// A quoted Mermaid label; `"` cannot appear inside one, so it becomes `#quot;`.
fn label(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "#quot;"))
}

fn class(role: Role) -> &'static str {
    match role {
        Role::Network => "network",
        Role::Workload => "workload",
        Role::Storage => "storage",
        Role::Config => "config",
        Role::Policy => "policy",
        Role::Other => "other",
    }
}

fn node_line(i: usize, n: &Node) -> String {
    // Kinds and names come from the input: escaped, so that only our `<br/>` is markup.
    let mut text = format!("{}<br/>{}", escape::html(&n.kind), escape::html(&n.name));
    if n.is_missing() {
        text.push_str("<br/>(missing)");
    } else if n.context {
        text.push_str("<br/>(context)");
    }
    let class = if n.is_missing() {
        "missing"
    } else {
        class(n.role)
    };
    format!("n{i}[{}]:::{class}", label(&text))
}

/// Writes the picture as a Mermaid flowchart.
pub fn write(_graph: &Graph, picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "flowchart LR")?;
    let units = picture.by_unit();
    // One unit is drawn as before: namespaces at the top level.
    let wrap = units.len() > 1;
    let mut c = 0;
    for (u, (unit, namespaces)) in units.into_iter().enumerate() {
        let pad = if wrap { "    " } else { "  " };
        if wrap {
            writeln!(
                out,
                "  subgraph unit{u}[{}]",
                label(&format!("unit {}", escape::html(unit)))
            )?;
        }
        for (namespace, members) in namespaces {
            match namespace {
                Some(ns) => {
                    writeln!(
                        out,
                        "{pad}subgraph ns{c}[{}]",
                        label(&format!("namespace {}", escape::html(ns)))
                    )?;
                    c += 1;
                    for i in members {
                        writeln!(out, "{pad}  {}", node_line(i, &picture.nodes[i]))?;
                    }
                    writeln!(out, "{pad}end")?;
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
            writeln!(out, "  end")?;
        }
    }
    let mut red = Vec::new();
    for (k, a) in picture.arrows.iter().enumerate() {
        let arrow = if picture.nodes[a.to].is_missing() || a.optional {
            "-.->"
        } else {
            "-->"
        };
        writeln!(
            out,
            "  n{} {arrow}|{}| n{}",
            a.from,
            label(a.relation.label()),
            a.to
        )?;
        if a.is_broken() {
            red.push(k.to_string());
        }
    }
    writeln!(out, "  classDef network fill:#dbeafe,stroke:#1e3a8a")?;
    writeln!(out, "  classDef workload fill:#dcfce7,stroke:#14532d")?;
    writeln!(out, "  classDef storage fill:#fef9c3,stroke:#713f12")?;
    writeln!(out, "  classDef config fill:#f3e8ff,stroke:#581c87")?;
    writeln!(out, "  classDef policy fill:#e5e7eb,stroke:#374151")?;
    writeln!(out, "  classDef other fill:#ffffff,stroke:#374151")?;
    writeln!(
        out,
        "  classDef missing fill:#ffffff,stroke:#6b7280,stroke-dasharray:5 5,color:#6b7280"
    )?;
    if !red.is_empty() {
        writeln!(
            out,
            "  linkStyle {} stroke:#dc2626,stroke-width:2px,color:#dc2626",
            red.join(",")
        )?;
    }
    Ok(())
}
