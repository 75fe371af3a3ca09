//! Events → span tree and JSON value, one document at a time.
//!
//! The event parser (granit-parser) sits behind this module and its fast path for
//! block-style manifests ([`super::fast`]), so that it can be swapped. A syntax error
//! abandons its document only: parsing resumes at the next `---`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::base::value::{Map, Value};
use granit_parser::{Event, Parser, ScalarStyle as GStyle, ScanError, Span as GSpan};

use super::scalar::{Resolved, key_string, resolve_plain};
use super::tree::{Key, Node, NodeKind, ScalarStyle};
use crate::base::Span;

/// Bounds that keep hostile input from exhausting time or memory.
#[derive(Debug, Clone)]
pub struct ParseLimits {
    /// Nodes that aliases may copy in one file, summed over every alias (billion laughs).
    pub max_alias_nodes: usize,
    /// Documents in one file.
    pub max_documents: usize,
    /// Bytes that aliases may copy in one file, summed over every alias: one large scalar
    /// aliased many times costs memory that no node count sees.
    pub max_alias_bytes: usize,
    /// Bytes in one scalar.
    pub max_scalar_bytes: usize,
    /// The run's ceiling on parsed input, shared by every file of the run (`None`: no
    /// ceiling, for a single config or values file).
    pub run: Option<Arc<InputBudget>>,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_alias_nodes: 1_000_000,
            max_documents: 100_000,
            max_alias_bytes: 4 * 1024 * 1024,
            max_scalar_bytes: 8 * 1024 * 1024,
            run: None,
        }
    }
}

/// Nesting of a value after its aliases are expanded. The parser refuses text nested
/// deeper; an alias must not stack an anchored value on top of its own nesting past it,
/// or every recursive walk of the value (rules, the JSON report, drop) could exhaust the
/// stack.
pub const MAX_DEPTH: usize = 255;

/// Memory a value node costs besides its text: what the bytes budget charges per node.
const NODE_BYTES: usize = 32;

/// A run-wide byte budget for parsed input: the text of every file plus what aliases
/// expand to, shared by the files parsed in parallel.
#[derive(Debug)]
pub struct InputBudget {
    limit: u64,
    used: AtomicU64,
}

impl InputBudget {
    /// A budget of `limit` bytes, none used.
    pub fn new(limit: u64) -> InputBudget {
        InputBudget {
            limit,
            used: AtomicU64::new(0),
        }
    }

    /// The ceiling, in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Takes `bytes` from the budget; false (and nothing taken) when they do not fit.
    pub fn charge(&self, bytes: u64) -> bool {
        self.used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(bytes).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    /// The message of a file or alias refused by the budget.
    pub fn exceeded(&self) -> String {
        format!(
            "the run's parsed input exceeds the limit of {} bytes (limits.max-input-bytes); from here on the input is not read",
            self.limit
        )
    }
}

/// What a value costs, the measure aliases are charged by.
#[derive(Debug, Clone, Copy)]
struct Size {
    nodes: usize,
    bytes: usize,
    /// Levels of collections, 0 for a scalar.
    depth: usize,
}

impl Size {
    fn scalar(value: &Value) -> Size {
        let text = match value {
            Value::String(s) => s.len(),
            _ => 0,
        };
        Size {
            nodes: 1,
            bytes: NODE_BYTES + text,
            depth: 0,
        }
    }

    /// An empty collection, to which its children are added.
    fn collection() -> Size {
        Size {
            nodes: 1,
            bytes: NODE_BYTES,
            depth: 1,
        }
    }

    fn add_child(&mut self, child: Size) {
        self.nodes = self.nodes.saturating_add(child.nodes);
        self.bytes = self.bytes.saturating_add(child.bytes);
        self.depth = self.depth.max(child.depth.saturating_add(1));
    }
}

/// A parsed document: its span tree and its value.
#[derive(Debug, Clone)]
pub struct Document {
    /// Position of the document in its file, counting from 0 (empty ones included).
    pub index: usize,
    /// From the document's first event to its last.
    pub span: Span,
    /// The span tree.
    pub tree: Node,
    /// The value, as Kubernetes would read it.
    pub value: Value,
}

/// A comment in the source.
#[derive(Debug, Clone)]
pub struct Comment {
    /// The `#` through the end of the line.
    pub span: Span,
    /// The text after `#`.
    pub text: String,
}

/// What kind of problem the parse found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The text is not YAML.
    Syntax,
    /// A mapping repeats a key.
    DuplicateKey,
    /// A mapping key is itself a mapping or sequence (typical of unrendered `{{ }}`).
    ComplexKey,
    /// A bound of [`ParseLimits`] was reached.
    Limit,
}

