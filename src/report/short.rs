//! `--format short`: `file:line:col: severity[rule]: message`, one line per finding, as
//! editors and grep expect. Text from the input is escaped, so a finding is one line.

use std::io::{self, Write};

use super::Report;
use crate::escape;

/// Writes the short format.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            escape::line(&f.place.file),
            f.place.line,
            f.place.column,
            f.severity,
            f.rule,
            escape::line(&f.message)
        )?;
    }
    Ok(())
}
