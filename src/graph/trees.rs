//! Span trees kept, or parsed again when asked for.
//!
//! A span tree is as large as its document's value, and a check needs one only to locate
//! its findings (and for the few rules that read how a scalar was written). The compile
//! stage therefore drops the trees of ordinary files once their objects are built, and
//! the graph parses again, when one of those trees is asked for, the part of its file
//! that holds the document: from the document marker before it to the next (the cut that
//! large files are parsed in, which gives the file's own trees). The last few parts
//! parsed again are kept per thread: the stages that locate findings visit them grouped
//! by document, so each document is parsed about once per stage, and a file of a hundred
//! megabytes is never held whole again.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::base::recent::Recent;
use crate::base::{DocId, FileId, Location, ObjectId, Pointer, Span};
use crate::yaml::split::{parse_part, part_around};
use crate::yaml::{Node, NodeKind, ParseLimits};

use super::Graph;

/// How a graph gets back the trees it let go.
#[derive(Debug, Clone, Default)]
pub(super) struct Reparser {
    /// The graph's own number, so that a thread's kept trees never answer for another
    /// graph.
    pub(super) graph: u64,
    /// The limits of the compile stage's parse.
    pub(super) limits: Option<ParseLimits>,
    /// Whether any document's tree was let go.
    pub(super) let_go: bool,
}

/// A number for each graph that can parse trees again.
fn next_graph_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Parts parsed again and kept per thread, most recent last: at most this many, and no
/// more text than [`KEPT_TEXT`] but for the last one (a finding's related places may be
/// in a few other documents).
const KEPT_PARTS: usize = 16;
const KEPT_TEXT: usize = 4 * 1024 * 1024;

/// One part of a file parsed again: its documents' spans and trees.
struct Reparsed {
    graph: u64,
    file: FileId,
    part: Range<usize>,
    trees: Vec<(Span, Arc<Node>)>,
}

thread_local! {
    static REPARSED: RefCell<Recent<Reparsed>> = const { RefCell::new(Recent::new(KEPT_PARTS, KEPT_TEXT)) };
}

impl Graph {
    /// Parses documents' trees again within `limits` when they were let go (see
    /// [`super::DocTree::tree`]): only files that parse without a problem and may be cut
    /// at their document markers ([`crate::yaml::split::may_cut`]) are let go.
    pub fn set_reparser(&mut self, limits: ParseLimits) {
        self.reparser = Reparser {
            graph: next_graph_number(),
            limits: Some(ParseLimits {
                run: None,
                ..limits
            }),
            let_go: self.docs.iter().any(|d| d.tree.is_none()),
        };
    }

    /// A document's span tree: the kept one, or its part of the file parsed again. A
    /// document that cannot be found again (which a parse of the same text never gives) is
    /// one node spanning the document, so that its findings still point at it.
    pub fn tree(&self, doc: DocId) -> Arc<Node> {
        let d = &self.docs[doc.0 as usize];
        if let Some(tree) = &d.tree {
            return Arc::clone(tree);
        }
        self.reparsed(d.file, d.span)
            .unwrap_or_else(|| Arc::new(Node::new(d.span, None, NodeKind::Alias)))
    }

    /// The tree of the document of `file` at `span`, from its part parsed again (or the
    /// whole file, should the part alone not parse as in the file).
    fn reparsed(&self, file: FileId, span: Span) -> Option<Arc<Node>> {
        let limits = self.reparser.limits.as_ref()?;
        // Asked first, before the text is read and cut: most documents asked for are in
        // a part this thread has just parsed.
        let mut tree = self.kept_tree(file, span);
        if tree.is_none() {
            let text = &*self.file(file).text();
            let part = part_around(text, span.start as usize);
            let (part, documents) = match parse_part(text, part.clone(), limits) {
                Some(documents) => (part, documents),
                // Not for a file that was let go (it parsed without a problem); the whole
                // file, should it happen.
                None => {
                    let whole = 0..text.len();
                    let documents = parse_part(text, whole.clone(), limits).unwrap_or_default();
                    (whole, documents)
                }
            };
            let trees: Vec<(Span, Arc<Node>)> = documents
                .into_iter()
                .map(|d| (d.span, Arc::new(d.tree)))
                .collect();
            tree = find(&trees, span);
            let reparsed = Reparsed {
                graph: self.reparser.graph,
                file,
                part,
                trees,
            };
            REPARSED.with(|kept| kept.borrow_mut().keep(reparsed, |r| r.part.len()));
        }
        tree
    }

