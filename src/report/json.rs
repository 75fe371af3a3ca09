//! `--format json`: the stable report (README.md, "JSON report"), byte-for-byte deterministic.

use std::io::{self, Write};

use serde::Serialize;

use super::{ObjectRef, Report};
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

#[derive(Serialize)]
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

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
    unit: &'a str,
}

/// Writes the JSON report.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let c = report.counts;
    let doc = Json {
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
        diagnostics: report
            .findings
            .iter()
            .map(|f| JsonDiagnostic {
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
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
