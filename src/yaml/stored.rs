//! A parse kept on disk: a [`Stream`] written as bytes and read back the same, so that a
//! re-run does not parse a file whose text it has parsed before.
//!
//! The format is ours and versioned by [`FORMAT`]: variable-length integers, strings as
//! length and UTF-8 bytes, one tag byte per node and value. Reading trusts nothing: every
//! length is checked against the bytes left, every span against the file's text, and
//! nesting against [`MAX_DEPTH`]; anything off gives `None` (the file is parsed instead).

use crate::base::value::{Map, Number, Value};

use crate::base::Span;

use super::parse::{Comment, Document, MAX_DEPTH, Problem, ProblemKind, Stream};
use super::scalar::Resolved;
use super::tree::{Key, Node, NodeKind, ScalarStyle};

/// Changes whenever the layout below does: entries of another format are never read.
pub const FORMAT: u32 = 1;

/// Nesting a stored tree or value may have: what the parser allows, and the document.
const MAX_STORED_DEPTH: usize = MAX_DEPTH + 2;

/// The bytes of a stream.
pub fn encode(stream: &Stream) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(1024));
    w.len(stream.documents.len());
    for d in &stream.documents {
        w.len(d.index);
        w.span(d.span);
        w.node(&d.tree);
        w.value(&d.value);
    }
    w.len(stream.comments.len());
    for c in &stream.comments {
        w.span(c.span);
        w.str(&c.text);
    }
    w.len(stream.problems.len());
    for p in &stream.problems {
        w.byte(match p.kind {
            ProblemKind::Syntax => 0,
            ProblemKind::DuplicateKey => 1,
            ProblemKind::ComplexKey => 2,
            ProblemKind::Limit => 3,
        });
        w.span(p.span);
        w.str(&p.message);
        match &p.related {
            None => w.byte(0),
            Some((span, message)) => {
                w.byte(1);
                w.span(*span);
                w.str(message);
            }
        }
    }
    w.0
}

/// The stream `bytes` hold, for a file of `text_len` bytes; `None` unless they are whole
/// and every span lies in the text.
pub fn decode(bytes: &[u8], text_len: usize) -> Option<Stream> {
    let mut r = Reader {
        bytes,
        at: 0,
        text_len,
    };
    let mut stream = Stream::default();
    for _ in 0..r.count()? {
        stream.documents.push(Document {
            index: r.len()?,
            span: r.span()?,
            tree: r.node(0)?,
            value: r.value(0)?,
        });
    }
    for _ in 0..r.count()? {
        stream.comments.push(Comment {
            span: r.span()?,
            text: r.string()?,
        });
    }
    for _ in 0..r.count()? {
        let kind = match r.byte()? {
            0 => ProblemKind::Syntax,
            1 => ProblemKind::DuplicateKey,
            2 => ProblemKind::ComplexKey,
            3 => ProblemKind::Limit,
            _ => return None,
        };
        let span = r.span()?;
        let message = r.string()?;
        let related = match r.byte()? {
            0 => None,
            1 => Some((r.span()?, r.string()?)),
            _ => return None,
        };
        stream.problems.push(Problem {
            kind,
            span,
            message,
            related,
        });
    }
    (r.at == bytes.len()).then_some(stream)
}

struct Writer(Vec<u8>);

