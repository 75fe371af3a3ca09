//! A fast path for the block-style YAML that manifests are written in.
//!
//! The event parser reads all of YAML, and its events are most of a parse's time.
//! Manifests use a small part of YAML: block mappings and sequences, one-line scalars,
//! literal blocks, and flow collections written on one line (`[a, b]`, `{}`). [`scan`]
//! reads that part line by line into the events the event parser gives for it, with the
//! same spans, and gives up (`None`) at the first thing outside it: an anchor, alias or
//! tag, a folded or multi-line scalar, an escape, a directive, a tab, a byte outside
//! printable ASCII, an indentation the block rules do not allow. The caller then parses
//! the text the full way, so a file parses the same whichever way it went; the tests
//! and the fuzz target `yaml_fast` compare both ways.

use std::borrow::Cow;

use granit_parser::{Event, ScalarStyle, StructureStyle};

use super::parse::Comment;
use crate::base::Span;

/// The events of a text and its comments, in order.
pub(super) struct Scanned<'a> {
    pub events: Events<'a>,
    pub comments: Vec<Comment>,
}

/// The events of a scanned text, made as the build asks for them: a scan keeps each one
/// in 24 bytes (an event and its span take 120), so a large file's scan costs less than
/// its tree.
pub(super) struct Events<'a> {
    text: &'a str,
    base: usize,
    tokens: std::vec::IntoIter<Token>,
    /// The literal blocks' texts, each taken by its event.
    literals: Vec<String>,
}

impl<'a> Iterator for Events<'a> {
    type Item = (Event<'a>, Span);

    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        let Token { what, start, end } = self.tokens.next()?;
        let event = match what {
            What::DocumentStart(explicit) => Event::DocumentStart(explicit, None),
            What::DocumentEnd => Event::DocumentEnd,
            What::MappingStart(style) => Event::MappingStart(style, 0, None),
            What::MappingEnd => Event::MappingEnd,
            What::SequenceStart(style) => Event::SequenceStart(style, 0, None),
            What::SequenceEnd => Event::SequenceEnd,
            What::StreamEnd => Event::StreamEnd,
            What::Scalar(style, text) => {
                let text = match text {
                    Text::Slice(from, to) => Cow::Borrowed(&self.text[from as usize..to as usize]),
                    Text::Literal(i) => Cow::Owned(std::mem::take(&mut self.literals[i as usize])),
                    Text::Null => Cow::Borrowed("~"),
                };
                Event::Scalar(text, style, 0, None)
            }
        };
        let span = Span::new(self.base + start as usize, self.base + end as usize);
        Some((event, span))
    }
}

/// One event as the scan keeps it: what it is, and its span in the text.
struct Token {
    what: What,
    start: u32,
    end: u32,
}

const _: () = assert!(std::mem::size_of::<Token>() <= 24);

/// The events the fast path makes (anchors and tags are not among them).
#[derive(Clone, Copy)]
enum What {
    DocumentStart(bool),
    DocumentEnd,
    MappingStart(StructureStyle),
    MappingEnd,
    SequenceStart(StructureStyle),
    SequenceEnd,
    StreamEnd,
    Scalar(ScalarStyle, Text),
}

/// A scalar's text: a slice of the text, a literal block's, or null's `~`.
#[derive(Clone, Copy)]
enum Text {
    Slice(u32, u32),
    Literal(u32),
    Null,
}

/// Nesting past this is left to the full parser, which words the error for nesting past
/// its own limit.
const MAX_NESTING: usize = 100;

/// The events of `text` (which starts at byte `base` of its file) when it is within the
/// fast path's part of YAML.
pub(super) fn scan(text: &str, base: usize) -> Option<Scanned<'_>> {
    // Offsets are kept in 32 bits, as spans are.
    if u32::try_from(text.len()).is_err()
        || !text
            .bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        comment_run: 0,
        tokens: Vec::with_capacity(text.len() / 8),
        literals: Vec::new(),
        base,
        comments: Vec::new(),
        open: Vec::new(),
        pending: None,
        doc: Doc::Between,
    };
    s.stream()?;
    Some(Scanned {
        events: Events {
            text,
            base,
            tokens: s.tokens.into_iter(),
            literals: s.literals,
        },
        comments: s.comments,
    })
}

/// A block collection being read, by the column of its keys or dashes.
#[derive(Debug, Clone, Copy)]
enum Open {
    Map(usize),
    Seq(usize),
    /// A sequence whose dashes sit at the column of its parent mapping's keys.
    Indentless(usize),
}

