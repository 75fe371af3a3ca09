//! Writing new YAML into existing text: values in block or flow style at a given column,
//! and the few facts about the surrounding text an edit needs (columns, line ends,
//! whether a collection is written in flow style).

use crate::base::value::Value;

use crate::yaml::scalar::{Resolved, resolve_plain};
use crate::yaml::{Node, NodeKind};

use super::TextEdit;

/// A value to write. Scalars carry their text exactly as it is to appear, so that a value
/// moved from one place to another keeps its quoting.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// A scalar's text (quotes included when it has them).
    Scalar(String),
    /// A mapping, in the order its entries are written.
    Map(Vec<(String, Yaml)>),
    /// A sequence.
    Seq(Vec<Yaml>),
}

impl Yaml {
    /// A scalar written as it appears (a number, `false`, or text kept from the input).
    pub fn raw(text: impl Into<String>) -> Yaml {
        Yaml::Scalar(text.into())
    }

    /// A string, plain when Kubernetes reads it back as the same string, else
    /// double-quoted.
    pub fn string(s: &str) -> Yaml {
        Yaml::Scalar(if plain_is_string(s) {
            s.to_owned()
        } else {
            quoted(s)
        })
    }

    /// A JSON value written as YAML (strings quoted where they must be).
    pub fn from_json(value: &Value) -> Yaml {
        match value {
            Value::String(s) => Yaml::string(s),
            Value::Array(items) => Yaml::Seq(items.iter().map(Yaml::from_json).collect()),
            Value::Object(map) => Yaml::Map(
                map.iter()
                    .map(|(k, v)| (k.to_string(), Yaml::from_json(v)))
                    .collect(),
            ),
            other => Yaml::Scalar(other.to_string()),
        }
    }

