//! `--format human`: diagnostics laid out as rustc and ruff print them. The first line
//! says what it is (`error[rule-id]: message`, the severity as a word, colored on a
//! terminal); then the finding's own place with its line underlined, each related place
//! as a `note:` with its own line, and the help last.
//!
//! ```text
//! error[config-key]: ConfigMap api-config has no key LOG_LEVEL
//!   --> deploy/api.yaml:53:20
//!    |
//! 52 |               name: api-config
//! 53 |               key: LOG_LEVEL
//!    |                    ^^^^^^^^^ /spec/template/spec/containers/0/env/2/valueFrom/configMapKeyRef/key
//!    |
//! note: ConfigMap api-config: it has keys FEATURE_FLAGS, LISTEN_ADDR
//!   --> deploy/api.yaml:6:1
//!    |
//!  6 | data:
//!    | ^^^^
//!    |
//! help: add the key, or mark the reference optional
//! ```
//!
//! Past the first three findings of a rule (`--snippets-per-rule`), a finding prints as its
//! first two lines only, the heading and the place: a repository with thousands of findings
//! of a few rules reads at a glance, and every finding is still listed.
//!
//! Source lines are printed from the input, so every character that would drive a
//! terminal is masked, and a long line (minified JSON, a 50 MB line) is cut to a window
//! around the underlined node: the output of one finding is bounded whatever the input.

use std::collections::HashMap;
use std::io::{self, Write};

use super::{Finding, Place, Report};
use crate::base::{FileId, Severity};
use crate::escape;
use crate::load::SourceFile;

/// The most characters of a source line printed; longer lines are cut around the node.
const MAX_LINE_CHARS: usize = 120;
/// How many characters before the node a cut line keeps.
const LEAD_CHARS: usize = 40;

/// ANSI styles, or nothing when the output is not colored.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity_code(severity: Severity) -> &'static str {
        match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        }
    }

    fn gutter(&self, text: &str) -> String {
        self.paint("1;34", text)
    }
}

/// One line of source as printed: its masked text (cut to a window) and where the
/// underline goes in it, in characters.
struct Shown {
    text: String,
    underline: Option<(usize, usize)>,
}

/// A source line, masked and cut to at most [`MAX_LINE_CHARS`] characters around the
/// byte range `mark` (clamped to the line), with the underline's character range.
fn show_line(file: &SourceFile, line: usize, mark: Option<(usize, usize)>) -> Shown {
    let span = file.line_span(line);
    let start = span.start as usize;
    let line_text = file.slice(span);
    let text: &str = &line_text;
    // The window: whole when short; otherwise from a little before the node. Bytes are
    // counted first so that a huge line is never scanned whole.
    let anchor = mark.map_or(0, |(s, _)| s.saturating_sub(start).min(text.len()));
    let (from, cut_front) = if text.len() <= MAX_LINE_CHARS {
        (0, false)
    } else {
        let mut from = 0;
        // Walk back LEAD_CHARS characters from the anchor.
        let mut back = 0;
        for (i, _) in text[..floor_boundary(text, anchor)].char_indices().rev() {
            from = i;
            back += 1;
            if back == LEAD_CHARS {
                break;
            }
        }
        if anchor <= LEAD_CHARS {
            from = 0;
        }
        (from, from > 0)
    };
    let mut out = String::new();
    if cut_front {
        out.push('…');
    }
    let mut chars = usize::from(cut_front);
    let mut underline_start = None;
    let mut underline_end = None;
    let (mark_start, mark_end) = mark.map_or((usize::MAX, usize::MAX), |(s, e)| {
        (
            s.saturating_sub(start),
            e.saturating_sub(start).max(s.saturating_sub(start) + 1),
        )
    });
    let mut cut_back = false;
    for (i, c) in text[from..].char_indices() {
        let at = from + i;
        if chars >= MAX_LINE_CHARS - 1 && at < text.len() {
            cut_back = true;
            break;
        }
        if underline_start.is_none() && at >= mark_start {
            underline_start = Some(chars);
        }
        if underline_start.is_some() && underline_end.is_none() && at >= mark_end {
            underline_end = Some(chars);
        }
        // Tabs become one space and unsafe characters `?`: one column each, so the
        // underline stays under its node.
        out.push(match c {
            '\t' => ' ',
            c if escape::line(c.encode_utf8(&mut [0; 4])).len() != c.len_utf8() => '?',
            c => c,
        });
        chars += 1;
    }
    if cut_back {
        out.push('…');
    }
    let underline = mark.map(|_| {
        let s = underline_start.unwrap_or(chars);
        let e = underline_end.unwrap_or(chars).max(s + 1);
        (s, e)
    });
    Shown {
        text: out,
        underline,
    }
}