    /// The tree of the document at `span` if this thread kept the part holding it.
    fn kept_tree(&self, file: FileId, span: Span) -> Option<Arc<Node>> {
        let graph = self.reparser.graph;
        let (start, end) = (span.start as usize, span.end as usize);
        REPARSED.with(|kept| {
            let mut kept = kept.borrow_mut();
            let r = kept.find(|r| {
                r.graph == graph && r.file == file && r.part.start <= start && end <= r.part.end
            })?;
            find(&r.trees, span)
        })
    }

    /// `f` of every item, in parallel and in the items' order. When trees were let go the
    /// items are visited grouped by the document of their `location`, so that each file is
    /// parsed again about once rather than once per finding in it.
    pub fn in_document_order<T, R>(
        &self,
        items: &[T],
        location: impl Fn(&T) -> &Location + Sync,
        f: impl Fn(&T) -> R + Sync + Send,
    ) -> Vec<R>
    where
        T: Sync,
        R: Send,
    {
        if !self.reparser.let_go {
            return items.par_iter().map(f).collect();
        }
        let group = |item: &T| match location(item) {
            Location::Object { object, .. } => (self.object(*object).doc.0, 0),
            Location::File { file, .. } => (u32::MAX, file.0),
        };
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.par_sort_by_key(|&i| group(&items[i]));
        let mut done: Vec<(usize, R)> = order.into_par_iter().map(|i| (i, f(&items[i]))).collect();
        done.par_sort_unstable_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, r)| r).collect()
    }

    /// The tree of an object's document, to read nodes of the object from.
    pub fn object_tree(&self, object: ObjectId) -> ObjectTree<'_> {
        let o = self.object(object);
        ObjectTree {
            graph: self,
            object,
            tree: self.tree(o.doc),
        }
    }

    /// The tree of the first document of `file` that covers `offset`, if one does.
    pub fn tree_holding(&self, file: FileId, offset: u32) -> Option<Arc<Node>> {
        self.doc_holding(file, offset)
            .map(|i| self.tree(DocId(i as u32)))
    }

    /// The file of the node at an object's pointer, without a tree when the object's
    /// document is one file's (only a built object's nodes come from several).
    pub fn file_at(&self, object: ObjectId, pointer: &Pointer) -> FileId {
        let o = self.object(object);
        let doc = &self.docs[o.doc.0 as usize];
        match &doc.built {
            None => doc.file,
            Some(_) => self.object_tree(object).node_at(pointer).1,
        }
    }

    /// The span of an object's root node.
    pub fn root_span(&self, object: ObjectId) -> (FileId, Span) {
        let tree = self.object_tree(object);
        let (root, file) = tree.node_at(&Pointer::root());
        (file, root.span)
    }
}

/// An object's document tree, held while its nodes are read.
pub struct ObjectTree<'g> {
    graph: &'g Graph,
    object: ObjectId,
    tree: Arc<Node>,
}

impl ObjectTree<'_> {
    /// The object's root node (a `List` item's is inside its document).
    pub fn root(&self) -> &Node {
        let o = self.graph.object(self.object);
        self.tree.resolve(&o.base).0
    }

    /// The deepest node along `pointer`, and its file.
    pub fn node_at(&self, pointer: &Pointer) -> (&Node, FileId) {
        let (node, depth) = self.root().resolve(pointer);
        (node, self.file_of(pointer, depth))
    }

    /// The file of the node `depth` tokens down `pointer`.
    fn file_of(&self, pointer: &Pointer, depth: usize) -> FileId {
        let o = self.graph.object(self.object);
        let doc = &self.graph.docs[o.doc.0 as usize];
        match &doc.built {
            None => doc.file,
            Some(built) => built.file_at(&pointer.truncated(depth)).unwrap_or(doc.file),
        }
    }

    /// The node at `pointer` and its file, only when every token of it has a node (a
    /// value an alias or a template gave has none of its own).
    pub fn exact(&self, pointer: &Pointer) -> Option<(&Node, FileId)> {
        let (node, depth) = self.root().resolve(pointer);
        (depth == pointer.tokens().count()).then(|| (node, self.file_of(pointer, depth)))
    }

    /// The nodes from the object's root to the node at `pointer`, as far as they exist.
    pub fn chain(&self, pointer: &Pointer) -> Vec<&Node> {
        let mut node = self.root();
        let mut chain = vec![node];
        for token in pointer.tokens() {
            match node.child(&token) {
                Some(next) => {
                    node = next;
                    chain.push(node);
                }
                None => break,
            }
        }
        chain
    }
}

/// The tree of the document at `span` among a part's.
fn find(trees: &[(Span, Arc<Node>)], span: Span) -> Option<Arc<Node>> {
    trees
        .iter()
        .find(|(s, _)| *s == span)
        .map(|(_, tree)| Arc::clone(tree))
}