impl Open {
    fn column(self) -> usize {
        match self {
            Open::Map(c) | Open::Seq(c) | Open::Indentless(c) => c,
        }
    }
}

/// A node whose value is not on its line: what follows decides whether it is a nested
/// collection or null.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// `key:` at a column, with the colon's position.
    Value { colon: usize, column: usize },
    /// `-` at a column, with where its null would be.
    Item { null_at: usize, column: usize },
}

/// Where the scan is among documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    /// Before the first document, or after a document's end.
    Between,
    /// After `---` (ending at the position given), before the document's first node.
    Marked(usize),
    /// Inside a document's root node.
    Root,
}

/// A mapping key: its text and style, where it ends, and where its colon is.
struct KeyToken {
    text: Text,
    style: ScalarStyle,
    end: usize,
    colon: usize,
}

/// The longest run of comment-only lines the fast path reads. The event parser looks ahead
/// over at most [`super::parse::COMMENT_LOOKAHEAD`] comments (after a `key:` with nothing
/// on its line) and refuses more; a longer run is left to it, with room to spare for the
/// comments on the lines around the run, so that both paths always agree.
const COMMENT_RUN: usize = super::parse::COMMENT_LOOKAHEAD / 2;

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Comment-only lines since the last line with content.
    comment_run: usize,
    tokens: Vec<Token>,
    literals: Vec<String>,
    /// Comments, their spans in the file's offsets.
    base: usize,
    comments: Vec<Comment>,
    open: Vec<Open>,
    pending: Option<Pending>,
    doc: Doc,
}

impl<'a> Scanner<'a> {
    /// An event at `start..end` (the text's length fits in 32 bits: [`scan`]).
    fn push(&mut self, what: What, start: usize, end: usize) {
        self.tokens.push(Token {
            what,
            start: start as u32,
            end: end as u32,
        });
    }

    fn scalar(&mut self, text: Text, style: ScalarStyle, start: usize, end: usize) {
        self.push(What::Scalar(style, text), start, end);
    }

    /// The scalar written from `start` to `end`.
    fn slice(start: usize, end: usize) -> Text {
        Text::Slice(start as u32, end as u32)
    }

    fn null(&mut self, at: usize) {
        self.scalar(Text::Null, ScalarStyle::Plain, at, at);
    }

