//! The source-mapped tree a build works on: a value whose every node knows the file and
//! span it came from. Transformers and patches edit this tree; a node they set carries the
//! place that set it (the patch's node, the kustomization's entry). At the end it becomes
//! the object's JSON value and a span tree, with the points where the file changes.

use crate::base::value::{Map, Value};

use crate::base::{FileId, Pointer, Span};
use crate::yaml::scalar::Resolved;
use crate::yaml::{Key, Node, NodeKind, ScalarStyle};

/// Where a node came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// The node's own text.
    pub span: Span,
    /// The key that introduces it, or [`Span::NONE`].
    pub key: Span,
}

impl Origin {
    /// A node set by a kustomization entry: the entry's span, no key of its own.
    pub fn entry(file: FileId, span: Span) -> Origin {
        Origin {
            file,
            span,
            key: Span::NONE,
        }
    }
}

/// A node of a built object.
#[derive(Debug, Clone)]
pub struct MNode {
    /// Where it came from.
    pub origin: Origin,
    /// What it is.
    pub kind: MKind,
}

/// The shape of a node.
#[derive(Debug, Clone)]
pub enum MKind {
    /// A scalar (null, bool, number or string), with how it was written.
    Scalar(Value, ScalarStyle, Resolved),
    /// A sequence.
    Seq(Vec<MNode>),
    /// A mapping, in order.
    Map(Vec<(String, MNode)>),
}

impl MNode {
    /// Mirrors a parsed document: `value` and its span tree `tree`, from `file`.
    pub fn from_parsed(file: FileId, tree: &Node, value: &Value) -> MNode {
        MNode::from_parsed_at(file, tree, value, &|s| s)
    }

