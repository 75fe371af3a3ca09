//! Text edits on manifests. A change to an object is said with JSON pointers (set this
//! field, rename that key, remove this item); [`resolve`] turns it into byte edits of the
//! object's file through the span tree, so that everything the change does not touch —
//! comments, key order, quoting, indentation — stays exactly as written.
//!
//! Only what can be edited safely is: block and flow collections of a file's own text.
//! Objects built by a kustomization (their nodes come from several files) and nodes made
//! by aliases or templates are declined, never guessed at.

pub mod text;

use crate::base::{FileId, ObjectId, Pointer, Span};
use crate::graph::Graph;
use crate::yaml::{Node, NodeKind};

pub use text::{Yaml, apply};

/// One replacement of a file's bytes (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    /// The file.
    pub file: FileId,
    /// The bytes replaced.
    pub span: Span,
    /// What replaces them.
    pub text: String,
}

/// A change to an object, by JSON pointer within it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Replaces the existing node at the pointer.
    Replace {
        /// The node.
        pointer: Pointer,
        /// Its new value.
        value: Yaml,
    },
    /// Sets a mapping field: replaces it when present, else adds it, with the mappings
    /// above it that are missing.
    Set {
        /// The field.
        pointer: Pointer,
        /// Its value.
        value: Yaml,
    },
    /// Renames the key that introduces the node at the pointer.
    RenameKey {
        /// The node.
        pointer: Pointer,
        /// The new key.
        to: String,
    },
    /// Removes a mapping entry or a sequence item.
    Remove {
        /// The entry or item.
        pointer: Pointer,
    },
    /// Removes the mapping entry whose key is written at this span (a repeated key has
    /// no pointer of its own).
    RemoveKeyedAt {
        /// The key's span.
        key: Span,
    },
    /// Adds an item at the end of an existing sequence.
    Append {
        /// The sequence.
        pointer: Pointer,
        /// The item.
        value: Yaml,
    },
}

/// The byte edits that make the changes to an object, or `None` when one of them cannot
/// be made on the text as written (the fix is then not offered).
pub fn resolve(graph: &Graph, object: ObjectId, changes: &[Change]) -> Option<Vec<TextEdit>> {
    let o = graph.object(object);
    let doc = &graph.docs[o.doc.0 as usize];
    if doc.built.is_some() || o.context {
        return None;
    }
    let file = doc.file;
    let text = &*graph.file(file).text();
    let tree = graph.tree(o.doc);
    let (root, depth) = tree.resolve(&o.base);
    if depth != o.base.tokens().count() {
        return None;
    }
    let mut edits = Vec::new();
    for change in changes {
        let (span, new) = one(root, text, change)?;
        edits.push(TextEdit {
            file,
            span,
            text: new,
        });
    }
    Some(edits)
}

/// The node at a pointer, only when every token of it has a node.
fn exact<'a>(root: &'a Node, pointer: &Pointer) -> Option<&'a Node> {
    let (node, depth) = root.resolve(pointer);
    (depth == pointer.tokens().count()).then_some(node)
}

fn one(root: &Node, text: &str, change: &Change) -> Option<(Span, String)> {
    match change {
        Change::Replace { pointer, value } => replace(exact(root, pointer)?, text, value),
        Change::Set { pointer, value } => match exact(root, pointer) {
            Some(node) => replace(node, text, value),
            None => insert(root, text, pointer, value),
        },
        Change::RenameKey { pointer, to } => {
            let key = exact(root, pointer)?.key_span()?;
            Some((key, Yaml::string(to).scalar_text()?.to_owned()))
        }
        Change::Remove { pointer } => remove(root, text, pointer),
        Change::Append { pointer, value } => append(exact(root, pointer)?, text, value),
        Change::RemoveKeyedAt { key } => {
            let (parent, node) = keyed_at(root, *key)?;
            remove_node(parent, node, text)
        }
    }
}

/// The mapping entry whose key is at `key`, with its mapping.
pub fn keyed_at(root: &Node, key: Span) -> Option<(&Node, &Node)> {
    let covers = |n: &Node| n.head_span().start <= key.start && key.end <= n.span.end;
    let mut node = root;
    loop {
        let next = match &node.kind {
            NodeKind::Map(entries) => {
                if let Some((_, hit)) = entries.iter().find(|(_, n)| n.key_span() == Some(key)) {
                    return Some((node, hit));
                }
                entries.iter().map(|(_, n)| n).find(|n| covers(n))
            }
            NodeKind::Seq(items) => items.iter().find(|n| covers(n)),
            _ => None,
        };
        node = next?;
    }
}

