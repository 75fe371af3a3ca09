//! Which of the spans of a file hold a range of it, by binary search: a finding located
//! in a file asks which document or object it falls in, and walking every document for
//! each finding made a file of ten thousand findings cost ten thousand squared.

use std::collections::HashMap;
use std::sync::Arc;

use crate::base::{DocId, FileId, ObjectId, Span};

use super::Graph;

/// The key of the documents of each file in [`Graph::memo`].
#[derive(PartialEq, Eq, Hash)]
struct DocumentsOfFile;

/// The key of the documents by file in [`Graph::memo`].
#[derive(PartialEq, Eq, Hash)]
struct Documents;

type ByFile<T> = Arc<HashMap<FileId, Spans<T>>>;

impl Graph {
    /// The first checked object, in input order, whose root node lies in `file` and
    /// holds `span`. Only the trees of the documents of `file` that hold the span are
    /// read.
    pub fn object_holding(&self, file: FileId, span: Span) -> Option<ObjectId> {
        let docs: Arc<HashMap<FileId, Vec<DocId>>> = self.memo(DocumentsOfFile, || {
            let mut by_file: HashMap<FileId, Vec<DocId>> = HashMap::new();
            for (i, d) in self.docs.iter().enumerate() {
                by_file.entry(d.file).or_default().push(DocId(i as u32));
            }
            Arc::new(by_file)
        });
        let holds = |s: Span| s.start <= span.start && span.end <= s.end;
        docs.get(&file)?
            .iter()
            .filter(|&&d| holds(self.docs[d.0 as usize].span))
            .flat_map(|&d| self.objects_of_doc(d))
            .filter(|o| !o.context)
            .filter(|o| {
                let (f, root) = self.root_span(o.id);
                f == file && holds(root)
            })
            .map(|o| o.id)
            .min()
    }

    /// The objects read from one document (objects are in document order).
    fn objects_of_doc(&self, doc: DocId) -> &[crate::model::Object] {
        let from = self.objects.partition_point(|o| o.doc < doc);
        let to = self.objects.partition_point(|o| o.doc <= doc);
        &self.objects[from..to]
    }

    /// The first document of `file` that covers a byte offset (an empty document covers
    /// the offset it starts at), as an index into [`Graph::docs`].
    pub(super) fn doc_holding(&self, file: FileId, offset: u32) -> Option<usize> {
        let index: ByFile<usize> = self.memo(Documents, || {
            by_file(self.docs.iter().enumerate().map(|(i, d)| {
                let end = d.span.end.max(d.span.start.saturating_add(1));
                (d.file, d.span.start, end, i)
            }))
        });
        index.get(&file)?.holding(offset, offset.saturating_add(1))
    }
}

/// The spans of `(file, start, end, value)` entries, indexed per file.
fn by_file<T: Copy + Ord>(entries: impl Iterator<Item = (FileId, u32, u32, T)>) -> ByFile<T> {
    let mut by_file: HashMap<FileId, Vec<(u32, u32, T)>> = HashMap::new();
    for (file, start, end, value) in entries {
        by_file.entry(file).or_default().push((start, end, value));
    }
    Arc::new(
        by_file
            .into_iter()
            .map(|(f, e)| (f, Spans::new(e)))
            .collect(),
    )
}

/// Spans of one file, each with a value (an id, smaller first in input order).
#[derive(Debug)]
pub struct Spans<T> {
    /// `(start, end, value)` by start, one entry per distinct span (its smallest value).
    entries: Vec<(u32, u32, T)>,
    /// `reach[i]`: the largest end among `entries[..=i]`, so a walk back stops as soon
    /// as nothing earlier can reach the range.
    reach: Vec<u32>,
}

impl<T: Copy + Ord> Spans<T> {
    /// The index over `(start, end, value)` entries.
    pub fn new(mut entries: Vec<(u32, u32, T)>) -> Spans<T> {
        entries.sort_unstable();
        // Of several values with one span (objects built twice from one base), the
        // smallest answers: the first in input order.
        entries.dedup_by(|later, first| (later.0, later.1) == (first.0, first.1));
        let reach = entries
            .iter()
            .scan(0, |reach, e| {
                *reach = (*reach).max(e.1);
                Some(*reach)
            })
            .collect();
        Spans { entries, reach }
    }

    /// The smallest value whose span holds `from..to` (`start <= from`, `to <= end`).
    pub fn holding(&self, from: u32, to: u32) -> Option<T> {
        let before = self.entries.partition_point(|e| e.0 <= from);
        let mut best = None;
        for i in (0..before).rev() {
            if self.reach[i] < to {
                break;
            }
            let (_, end, value) = self.entries[i];
            if end >= to && best.is_none_or(|b| value < b) {
                best = Some(value);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers what asking every span in order answers.
    #[test]
    fn holding_is_the_first_span_that_holds() {
        let spans = [
            (0, 10, 0),
            (10, 20, 1),
            (12, 15, 2),
            (10, 20, 3),
            (25, 25, 4),
            (30, 60, 5),
            (31, 40, 6),
            (41, 59, 7),
            (2, 8, 8),
        ];
        let index = Spans::new(spans.to_vec());
        for from in 0..65 {
            for to in from..66 {
                let slow = spans
                    .iter()
                    .filter(|&&(s, e, _)| s <= from && to <= e)
                    .map(|&(_, _, v)| v)
                    .min();
                assert_eq!(index.holding(from, to), slow, "{from}..{to}");
            }
        }
    }
}
