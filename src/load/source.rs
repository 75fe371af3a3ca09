//! A source file held in memory, and the line index that turns byte offsets into
//! line and column.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::base::recent::Recent;

use crate::base::{FileId, Span};

/// A 1-based line and column; the column counts characters, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

/// One input file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Its index in the run.
    pub id: FileId,
    /// The name shown to users: the path as walked, or `<stdin>`.
    pub name: String,
    /// The path on disk (`None` for stdin).
    pub path: Option<PathBuf>,
    /// The text, decoded to UTF-8, and its lines ([`SourceFile::text`]).
    text: Text,
    /// Whether the file came from `--context` (used for lookups, never reported on).
    pub context: bool,
    /// For the text a Helm chart rendered (no file on disk holds it): the chart.
    pub rendered: Option<RenderedFrom>,
}

/// A file's text: as read, or packed once the run reads it only to locate findings.
#[derive(Clone)]
enum Text {
    Plain(Unpacked),
    Packed(Arc<Packed>),
}

/// A text and the byte offset of the start of each of its lines.
#[derive(Clone)]
struct Unpacked {
    text: Arc<str>,
    line_starts: Arc<[u32]>,
}

impl Unpacked {
    /// Indexes a text's lines.
    fn new(text: Arc<str>) -> Unpacked {
        // Sized by a first count: the index lives as long as the text.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut line_starts = Vec::with_capacity(lines + 1);
        line_starts.push(0u32);
        for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
            line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
        }
        Unpacked {
            text,
            line_starts: line_starts.into(),
        }
    }
}

/// A text packed with LZ4 (about a third of its size on manifests), its line index
/// dropped: both are made again on demand.
struct Packed {
    bytes: Box<[u8]>,
    /// The text's length in bytes.
    len: usize,
    /// This packing's own number, for the unpacked texts kept per thread.
    number: u64,
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Text::Plain(u) => std::fmt::Debug::fmt(&u.text, f),
            Text::Packed(p) => write!(f, "<{} bytes packed>", p.bytes.len()),
        }
    }
}

/// The most unpacked text each thread keeps, and the most texts: the stages that read a
/// packed text visit findings grouped by file, so the last few files are what is asked
/// for again.
const UNPACKED_BYTES: usize = 4 << 20;
/// The largest text packed ([`SourceFile::pack`]).
const PACKED_AT_MOST: usize = 1 << 20;
const UNPACKED_TEXTS: usize = 8;

thread_local! {
    static UNPACKED: std::cell::RefCell<Recent<(u64, Unpacked)>> =
        const { std::cell::RefCell::new(Recent::new(UNPACKED_TEXTS, UNPACKED_BYTES)) };
}

impl Packed {
    fn new(text: &str) -> Packed {
        static NUMBER: AtomicU64 = AtomicU64::new(0);
        Packed {
            bytes: lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice(),
            len: text.len(),
            number: NUMBER.fetch_add(1, Ordering::Relaxed),
        }
    }

    fn unpack(&self) -> Unpacked {
        UNPACKED.with(|kept| {
            let mut kept = kept.borrow_mut();
            if let Some((_, unpacked)) = kept.find(|(n, _)| *n == self.number) {
                return unpacked.clone();
            }
            let bytes = lz4_flex::decompress_size_prepended(&self.bytes)
                .expect("a text this run packed unpacks");
            let text: Arc<str> = String::from_utf8(bytes)
                .expect("a text this run packed was UTF-8")
                .into();
            let unpacked = Unpacked::new(text);
            kept.keep((self.number, unpacked.clone()), |(_, u)| u.text.len());
            unpacked
        })
    }
}

/// The chart a rendered file came from: its `name` is the template's path, its text what
/// `helm template` printed for that template, so its lines are the rendering's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFrom {
    /// The chart's `Chart.yaml`.
    pub chart_file: FileId,
    /// The chart's folder, as shown.
    pub chart: String,
}

impl SourceFile {
    /// Indexes a file's lines.
    pub fn new(
        id: FileId,
        name: String,
        path: Option<PathBuf>,
        text: Arc<str>,
        context: bool,
    ) -> SourceFile {
        SourceFile {
            id,
            name,
            path,
            text: Text::Plain(Unpacked::new(text)),
            context,
            rendered: None,
        }
    }

    /// The text. Cheap when it is kept as read; a packed text is unpacked (the thread
    /// keeps the last few it unpacked).
    pub fn text(&self) -> Arc<str> {
        match &self.text {
            Text::Plain(u) => Arc::clone(&u.text),
            Text::Packed(p) => p.unpack().text,
        }
    }