/// A problem found while parsing, at a place in the file.
#[derive(Debug, Clone)]
pub struct Problem {
    /// What went wrong.
    pub kind: ProblemKind,
    /// Where.
    pub span: Span,
    /// In the user's terms.
    pub message: String,
    /// An earlier place involved (the first of two duplicate keys).
    pub related: Option<(Span, String)>,
}

/// Everything the parse of one file produced.
#[derive(Debug, Default)]
pub struct Stream {
    /// Documents that parsed and are not empty.
    pub documents: Vec<Document>,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
    /// Problems, in source order.
    pub problems: Vec<Problem>,
}

/// Why building a document stopped early.
enum Abort {
    Scan(ScanError),
    Limit(Span, String),
    Eof,
}

impl From<ScanError> for Abort {
    fn from(e: ScanError) -> Self {
        Abort::Scan(e)
    }
}

/// Where a parse's events come from.
enum Source<'a> {
    /// The event parser: any YAML (boxed: the parser's state is some 3 KB).
    Full(Box<Parser<'a, granit_parser::StrInput<'a>>>),
    /// The fast path's events ([`super::fast`]), read before building.
    Fast(super::fast::Events<'a>),
}

struct Builder<'a> {
    source: Source<'a>,
    /// The text parsed: the file, or a piece of it.
    text: &'a str,
    /// Where `text` starts in its file: every span is in the file's offsets.
    base: usize,
    /// Whether an alias was expanded (a piece that did is parsed again with the file).
    aliased: bool,
    comments: Vec<Comment>,
    problems: Vec<Problem>,
    /// Anchored values of the current document, with what they cost.
    anchors: HashMap<usize, (Value, Size)>,
    alias_budget: usize,
    max_alias_nodes: usize,
    alias_bytes_budget: usize,
    max_alias_bytes: usize,
    max_scalar_bytes: usize,
    run: Option<Arc<InputBudget>>,
    /// Collections open around the node being built.
    depth: usize,
    /// The entries of the mappings being built, innermost last; see [`Builder::mapping`].
    pending_entries: Vec<(Key, Node, Value)>,
    /// The items of the sequences being built, innermost last.
    pending_items: Vec<(Node, Value)>,
}

/// Parses a whole file. A large file of many documents is parsed in pieces on several
/// threads when that gives the same stream ([`super::split`]).
pub fn parse(text: &str, limits: &ParseLimits) -> Stream {
    parse_with(text, limits, &super::split::Pieces::default())
}

/// [`parse`], and whether the text expanded an alias. An expansion is charged to the run's
/// input budget: only a parse that expanded none depends on its text alone (the parse
/// store keeps only those).
pub fn parse_noting_aliases(text: &str, limits: &ParseLimits) -> (Stream, bool) {
    parse_cut(text, limits, &super::split::Pieces::default())
}

/// [`parse`] with the sizes that decide when and where a file is cut (tests and the fuzz
/// target cut small files to compare both ways).
pub fn parse_with(text: &str, limits: &ParseLimits, pieces: &super::split::Pieces) -> Stream {
    parse_cut(text, limits, pieces).0
}

fn parse_cut(text: &str, limits: &ParseLimits, pieces: &super::split::Pieces) -> (Stream, bool) {
    match super::split::parse_in_pieces(text, limits, pieces) {
        // Cut into pieces only when no piece expanded an alias.
        Some(stream) => (stream, false),
        None => {
            let whole = parse_piece(text, 0, limits);
            (whole.stream, whole.aliased)
        }
    }
}

/// What parsing one piece of a file gave: its stream (spans in the whole file's offsets),
/// the document positions it used, and whether it expanded an alias.
pub(super) struct Piece {
    pub stream: Stream,
    pub indices: usize,
    pub aliased: bool,
}

/// Parses `text`, which starts at byte `base` of its file: the fast path's events when it
/// reads the text and every document builds from them, else the event parser's.
pub(super) fn parse_piece(text: &str, base: usize, limits: &ParseLimits) -> Piece {
    if let Some(piece) = fast_piece(text, base, limits) {
        return piece;
    }
    full_piece(text, base, limits)
}

/// The fast path's parse of a text, if it reads the text and builds every document.
fn fast_piece(text: &str, base: usize, limits: &ParseLimits) -> Option<Piece> {
    let scanned = super::fast::scan(text, base)?;
    let events = Source::Fast(scanned.events);
    build(text, base, limits, events, scanned.comments)
}

