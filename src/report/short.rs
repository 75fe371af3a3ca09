//! `--format short`: `file:line:col: severity[rule]: message`, one line per finding, as
//! editors and grep expect.

use std::io::{self, Write};

use super::Report;

/// Writes the short format.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            f.place.file, f.place.line, f.place.column, f.severity, f.rule, f.message
        )?;
    }
    Ok(())
}