    /// Mirrors a document parsed from text embedded in `file` (an inline patch), `at`
    /// turning the text's spans into the file's.
    pub fn from_parsed_at(
        file: FileId,
        tree: &Node,
        value: &Value,
        at: &dyn Fn(Span) -> Span,
    ) -> MNode {
        let origin = Origin {
            file,
            span: at(tree.span),
            key: at(tree.key_span().unwrap_or(Span::NONE)),
        };
        // An alias (or a template) has no nodes below it: its copy points at the alias.
        let child = |token: &str| tree.child(token).unwrap_or(tree);
        let kind = match value {
            Value::Array(items) => MKind::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| MNode::from_parsed_at(file, child(&i.to_string()), v, at))
                    .collect(),
            ),
            Value::Object(map) => MKind::Map(
                map.iter()
                    .map(|(k, v)| (k.to_string(), MNode::from_parsed_at(file, child(k), v, at)))
                    .collect(),
            ),
            scalar => {
                let (style, resolved) = match &tree.kind {
                    NodeKind::Scalar { style, resolved } => (*style, *resolved),
                    _ => (ScalarStyle::Quoted, resolved_of(scalar)),
                };
                MKind::Scalar(scalar.clone(), style, resolved)
            }
        };
        MNode { origin, kind }
    }

    /// A value set by a transformer, every node of it at `origin`.
    pub fn synthetic(value: &Value, origin: Origin) -> MNode {
        let inner = Origin {
            key: Span::NONE,
            ..origin
        };
        let kind = match value {
            Value::Array(items) => {
                MKind::Seq(items.iter().map(|v| MNode::synthetic(v, inner)).collect())
            }
            Value::Object(map) => MKind::Map(
                map.iter()
                    .map(|(k, v)| (k.to_string(), MNode::synthetic(v, inner)))
                    .collect(),
            ),
            scalar => MKind::Scalar(scalar.clone(), ScalarStyle::Quoted, resolved_of(scalar)),
        };
        MNode { origin, kind }
    }

    /// A string scalar at `origin`.
    pub fn string(s: &str, origin: Origin) -> MNode {
        MNode::synthetic(&Value::String(s.into()), origin)
    }

    /// An empty mapping at `origin`.
    pub fn map(origin: Origin) -> MNode {
        MNode {
            origin,
            kind: MKind::Map(Vec::new()),
        }
    }

    /// The plain value.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            MKind::Scalar(v, ..) => v.clone(),
            MKind::Seq(items) => Value::Array(items.iter().map(MNode::to_value).collect()),
            MKind::Map(entries) => {
                let mut m = Map::with_capacity(entries.len());
                for (k, v) in entries {
                    m.insert(k.clone(), v.to_value());
                }
                Value::Object(m)
            }
        }
    }

    /// The string value of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            MKind::Scalar(Value::String(s), ..) => Some(s),
            _ => None,
        }
    }

    /// A mapping's child.
    pub fn get(&self, key: &str) -> Option<&MNode> {
        match &self.kind {
            MKind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    /// A mapping's child, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut MNode> {
        match &mut self.kind {
            MKind::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    /// The node along a `/`-separated path of keys.
    pub fn path(&self, path: &str) -> Option<&MNode> {
        path.split('/')
            .filter(|t| !t.is_empty())
            .try_fold(self, |n, k| n.get(k))
    }

    /// The string along a path of keys.
    pub fn str_at(&self, path: &str) -> Option<&str> {
        self.path(path).and_then(MNode::as_str)
    }

    /// Sets a mapping's child (appended when new), returning it.
    pub fn set(&mut self, key: &str, value: MNode) -> Option<&mut MNode> {
        let MKind::Map(entries) = &mut self.kind else {
            return None;
        };
        match entries.iter().position(|(k, _)| k == key) {
            Some(i) => {
                // The key stays where it was written; the value is the new one.
                let key_span = entries[i].1.origin.key;
                let mut value = value;
                if value.origin.key == Span::NONE && value.origin.file == entries[i].1.origin.file {
                    value.origin.key = key_span;
                }
                entries[i].1 = value;
                Some(&mut entries[i].1)
            }
            None => {
                entries.push((key.to_owned(), value));
                entries.last_mut().map(|(_, n)| n)
            }
        }
    }

    /// Removes a mapping's child.
    pub fn remove(&mut self, key: &str) -> Option<MNode> {
        let MKind::Map(entries) = &mut self.kind else {
            return None;
        };
        let i = entries.iter().position(|(k, _)| k == key)?;
        Some(entries.remove(i).1)
    }

    /// The child under `key`, created as an empty mapping at `origin` when absent.
    /// `None` when this node is not a mapping or the child is not one.
    pub fn ensure_map(&mut self, key: &str, origin: Origin) -> Option<&mut MNode> {
        if self
            .get(key)
            .is_none_or(|n| matches!(n.kind, MKind::Scalar(Value::Null, ..)))
        {
            self.set(key, MNode::map(origin))?;
        }
        let child = self.get_mut(key)?;
        matches!(child.kind, MKind::Map(_)).then_some(child)
    }

    /// Every node reached by a field path where sequences are crossed implicitly (the way
    /// kustomize's field specs are written: `spec/template/spec/containers/image`).
    pub fn visit_path_mut(&mut self, path: &[&str], f: &mut dyn FnMut(&mut MNode)) {
        if let MKind::Seq(items) = &mut self.kind {
            for item in items {
                item.visit_path_mut(path, f);
            }
            return;
        }
        match path.split_first() {
            None => f(self),
            Some((first, rest)) => {
                if let Some(child) = self.get_mut(first) {
                    child.visit_path_mut(rest, f);
                }
            }
        }
    }

    /// Converts to the object's value, its span tree and the pointers where the file
    /// changes from the parent's (the root's file first, at the root pointer).
    pub fn finish(&self) -> (Value, Node, Vec<(Pointer, FileId)>) {
        let mut switches = vec![(Pointer::root(), self.origin.file)];
        let mut pointer = Pointer::root();
        let tree = self.span_tree(&mut pointer, self.origin.file, &mut switches);
        (self.to_value(), tree, switches)
    }

    fn span_tree(
        &self,
        pointer: &mut Pointer,
        parent: FileId,
        switches: &mut Vec<(Pointer, FileId)>,
    ) -> Node {
        if self.origin.file != parent {
            switches.push((pointer.clone(), self.origin.file));
        }
        let file = self.origin.file;
        let key = (self.origin.key != Span::NONE).then_some(self.origin.key);
        let kind = match &self.kind {
            MKind::Scalar(_, style, resolved) => NodeKind::Scalar {
                style: *style,
                resolved: *resolved,
            },
            MKind::Seq(items) => NodeKind::Seq(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        pointer.push_index(i);
                        let node = n.span_tree(pointer, file, switches);
                        pointer.pop();
                        node
                    })
                    .collect(),
            ),
            MKind::Map(entries) => NodeKind::Map(
                entries
                    .iter()
                    .map(|(k, n)| {
                        pointer.push(k);
                        let node = n.span_tree(pointer, file, switches);
                        pointer.pop();
                        (Key::from(k.as_str()), node)
                    })
                    .collect(),
            ),
        };
        Node::new(self.origin.span, key, kind)
    }
}

/// How a value set by a transformer would have been read.
fn resolved_of(value: &Value) -> Resolved {
    match value {
        Value::Null => Resolved::Null,
        Value::Bool(_) => Resolved::Bool,
        Value::Number(n) if n.is_f64() => Resolved::Float,
        Value::Number(_) => Resolved::Int,
        _ => Resolved::Str,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{ParseLimits, parse};

    #[test]
    fn a_patched_node_records_where_the_file_changes() {
        let base = parse("a:\n  b: 1\n  c: x\n", &ParseLimits::default());
        let patch = parse("c: z\n", &ParseLimits::default());
        let doc = &base.documents[0];
        let mut n = MNode::from_parsed(FileId(0), &doc.tree, &doc.value);
        let p = &patch.documents[0];
        let pn = MNode::from_parsed(FileId(1), &p.tree, &p.value);
        let c = pn.get("c").cloned().unwrap();
        n.get_mut("a").unwrap().set("c", c);
        let (value, tree, switches) = n.finish();
        assert_eq!(value, crate::json!({"a": {"b": 1, "c": "z"}}));
        assert_eq!(switches[1], (Pointer::root().path("a/c"), FileId(1)));
        let (node, _) = tree.resolve(&Pointer::root().path("a/c"));
        assert_eq!(node.span, Span::new(3, 4));
    }
}