fn full_piece(text: &str, base: usize, limits: &ParseLimits) -> Piece {
    let parser = Parser::new_from_str_with_options(text, parser_options());
    let events = Source::Full(Box::new(parser));
    build(text, base, limits, events, Vec::new())
        .expect("the event parser's build never gives up on a document")
}

/// How many comments the event parser may look ahead over (after a `key:` with nothing on
/// its line). Its default, 96, made a commented-out block of a hundred lines a syntax error
/// and lost the object; a buffered comment costs it about 600 bytes, so the lookahead stays
/// bounded (6 MB) and a longer run there is still refused.
pub(super) const COMMENT_LOOKAHEAD: usize = 10_000;

/// The event parser's options: its defaults, with [`COMMENT_LOOKAHEAD`].
fn parser_options() -> granit_parser::Options {
    let mut options = granit_parser::Options::default();
    options.max_buffered_comment_events = COMMENT_LOOKAHEAD;
    options
}

/// A whole text parsed the fast way and the full way, when the fast path reads it (tests
/// and the fuzz target `yaml_fast` compare the two).
pub fn parse_both_ways(text: &str, limits: &ParseLimits) -> Option<(Stream, Stream)> {
    let fast = fast_piece(text, 0, limits)?;
    Some((fast.stream, full_piece(text, 0, limits).stream))
}

/// Builds the documents of a text from its events; `None` when the fast path's events
/// leave a document unbuilt (a limit), which only the event parser can skip past.
fn build<'a>(
    text: &'a str,
    base: usize,
    limits: &ParseLimits,
    source: Source<'a>,
    comments: Vec<Comment>,
) -> Option<Piece> {
    let mut b = Builder {
        source,
        text,
        base,
        aliased: false,
        comments,
        problems: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: limits.max_alias_nodes,
        max_alias_nodes: limits.max_alias_nodes,
        alias_bytes_budget: limits.max_alias_bytes,
        max_alias_bytes: limits.max_alias_bytes,
        max_scalar_bytes: limits.max_scalar_bytes,
        run: limits.run.clone(),
        depth: 0,
        pending_entries: Vec::new(),
        pending_items: Vec::new(),
    };
    let mut documents = Vec::new();
    let mut index = 0usize;
    loop {
        match b.document(index) {
            Ok(Some(doc)) => {
                // Only a document past the limit is refused: exactly `max_documents` pass.
                if index >= limits.max_documents {
                    // The event parser stops reading there (no comment after it is seen).
                    if matches!(b.source, Source::Fast(_)) {
                        return None;
                    }
                    b.problems.push(Problem {
                        kind: ProblemKind::Limit,
                        span: Span::new(base + text.len(), base + text.len()),
                        message: format!(
                            "the file has more than {} documents (limits.max-documents); the rest is not read",
                            limits.max_documents
                        ),
                        related: None,
                    });
                    break;
                }
                if let Some(doc) = doc {
                    documents.push(doc);
                }
                index += 1;
            }
            Ok(None) | Err(Abort::Eof) => break,
            Err(abort) => {
                let Source::Full(parser) = &mut b.source else {
                    return None;
                };
                let proceeded = parser.proceed_next_document();
                b.report_abort(abort);
                index += 1;
                match proceeded {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => {
                        b.report_abort(Abort::Scan(e));
                        break;
                    }
                }
            }
        }
    }
    b.comments.sort_by_key(|c| c.span.start);
    b.comments.dedup_by_key(|c| c.span.start);
    Some(Piece {
        stream: Stream {
            documents,
            comments: b.comments,
            problems: b.problems,
        },
        indices: index,
        aliased: b.aliased,
    })
}

impl<'a> Builder<'a> {
    fn span(&self, s: &GSpan) -> Span {
        let start = s.start.byte_offset().unwrap_or_else(|| s.start.index());
        let end = s.end.byte_offset().unwrap_or_else(|| s.end.index());
        Span::new(
            self.base + start.min(self.text.len()),
            self.base + end.min(self.text.len()),
        )
    }