/// The node's own text replaced by the value, written in the node's style (block at the
/// node's column, or flow inside a flow collection).
fn replace(node: &Node, text: &str, value: &Yaml) -> Option<(Span, String)> {
    if matches!(node.kind, NodeKind::Alias) {
        return None;
    }
    let start = node.span.start as usize;
    let column = text::column(text, start);
    let flow = text::is_flow(text, node);
    let new = match (&node.kind, value) {
        (_, Yaml::Scalar(s)) => s.clone(),
        (NodeKind::Scalar { .. }, _) => {
            // A scalar becoming a collection: written in flow style where the scalar was.
            value.flow()
        }
        _ if flow => value.flow(),
        _ => value.block_body(column)?,
    };
    // A flow collection's span stops at its last child: its closer goes with it.
    let span = match &node.kind {
        NodeKind::Map(entries) if flow && !entries.is_empty() => {
            Span::new(start, text::flow_close(text, node)? + 1)
        }
        NodeKind::Seq(items) if flow && !items.is_empty() => {
            Span::new(start, text::flow_close(text, node)? + 1)
        }
        _ => node.span,
    };
    Some((span, new))
}

/// A missing field added to the deepest mapping that exists along the pointer.
fn insert(root: &Node, text: &str, pointer: &Pointer, value: &Yaml) -> Option<(Span, String)> {
    let (parent, depth) = root.resolve(pointer);
    let tokens: Vec<String> = pointer.tokens().map(|t| t.into_owned()).collect();
    let missing = tokens.get(depth..)?;
    let (first, rest) = missing.split_first()?;
    // The field's value, with the missing mappings between it and `first` around it.
    let mut inner = value.clone();
    for key in rest.iter().rev() {
        inner = Yaml::Map(vec![(key.clone(), inner)]);
    }
    match &parent.kind {
        NodeKind::Map(entries) if !entries.is_empty() => {
            if text::is_flow(text, parent) {
                // `{a: 1}` → `{a: 1, first: …}`, before the closing brace.
                let close = text::flow_close(text, parent)?;
                let at = Span::new(close, close);
                return Some((at, format!(", {}", Yaml::entry_flow(first, &inner))));
            }
            let column = entries
                .iter()
                .filter_map(|(_, n)| n.key_span())
                .map(|k| text::column(text, k.start as usize))
                .next()?;
            let at = text::after_line(text, parent.span.end as usize);
            let lead = if at == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            let entry = Yaml::entry_block(first, &inner, column)?;
            Some((Span::new(at, at), format!("{lead}{entry}\n")))
        }
        NodeKind::Map(_) => {
            // `{}`: replaced by a flow mapping holding the field.
            Some((
                parent.span,
                format!("{{{}}}", Yaml::entry_flow(first, &inner)),
            ))
        }
        NodeKind::Scalar { .. } if text::is_null(text, parent) => {
            // `securityContext:` with nothing after it: the field follows the colon in flow
            // style (an empty scalar's own position may be on the next line).
            let flow = format!("{{{}}}", Yaml::entry_flow(first, &inner));
            if parent.span.start == parent.span.end {
                let key = parent.key_span()?;
                let colon = key.end as usize + text.get(key.end as usize..)?.find(':')?;
                return Some((Span::new(colon + 1, colon + 1), format!(" {flow}")));
            }
            Some((parent.span, flow))
        }
        _ => None,
    }
}

/// A block sequence item or mapping entry removed with its lines.
fn remove(root: &Node, text: &str, pointer: &Pointer) -> Option<(Span, String)> {
    let node = exact(root, pointer)?;
    let parent = exact(root, &pointer.parent()?)?;
    remove_node(parent, node, text)
}

fn remove_node(parent: &Node, node: &Node, text: &str) -> Option<(Span, String)> {
    if text::is_flow(text, parent) {
        return None;
    }
    let head = node.head_span().start as usize;
    let line = text::line_start(text, head);
    let before = text.get(line..head)?;
    let ok = match &parent.kind {
        // The item's dash, alone at the start of its line.
        NodeKind::Seq(_) => {
            let t = before.trim_start_matches(' ');
            t.starts_with('-') && t[1..].trim_matches(' ').is_empty()
        }
        NodeKind::Map(_) => before.trim_matches(' ').is_empty(),
        _ => false,
    };
    if !ok {
        return None;
    }
    let end = text::after_line(text, node.span.end.max(node.head_span().end) as usize);
    Some((Span::new(line, end), String::new()))
}

/// An item added after the last one of a sequence.
fn append(seq: &Node, text: &str, value: &Yaml) -> Option<(Span, String)> {
    let NodeKind::Seq(items) = &seq.kind else {
        return None;
    };
    if text::is_flow(text, seq) {
        let close = if items.is_empty() {
            (seq.span.end as usize).checked_sub(1)?
        } else {
            text::flow_close(text, seq)?
        };
        let sep = if items.is_empty() { "" } else { ", " };
        return Some((Span::new(close, close), format!("{sep}{}", value.flow())));
    }
    let last = items.last()?;
    let start = last.span.start as usize;
    let line = text::line_start(text, start);
    let before = text.get(line..start)?;
    let dash = before.find('-')?;
    if !before[..dash].trim_matches(' ').is_empty() {
        return None;
    }
    let at = text::after_line(text, seq.span.end as usize);
    let lead = if at == text.len() && !text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let item = value.block_body(dash + 2)?;
    Some((
        Span::new(at, at),
        format!("{lead}{}- {item}\n", " ".repeat(dash)),
    ))
}