/// The largest char boundary at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One snippet: `--> file:line:col`, the line before, the line with the underline.
struct Snippet {
    header: String,
    lines: Vec<(usize, Shown)>,
    label: Option<String>,
}

fn snippet(file: &SourceFile, place: &Place, context: bool, label: Option<String>) -> Snippet {
    let line = file.line_of(place.start);
    let mut lines = Vec::new();
    if context && line > 0 {
        let before = show_line(file, line - 1, None);
        // Only a line that says something: a blank one adds nothing.
        if !before.text.trim().is_empty() {
            lines.push((line, before));
        }
    }
    lines.push((
        line + 1,
        show_line(file, line, Some((place.start as usize, place.end as usize))),
    ));
    Snippet {
        header: format!(
            "{}:{}:{}",
            escape::line(&place.file),
            place.line,
            place.column
        ),
        lines,
        label,
    }
}

fn write_snippet(out: &mut String, s: &Snippet, width: usize, underline: &str, style: &Style) {
    let pad = " ".repeat(width);
    let bar = style.gutter("|");
    out.push_str(&format!("{pad}{} {}\n", style.gutter("-->"), s.header));
    out.push_str(&format!("{pad} {bar}\n"));
    for (number, shown) in &s.lines {
        let n = style.gutter(&format!("{number:>width$}"));
        out.push_str(format!("{n} {bar} {}", shown.text).trim_end());
        out.push('\n');
        if let Some((from, to)) = shown.underline {
            let marks = style.paint(underline, &"^".repeat(to - from));
            let label = s
                .label
                .as_ref()
                .map(|l| format!(" {}", style.paint(underline, l)))
                .unwrap_or_default();
            out.push_str(&format!("{pad} {bar} {}{marks}{label}\n", " ".repeat(from)));
        }
    }
}

fn file_of<'a>(report: &'a Report<'_>, id: FileId) -> &'a SourceFile {
    report.graph.file(id)
}

/// One finding, laid out.
fn render(report: &Report<'_>, f: &Finding, style: &Style) -> String {
    let code = Style::severity_code(f.severity);
    let mut out = format!(
        "{}{}: {}\n",
        style.paint(code, f.severity.as_str()),
        style.paint(code, &format!("[{}]", f.rule)),
        style.paint("1", &escape::line(&f.message)),
    );
    let label = f
        .pointer
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(|p| escape::line(p).into_owned());
    let main = snippet(file_of(report, f.file_id), &f.place, true, label);
    let notes: Vec<(String, Snippet)> = f
        .related
        .iter()
        .map(|r| {
            (
                escape::line(&r.message).into_owned(),
                snippet(file_of(report, r.file_id), &r.place, false, None),
            )
        })
        .collect();
    let width = std::iter::once(&main)
        .chain(notes.iter().map(|(_, s)| s))
        .flat_map(|s| s.lines.iter().map(|(n, _)| n.to_string().len()))
        .max()
        .unwrap_or(1);
    write_snippet(&mut out, &main, width, code, style);
    let pad = " ".repeat(width);
    for (message, s) in &notes {
        out.push_str(&format!("{pad} {}\n", style.gutter("|")));
        out.push_str(&format!("{}: {message}\n", style.paint("1;32", "note")));
        write_snippet(&mut out, s, width, "1;32", style);
    }
    if let Some(help) = &f.help {
        out.push_str(&format!("{pad} {}\n", style.gutter("|")));
        out.push_str(&format!(
            "{}: {}\n",
            style.paint("1;36", "help"),
            escape::line(help)
        ));
    }
    out
}