    /// The next event that is not a comment; comments are kept aside.
    fn next(&mut self) -> Result<(Event<'a>, Span), Abort> {
        loop {
            let parser = match &mut self.source {
                Source::Fast(events) => return events.next().ok_or(Abort::Eof),
                Source::Full(parser) => parser,
            };
            let (event, gspan) = match parser.next_event() {
                None => return Err(Abort::Eof),
                Some(r) => r?,
            };
            let span = self.span(&gspan);
            match event {
                Event::Comment(text, _) => {
                    self.comments.push(Comment {
                        span,
                        text: text.into_owned(),
                    });
                }
                Event::StreamStart => {}
                other => return Ok((other, span)),
            }
        }
    }

    fn report_abort(&mut self, abort: Abort) {
        match abort {
            Abort::Scan(e) => {
                let m = e.marker();
                let at = m
                    .byte_offset()
                    .unwrap_or_else(|| m.index())
                    .min(self.text.len());
                self.problems.push(Problem {
                    kind: ProblemKind::Syntax,
                    span: Span::new(self.base + at, self.base + next_char_end(self.text, at)),
                    message: if e.info().contains("recursion limit") {
                        "nesting deeper than 255 levels: the parser's limit (no manifest needs it)"
                            .to_owned()
                    } else {
                        e.info()
                    },
                    related: None,
                });
            }
            Abort::Limit(span, message) => {
                self.problems.push(Problem {
                    kind: ProblemKind::Limit,
                    span,
                    message,
                    related: None,
                });
            }
            Abort::Eof => {}
        }
    }

    /// One document: `Ok(None)` at the end of the stream, `Ok(Some(None))` for an empty one.
    fn document(&mut self, index: usize) -> Result<Option<Option<Document>>, Abort> {
        let start = loop {
            match self.next()? {
                (Event::StreamEnd, _) => return Ok(None),
                (Event::DocumentStart(..), span) => break span,
                _ => {}
            }
        };
        self.anchors.clear();
        // What an abandoned document left half-built.
        self.pending_entries.clear();
        self.pending_items.clear();
        self.depth = 0;
        let (first, first_span) = self.next()?;
        if matches!(first, Event::DocumentEnd) {
            return Ok(Some(None));
        }
        let (tree, value, _) = self.node(first, first_span, None)?;
        let end = match self.next()? {
            (Event::DocumentEnd, span) => span,
            (_, span) => span,
        };
        let doc_span = start
            .cover(tree.span)
            .cover(Span::new(end.start as usize, end.start as usize));
        if value.is_null() {
            return Ok(Some(None));
        }
        Ok(Some(Some(Document {
            index,
            span: doc_span,
            tree,
            value,
        })))
    }

