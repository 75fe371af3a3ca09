//! Printing text that came from the input. Names, values, file names and policy messages
//! are written by whoever wrote the repository: printed raw, a line break forges a line
//! of output (a GitHub workflow command such as `::warning file=…::`), an ESC sequence
//! drives the terminal (clear the screen, set the window title), a bidirectional override
//! reorders what the reader sees. [`line`] is the one function every format passes such
//! text through; [`html`] adds HTML escapes for labels that a browser renders.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character must not reach a terminal or a log raw: control characters (C0,
/// DEL, C1; line breaks and tabs included), Unicode line separators, and the
/// bidirectional embeddings, overrides and isolates.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Text made safe to print inside one line: every unsafe character becomes a visible
/// escape (`\n`, `\r`, `\t`, `\u{1b}`, …), and a backslash stays itself, so the escaped
/// form reads like a Rust or YAML string without quotes.
pub fn line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text for an HTML context (a Mermaid label): [`line`], then `&`, `<`, `>` and quotes
/// as character references, so that no tag or attribute can be formed.
pub fn html(text: &str) -> String {
    let safe = line(text);
    let mut out = String::with_capacity(safe.len());
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Source text for a snippet, with each unsafe character replaced by `?` repeated to its
/// UTF-8 length, so that byte offsets into the text stay valid; line breaks (`\n`, and
/// `\r` before `\n`) and tabs are kept, as the snippet's layout needs them.
pub fn snippet(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Cow::Borrowed(bytes);
    };
    let keep = |at: usize, c: char| {
        c == '\n' || c == '\t' || (c == '\r' && bytes.get(at + 1) == Some(&b'\n'))
    };
    if text
        .char_indices()
        .all(|(at, c)| !unsafe_char(c) || keep(at, c))
    {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    for (at, c) in text.char_indices() {
        if unsafe_char(c) && !keep(at, c) {
            out.extend(std::iter::repeat_n(b'?', c.len_utf8()));
        } else {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_escapes_and_bidi_become_visible() {
        assert_eq!(line("plain"), "plain");
        assert_eq!(
            line("x\r\n::warning file=a::forged"),
            "x\\r\\n::warning file=a::forged"
        );
        assert_eq!(line("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(line("a\u{202E}b\u{85}"), "a\\u{202e}b\\u{85}");
    }

    #[test]
    fn html_has_no_tags_or_line_breaks() {
        assert_eq!(
            html("<img src=x onerror=\"alert(1)\">\n&"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;\\n&amp;"
        );
    }

    #[test]
    fn snippet_keeps_offsets() {
        let text = "a: \u{1b}[2J\r\nb: \u{202E}x\rz\n".as_bytes();
        let out = snippet(text);
        assert_eq!(out.len(), text.len());
        assert_eq!(std::str::from_utf8(&out).unwrap(), "a: ?[2J\r\nb: ???x?z\n");
    }
}
