//! `--format json`: the stable report (README.md, "JSON report"), byte-for-byte deterministic.

use std::io::{self, Write};

use serde::Serialize;

use rayon::prelude::*;

use super::{Finding, ObjectRef, Report};
use crate::base::Severity;

#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    documents: usize,
    objects: usize,
    skipped_files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    /// Findings counted above but not listed (`--min-severity`); absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    hidden: Option<usize>,
    /// Findings left out by a baseline, and its entries no longer found; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    baselined: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_gone: Option<usize>,
}

#[derive(Serialize, Clone)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    path: Option<&'a str>,
    object: Option<&'a ObjectRef>,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    unit: &'a str,
}

#[derive(Serialize, Clone)]
struct JsonRelated<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
    unit: &'a str,
}

/// Findings serialized in parallel at a time: bounds the bytes held before they are written.
const BATCH: usize = 4096;

/// Writes the JSON report. The findings are serialized in parallel, a batch at a time, each
/// on its own and then indented to its place in the document: the bytes are those of
/// serializing the whole document at once (a JSON string never holds a raw line break, so
/// every line break is the formatter's). `workers` are the run's threads (`--jobs`).
pub fn write(
    report: &Report<'_>,
    workers: &rayon::ThreadPool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let c = report.counts;
    let head = Json {
        version: 1,
        summary: Summary {
            files: c.files,
            documents: c.documents,
            objects: c.objects,
            skipped_files: c.skipped_files,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
            hidden: report.min_severity.map(|_| report.hidden()),
            baselined: report.baseline.map(|b| b.matched),
            baseline_gone: report.baseline.map(|b| b.gone),
        },
        diagnostics: Vec::new(),
    };
    write_document(&head, &report.findings, diagnostic, workers, out)
}

/// `head` with `items` as its diagnostics, byte for byte as serializing the whole document
/// at once would write it (`head.diagnostics` is left out: it is empty).
fn write_document<'a, T: Sync>(
    head: &Json<'_>,
    items: &'a [T],
    item: impl Fn(&'a T) -> JsonDiagnostic<'a> + Sync,
    workers: &rayon::ThreadPool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut text = serde_json::to_vec_pretty(head)?;
    if items.is_empty() {
        out.write_all(&text)?;
        return writeln!(out);
    }
    // The document up to the list's `[`; each finding then follows as `,\n    {...}`.
    const EMPTY_TAIL: &[u8] = b"[]\n}";
    debug_assert!(text.ends_with(EMPTY_TAIL));
    text.truncate(text.len() - EMPTY_TAIL.len());
    text.push(b'[');
    out.write_all(&text)?;
    let mut first = true;
    for batch in items.chunks(BATCH) {
        let pieces: Vec<Vec<u8>> = workers.install(|| {
            batch
                .par_iter()
                .map(|f| element(&item(f)))
                .collect::<io::Result<_>>()
        })?;
        for piece in &pieces {
            out.write_all(if first { &piece[1..] } else { piece })?;
            first = false;
        }
    }
    out.write_all(b"\n  ]\n}\n")
}

/// One element of the list, as `,\n    ` and the value indented two levels.
fn element(d: &JsonDiagnostic<'_>) -> io::Result<Vec<u8>> {
    let alone = serde_json::to_vec_pretty(d)?;
    let mut piece = Vec::with_capacity(alone.len() + alone.len() / 8 + 8);
    piece.extend_from_slice(b",\n    ");
    // Line by line rather than byte by byte: a report of 10,000 objects is megabytes.
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', &alone) {
        piece.extend_from_slice(&alone[start..=end]);
        piece.extend_from_slice(b"    ");
        start = end + 1;
    }
    piece.extend_from_slice(&alone[start..]);
    Ok(piece)
}

fn diagnostic(f: &Finding) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        rule: &f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: &f.place.file,
        line: f.place.line,
        column: f.place.column,
        end_line: f.place.end_line,
        end_column: f.place.end_column,
        path: f.pointer.as_deref(),
        object: f.object.as_ref(),
        help: f.help.as_deref(),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                file: &r.place.file,
                line: r.place.line,
                column: r.place.column,
                message: &r.message,
                unit: &r.unit,
            })
            .collect(),
        unit: &f.unit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    fn head<'a>(diagnostics: Vec<JsonDiagnostic<'a>>) -> Json<'a> {
        Json {
            version: 1,
            summary: Summary {
                files: 3,
                documents: 4,
                objects: 5,
                skipped_files: 0,
                errors: 1,
                warnings: 2,
                infos: 3,
                hidden: Some(7),
                baselined: None,
                baseline_gone: None,
            },
            diagnostics,
        }
    }

    /// The batched, parallel writer gives the bytes of serializing the whole document,
    /// across batches, with every optional part present or absent and text that JSON
    /// escapes (line breaks, quotes, control characters, non-ASCII).
    #[test]
    fn writes_what_the_whole_document_serializes_to() {
        let object = ObjectRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: Some("ns".into()),
            name: "web".into(),
        };
        let messages: Vec<String> = (0..BATCH * 2 + 17)
            .map(|i| format!("finding {i}: \"quoted\"\nline two\t\u{1}é ✓"))
            .collect();
        let items: Vec<JsonDiagnostic<'_>> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| JsonDiagnostic {
                rule: "some-rule",
                severity: "warning",
                message: m,
                file: "dir/a file.yaml",
                line: i as u32,
                column: 3,
                end_line: i as u32 + 1,
                end_column: 9,
                path: (i % 2 == 0).then_some("/spec/template/spec/containers/0"),
                object: (i % 3 != 0).then_some(&object),
                help: (i % 5 == 0).then_some("do \"this\"\ninstead"),
                related: (0..i % 3)
                    .map(|r| JsonRelated {
                        file: "b.yaml",
                        line: r as u32,
                        column: 1,
                        message: "here",
                        unit: "overlays/prod",
                    })
                    .collect(),
                unit: ".",
            })
            .collect();
        for count in [0, 1, 2, BATCH - 1, BATCH, BATCH + 1, items.len()] {
            let mut whole = serde_json::to_vec_pretty(&head(items[..count].to_vec())).unwrap();
            whole.push(b'\n');
            for threads in [1, 2] {
                let mut written = Vec::new();
                write_document(
                    &head(Vec::new()),
                    &items[..count],
                    |d| d.clone(),
                    &pool(threads),
                    &mut written,
                )
                .unwrap();
                assert!(written == whole, "{count} findings, {threads} threads");
            }
        }
    }
}