    /// Builds one node from its first event. Returns the node, its value and its size.
    fn node(
        &mut self,
        event: Event<'a>,
        span: Span,
        key_span: Option<Span>,
    ) -> Result<(Node, Value, Size), Abort> {
        match event {
            Event::Scalar(text, _, _, _) if text.len() > self.max_scalar_bytes => {
                Err(Abort::Limit(
                    span,
                    format!(
                        "a scalar of {} bytes exceeds the limit of {} bytes (limits.max-scalar-bytes)",
                        text.len(),
                        self.max_scalar_bytes
                    ),
                ))
            }
            Event::Scalar(text, style, anchor, tag) => {
                let (value, style, resolved) = scalar_value(&text, style, tag.as_deref());
                if resolved == Resolved::NonFinite {
                    self.problems.push(Problem {
                        kind: ProblemKind::Syntax,
                        span,
                        message: format!("`{text}` is a YAML float that JSON cannot represent; Kubernetes rejects it"),
                        related: None,
                    });
                }
                let size = Size::scalar(&value);
                if anchor != 0 {
                    self.anchors.insert(anchor, (value.clone(), size));
                }
                let node = Node::new(span, key_span, NodeKind::Scalar { style, resolved });
                Ok((node, value, size))
            }
            Event::Alias(id) => self.alias(id, span, key_span),
            Event::SequenceStart(_, anchor, _) => {
                let first = self.pending_items.len();
                let mut size = Size::collection();
                let mut end = span;
                self.depth += 1;
                loop {
                    let (ev, ev_span) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        if self.pending_items.len() == first {
                            end = ev_span;
                        }
                        break;
                    }
                    let (child, value, n) = self.node(ev, ev_span, None)?;
                    end = child.span;
                    size.add_child(n);
                    self.pending_items.push((child, value));
                }
                self.depth -= 1;
                let (items, values): (Vec<Node>, Vec<Value>) =
                    exact(self.pending_items.drain(first..));
                let value = Value::Array(values);
                if anchor != 0 {
                    self.anchors.insert(anchor, (value.clone(), size));
                }
                Ok((
                    Node::new(
                        span.cover(end),
                        key_span,
                        NodeKind::Seq(items.into_boxed_slice()),
                    ),
                    value,
                    size,
                ))
            }
            Event::MappingStart(_, anchor, _) => {
                self.depth += 1;
                let (node, value, size) = self.mapping(span, key_span)?;
                self.depth -= 1;
                if anchor != 0 {
                    self.anchors.insert(anchor, (value.clone(), size));
                }
                Ok((node, value, size))
            }
            other => Err(Abort::Scan(ScanError::new(
                granit_parser::Marker::new(span.start as usize, 0, 0)
                    .with_byte_offset(Some(span.start as usize)),
                format!("unexpected YAML event {other:?}"),
            ))),
        }
    }

    /// A copy of an anchored value, charged to the file's alias budgets (nodes and bytes),
    /// to the run's input budget, and refused when it would nest the value too deep.
    fn alias(
        &mut self,
        id: usize,
        span: Span,
        key_span: Option<Span>,
    ) -> Result<(Node, Value, Size), Abort> {
        self.aliased = true;
        let Some((value, size)) = self.anchors.get(&id) else {
            let null = Value::Null;
            let size = Size::scalar(&null);
            return Ok((Node::new(span, key_span, NodeKind::Alias), null, size));
        };
        let size = *size;
        if size.nodes > self.alias_budget {
            return Err(Abort::Limit(
                span,
                format!(
                    "alias expansion exceeds the limit of {} copied nodes (limits.max-alias-nodes; a \"billion laughs\" document?)",
                    self.max_alias_nodes
                ),
            ));
        }
        if size.bytes > self.alias_bytes_budget {
            return Err(Abort::Limit(
                span,
                format!(
                    "alias expansion exceeds the limit of {} copied bytes (limits.max-alias-bytes)",
                    self.max_alias_bytes
                ),
            ));
        }
        if self.depth.saturating_add(size.depth) > MAX_DEPTH {
            return Err(Abort::Limit(
                span,
                format!(
                    "this alias nests its value {} levels deep, past the limit of {MAX_DEPTH} levels",
                    self.depth.saturating_add(size.depth)
                ),
            ));
        }
        if let Some(run) = &self.run {
            if !run.charge(size.bytes as u64) {
                return Err(Abort::Limit(span, run.exceeded()));
            }
        }
        self.alias_budget -= size.nodes;
        self.alias_bytes_budget -= size.bytes;
        let value = value.clone();
        Ok((Node::new(span, key_span, NodeKind::Alias), value, size))
    }

    /// A mapping, from the event after its start.
    ///
    /// Trees and values live until the run ends, so each collection is allocated once, at
    /// its exact size, when its end is reached: entries wait on a stack shared by every
    /// mapping of the file. Growing each collection as it is read would leave the freed
    /// smaller copies scattered among the long-lived ones, which on large repositories cost
    /// a good part of the peak memory.
    fn mapping(
        &mut self,
        span: Span,
        key_span: Option<Span>,
    ) -> Result<(Node, Value, Size), Abort> {
        let first = self.pending_entries.len();
        let mut merged: Vec<Map> = Vec::new();
        let mut size = Size::collection();
        let mut end = span;
        loop {
            let (ev, kspan) = self.next()?;
            if matches!(ev, Event::MappingEnd) {
                if self.pending_entries.len() == first {
                    end = kspan;
                }
                break;
            }
            let is_merge = matches!(&ev, Event::Scalar(t, GStyle::Plain, _, None) if t == "<<");
            // A key written as text, as nearly every key is, is taken from the event as it
            // is: its JSON string would only be built to be copied into the key and dropped
            // (an allocation per key, three million at 100,000 objects).
            let text_key = match &ev {
                Event::Scalar(text, style, 0, None)
                    if text.len() <= self.max_scalar_bytes
                        && (*style != GStyle::Plain
                            || super::scalar::typed_plain(text).is_none()) =>
                {
                    Some(Key::from(&**text))
                }
                _ => None,
            };
            // The key, or why the mapping cannot have it (said after its value is read).
            let (key_span, key) = match text_key {
                Some(key) => (kspan, Ok(key)),
                None => {
                    let (key_node, key_value, _) = self.node(ev, kspan, None)?;
                    let null_key = key_value.is_null();
                    let key = match (&key_node.kind, key_string(key_value)) {
                        (NodeKind::Map(_) | NodeKind::Seq(_), _) | (_, None) => Err(if null_key {
                            "a null mapping key"
                        } else {
                            "a mapping or sequence used as a mapping key"
                        }),
                        (_, Some(k)) => Ok(Key::from(k)),
                    };
                    (key_node.span, key)
                }
            };
            let (vev, vspan) = self.next()?;
            let (child, value, n) = self.node(vev, vspan, Some(key_span))?;
            end = child.span;
            size.add_child(n);
            if is_merge {
                collect_merge(value, &mut merged);
                continue;
            }
            let key = match key {
                Ok(key) => key,
                Err(what) => {
                    self.problems.push(Problem {
                        kind: ProblemKind::ComplexKey,
                        span: key_span,
                        message: format!("{what} has no JSON form; Kubernetes rejects it"),
                        related: None,
                    });
                    continue;
                }
            };
            size.bytes = size.bytes.saturating_add(key.len());
            self.pending_entries.push((key, child, value));
        }
        let pending = self.pending_entries.len() - first;
        let mut entries: Vec<(Key, Node)> = Vec::with_capacity(pending);
        let mut map = Map::with_capacity(pending);
        for (key, child, value) in self.pending_entries.drain(first..) {
            entries.push((key.clone(), child));
            // One hash per key: the entry says whether it is a duplicate and takes the value
            // (a later value replaces the earlier one in the earlier one's place).
            match map.entry(key) {
                crate::base::value::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                crate::base::value::Entry::Occupied(mut slot) => {
                    slot.insert(value);
                    let key = slot.key();
                    let (later, earlier) = entries.split_last().expect("pushed above");
                    let earlier = earlier
                        .iter()
                        .find(|(k, _)| k.as_str() == key)
                        .and_then(|(_, n)| n.key_span());
                    let at = later.1.key_span().unwrap_or(later.1.span);
                    self.problems.push(Problem {
                        kind: ProblemKind::DuplicateKey,
                        span: at,
                        message: format!(
                            "duplicate key `{key}`: the later value silently replaces the earlier one"
                        ),
                        related: earlier.map(|s| (s, format!("`{key}` first defined here"))),
                    });
                }
            }
        }
        // Merged keys never override keys written in the mapping itself.
        for source in merged {
            for (k, v) in source {
                map.entry(k).or_insert(v);
            }
        }
        let node = Node::new(
            span.cover(end),
            key_span,
            NodeKind::Map(entries.into_boxed_slice()),
        );
        Ok((node, Value::Object(map), size))
    }
}