    /// `f` of the text and its line starts, unpacked when packed.
    fn with_lines<R>(&self, f: impl FnOnce(&str, &[u32]) -> R) -> R {
        match &self.text {
            Text::Plain(u) => f(&u.text, &u.line_starts),
            Text::Packed(p) => {
                let u = p.unpack();
                f(&u.text, &u.line_starts)
            }
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        match &self.text {
            Text::Plain(u) => u.text.len(),
            Text::Packed(p) => p.len,
        }
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Packs the text and drops its line index: from now on the run reads them only to
    /// locate findings, a file at a time. At 100,000 objects the texts and their line
    /// indexes were a seventh of the run's memory.
    /// A text larger than [`PACKED_AT_MOST`] stays as read: each thread would hold its own
    /// unpacked copy while it is read again (one 31 MB file took 70 MB more packed).
    pub fn pack(&mut self) {
        if let Text::Plain(u) = &self.text {
            if u.text.len() <= PACKED_AT_MOST {
                self.text = Text::Packed(Arc::new(Packed::new(&u.text)));
            }
        }
    }

    /// Whether the text is packed.
    pub fn is_packed(&self) -> bool {
        matches!(self.text, Text::Packed(_))
    }

    /// The line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        self.with_lines(|text, line_starts| {
            let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
            let line = line_starts.partition_point(|&s| s <= offset) - 1;
            let start = line_starts[line] as usize;
            let mut end = offset as usize;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let column = text[start..end].chars().filter(|&c| c != '\r').count() + 1;
            LineCol {
                line: line as u32 + 1,
                column: column as u32,
            }
        })
    }

    /// The 0-based line number of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        self.with_lines(|_, line_starts| line_starts.partition_point(|&s| s <= offset) - 1)
    }

    /// The byte range of a 0-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        self.with_lines(|text, line_starts| {
            let start = line_starts.get(line).copied().unwrap_or(0) as usize;
            let mut end = line_starts
                .get(line + 1)
                .map_or(text.len(), |&e| e as usize);
            let bytes = text.as_bytes();
            while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            Span::new(start, end)
        })
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.with_lines(|_, line_starts| line_starts.len())
    }

    /// The text of a span: borrowed when the text is kept as read, copied from the
    /// unpacked text when it is packed.
    pub fn slice(&self, span: Span) -> Cow<'_, str> {
        let range = span.start as usize..span.end as usize;
        match &self.text {
            Text::Plain(u) => Cow::Borrowed(u.text.get(range).unwrap_or("")),
            Text::Packed(p) => Cow::Owned(p.unpack().text.get(range).unwrap_or("").to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "t.yaml".into(), None, Arc::from(text), false)
    }

    #[test]
    fn line_and_column_are_one_based() {
        let f = file("ab\ncd\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(6), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_count_characters() {
        let f = file("é: x\n");
        assert_eq!(f.line_col(4), LineCol { line: 1, column: 4 });
    }

    /// A packed text reads back as it was: lines, columns, slices and length.
    #[test]
    fn a_packed_text_reads_as_read() {
        let text = "a: 1\r\nname: é-ü\n\nlast: x";
        let plain = file(text);
        let mut packed = file(text);
        packed.pack();
        assert!(packed.is_packed() && !plain.is_packed());
        assert_eq!(&*packed.text(), text);
        assert_eq!(packed.len(), plain.len());
        for offset in 0..=text.len() as u32 + 1 {
            assert_eq!(packed.line_col(offset), plain.line_col(offset), "{offset}");
        }
        for line in 0..plain.line_count() + 1 {
            assert_eq!(packed.line_span(line), plain.line_span(line), "{line}");
            let span = plain.line_span(line);
            assert_eq!(packed.slice(span), plain.slice(span));
        }
        // Unpacked again once the thread's last texts moved on.
        for k in 0..2 * UNPACKED_TEXTS {
            let mut other = file(&format!("other: {k}\n"));
            other.pack();
            assert_eq!(&*other.text(), format!("other: {k}\n"));
        }
        assert_eq!(&*packed.text(), text);
    }

    /// A text past the packing limit stays as read.
    #[test]
    fn a_large_text_is_not_packed() {
        let mut large = file(&"k: v\n".repeat(PACKED_AT_MOST / 5 + 1));
        large.pack();
        assert!(!large.is_packed());
        let mut small = file(&"k: v\n".repeat(PACKED_AT_MOST / 5));
        small.pack();
        assert!(small.is_packed());
    }

    #[test]
    fn crlf_lines() {
        let f = file("a: 1\r\nb: 2\r\n");
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.slice(f.line_span(0)), "a: 1");
    }
}
