//! `--format human`: rustc-style diagnostics through miette, with the offending node
//! underlined in a source snippet. miette reads source through [`IndexedSource`], which
//! uses k8lint's line index instead of rescanning the file for every diagnostic.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Finding, Report};
use crate::base::Severity;
use crate::escape;
use crate::load::SourceFile;

/// A source file as miette sees it: spans are read through the line index, from the
/// file's text with the characters that would drive a terminal masked
/// ([`escape::snippet`]), under its escaped name.
struct IndexedSource<'a> {
    file: &'a SourceFile,
    text: &'a [u8],
    name: String,
}

impl<'a> IndexedSource<'a> {
    fn new(file: &'a SourceFile, text: &'a [u8]) -> IndexedSource<'a> {
        IndexedSource {
            file,
            text,
            name: escape::line(&file.name).into_owned(),
        }
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let f = self.file;
        let len = f.text.len();
        let start = span.offset().min(len);
        let end = (span.offset() + span.len()).min(len);
        if span.offset() > len {
            return Err(MietteError::OutOfBounds);
        }
        if before == 0 && after == 0 {
            // miette asks for the bare span to print the `file:line:column` header.
            let at = f.line_col(start as u32);
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &self.text[start..end],
                SourceSpan::from(start..end),
                at.line as usize - 1,
                at.column as usize - 1,
                1,
            )));
        }
        let first_line = f.line_of(start as u32).saturating_sub(before);
        let last_line =
            (f.line_of(end.saturating_sub(1).max(start) as u32) + after).min(f.line_count() - 1);
        let window_start = f.line_span(first_line).start as usize;
        let window_end = {
            let e = f.line_span(last_line).end as usize;
            // Keep the line break, as miette's own reader does.
            let bytes = f.text.as_bytes();
            let mut e = e;
            while e < len && matches!(bytes[e], b'\r' | b'\n') {
                e += 1;
                if bytes[e - 1] == b'\n' {
                    break;
                }
            }
            e
        };
        let data = &self.text[window_start..window_end];
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::from(window_start..window_end),
            first_line,
            0,
            last_line - first_line + 1,
        )))
    }
}

/// One finding as a miette diagnostic.
struct Shown<'a> {
    finding: Cow<'a, Finding>,
    source: IndexedSource<'a>,
    related: Vec<Shown<'a>>,
    labels: Vec<LabeledSpan>,
    is_related: bool,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape::line(&self.finding.message))
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape::line(&self.finding.message))
    }
}

impl std::error::Error for Shown<'_> {}

impl MietteDiagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.is_related).then(|| Box::new(&self.finding.rule) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(escape::line(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn MietteDiagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn MietteDiagnostic),
        ))
    }
}

fn shown<'a>(report: &'a Report<'a>, texts: &'a Texts<'a>, f: &'a Finding) -> Shown<'a> {
    let source = report.graph.file(f.file_id);
    let len = (f.place.end - f.place.start) as usize;
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(label_for(f)),
        (f.place.start as usize, len),
    )];
    let mut related = Vec::new();
    for r in &f.related {
        if r.place.file == f.place.file {
            labels.push(LabeledSpan::new_with_span(
                Some(escape::line(&r.message).into_owned()),
                (
                    r.place.start as usize,
                    (r.place.end - r.place.start) as usize,
                ),
            ));
        } else if let Some(file) = report.graph.files.iter().find(|s| s.name == r.place.file) {
            // A related place in another file gets its own snippet.
            let note = Finding {
                rule: f.rule.clone(),
                severity: Severity::Info,
                message: r.message.clone(),
                place: r.place.clone(),
                pointer: None,
                object: None,
                help: None,
                related: Vec::new(),
                file_id: file.id,
                object_id: None,
                unit: f.unit.clone(),
            };
            related.push(Shown {
                finding: Cow::Owned(note),
                source: IndexedSource::new(file, texts.of(file)),
                labels: vec![LabeledSpan::new_primary_with_span(
                    None,
                    (
                        r.place.start as usize,
                        (r.place.end - r.place.start) as usize,
                    ),
                )],
                related: Vec::new(),
                is_related: true,
            });
        }
    }
    Shown {
        finding: Cow::Borrowed(f),
        source: IndexedSource::new(source, texts.of(source)),
        related,
        labels,
        is_related: false,
    }
}

/// Each file's masked text ([`escape::snippet`]; borrowed unless the file holds a
/// character to mask), by file id.
struct Texts<'a>(Vec<Cow<'a, [u8]>>);

impl<'a> Texts<'a> {
    fn new(report: &'a Report<'a>) -> Texts<'a> {
        Texts(
            report
                .graph
                .files
                .iter()
                .map(|f| escape::snippet(f.text.as_bytes()))
                .collect(),
        )
    }

    fn of(&'a self, file: &'a SourceFile) -> &'a [u8] {
        self.0
            .get(file.id.0 as usize)
            .map_or(file.text.as_bytes(), |t| t)
    }
}

fn label_for(f: &Finding) -> String {
    match &f.pointer {
        Some(p) if !p.is_empty() => escape::line(p).into_owned(),
        _ => "here".to_owned(),
    }
}

/// Writes the human format; `color` picks the colored theme.
pub fn write(report: &Report<'_>, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
        .with_links(false);
    let texts = Texts::new(report);
    for f in &report.findings {
        let s = shown(report, &texts, f);
        let mut buf = String::new();
        handler
            .render_report(&mut buf, &s)
            .map_err(io::Error::other)?;
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}