/// Splits pairs into two vectors allocated at their exact size.
fn exact<A, B>(pairs: impl ExactSizeIterator<Item = (A, B)>) -> (Vec<A>, Vec<B>) {
    let mut left = Vec::with_capacity(pairs.len());
    let mut right = Vec::with_capacity(pairs.len());
    for (a, b) in pairs {
        left.push(a);
        right.push(b);
    }
    (left, right)
}

fn collect_merge(value: Value, merged: &mut Vec<Map>) {
    match value {
        Value::Object(m) => merged.push(m),
        Value::Array(items) => {
            for item in items {
                if let Value::Object(m) = item {
                    merged.push(m);
                }
            }
        }
        _ => {}
    }
}

fn scalar_value(
    text: &str,
    style: GStyle,
    tag: Option<&granit_parser::Tag>,
) -> (Value, ScalarStyle, Resolved) {
    let ours = match style {
        GStyle::Plain => ScalarStyle::Plain,
        GStyle::SingleQuoted | GStyle::DoubleQuoted => ScalarStyle::Quoted,
        _ => ScalarStyle::Block,
    };
    let core = tag
        .filter(|t| t.is_yaml_core_schema())
        .map(|t| t.suffix().to_owned());
    match core.as_deref() {
        Some("str" | "binary") => (Value::String(text.into()), ours, Resolved::Str),
        Some("int" | "float" | "bool" | "null") => {
            let (v, r) = resolve_plain(text);
            (v, ours, r)
        }
        _ if ours == ScalarStyle::Plain => {
            let (v, r) = resolve_plain(text);
            (v, ours, r)
        }
        _ => (Value::String(text.into()), ours, Resolved::Str),
    }
}

