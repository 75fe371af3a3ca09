//! `--format github`: GitHub Actions workflow commands, one per finding, which the runner
//! turns into annotations on the pull request's diff:
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message`.

use std::io::{self, Write};

use super::Report;
use super::roots::Roots;
use crate::base::Severity;
use crate::escape;

/// The annotation level GitHub knows for a severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's message: `%`, CR and LF, as the runner decodes them.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: the message escapes plus `:` and `,`, which delimit properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Writes one workflow command per finding. Files are named from the repository root, as
/// the runner resolves them against the checkout.
pub fn write(report: &Report<'_>, roots: &Roots, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        let file = roots.relative(&f.place.file).unwrap_or_else(|abs| abs);
        // Each piece from the input is escaped first: only our own line breaks remain.
        let mut message = escape::line(&f.message).into_owned();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(&escape::line(help));
        }
        for r in &f.related {
            let file = roots.relative(&r.place.file).unwrap_or_else(|abs| abs);
            message.push_str(&format!(
                "\nnote: {}:{}:{}: {}",
                escape::line(&file),
                r.place.line,
                r.place.column,
                escape::line(&r.message)
            ));
        }
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(f.severity),
            escape_property(&escape::line(&file)),
            f.place.line,
            f.place.column,
            f.place.end_line,
            f.place.end_column,
            escape_property(&f.rule),
            escape_data(&message),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_decodes() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
    }
}
