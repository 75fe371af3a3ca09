//! Large files parsed on several threads. Files are parsed in parallel with each other,
//! so one very large file (a generated bundle of thousands of documents) would otherwise
//! hold the run on one core. Such a file is cut at document markers (`---` at the start
//! of a line) into pieces of similar size; each piece is parsed on its own and the
//! streams are joined, spans already in the file's offsets.
//!
//! A document marker at the start of a line ends whatever came before it (YAML forbids
//! it inside a scalar), and anchors do not reach across documents, so the pieces' streams
//! joined are the file's stream. Where that could fail to hold, the file is parsed
//! whole instead: a directive (`%YAML`, `%TAG` belong to the document after them), a
//! piece with any problem (a syntax error is located and worded by the parse of the
//! whole file), a piece that expands an alias (the alias budgets and the run's input
//! budget are per file and per run), or more documents than the limit. The fuzz target
//! `split` compares both ways on arbitrary input.

use std::ops::Range;

use rayon::prelude::*;

use super::parse::{Document, ParseLimits, Piece, Stream, parse_piece};

/// When a file is cut, and into what.
#[derive(Debug, Clone, Copy)]
pub struct Pieces {
    /// Files smaller than this are parsed whole.
    pub from_bytes: usize,
    /// A piece ends at the first document marker after this many bytes.
    pub piece_bytes: usize,
}

impl Default for Pieces {
    /// Below a few megabytes a file parses in milliseconds, and files already run in
    /// parallel with each other.
    fn default() -> Self {
        Pieces {
            from_bytes: 4 << 20,
            piece_bytes: 1 << 20,
        }
    }
}

/// The file's stream from its pieces parsed in parallel, or `None` when the file is not
/// cut (too small, one piece, a directive) or the pieces' streams might differ from the
/// whole file's.
pub fn parse_in_pieces(text: &str, limits: &ParseLimits, pieces: &Pieces) -> Option<Stream> {
    if text.len() < pieces.from_bytes {
        return None;
    }
    let ranges = cut(text, pieces.piece_bytes)?;
    // The run's budget is charged by the parse of the whole file only: a piece that
    // would charge it (an alias) sends the file there.
    let piece_limits = ParseLimits {
        run: None,
        ..limits.clone()
    };
    let parsed: Vec<Piece> = ranges
        .par_iter()
        .map(|r| parse_piece(&text[r.clone()], r.start, &piece_limits))
        .collect();
    let positions: usize = parsed.iter().map(|p| p.indices).sum();
    let faithful = positions <= limits.max_documents
        && parsed
            .iter()
            .all(|p| p.stream.problems.is_empty() && !p.aliased);
    if !faithful {
        return None;
    }
    let mut joined = Stream::default();
    let mut offset = 0;
    for p in parsed {
        joined
            .documents
            .extend(p.stream.documents.into_iter().map(|mut d| {
                d.index += offset;
                d
            }));
        joined.comments.extend(p.stream.comments);
        offset += p.indices;
    }
    Some(joined)
}

/// The pieces of `text`, each from a document marker (the first from the start) and at
/// least `piece_bytes` long but for the last; `None` for one piece or a directive.
fn cut(text: &str, piece_bytes: usize) -> Option<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut line = 0;
    loop {
        if bytes.get(line) == Some(&b'%') {
            return None;
        }
        let last = starts.last().copied().unwrap_or(0);
        if line > last && line - last >= piece_bytes && is_marker(&bytes[line..]) {
            starts.push(line);
        }
        match bytes[line..].iter().position(|&b| b == b'\n') {
            Some(n) => line += n + 1,
            None => break,
        }
    }
    if starts.len() < 2 {
        return None;
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    Some(starts.iter().zip(ends).map(|(&s, e)| s..e).collect())
}

/// Whether `text` may be cut at its document markers: no line is a directive.
pub fn may_cut(text: &str) -> bool {
    !text.starts_with('%') && !text.contains("\n%")
}

/// The part of `text` that holds `offset` when the text is cut at every document marker:
/// from the last marker line at or before it (else the start) to the next marker line
/// (else the end). Only the lines of that part are read.
pub fn part_around(text: &str, offset: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let line_start = |at: usize| {
        bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    };
    let mut line = line_start(offset.min(bytes.len()));
    let start = loop {
        if line == 0 || is_marker(&bytes[line..]) {
            break line;
        }
        line = line_start(line - 1);
    };
    let mut next = start;
    loop {
        match bytes[next..].iter().position(|&b| b == b'\n') {
            Some(n) => next += n + 1,
            None => return start..bytes.len(),
        }
        if is_marker(&bytes[next..]) {
            return start..next;
        }
    }
}

/// The documents of one part of a file ([`part_around`]) parsed on their own, spans in
/// the file's offsets; `None` when the part has a problem or expands an alias, where its
/// parse alone is not known to be the file's (the cut of [`parse_in_pieces`]). Only for
/// text that [`may_cut`].
pub fn parse_part(text: &str, part: Range<usize>, limits: &ParseLimits) -> Option<Vec<Document>> {
    let limits = ParseLimits {
        run: None,
        ..limits.clone()
    };
    let piece = parse_piece(&text[part.clone()], part.start, &limits);
    (piece.stream.problems.is_empty() && !piece.aliased).then_some(piece.stream.documents)
}