/// How many findings of each rule are printed whole (snippet, notes, help). On a large
/// repository most findings repeat a few rules: the first ones teach what the rule means,
/// and the rest need only their first lines (what and where) to be read at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Snippets {
    /// Every finding whole.
    All,
    /// The first N findings of each rule whole, the rest as their heading and place.
    PerRule(usize),
}

impl Snippets {
    /// The default of `check`: three findings of each rule whole.
    pub const DEFAULT: Snippets = Snippets::PerRule(3);

    /// Whether the `nth` finding of a rule (counted from 1) is printed whole.
    fn whole(self, nth: usize) -> bool {
        match self {
            Snippets::All => true,
            Snippets::PerRule(n) => nth <= n,
        }
    }

    /// Parses `all` or a count (the command line's `--snippets-per-rule`).
    pub fn parse(text: &str) -> Result<Snippets, String> {
        if text == "all" {
            return Ok(Snippets::All);
        }
        text.parse()
            .map(Snippets::PerRule)
            .map_err(|_| format!("expected a number or `all`, got `{text}`"))
    }
}

/// How the human format prints.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// ANSI colors.
    pub color: bool,
    /// Which findings get their snippets.
    pub snippets: Snippets,
}

/// How many findings are printed without their snippets (for the summary line).
pub fn folded(report: &Report<'_>, snippets: Snippets) -> usize {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    report
        .findings
        .iter()
        .filter(|f| {
            let nth = seen.entry(f.rule.as_str()).or_default();
            *nth += 1;
            !snippets.whole(*nth)
        })
        .count()
}

/// A finding printed without its snippets: its heading and its place.
fn render_folded(f: &Finding, style: &Style) -> String {
    let code = Style::severity_code(f.severity);
    format!(
        "{}{}: {}\n  {} {}:{}:{}\n",
        style.paint(code, f.severity.as_str()),
        style.paint(code, &format!("[{}]", f.rule)),
        style.paint("1", &escape::line(&f.message)),
        style.gutter("-->"),
        escape::line(&f.place.file),
        f.place.line,
        f.place.column
    )
}

/// Writes the human format.
pub fn write(report: &Report<'_>, out: &mut dyn Write, options: Options) -> io::Result<()> {
    let style = Style {
        color: options.color,
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    // Folded findings follow each other without blank lines; a whole one is set apart.
    let mut after_folded = false;
    for f in &report.findings {
        let nth = seen.entry(f.rule.as_str()).or_default();
        *nth += 1;
        if options.snippets.whole(*nth) {
            if after_folded {
                writeln!(out)?;
            }
            out.write_all(render(report, f, &style).as_bytes())?;
            writeln!(out)?;
            after_folded = false;
        } else {
            out.write_all(render_folded(f, &style).as_bytes())?;
            after_folded = true;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "a.yaml".to_owned(), None, Arc::from(text), false)
    }

    #[test]
    fn a_short_line_is_printed_whole_with_the_underline_under_its_node() {
        let f = file("a: 1\nkey: value\n");
        let s = show_line(&f, 1, Some((10, 15)));
        assert_eq!(s.text, "key: value");
        assert_eq!(s.underline, Some((5, 10)));
    }

    #[test]
    fn a_long_line_is_cut_around_the_node() {
        let text = format!(
            "k: \"{}NODE{}\"\n",
            "x".repeat(100_000),
            "y".repeat(100_000)
        );
        let at = text.find("NODE").unwrap();
        let f = file(&text);
        let s = show_line(&f, 0, Some((at, at + 4)));
        assert!(
            s.text.chars().count() <= MAX_LINE_CHARS + 1,
            "{}",
            s.text.len()
        );
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        let (from, to) = s.underline.unwrap();
        let shown: String = s.text.chars().skip(from).take(to - from).collect();
        assert_eq!(shown, "NODE");
    }

    #[test]
    fn control_characters_and_tabs_take_one_column() {
        let f = file("a:\t\u{1b}[2J b\n");
        let s = show_line(&f, 0, Some((8, 9)));
        assert_eq!(s.text, "a: ?[2J b");
        assert_eq!(s.underline, Some((8, 9)));
    }
}