    /// The end of the line that starts at or before `from`.
    fn eol(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |i| from + i)
    }

    fn stream(&mut self) -> Option<()> {
        let mut at = 0;
        while at < self.bytes.len() {
            let eol = self.eol(at);
            let indent = self.bytes[at..eol]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            let first = at + indent;
            if first == eol {
                at = eol + 1;
                continue;
            }
            let line = &self.bytes[at..eol];
            if self.bytes[first] == b'#' {
                self.comment_run += 1;
                if self.comment_run > COMMENT_RUN {
                    return None;
                }
                self.comment(first, eol);
                at = eol + 1;
                continue;
            }
            self.comment_run = 0;
            if indent == 0 && line.starts_with(b"---") && (line.len() == 3 || line[3] == b' ') {
                if line[3..].iter().any(|&b| b != b' ') {
                    return None;
                }
                self.end_document(at);
                self.push(What::DocumentStart(true), at, at + 3);
                self.doc = Doc::Marked(at + 3);
                at = eol + 1;
                continue;
            }
            if indent == 0 && (line.starts_with(b"...") || line[0] == b'%') {
                return None;
            }
            at = self.content(at, first, eol)?;
        }
        self.end_document(self.bytes.len());
        let end = self.bytes.len();
        self.push(What::StreamEnd, end, end);
        Some(())
    }

    /// Ends the current document at `at` (a marker or the end of the text).
    fn end_document(&mut self, at: usize) {
        match self.doc {
            Doc::Between => {}
            Doc::Marked(after) => {
                self.null(after);
                self.push(What::DocumentEnd, after, after);
            }
            Doc::Root => {
                self.settle_pending();
                while let Some(open) = self.open.pop() {
                    self.close(open, at);
                }
                self.push(What::DocumentEnd, at, at);
            }
        }
        self.doc = Doc::Between;
    }

    fn close(&mut self, open: Open, at: usize) {
        let event = match open {
            Open::Map(_) => What::MappingEnd,
            Open::Seq(_) | Open::Indentless(_) => What::SequenceEnd,
        };
        self.push(event, at, at);
    }

    /// A pending node with nothing nested under it: null.
    fn settle_pending(&mut self) {
        match self.pending.take() {
            Some(Pending::Value { colon, .. }) => self.null(colon),
            Some(Pending::Item { null_at, .. }) => self.null(null_at),
            None => {}
        }
    }

    fn is_item(&self, at: usize, eol: usize) -> bool {
        self.bytes[at] == b'-' && (at + 1 == eol || self.bytes[at + 1] == b' ')
    }

    fn open(&mut self, open: Open) -> Option<()> {
        if self.open.len() >= MAX_NESTING {
            return None;
        }
        self.open.push(open);
        Some(())
    }

    /// A line with content: `first` is its first non-space byte.
    fn content(&mut self, line: usize, first: usize, eol: usize) -> Option<usize> {
        let column = first - line;
        match self.doc {
            Doc::Between | Doc::Marked(_) => {
                if column != 0 {
                    return None;
                }
                if self.doc == Doc::Between {
                    self.push(What::DocumentStart(false), first, first);
                }
                self.doc = Doc::Root;
                return self.nested(line, first, eol);
            }
            Doc::Root => {}
        }
        if let Some(pending) = self.pending {
            let under = match pending {
                Pending::Value { column: c, .. } | Pending::Item { column: c, .. } => c,
            };
            if column > under {
                self.pending = None;
                return self.nested(line, first, eol);
            }
            if let Pending::Value { column: c, .. } = pending {
                if column == c && self.is_item(first, eol) {
                    // A sequence under a key, its dashes at the key's column: it starts
                    // where its first item does.
                    self.pending = None;
                    let item = self.after_dash(first, eol);
                    if item < eol && self.bytes[item] == b'#' {
                        return None;
                    }
                    self.open(Open::Indentless(column))?;
                    self.push(What::SequenceStart(StructureStyle::Block), item, item);
                    return self.item(line, first, eol);
                }
            }
            self.settle_pending();
        }
        loop {
            let open = *self.open.last()?;
            let item = self.is_item(first, eol);
            match open {
                Open::Map(c) if column == c && !item => return self.entry(line, first, eol),
                Open::Seq(c) | Open::Indentless(c) if column == c && item => {
                    return self.item(line, first, eol);
                }
                Open::Indentless(c) if column == c => {}
                _ if column < open.column() => {}
                _ => return None,
            }
            self.open.pop();
            self.close(open, first);
            if self.open.is_empty() {
                return None;
            }
        }
    }

    /// A collection that starts at `first` (the root, or a node nested under a pending
    /// key or dash).
    fn nested(&mut self, line: usize, first: usize, eol: usize) -> Option<usize> {
        let column = first - line;
        if self.is_item(first, eol) {
            self.open(Open::Seq(column))?;
            self.push(What::SequenceStart(StructureStyle::Block), first, first);
            self.item(line, first, eol)
        } else {
            self.open(Open::Map(column))?;
            self.push(What::MappingStart(StructureStyle::Block), first, first);
            self.entry(line, first, eol)
        }
    }

    /// The first non-space byte after a dash (or the line's end).
    fn after_dash(&self, dash: usize, eol: usize) -> usize {
        let mut at = dash + 1;
        while at < eol && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// A sequence item whose dash is at `dash`.
    fn item(&mut self, line: usize, dash: usize, eol: usize) -> Option<usize> {
        let at = self.after_dash(dash, eol);
        if at == eol || self.bytes[at] == b'#' {
            if at < eol {
                self.comment(at, eol);
            }
            // Its null sits after the dash's spaces, or at the end of a comment after them.
            self.pending = Some(Pending::Item {
                null_at: if at < eol { eol } else { at },
                column: dash - line,
            });
            return Some(eol + 1);
        }
        if self.is_item(at, eol) {
            self.open(Open::Seq(at - line))?;
            self.push(What::SequenceStart(StructureStyle::Block), at, at);
            return self.item(line, at, eol);
        }
        if self.key(at, eol)?.is_some() {
            self.open(Open::Map(at - line))?;
            self.push(What::MappingStart(StructureStyle::Block), at, at);
            return self.entry(line, at, eol);
        }
        self.value(at, eol, dash - line)
    }

    /// A mapping entry whose key starts at `at`.
    fn entry(&mut self, line: usize, at: usize, eol: usize) -> Option<usize> {
        let KeyToken {
            text,
            style,
            end,
            colon,
        } = self.key(at, eol)??;
        self.scalar(text, style, at, end);
        let mut value = colon + 1;
        while value < eol && self.bytes[value] == b' ' {
            value += 1;
        }
        if value == eol || self.bytes[value] == b'#' {
            if value < eol {
                self.comment(value, eol);
            }
            self.pending = Some(Pending::Value {
                colon,
                column: at - line,
            });
            return Some(eol + 1);
        }
        self.value(value, eol, at - line)
    }

    /// The key that starts at `at`, if the line holds one there. `None` gives up;
    /// `Some(None)` is a line without a key.
    fn key(&self, at: usize, eol: usize) -> Option<Option<KeyToken>> {
        let b = self.bytes;
        let colon_after = |end: usize| -> bool {
            end < eol && b[end] == b':' && (end + 1 == eol || b[end + 1] == b' ')
        };
        match b[at] {
            b'"' | b'\'' => {
                let (text, style, end) = self.quoted(at, eol)?;
                Some(colon_after(end).then_some(KeyToken {
                    text,
                    style,
                    end,
                    colon: end,
                }))
            }
            // Not a key: a value, or something the value's reading gives up on.
            _ if !self.plain_starts(at, eol) => Some(None),
            _ => {
                let mut i = at;
                while i < eol {
                    match b[i] {
                        b':' if i + 1 == eol || b[i + 1] == b' ' => break,
                        b'#' if b[i - 1] == b' ' => return Some(None),
                        _ => i += 1,
                    }
                }
                if i == eol {
                    return Some(None);
                }
                let key = &self.text[at..i];
                if key.ends_with(' ')
                    || key
                        .bytes()
                        .any(|c| matches!(c, b'[' | b']' | b'{' | b'}' | b','))
                {
                    return None;
                }
                Some(Some(KeyToken {
                    text: Self::slice(at, i),
                    style: ScalarStyle::Plain,
                    end: i,
                    colon: i,
                }))
            }
        }
    }

    /// A quoted scalar on one line, without escapes: its text, style and end.
    fn quoted(&self, at: usize, eol: usize) -> Option<(Text, ScalarStyle, usize)> {
        let quote = self.bytes[at];
        let close = at + 1 + self.bytes[at + 1..eol].iter().position(|&b| b == quote)?;
        let inner = &self.text[at + 1..close];
        if quote == b'"' && inner.contains('\\') {
            return None;
        }
        if quote == b'\'' && close + 1 < eol && self.bytes[close + 1] == b'\'' {
            return None;
        }
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        Some((Self::slice(at + 1, close), style, close + 1))
    }

    /// A node's value that starts at `at` on its key's or dash's line; `column` is that
    /// key's or dash's.
    fn value(&mut self, at: usize, eol: usize, column: usize) -> Option<usize> {
        let b = self.bytes;
        match b[at] {
            b'"' | b'\'' => {
                let (text, style, end) = self.quoted(at, eol)?;
                self.scalar(text, style, at, end);
                self.rest(end, eol)
            }
            b'[' | b'{' => {
                let end = self.flow(at, eol, 0)?;
                self.rest(end, eol)
            }
            b'|' => self.literal(at, eol, column),
            _ if !self.plain_starts(at, eol) => None,
            _ => {
                let (end, comment) = self.plain_end(at, eol);
                let text = &self.text[at..end];
                if text.contains(": ") || text.ends_with(':') {
                    return None;
                }
                self.scalar(Self::slice(at, end), ScalarStyle::Plain, at, end);
                if let Some(hash) = comment {
                    self.comment(hash, eol);
                }
                Some(eol + 1)
            }
        }
    }

    /// Where a block plain scalar that starts at `at` ends (trailing spaces left out), and
    /// the comment after it.
    fn plain_end(&self, at: usize, eol: usize) -> (usize, Option<usize>) {
        let b = self.bytes;
        let mut comment = None;
        let mut end = eol;
        for i in at + 1..eol {
            if b[i] == b'#' && b[i - 1] == b' ' {
                comment = Some(i);
                end = i;
                break;
            }
        }
        while end > at && b[end - 1] == b' ' {
            end -= 1;
        }
        (end, comment)
    }

    /// Whether a plain scalar may start at `at`: not at an indicator, but `-1` and
    /// `--flag` are plain (a dash before a space or a flow indicator is not).
    fn plain_starts(&self, at: usize, eol: usize) -> bool {
        let c = self.bytes[at];
        !is_indicator(c)
            || (c == b'-'
                && at + 1 < eol
                && !matches!(self.bytes[at + 1], b' ' | b',' | b'[' | b']' | b'{' | b'}'))
    }

    fn after_spaces(&self, mut at: usize, eol: usize) -> usize {
        while at < eol && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// What may follow a node on its line: spaces, then a comment.
    fn rest(&mut self, after: usize, eol: usize) -> Option<usize> {
        let at = self.after_spaces(after, eol);
        if at < eol {
            if self.bytes[at] != b'#' || at == after {
                return None;
            }
            self.comment(at, eol);
        }
        Some(eol + 1)
    }

    /// A flow collection on one line (`[a, "b", 1]`, `{name: http, port: 80}`, nested):
    /// where it ends.
    fn flow(&mut self, open: usize, eol: usize, depth: usize) -> Option<usize> {
        if depth + self.open.len() >= MAX_NESTING {
            return None;
        }
        let b = self.bytes;
        let map = b[open] == b'{';
        let (start, end, close) = if map {
            (
                What::MappingStart(StructureStyle::Flow),
                What::MappingEnd,
                b'}',
            )
        } else {
            (
                What::SequenceStart(StructureStyle::Flow),
                What::SequenceEnd,
                b']',
            )
        };
        self.push(start, open, open + 1);
        let mut at = self.after_spaces(open + 1, eol);
        if at < eol && b[at] == close {
            self.push(end, at, at + 1);
            return Some(at + 1);
        }
        loop {
            if at == eol {
                return None;
            }
            if map {
                at = self.flow_key(at, eol)?;
            }
            let after = self.flow_node(at, eol, close, depth)?;
            at = self.after_spaces(after, eol);
            if at == eol {
                return None;
            }
            if b[at] == close {
                self.push(end, at, at + 1);
                return Some(at + 1);
            }
            if b[at] != b',' {
                return None;
            }
            at = self.after_spaces(at + 1, eol);
            if at == eol || matches!(b[at], b',' | b']' | b'}') {
                return None;
            }
        }
    }

    /// A flow mapping's key and its `: `: where its value starts.
    fn flow_key(&mut self, at: usize, eol: usize) -> Option<usize> {
        let b = self.bytes;
        let end = if matches!(b[at], b'"' | b'\'') {
            let (text, style, end) = self.quoted(at, eol)?;
            self.scalar(text, style, at, end);
            end
        } else {
            if !self.plain_starts(at, eol) {
                return None;
            }
            let colon = at + b[at..eol].iter().position(|&c| c == b':')?;
            let key = &self.text[at..colon];
            if key.ends_with(' ')
                || key
                    .bytes()
                    .any(|c| matches!(c, b',' | b'[' | b']' | b'{' | b'}' | b'#'))
            {
                return None;
            }
            self.scalar(Self::slice(at, colon), ScalarStyle::Plain, at, colon);
            colon
        };
        if end + 1 >= eol || b[end] != b':' || b[end + 1] != b' ' {
            return None;
        }
        let value = self.after_spaces(end + 1, eol);
        (value < eol).then_some(value)
    }

    /// A node inside a flow collection that `close` ends: where it ends.
    fn flow_node(&mut self, at: usize, eol: usize, close: u8, depth: usize) -> Option<usize> {
        let b = self.bytes;
        match b[at] {
            b'"' | b'\'' => {
                let (text, style, end) = self.quoted(at, eol)?;
                self.scalar(text, style, at, end);
                Some(end)
            }
            b'[' | b'{' => self.flow(at, eol, depth + 1),
            _ if !self.plain_starts(at, eol) => None,
            _ => {
                let mut end = at;
                while end < eol && b[end] != b',' && b[end] != close {
                    if matches!(b[end], b':' | b'[' | b']' | b'{' | b'}' | b'#') {
                        return None;
                    }
                    end += 1;
                }
                while b[end - 1] == b' ' {
                    end -= 1;
                }
                self.scalar(Self::slice(at, end), ScalarStyle::Plain, at, end);
                Some(end)
            }
        }
    }

    /// A literal block (`|` or `|-`) under a key or dash at `column`; its lines follow.
    fn literal(&mut self, at: usize, eol: usize, column: usize) -> Option<usize> {
        let b = self.bytes;
        let strip = at + 1 < eol && b[at + 1] == b'-';
        let header_end = at + 1 + usize::from(strip);
        if b[header_end..eol].iter().any(|&c| c != b' ') {
            return None;
        }
        // The first line decides the block's indentation; a block that starts with an
        // empty line or has no lines is left to the full parser.
        let first_line = eol + 1;
        if first_line >= b.len() {
            return None;
        }
        let first_eol = self.eol(first_line);
        let indent = b[first_line..first_eol]
            .iter()
            .take_while(|&&c| c == b' ')
            .count();
        if first_line + indent == first_eol || indent <= column {
            return None;
        }
        let mut value = String::new();
        let mut blank_run = 0usize;
        let mut line = first_line;
        let mut next = b.len();
        let mut resume = b.len();
        while line < b.len() {
            let line_eol = self.eol(line);
            let spaces = b[line..line_eol].iter().take_while(|&&c| c == b' ').count();
            if line + spaces == line_eol {
                if spaces > indent {
                    return None;
                }
                blank_run += 1;
                line = line_eol + 1;
                continue;
            }
            if spaces < indent {
                next = line + spaces;
                resume = line;
                break;
            }
            for _ in 0..blank_run {
                value.push('\n');
            }
            blank_run = 0;
            value.push_str(&self.text[line + indent..line_eol]);
            if line_eol == b.len() {
                return None;
            }
            value.push('\n');
            line = line_eol + 1;
        }
        if strip {
            value.pop();
        }
        let start = first_line + indent;
        let text = Text::Literal(self.literals.len() as u32);
        self.literals.push(value);
        self.scalar(text, ScalarStyle::Literal, start, next);
        // The line that ended the block is read next, from its start.
        Some(resume)
    }

    fn comment(&mut self, hash: usize, eol: usize) {
        self.comments.push(Comment {
            span: Span::new(self.base + hash, self.base + eol),
            text: self.text[hash + 1..eol].to_owned(),
        });
    }
}

/// Bytes that cannot start a plain scalar here (or start something the fast path leaves
/// to the full parser).
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

#[cfg(test)]
mod tests {
    use super::super::parse::{ParseLimits, parse_both_ways};

    /// Where two debug renderings first differ, with some context.
    fn first_difference(a: &str, b: &str) -> String {
        let at = a
            .bytes()
            .zip(b.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let from = at.saturating_sub(250);
        format!(
            "fast: …{}…\nfull: …{}…",
            &a[from..(at + 100).min(a.len())],
            &b[from..(at + 100).min(b.len())]
        )
    }

    /// The fast path's stream, where it reads a text, is the event parser's.
    fn same(text: &str) -> Result<bool, String> {
        let Some((fast, full)) = parse_both_ways(text, &ParseLimits::default()) else {
            return Ok(false);
        };
        let (fast, full) = (format!("{fast:?}"), format!("{full:?}"));
        if fast == full {
            Ok(true)
        } else {
            Err(first_difference(&fast, &full))
        }
    }

    /// Shapes whose events are easy to get wrong, each taken by the fast path and parsed
    /// as the event parser parses it: where a null or a sequence starts, where a literal
    /// block ends, what a document's span covers.
    #[test]
    fn known_shapes_parse_the_same_the_fast_way() {
        let taken = [
            "a: 1\n# tail comment\n\n",
            "# c1\n---\n# c2\na: b\n---\n- a\n- b\n",
            "a: b\n\n\n---\n\nc:\n",
            "---\n---\n# only\n",
            "list:\n- a\n- b: c\n  d: e\n-   - nested\n",
            "k:\n  - a\n  -\n  - b: |\n      txt\n    c: d\nz: 1",
            "a:\n-\n- b\n",
            "a:\n- |\n  x\n",
            "---\n# head\n-  \n",
            "- .inf\n- # note\n# between\n-\n",
            "data:\n  k: |\n    line1\n    line2\n\n  k2: |-\n    v\n  empty:\n",
            "a: [x, \"y\", 1 ,  'z' ]   # c\nb: {}\nc: []\nd: [ ]\n\"q k\": v\n",
            "p: [{name: http, port: 80}, {a: \"b\" , c: d}]\nq: {x: 1, \"y\": [a, b]}\n",
            "args:\n  - --config=/x\n  - -1\nurl: http://x:80/y # c\n",
            "a: b\nc: 'it'\n\"d\": \"e\"\n<<: {x: 1}\n",
        ];
        // A key with nothing on its line and a hundred comment lines after it: the event
        // parser once refused to look ahead over more than 96 (found by fuzzing).
        let long_comment_block = format!("z:\n{}a: 1\n", "# commented out\n".repeat(100));
        for text in taken.iter().copied().chain([long_comment_block.as_str()]) {
            assert_eq!(same(text), Ok(true), "{text:?}");
        }
        // Past half the event parser's lookahead, a run of comment lines is left to it.
        let over = format!("z:\n{}a: 1\n", "#\n".repeat(super::COMMENT_RUN + 1));
        assert_eq!(
            same(&over),
            Ok(false),
            "a run longer than {} is declined",
            super::COMMENT_RUN
        );
        let declined = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: >\n  folded\n",
            "a: \"esc\\n\"\n",
            "a: 'it''s'\n",
            "a: b\n  continued\n",
            "a:\tb\n",
            "a: b\r\n",
            "%YAML 1.2\n---\na: b\n",
            "a: b\n...\n",
            "just a scalar\n",
            "a: |\n  no final newline",
            "a: [b,\n  c]\n",
            "a: \u{e9}\n",
            // A dash before a flow indicator starts no plain scalar (found by fuzzing).
            "a: [-, b]\n",
            "a: {b: -}\n",
            // Flow collections cut off by the end of the text (found by fuzzing).
            "a: [",
            "a: [   ",
            "a: {",
            "a: {b",
            "a: {b: [",
            "- [a, ",
        ];
        for text in declined {
            assert!(
                parse_both_ways(text, &ParseLimits::default()).is_none(),
                "{text:?}"
            );
        }
    }

    /// A small deterministic generator (proptest draws its seed), and whether it writes
    /// only what the fast path reads.
    struct Rng(u64, bool);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }

        fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
            from[self.below(from.len())]
        }

        fn scalar(&mut self) -> &'static str {
            if self.1 || self.chance(90) {
                self.pick(SCALARS)
            } else {
                self.pick(ODD_SCALARS)
            }
        }

        fn key(&mut self) -> &'static str {
            if self.1 || self.chance(90) {
                self.pick(KEYS)
            } else {
                self.pick(ODD_KEYS)
            }
        }
    }

    /// Scalars as written that the fast path reads: plain, quoted, flow.
    const SCALARS: &[&str] = &[
        "a",
        "b c",
        "-1",
        "--flag=x",
        "true",
        "~",
        "null",
        "1.5",
        ".inf",
        "0x1F",
        "'q'",
        "\"d\"",
        "http://x:80/y",
        "a:b",
        "x #c",
        "x#y",
        "[a, b]",
        "[]",
        "{}",
        "{a: 1, b: [x]}",
        "[{n: 1}, 'q']",
        "[ a ,b ]",
        "[a, [b, {c: d}]]",
        "{ }",
        "[ ]",
        "a  b",
        "''",
        "\"\"",
        "'a # b'",
        "yes",
        "0o17",
        "1e3",
        "-.5",
    ];

    /// Scalars as written that the fast path leaves to the event parser (some are errors).
    const ODD_SCALARS: &[&str] = &[
        "\"e\\n\"", "'it''s'", "*r", "&a v", "!t v", ">", "@x", "`x", "%x", "?x", ":x", "- a",
        "a: b", "x:", "[a,]", "{a}", "'a' b", "\"a\"#c", "-", "'", "\"x", "[a:b]", "{a: }",
    ];

    /// Keys as written that the fast path reads.
    const KEYS: &[&str] = &[
        "a",
        "b",
        "key",
        "c d",
        "\"q\"",
        "'s'",
        "<<",
        "a:b",
        "k#x",
        "app.kubernetes.io/name",
        "-k",
        "a",
        "b",
    ];

    /// Keys that the fast path leaves to the event parser.
    const ODD_KEYS: &[&str] = &["k #x", "[k]", "\"x\\y\"", "\"a\" ", "?", "k ", "*a", "&a k"];

    /// Lines that break the shapes around them.
    const ODD_LINES: &[&str] = &[
        "...",
        "%YAML 1.2",
        "--- a",
        "---x",
        "\t- a",
        "  # indented comment",
        "#",
        "- ",
        "a: |+",
        "a: >",
        "a: | # c",
        "a: |2",
        "  continued",
        "? k",
        ": v",
        "a: &x",
        "b: *x",
    ];

    fn pad(out: &mut String, column: usize) {
        out.extend(std::iter::repeat_n(' ', column));
    }

    fn line_end(r: &mut Rng, out: &mut String) {
        if r.chance(8) {
            out.push_str("  ");
        }
        if r.chance(8) {
            out.push_str(" # note");
        }
        out.push('\n');
        if r.chance(6) {
            out.push('\n');
        }
        if r.chance(4) {
            pad(out, r.below(8));
            out.push_str("# between\n");
        }
        if !r.1 && r.chance(2) {
            out.push_str(r.pick(ODD_LINES));
            out.push('\n');
        }
    }

    fn literal(r: &mut Rng, out: &mut String, column: usize) {
        out.push_str(r.pick(&["|", "|-", "|", "| "]));
        out.push('\n');
        let indent = column + 1 + r.below(3);
        for i in 0..1 + r.below(3) {
            if !r.1 && r.chance(15) {
                out.push('\n');
            }
            pad(out, indent + usize::from(i > 0 && r.chance(15)) * 2);
            out.push_str(r.pick(&["text", "a: b", "# not a comment", "- x", "x"]));
            out.push('\n');
        }
        if r.chance(30) {
            out.push('\n');
        }
    }

    /// A value after `key:` or `-`, for a node at `column`.
    fn value(r: &mut Rng, out: &mut String, column: usize, depth: usize) {
        let width = 1 + r.below(4);
        match r.below(if depth > 3 { 3 } else { 7 }) {
            0 | 1 => {
                out.push(' ');
                out.push_str(r.scalar());
                line_end(r, out);
            }
            2 => {
                out.push(' ');
                literal(r, out, column);
            }
            3 => {
                line_end(r, out);
                map(r, out, column + width, depth + 1, false);
            }
            4 => {
                line_end(r, out);
                let indentless = r.chance(40);
                seq(
                    r,
                    out,
                    column + if indentless { 0 } else { width },
                    depth + 1,
                    false,
                );
            }
            _ => line_end(r, out),
        }
    }

    /// A block mapping at `column`; `inline` when its first key follows a dash.
    fn map(r: &mut Rng, out: &mut String, column: usize, depth: usize, inline: bool) {
        for i in 0..1 + r.below(4) {
            if i > 0 || !inline {
                pad(out, column);
            }
            out.push_str(r.key());
            out.push(':');
            value(r, out, column, depth);
        }
    }

    /// A block sequence at `column`; `inline` when its first dash follows another.
    fn seq(r: &mut Rng, out: &mut String, column: usize, depth: usize, inline: bool) {
        for i in 0..1 + r.below(4) {
            if i > 0 || !inline {
                pad(out, column);
            }
            out.push('-');
            let gap = 1 + usize::from(r.chance(15)) * 2;
            match r.below(if depth > 3 { 2 } else { 4 }) {
                0 => value(r, out, column, depth),
                1 => {
                    pad(out, gap);
                    map(r, out, column + 1 + gap, depth + 1, true);
                }
                2 => {
                    pad(out, gap);
                    seq(r, out, column + 1 + gap, depth + 1, true);
                }
                _ => {
                    line_end(r, out);
                    let nested = column + 1 + r.below(3);
                    map(r, out, nested, depth + 1, false);
                }
            }
        }
    }

    /// Documents of manifest-like YAML, with comments, blank lines, markers and now and
    /// then something the fast path must decline.
    fn manifests(seed: u64) -> String {
        let mut r = Rng(seed | 1, seed % 2 == 0);
        let mut out = String::new();
        for d in 0..1 + r.below(3) {
            if d > 0 || r.chance(30) {
                out.push_str(if r.chance(10) { "---  \n" } else { "---\n" });
            }
            if r.chance(15) {
                out.push_str("# head\n");
            }
            match r.below(10) {
                0 => {}
                1 | 2 => seq(&mut r, &mut out, 0, 0, false),
                _ => map(&mut r, &mut out, 0, 0, false),
            }
        }
        if r.chance(15) {
            out.pop();
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Generated manifests parse the same both ways whenever the fast path takes them.
        #[test]
        fn generated_manifests_parse_the_same_the_fast_way(seed in proptest::prelude::any::<u64>()) {
            let text = manifests(seed);
            if let Err(diff) = same(&text) {
                panic!("{text}\n---- parses differently:\n{diff}");
            }
        }
    }

    /// The generator is not vacuous: the fast path takes a good share of its texts, and
    /// declines some.
    #[test]
    fn the_fast_path_takes_most_generated_manifests() {
        let taken = (1..=1000u64)
            .filter(|&seed| {
                parse_both_ways(&manifests(seed * 7919), &ParseLimits::default()).is_some()
            })
            .count();
        eprintln!("the fast path took {taken} of 1000 generated texts");
        assert!(
            (400..1000).contains(&taken),
            "the fast path took {taken} of 1000"
        );
    }

    /// Every YAML file of the test data (and of `K8LINT_SPLIT_DIRS`) parses the same both
    /// ways where the fast path takes it, and the fast path takes most of them.
    #[test]
    fn every_test_file_parses_the_same_the_fast_way() {
        let files = crate::yaml::test_files();
        let mut fast = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            match same(&text) {
                Ok(false) if std::env::var_os("K8LINT_FAST_MISSES").is_some() => {
                    eprintln!("not taken: {}", f.display());
                }
                Ok(took) => fast += usize::from(took),
                Err(diff) => panic!("{} parses differently:\n{diff}", f.display()),
            }
        }
        eprintln!("the fast path took {fast} of {} files", files.len());
        assert!(
            fast * 2 > files.len(),
            "the fast path took only {fast} of {} files",
            files.len()
        );
    }
}
