//! A source file held in memory, and the line index that turns byte offsets into
//! line and column.

use std::path::PathBuf;
use std::sync::Arc;

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
    /// The text, decoded to UTF-8.
    pub text: Arc<str>,
    /// Byte offset of the start of every line.
    line_starts: Vec<u32>,
    /// Whether the file came from `--context` (used for lookups, never reported on).
    pub context: bool,
    /// For the text a Helm chart rendered (no file on disk holds it): the chart.
    pub rendered: Option<RenderedFrom>,
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
        // Sized by a first count: the index lives as long as the file.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut line_starts = Vec::with_capacity(lines + 1);
        line_starts.push(0u32);
        for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
            line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
        }
        SourceFile {
            id,
            name,
            path,
            text,
            line_starts,
            context,
            rendered: None,
        }
    }

    /// The line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().filter(|&c| c != '\r').count() + 1;
        LineCol {
            line: line as u32 + 1,
            column: column as u32,
        }
    }

    /// The 0-based line number of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// The byte range of a 0-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&e| e as usize);
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
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

    #[test]
    fn crlf_lines() {
        let f = file("a: 1\r\nb: 2\r\n");
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.slice(f.line_span(0)), "a: 1");
    }
}