fn next_char_end(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map_or(at, |c| if c == '\n' { at } else { at + c.len_utf8() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Pointer;
    use crate::json;

    fn one(text: &str) -> Document {
        let mut s = parse(text, &ParseLimits::default());
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.documents.len(), 1);
        s.documents.remove(0)
    }

    fn at<'a>(text: &'a str, doc: &Document, pointer: &str) -> &'a str {
        let (node, _) = doc.tree.resolve(&Pointer::parse(pointer).unwrap());
        let s = node.span;
        &text[s.start as usize..s.end as usize]
    }

    #[test]
    fn spans_of_values_and_keys() {
        let text = "kind: Pod\nspec:\n  containers:\n  - name: web\n    image: \"nginx:1\"\n";
        let doc = one(text);
        assert_eq!(
            doc.value["spec"]["containers"][0]["image"],
            json!("nginx:1")
        );
        assert_eq!(at(text, &doc, "/spec/containers/0/name"), "web");
        assert_eq!(at(text, &doc, "/spec/containers/0/image"), "\"nginx:1\"");
        let (node, _) = doc.tree.resolve(&Pointer::parse("/spec").unwrap());
        let k = node.key_span().unwrap();
        assert_eq!(&text[k.start as usize..k.end as usize], "spec");
    }

    #[test]
    fn spans_are_bytes_not_chars() {
        let text = "a: \"héllo wörld\"\nb: x\n";
        let doc = one(text);
        assert_eq!(at(text, &doc, "/b"), "x");
    }

    #[test]
    fn resolution_stops_at_the_deepest_existing_node() {
        let text = "a:\n  b: 1\n";
        let doc = one(text);
        let (node, depth) = doc.tree.resolve(&Pointer::parse("/a/c/d").unwrap());
        assert_eq!(depth, 1);
        assert!(matches!(node.kind, NodeKind::Map(_)));
    }

    #[test]
    fn duplicate_keys_keep_the_last_and_are_reported() {
        let s = parse("a: 1\nb: 2\na: 3\n", &ParseLimits::default());
        assert_eq!(s.documents[0].value, json!({"a": 3, "b": 2}));
        assert_eq!(s.problems.len(), 1);
        assert_eq!(s.problems[0].kind, ProblemKind::DuplicateKey);
        assert_eq!(s.problems[0].span, Span::new(10, 11));
        assert_eq!(s.problems[0].related.as_ref().unwrap().0, Span::new(0, 1));
    }

    #[test]
    fn a_key_written_three_times_keeps_its_first_place_and_the_last_value() {
        let s = parse("a: 1\nb: 2\na: 3\na: 4\n", &ParseLimits::default());
        // In the first key's place (the order is what a rendered manifest shows).
        assert_eq!(s.documents[0].value.to_string(), r#"{"a":4,"b":2}"#);
        let places: Vec<_> = s
            .problems
            .iter()
            .map(|p| (p.kind, p.span, p.related.as_ref().map(|r| r.0)))
            .collect();
        assert_eq!(
            places,
            [
                (
                    ProblemKind::DuplicateKey,
                    Span::new(10, 11),
                    Some(Span::new(0, 1))
                ),
                (
                    ProblemKind::DuplicateKey,
                    Span::new(15, 16),
                    Some(Span::new(0, 1))
                ),
            ]
        );
    }

    #[test]
    fn a_long_commented_out_block_after_an_empty_value_is_not_an_error() {
        // The anchor sends the text down the event parser's path (the fast path declines
        // anchors), which once refused to look ahead over more than 96 comments.
        let text = format!(
            "kind: ConfigMap\nname: &n x\ndata:\n{}other: *n\n",
            "# key: value\n".repeat(200)
        );
        let s = parse(&text, &ParseLimits::default());
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(
            s.documents[0].value,
            json!({"kind": "ConfigMap", "name": "x", "data": null, "other": "x"})
        );
        assert_eq!(s.comments.len(), 200);
        // The lookahead stays bounded: a longer run there is refused, as YAML too deep is.
        let text = format!(
            "name: &n x\ndata:\n{}other: *n\n",
            "#\n".repeat(COMMENT_LOOKAHEAD + 1)
        );
        let s = parse(&text, &ParseLimits::default());
        assert!(
            s.problems.iter().any(|p| p.kind == ProblemKind::Syntax),
            "{:?}",
            s.problems
        );
    }

    #[test]
    fn a_syntax_error_does_not_hide_other_documents() {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let s = parse(text, &ParseLimits::default());
        assert_eq!(s.documents.len(), 2);
        assert_eq!(s.documents[1].value, json!({"c": 3}));
        assert_eq!(s.documents[1].index, 2);
        assert_eq!(s.problems.len(), 1);
        assert_eq!(s.problems[0].kind, ProblemKind::Syntax);
    }

    #[test]
    fn empty_documents_are_skipped() {
        let s = parse(
            "---\n---\n# only a comment\n---\na: 1\n",
            &ParseLimits::default(),
        );
        assert_eq!(s.documents.len(), 1);
        assert!(s.problems.is_empty());
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &b {a: 1, b: 2}\nuse:\n  <<: *b\n  b: 3\ncopy: *b\nyaml11: {y: 1}\n";
        let doc = one(text);
        assert_eq!(doc.value["use"], json!({"b": 3, "a": 1}));
        assert_eq!(doc.value["copy"], json!({"a": 1, "b": 2}));
        assert_eq!(at(text, &doc, "/copy/a"), "*b");
        // As in YAML 1.1: the key `y` is the boolean true.
        assert_eq!(doc.value["yaml11"], json!({"true": 1}));
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='j' {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let s = parse(&text, &ParseLimits::default());
        assert!(s.documents.is_empty());
        assert_eq!(s.problems.len(), 1);
        assert_eq!(s.problems[0].kind, ProblemKind::Limit);
    }

    #[test]
    fn alias_bytes_are_bounded() {
        // Few nodes, many bytes: one large scalar copied again and again.
        let big = "x".repeat(100_000);
        let mut text = format!("a: &a {big}\nb: [");
        text.push_str(&vec!["*a"; 100].join(", "));
        text.push_str("]\n");
        let s = parse(&text, &ParseLimits::default());
        assert!(s.documents.is_empty());
        assert_eq!(s.problems.len(), 1);
        assert!(
            s.problems[0]
                .message
                .contains("limit of 4194304 copied bytes (limits.max-alias-bytes)"),
            "{:?}",
            s.problems
        );
        // The 42nd copy is the one past 4 MiB.
        let at = s.problems[0].span.start as usize;
        assert_eq!(text[..at].matches("*a").count(), 41);
    }

    #[test]
    fn aliases_do_not_nest_past_the_depth_bound() {
        let deep = |n: usize, inner: &str| format!("{}{inner}{}", "[".repeat(n), "]".repeat(n));
        let text = format!("a: &a {}\nb: &b {}\n", deep(200, "1"), deep(100, "*a"));
        let s = parse(&text, &ParseLimits::default());
        assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
        assert_eq!(s.problems[0].kind, ProblemKind::Limit);
        assert!(
            s.problems[0]
                .message
                .contains("nests its value 301 levels deep, past the limit of 255"),
            "{}",
            s.problems[0].message
        );
        // Within the bound, an alias is copied as usual.
        let text = format!("a: &a {}\nb: {}\n", deep(100, "1"), deep(100, "*a"));
        assert!(parse(&text, &ParseLimits::default()).problems.is_empty());
    }

    #[test]
    fn the_run_budget_is_shared_by_files() {
        let run = Arc::new(InputBudget::new(1_000_000));
        let limits = ParseLimits {
            run: Some(Arc::clone(&run)),
            ..ParseLimits::default()
        };
        let text = format!("a: &a {}\nb: [*a, *a, *a]\n", "x".repeat(100_000));
        // Each file copies 300 KB: three fit in the run, the fourth does not.
        for _ in 0..3 {
            assert!(parse(&text, &limits).problems.is_empty());
        }
        let s = parse(&text, &limits);
        assert_eq!(s.problems.len(), 1);
        assert!(
            s.problems[0]
                .message
                .contains("exceeds the limit of 1000000 bytes (limits.max-input-bytes)")
        );
    }

    #[test]
    fn keys_follow_yaml_1_1() {
        let doc = one("on: 1\nno: 2\n1: 3\n");
        assert_eq!(doc.value, json!({"true": 1, "false": 2, "1": 3}));
    }

    #[test]
    fn templated_keys_are_complex() {
        let s = parse("image: {{ .Values.image }}\n", &ParseLimits::default());
        assert!(
            s.problems
                .iter()
                .any(|p| p.kind == ProblemKind::ComplexKey || p.kind == ProblemKind::Syntax)
        );
    }

    #[test]
    fn comments_are_collected() {
        let s = parse(
            "a: 1 # k8lint: ignore x\n# above\nb: 2\n",
            &ParseLimits::default(),
        );
        let texts: Vec<_> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" k8lint: ignore x", " above"]);
    }

    #[test]
    fn tags_force_types() {
        let doc = one("a: !!str 1\nb: !!int \"2\"\nc: '3'\n");
        assert_eq!(doc.value, json!({"a": "1", "b": 2, "c": "3"}));
    }
}