impl Writer {
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    /// LEB128: seven bits per byte, low first, the high bit set on all but the last.
    fn int(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn len(&mut self, n: usize) {
        self.int(n as u64);
    }

    fn span(&mut self, s: Span) {
        self.int(u64::from(s.start));
        self.int(u64::from(s.end));
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn node(&mut self, n: &Node) {
        self.span(n.span);
        match n.key_span() {
            None => self.byte(0),
            Some(k) => {
                self.byte(1);
                self.span(k);
            }
        }
        match &n.kind {
            NodeKind::Scalar { style, resolved } => {
                self.byte(0);
                self.byte(match style {
                    ScalarStyle::Plain => 0,
                    ScalarStyle::Quoted => 1,
                    ScalarStyle::Block => 2,
                });
                self.byte(match resolved {
                    Resolved::Null => 0,
                    Resolved::Bool => 1,
                    Resolved::Int => 2,
                    Resolved::Float => 3,
                    Resolved::NonFinite => 4,
                    Resolved::Str => 5,
                });
            }
            NodeKind::Alias => self.byte(1),
            NodeKind::Seq(items) => {
                self.byte(2);
                self.len(items.len());
                for item in items.iter() {
                    self.node(item);
                }
            }
            NodeKind::Map(entries) => {
                self.byte(3);
                self.len(entries.len());
                for (key, value) in entries.iter() {
                    self.str(key);
                    self.node(value);
                }
            }
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.byte(0),
            Value::Bool(false) => self.byte(1),
            Value::Bool(true) => self.byte(2),
            Value::Number(n) => {
                // The number's own kind is kept: 1 and 1.0 print differently.
                if let Some(u) = n.as_u64() {
                    self.byte(3);
                    self.int(u);
                } else if let Some(i) = n.as_i64() {
                    self.byte(4);
                    self.0.extend_from_slice(&i.to_le_bytes());
                } else {
                    self.byte(5);
                    let f = n.as_f64().unwrap_or(0.0);
                    self.0.extend_from_slice(&f.to_bits().to_le_bytes());
                }
            }
            Value::String(s) => {
                self.byte(6);
                self.str(s);
            }
            Value::Array(items) => {
                self.byte(7);
                self.len(items.len());
                for item in items {
                    self.value(item);
                }
            }
            Value::Object(map) => {
                self.byte(8);
                self.len(map.len());
                for (key, value) in map {
                    self.str(key);
                    self.value(value);
                }
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    text_len: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn int(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.int()?).ok()
    }

    /// A number of items that follow, each at least one byte: never more than the bytes
    /// left, so that no length makes a large allocation.
    fn count(&mut self) -> Option<usize> {
        let n = self.len()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn span(&mut self) -> Option<Span> {
        let start = u32::try_from(self.int()?).ok()?;
        let end = u32::try_from(self.int()?).ok()?;
        (start <= end && end as usize <= self.text_len).then_some(Span { start, end })
    }

    fn str(&mut self) -> Option<&str> {
        let n = self.count()?;
        let s = std::str::from_utf8(self.bytes.get(self.at..self.at + n)?).ok()?;
        self.at += n;
        Some(s)
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    fn node(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_STORED_DEPTH {
            return None;
        }
        let span = self.span()?;
        let key_span = match self.byte()? {
            0 => None,
            1 => Some(self.span()?),
            _ => return None,
        };
        let kind = match self.byte()? {
            0 => {
                let style = match self.byte()? {
                    0 => ScalarStyle::Plain,
                    1 => ScalarStyle::Quoted,
                    2 => ScalarStyle::Block,
                    _ => return None,
                };
                let resolved = match self.byte()? {
                    0 => Resolved::Null,
                    1 => Resolved::Bool,
                    2 => Resolved::Int,
                    3 => Resolved::Float,
                    4 => Resolved::NonFinite,
                    5 => Resolved::Str,
                    _ => return None,
                };
                NodeKind::Scalar { style, resolved }
            }
            1 => NodeKind::Alias,
            2 => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.node(depth + 1)?);
                }
                NodeKind::Seq(items.into_boxed_slice())
            }
            3 => {
                let n = self.count()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = Key::from(self.str()?);
                    entries.push((key, self.node(depth + 1)?));
                }
                NodeKind::Map(entries.into_boxed_slice())
            }
            _ => return None,
        };
        Some(Node::new(span, key_span, kind))
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_STORED_DEPTH {
            return None;
        }
        Some(match self.byte()? {
            0 => Value::Null,
            1 => Value::Bool(false),
            2 => Value::Bool(true),
            3 => Value::Number(Number::from(self.int()?)),
            4 => {
                let bytes = self.bytes.get(self.at..self.at + 8)?;
                self.at += 8;
                Value::Number(Number::from(i64::from_le_bytes(bytes.try_into().ok()?)))
            }
            5 => {
                let bytes = self.bytes.get(self.at..self.at + 8)?;
                self.at += 8;
                let f = f64::from_bits(u64::from_le_bytes(bytes.try_into().ok()?));
                Value::Number(Number::from_f64(f)?)
            }
            6 => Value::String(self.string()?.into()),
            7 => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::Array(items)
            }
            8 => {
                let n = self.count()?;
                let mut map = Map::with_capacity(n);
                for _ in 0..n {
                    let key = self.string()?;
                    let value = self.value(depth + 1)?;
                    // Keys of a value are distinct: a repeated one is not ours.
                    if map.insert(key, value).is_some() {
                        return None;
                    }
                }
                Value::Object(map)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{ParseLimits, parse};

    fn round_trip(text: &str) -> (String, String) {
        let stream = parse(text, &ParseLimits::default());
        let read = decode(&encode(&stream), text.len()).expect("decodes");
        (format!("{stream:?}"), format!("{read:?}"))
    }

    #[test]
    fn reads_back_what_it_wrote() {
        let text = "# c\na: [1, -2, 1.5, 1.0, 0x1f, yes, ~, 'q', |\n  b\n]\n\
                    k: &x {z: 1}\nl: *x\n---\n{a: 1, a: 2}\n---\nb: [\n";
        let (wrote, read) = round_trip(text);
        assert_eq!(wrote, read);
        assert!(
            wrote.contains("DuplicateKey") && wrote.contains("Syntax"),
            "{wrote}"
        );
    }

    /// Every YAML file of the test data reads back as parsed (`K8LINT_SPLIT_DIRS` adds
    /// folders, e.g. a corpus).
    #[test]
    fn every_test_file_reads_back_as_parsed() {
        let files = crate::yaml::test_files();
        assert!(files.len() > 100, "{}", files.len());
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            let (wrote, read) = round_trip(&text);
            assert!(wrote == read, "{} reads back differently", f.display());
        }
    }

    /// Whatever the bytes, reading gives a stream or `None`, never a panic or a huge
    /// allocation: every cut of an entry, every byte of it changed, and a span past the
    /// text.
    #[test]
    fn damaged_bytes_are_refused() {
        let text = "a: [1, 'x', {b: c}]\n# note\n---\nd: [\n";
        let bytes = encode(&parse(text, &ParseLimits::default()));
        for end in 0..bytes.len() {
            assert!(decode(&bytes[..end], text.len()).is_none(), "cut at {end}");
        }
        for i in 0..bytes.len() {
            for b in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut changed = bytes.clone();
                changed[i] = b;
                let _ = decode(&changed, text.len());
            }
        }
        assert!(decode(&bytes, 3).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, text.len()).is_none());
    }

    #[test]
    fn nesting_past_the_bound_is_refused() {
        let nested = |levels: usize| {
            let mut w = Writer(Vec::new());
            w.len(1);
            w.len(0);
            w.span(Span { start: 0, end: 0 });
            w.node(&Node::new(
                Span { start: 0, end: 0 },
                None,
                NodeKind::Scalar {
                    style: ScalarStyle::Plain,
                    resolved: Resolved::Null,
                },
            ));
            for _ in 0..levels {
                w.byte(7);
                w.len(1);
            }
            w.byte(0);
            w.len(0);
            w.len(0);
            decode(&w.0, 0)
        };
        assert!(nested(MAX_STORED_DEPTH).is_some());
        assert!(nested(MAX_STORED_DEPTH + 1).is_none());
    }
}
