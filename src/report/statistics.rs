//! `check --statistics`: how many findings each rule made, most frequent first (as ruff's
//! `--statistics`), instead of the findings themselves. JSON for `--format json`, a table
//! otherwise.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::base::Severity;
use crate::rules::RuleMeta;

#[derive(Serialize)]
struct Row<'a> {
    rule: &'a str,
    severity: &'static str,
    count: usize,
    summary: &'a str,
}

/// How the counts are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// A JSON array instead of a table.
    pub json: bool,
}

/// Writes the per-rule counts.
pub fn write(
    report: &Report<'_>,
    rules: &[&RuleMeta],
    options: Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    // (rule, severity) → count; a rule's severity can vary per finding.
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for f in &report.findings {
        *counts.entry((f.rule.as_str(), f.severity)).or_default() += 1;
    }
    let mut rows: Vec<Row<'_>> = counts
        .into_iter()
        .map(|((rule, severity), count)| Row {
            rule,
            severity: severity.as_str(),
            count,
            summary: rules
                .iter()
                .find(|r| r.id == rule)
                .map_or("", |r| r.summary),
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(b.rule)));
    if options.json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    for r in &rows {
        writeln!(
            out,
            "{:>count_width$}  {:<rule_width$}  {:<7}  {}",
            r.count, r.rule, r.severity, r.summary
        )?;
    }
    Ok(())
}
