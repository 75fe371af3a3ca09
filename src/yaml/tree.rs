//! The span tree: every node of a document, keys included, with its byte span.
//!
//! This is the one mechanism that turns a JSON pointer into a place in a file. The JSON
//! value of a document is kept separately (`crate::base::value::Value`); the tree mirrors its
//! shape and carries only what locations and YAML-level rules need.

pub use crate::base::small_str::Key;
use crate::base::{Pointer, Span};

use super::scalar::Resolved;

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
///
/// A repository of 10,000 objects has about a third of a million nodes, all alive until
/// the run ends: the layout is kept small (40 bytes, keys inline, children in exactly
/// sized boxes).
#[derive(Debug, Clone)]
pub struct Node {
    /// The node's own text: a scalar's token, a collection from its start to its last child.
    pub span: Span,
    /// The key that introduces this node when it is a mapping value; [`Span::NONE`] when
    /// there is none (see [`Node::key_span`]).
    key_span: Span,
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
    Seq(Box<[Node]>),
    /// A mapping, in source order, with the string form of each key.
    Map(Box<[(Key, Node)]>),
}

impl Node {
    /// A node; `key_span` is the span of the key that introduces it in a mapping.
    pub fn new(span: Span, key_span: Option<Span>, kind: NodeKind) -> Node {
        Node {
            span,
            key_span: key_span.unwrap_or(Span::NONE),
            kind,
        }
    }

    /// The key that introduces this node when it is a mapping value.
    pub fn key_span(&self) -> Option<Span> {
        (self.key_span != Span::NONE).then_some(self.key_span)
    }

    /// The child under one pointer token, if there is one.
    pub fn child(&self, token: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_bytes() == token.as_bytes())
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
                .key_span()
                .or_else(|| entries.first().and_then(|(_, n)| n.key_span()))
                .unwrap_or(self.span),
            NodeKind::Seq(items) => self
                .key_span()
                .or_else(|| items.first().map(Node::label_span))
                .unwrap_or(self.span),
        }
    }

    /// The nodes that contain a byte offset, from this one down, outermost first (this
    /// node whether or not it does). A node contains the text from its key, when it has
    /// one, to its end.
    pub fn chain_at(&self, offset: u32) -> Vec<&Node> {
        let contains = |n: &Node| {
            let head = n
                .key_span()
                .map_or(n.span.start, |k| k.start.min(n.span.start));
            head <= offset && offset < n.span.end.max(head + 1)
        };
        let mut chain: Vec<&Node> = vec![self];
        let mut node = self;
        loop {
            let next = match &node.kind {
                NodeKind::Map(entries) => entries.iter().map(|(_, n)| n).find(|n| contains(n)),
                NodeKind::Seq(items) => items.iter().find(|n| contains(n)),
                NodeKind::Scalar { .. } | NodeKind::Alias => None,
            };
            match next {
                Some(n) => {
                    chain.push(n);
                    node = n;
                }
                None => return chain,
            }
        }
    }

    /// The line-start anchor of a node for inline suppressions: the key when it has one.
    pub fn head_span(&self) -> Span {
        self.key_span().unwrap_or(self.span)
    }

    /// Every node below this one, depth first, with its pointer.
    pub fn walk(&self, pointer: &mut Pointer, visit: &mut dyn FnMut(&Pointer, &Node)) {
        visit(pointer, self);
        match &self.kind {
            NodeKind::Map(entries) => {
                for (key, child) in entries {
                    pointer.push(key.as_str());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_and_keys_stay_small() {
        assert_eq!(std::mem::size_of::<Node>(), 40);
    }
}