/// Whether a line is a document marker: `---` alone or followed by a blank.
fn is_marker(line: &[u8]) -> bool {
    line.starts_with(b"---") && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    const SMALL: Pieces = Pieces {
        from_bytes: 0,
        piece_bytes: 1,
    };

    fn same(text: &str) -> bool {
        let whole = parse(text, &ParseLimits::default());
        let cut = crate::yaml::parse_with(text, &ParseLimits::default(), &SMALL);
        format!("{whole:?}") == format!("{cut:?}")
    }

    #[test]
    fn cuts_at_markers_only() {
        let text = "a: 1\n---\nb: 2\n--- # c\nc: 3\n---x\nd: '---'\n";
        let ranges = cut(text, 1).unwrap();
        let starts: Vec<&str> = ranges.iter().map(|r| &text[r.start..r.start + 4]).collect();
        assert_eq!(starts, ["a: 1", "---\n", "--- "]);
        assert_eq!(ranges.last().unwrap().end, text.len());
    }

    /// A part runs from a marker line to the next; a document's part parsed alone gives
    /// the document of the whole file's parse.
    #[test]
    fn a_part_parses_as_in_the_whole_file() {
        let text = "# head\na: 1\n---\nb: |\n  x\n  ---\n--- # c\nc: 3\n...\nd: 4\n---x: 5\n";
        let whole = parse(text, &ParseLimits::default());
        assert_eq!(whole.documents.len(), 4);
        let parts: Vec<&str> = whole
            .documents
            .iter()
            .map(|d| &text[part_around(text, d.span.start as usize)])
            .collect();
        assert_eq!(
            parts,
            [
                "# head\na: 1\n",
                "---\nb: |\n  x\n  ---\n",
                "--- # c\nc: 3\n...\nd: 4\n---x: 5\n",
                "--- # c\nc: 3\n...\nd: 4\n---x: 5\n",
            ]
        );
        for d in &whole.documents {
            let part = part_around(text, d.span.start as usize);
            let alone = parse_part(text, part, &ParseLimits::default()).unwrap();
            let found = alone.iter().find(|a| a.span == d.span).unwrap();
            assert_eq!(format!("{:?}", found.tree), format!("{:?}", d.tree));
        }
        assert!(part_around("", 0).is_empty());
        assert!(may_cut(text));
        assert!(!may_cut("a: 1\n%YAML 1.1\n---\nb: 2\n"));
        // A part with a problem is not trusted alone.
        assert!(parse_part("a: 1\na: 2\n", 0..10, &ParseLimits::default()).is_none());
    }

    #[test]
    fn directives_and_single_documents_are_not_cut() {
        assert!(cut("%YAML 1.2\n---\na: 1\n---\nb: 2\n", 1).is_none());
        assert!(cut("a: 1\nb: 2\n", 1).is_none());
    }

    #[test]
    fn pieces_give_the_whole_files_stream() {
        let text = "# head\napiVersion: v1\nkind: ConfigMap\n---\n---\n# between\n\
                    kind: Pod\nspec: {containers: [{name: a}]}\n...\n--- |\n  block\n---\n\
                    x: [1, 2]\n";
        assert!(same(text));
        let cut = crate::yaml::parse_with(text, &ParseLimits::default(), &SMALL);
        let indices: Vec<usize> = cut.documents.iter().map(|d| d.index).collect();
        assert_eq!(indices, [0, 2, 3, 4]);
    }

    #[test]
    fn problems_and_aliases_fall_back_to_the_whole_file() {
        // Each would differ in a piece: the error's place and wording, an alias's budget.
        assert!(same("a: 1\n---\nb: [\n---\nc: 3\n"));
        assert!(same("a: &x 1\n---\nb: *x\n---\nc: &y 2\nd: *y\n"));
        assert!(same("a: 1\n---\na: 1\na: 2\n"));
    }

    #[test]
    fn the_document_limit_counts_every_piece() {
        let limits = ParseLimits {
            max_documents: 2,
            ..ParseLimits::default()
        };
        let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
        let whole = parse(text, &limits);
        let cut = crate::yaml::parse_with(text, &limits, &SMALL);
        assert_eq!(format!("{whole:?}"), format!("{cut:?}"));
        assert_eq!(cut.problems.len(), 1);
    }

    /// Every YAML file of the repository's test data (and of the folders named in
    /// `K8LINT_SPLIT_DIRS`, `:`-separated, for a corpus outside the repository) parses
    /// the same cut at every marker as whole.
    #[test]
    fn every_test_file_parses_the_same_in_pieces() {
        let files = crate::yaml::test_files();
        let mut cut_files = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            assert!(same(&text), "{} parses differently in pieces", f.display());
            cut_files += usize::from(cut(&text, 1).is_some());
        }
        assert!(
            cut_files > 100,
            "only {cut_files} of {} files have two documents",
            files.len()
        );
    }
}
