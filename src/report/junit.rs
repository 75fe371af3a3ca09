//! `--format junit`: a JUnit XML report for CI test tabs. Each checked file is a test
//! suite and each object in it a test case; a case fails when it has findings at or above
//! `--fail-on`, and the failure carries them. Findings that belong to no object (a syntax
//! error) make a case named after the file.

use std::collections::BTreeMap;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{Finding, Report};
use crate::base::{FileId, Location, ObjectId, Pointer, Severity};
use crate::escape;

/// What one test case is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Subject {
    /// The file itself: findings before objects exist.
    File,
    /// One object.
    Object(ObjectId),
}

/// One line per finding, as `--format short` writes it, minus the file. Text from the
/// input is escaped: a CI log that prints the report shows only our own line breaks.
fn describe(f: &Finding) -> String {
    let mut s = format!(
        "{}:{}: {}[{}]: {}",
        f.place.line,
        f.place.column,
        f.severity,
        f.rule,
        escape::line(&f.message)
    );
    if let Some(p) = &f.pointer {
        s.push_str(&format!("\n    at {}", escape::line(p)));
    }
    if let Some(h) = &f.help {
        s.push_str(&format!("\n    help: {}", escape::line(h)));
    }
    for r in &f.related {
        s.push_str(&format!(
            "\n    note: {}:{}:{}: {}",
            escape::line(&r.place.file),
            r.place.line,
            r.place.column,
            escape::line(&r.message)
        ));
    }
    s
}

fn case(name: String, classname: &str, findings: &[&Finding], options: Options) -> TestCase {
    let (failing, other): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| options.fails(f.severity));
    let status = if let Some(first) = failing.first() {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let message = escape::line(&first.message);
        let message = if failing.len() == 1 {
            format!("{}: {message}", first.rule)
        } else {
            format!(
                "{} findings, first {}: {message}",
                failing.len(),
                first.rule
            )
        };
        status
            .set_message(message)
            .set_type(first.severity.as_str())
            .set_description(
                failing
                    .iter()
                    .map(|f| describe(f))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        status
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(classname);
    if !other.is_empty() {
        // Findings below --fail-on do not fail the case but stay visible.
        case.set_system_out(
            other
                .iter()
                .map(|f| describe(f))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    case
}

/// Which findings fail their test case.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The least severity that fails a case; `None`: findings never fail one.
    pub fail_at: Option<Severity>,
}

impl Options {
    fn fails(self, severity: Severity) -> bool {
        self.fail_at.is_some_and(|least| severity >= least)
    }
}

/// Writes the JUnit report.
pub fn write(report: &Report<'_>, options: Options, out: &mut dyn Write) -> io::Result<()> {
    let graph = report.graph;
    // file → subject → findings; BTreeMaps keep the output in file and object order.
    let mut by_file: BTreeMap<FileId, BTreeMap<Subject, Vec<&Finding>>> = BTreeMap::new();
    for o in graph.checked() {
        by_file
            .entry(o.file)
            .or_default()
            .entry(Subject::Object(o.id))
            .or_default();
    }
    for f in &report.findings {
        let subject = f.object_id.map_or(Subject::File, Subject::Object);
        by_file
            .entry(f.file_id)
            .or_default()
            .entry(subject)
            .or_default()
            .push(f);
    }
    let mut junit = quick_junit::Report::new("k8lint");
    for (file_id, subjects) in by_file {
        let file = escape::line(&graph.file(file_id).name).into_owned();
        let file = &file;
        let mut suite = TestSuite::new(file.as_str());
        for (subject, findings) in subjects {
            let name = match subject {
                Subject::File => file.clone(),
                Subject::Object(id) => {
                    let o = graph.object(id);
                    let (_, span) = graph.locate(&Location::Object {
                        object: id,
                        pointer: Pointer::root(),
                    });
                    let line = graph.file(file_id).line_col(span.start).line;
                    format!("{} (line {line})", escape::line(&o.display_name()))
                }
            };
            suite.add_test_case(case(name, file, &findings, options));
        }
        junit.add_test_suite(suite);
    }
    // Serialized first, so that an error writing (a closed pipe) stays an I/O error that
    // the caller can tell from a serialization bug.
    let text = junit.to_string().map_err(io::Error::other)?;
    out.write_all(text.as_bytes())?;
    writeln!(out)
}