    /// A scalar's text.
    pub fn scalar_text(&self) -> Option<&str> {
        match self {
            Yaml::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Flow style: `{a: 1, b: [x, y]}`.
    pub fn flow(&self) -> String {
        match self {
            Yaml::Scalar(s) => s.clone(),
            Yaml::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| Yaml::entry_flow(k, v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Yaml::Seq(items) => format!(
                "[{}]",
                items.iter().map(Yaml::flow).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// `key: value` in flow style.
    pub fn entry_flow(key: &str, value: &Yaml) -> String {
        format!("{}: {}", key_text(key), value.flow())
    }

    /// `key: value` in block style, every line indented to `column` (no final newline).
    /// `None` for a key that cannot be written plain.
    pub fn entry_block(key: &str, value: &Yaml, column: usize) -> Option<String> {
        let pad = " ".repeat(column);
        let key = key_text(key);
        Some(match value {
            Yaml::Map(entries) if !entries.is_empty() => {
                let inner = column + 2;
                format!(
                    "{pad}{key}:\n{}{}",
                    " ".repeat(inner),
                    value.block_body(inner)?
                )
            }
            Yaml::Seq(items) if !items.is_empty() => {
                let inner = column + 2;
                format!(
                    "{pad}{key}:\n{}{}",
                    " ".repeat(inner),
                    value.block_body(inner)?
                )
            }
            _ => format!("{pad}{key}: {}", value.flow()),
        })
    }

    /// The value in block style when its first line continues the current line at
    /// `column` and the next lines are indented to it.
    pub fn block_body(&self, column: usize) -> Option<String> {
        let pad = " ".repeat(column);
        Some(match self {
            Yaml::Map(entries) if !entries.is_empty() => {
                let mut lines = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    lines.push(Yaml::entry_block(k, v, column)?);
                }
                lines.join("\n").split_off(column)
            }
            Yaml::Seq(items) if !items.is_empty() => {
                let mut lines = Vec::with_capacity(items.len());
                for item in items {
                    lines.push(format!("{pad}- {}", item.block_body(column + 2)?));
                }
                lines.join("\n").split_off(column)
            }
            other => other.flow(),
        })
    }
}

/// A key, plain when it reads back as the same string.
fn key_text(key: &str) -> String {
    if plain_is_string(key) {
        key.to_owned()
    } else {
        quoted(key)
    }
}

fn quoted(s: &str) -> String {
    crate::base::value::Value::String(s.into()).to_string()
}

/// Whether `s` written without quotes is read back as the string `s`.
fn plain_is_string(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@` ".contains(first) || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.chars().any(char::is_control) {
        return false;
    }
    matches!(resolve_plain(s).1, Resolved::Str)
}

/// The column (in bytes: indentation is ASCII) of an offset.
pub fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// The start of the line holding an offset.
pub fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The start of the line after the one holding the offset (`at` itself when it already
/// starts a line; the end of the text on the last line).
pub fn after_line(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\n') {
        return at;
    }
    text.get(at..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| at + i + 1)
}

/// Whether a collection is written in flow style (`{…}` or `[…]`).
pub fn is_flow(text: &str, node: &Node) -> bool {
    let first = text.as_bytes().get(node.span.start as usize);
    match node.kind {
        NodeKind::Map(_) => first == Some(&b'{'),
        NodeKind::Seq(_) => first == Some(&b'['),
        _ => false,
    }
}

/// The offset of a flow collection's closing bracket. A collection's span ends with its
/// last child, so the closers of the flow collections that end with it come first.
pub fn flow_close(text: &str, node: &Node) -> Option<usize> {
    let mut nested = 0usize;
    let mut last = node;
    loop {
        let child = match &last.kind {
            NodeKind::Map(entries) => entries.last().map(|(_, n)| n),
            NodeKind::Seq(items) => items.last(),
            _ => None,
        };
        match child {
            Some(c) if is_flow(text, c) && !is_empty(c) => {
                nested += 1;
                last = c;
            }
            _ => break,
        }
    }
    let bytes = text.as_bytes();
    let mut at = node.span.end as usize;
    while let Some(&b) = bytes.get(at) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | b',' => at += 1,
            b'#' => at = after_line(text, at),
            b'}' | b']' if nested > 0 => {
                nested -= 1;
                at += 1;
            }
            b'}' | b']' => return Some(at),
            _ => return None,
        }
    }
    None
}

fn is_empty(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Map(entries) => entries.is_empty(),
        NodeKind::Seq(items) => items.is_empty(),
        _ => true,
    }
}

/// Whether a scalar is a plain null (nothing written, `~` or `null`).
pub fn is_null(text: &str, node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            resolved: Resolved::Null,
            ..
        }
    ) && matches!(
        text.get(node.span.start as usize..node.span.end as usize),
        Some("" | "~" | "null" | "Null" | "NULL")
    )
}

/// A text with edits applied. Edits must not overlap; those at one insertion point keep
/// their order.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for e in sorted {
        let start = (e.span.start as usize).clamp(at, text.len());
        let end = (e.span.end as usize).clamp(start, text.len());
        out.push_str(text.get(at..start).unwrap_or_default());
        out.push_str(&e.text);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{ParseLimits, parse};

    #[test]
    fn strings_are_quoted_only_when_yaml_would_read_another_type() {
        assert_eq!(Yaml::string("web").flow(), "web");
        for typed in ["yes", "1.10", "0755", "", "- x", "a: b", "null", "~"] {
            assert!(Yaml::string(typed).flow().starts_with('"'), "{typed}");
        }
    }

    #[test]
    fn block_and_flow_writing() {
        let v = Yaml::Map(vec![
            (
                "service".into(),
                Yaml::Map(vec![("name".into(), Yaml::raw("web"))]),
            ),
            ("drop".into(), Yaml::Seq(vec![Yaml::raw("ALL")])),
        ]);
        assert_eq!(
            v.block_body(4).as_deref(),
            Some("service:\n      name: web\n    drop:\n      - ALL")
        );
        assert_eq!(v.flow(), "{service: {name: web}, drop: [ALL]}");
        assert_eq!(
            Yaml::entry_block("k", &Yaml::Map(vec![]), 2).as_deref(),
            Some("  k: {}")
        );
    }

    #[test]
    fn the_closing_bracket_of_a_flow_collection_is_found_past_its_children() {
        let text = "a: {b: {c: [1, 2]} , d: {e: 1}  }\n";
        let doc = &parse(text, &ParseLimits::default()).documents[0];
        let a = doc.tree.child("a").unwrap();
        assert_eq!(flow_close(text, a), Some(text.rfind('}').unwrap()));
        let b = a.child("b").unwrap();
        assert_eq!(flow_close(text, b), Some(text.find("} ,").unwrap()));
    }

    #[test]
    fn line_positions() {
        let text = "ab\ncd";
        assert_eq!(line_start(text, 4), 3);
        assert_eq!(after_line(text, 1), 3);
        assert_eq!(after_line(text, 3), 3);
        assert_eq!(after_line(text, 4), 5);
        assert_eq!(column(text, 4), 1);
    }
}
