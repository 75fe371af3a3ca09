//! The span tree: every node of a document, keys included, with its byte span.
//!
//! This is the one mechanism that turns a JSON pointer into a place in a file. The JSON
//! value of a document is kept separately (`serde_json::Value`); the tree mirrors its
//! shape and carries only what locations and YAML-level rules need.

use crate::model::pointer::Pointer;

use super::scalar::Resolved;

/// A byte range in a source file, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from two byte offsets.
    pub fn new(start: usize, end: usize) -> Span {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// How a scalar was written, which decides how it was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted: typed by the YAML 1.1 rules.
    Plain,
    /// `'…'` or `"…"`.
    Quoted,
    /// `|` or `>`.
    Block,
}

/// One node of the span tree.
#[derive(Debug, Clone)]
pub struct Node {
    /// The node's own text: a scalar's token, a collection from its start to its last child.
    pub span: Span,
    /// The key that introduces this node when it is a mapping value.
    pub key_span: Option<Span>,
    /// What the node is.
    pub kind: NodeKind,
}

/// The shape of a node.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar, with how it was written and what it resolved to.
    Scalar {
        style: ScalarStyle,
        resolved: Resolved,
    },
    /// An alias (`*name`): its value is a copy of the anchored node, its span is the alias.
    Alias,
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, with the string form of each key.
    Map(Vec<(Box<str>, Node)>),
}

impl Node {
    /// The child under one pointer token, if there is one.
    pub fn child(&self, token: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| &**k == token)
                .map(|(_, n)| n),
            NodeKind::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            NodeKind::Scalar { .. } | NodeKind::Alias => None,
        }
    }

    /// The deepest node along `pointer`, and how many of its tokens were followed.
    ///
    /// Values produced by aliases or templates have no nodes of their own; a finding inside
    /// them points at the nearest node that does exist.
    pub fn resolve<'a>(&'a self, pointer: &Pointer) -> (&'a Node, usize) {
        let mut node = self;
        let mut depth = 0;
        for token in pointer.tokens() {
            match node.child(&token) {
                Some(next) => {
                    node = next;
                    depth += 1;
                }
                None => break,
            }
        }
        (node, depth)
    }

    /// The span a finding at this node underlines: a scalar's value; for a collection the
    /// key that introduces it, or its first key, so that a block of thirty lines is not
    /// underlined whole.
    pub fn label_span(&self) -> Span {
        match &self.kind {
            NodeKind::Scalar { .. } | NodeKind::Alias => self.span,
            NodeKind::Map(entries) => self
                .key_span
                .or_else(|| entries.first().and_then(|(_, n)| n.key_span))
                .unwrap_or(self.span),
            NodeKind::Seq(items) => self
                .key_span
                .or_else(|| items.first().map(Node::label_span))
                .unwrap_or(self.span),
        }
    }

    /// The line-start anchor of a node for inline suppressions: the key when it has one.
    pub fn head_span(&self) -> Span {
        self.key_span.unwrap_or(self.span)
    }

    /// Every node below this one, depth first, with its pointer.
    pub fn walk(&self, pointer: &mut Pointer, visit: &mut dyn FnMut(&Pointer, &Node)) {
        visit(pointer, self);
        match &self.kind {
            NodeKind::Map(entries) => {
                for (key, child) in entries {
                    pointer.push(key);
                    child.walk(pointer, visit);
                    pointer.pop();
                }
            }
            NodeKind::Seq(items) => {
                for (i, child) in items.iter().enumerate() {
                    pointer.push_index(i);
                    child.walk(pointer, visit);
                    pointer.pop();
                }
            }
            NodeKind::Scalar { .. } | NodeKind::Alias => {}
        }
    }
}
