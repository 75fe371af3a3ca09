//! The YAML emitter of `render`: block style as `kubectl get -o yaml` prints it, keys in
//! sorted order, and every string quoted that go-yaml would otherwise read as another type
//!. Written by hand because the order of keys and the choice of
//! quoting must be exact for render to be idempotent.

use std::fmt::Write as _;

use crate::base::value::{Key, Map, Value};

use crate::yaml::scalar::{Resolved, resolve_plain};

/// A stream of documents, separated by `---`.
pub fn yaml_stream<'a>(docs: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::new();
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        yaml_document(doc, &mut out);
    }
    out
}

/// One document, ending with a newline.
pub fn yaml_document(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => mapping(map, 0, out),
        Value::Array(items) if !items.is_empty() => sequence(items, 0, out),
        other => {
            inline_scalar(other, 0, out);
            out.push('\n');
        }
    }
}

/// The value with every mapping's keys in sorted order (for JSON output).
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&Key> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn sorted_entries(map: &Map) -> Vec<(&Key, &Value)> {
    let mut entries: Vec<(&Key, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn pad(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping whose first key starts at the cursor (already indented to `indent`).
fn mapping(map: &Map, indent: usize, out: &mut String) {
    for (i, (key, value)) in sorted_entries(map).into_iter().enumerate() {
        if i > 0 {
            pad(indent, out);
        }
        string(key, out);
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                pad(indent + 2, out);
                mapping(m, indent + 2, out);
            }
            // kubectl's style: a sequence under a key is not indented further.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                pad(indent, out);
                sequence(items, indent, out);
            }
            other => {
                out.push(' ');
                inline_scalar(other, indent + 2, out);
                out.push('\n');
            }
        }
    }
}

/// A sequence whose first `- ` starts at the cursor (already indented to `indent`).
fn sequence(items: &[Value], indent: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            pad(indent, out);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => mapping(m, indent + 2, out),
            Value::Array(inner) if !inner.is_empty() => sequence(inner, indent + 2, out),
            other => {
                inline_scalar(other, indent + 2, out);
                out.push('\n');
            }
        }
    }
}

/// A scalar, an empty collection, or a block scalar whose lines are indented to `indent`.
fn inline_scalar(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => {
            if !block_scalar(s, indent, out) {
                string(s, out);
            }
        }
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// A string as a plain scalar when YAML 1.1 reads it back as the same string, otherwise
/// double-quoted.
pub fn string(s: &str, out: &mut String) {
    if plain_is_safe(s) {
        out.push_str(s);
    } else {
        double_quoted(s, out);
    }
}

/// Whether `s` can be written unquoted (as a key, a value or a sequence item) and read
/// back as the same string by go-yaml v2 and by k8lint's own parser.
pub fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !matches!(resolve_plain(s), (Value::String(ref t), Resolved::Str) if t == s) {
        return false;
    }
    // Indicators that start some other construct.
    if matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
            | ' '
    ) {
        // `-x` is plain in YAML, but `- x`, `-` and `---` are not: keep it simple and
        // allow only a dash followed by a character that cannot start anything else.
        let dash_ok = first == '-'
            && s.len() > 1
            && !s.starts_with("---")
            && s[1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-');
        if !dash_ok {
            return false;
        }
    }
    if s == "<<" || s.starts_with("...") || s.ends_with([' ', ':']) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    // Printable characters only; no line breaks of any kind, no tabs, no BOM.
    !s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

/// A YAML double-quoted scalar; escapes whatever is not printable.
pub fn double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A multi-line string as a literal block scalar (`|`, `|-` or `|+`) when that reads back
/// exactly; returns false (writing nothing) when it would not.
fn block_scalar(s: &str, indent: usize, out: &mut String) -> bool {
    if !s.contains('\n') || s.trim_matches('\n').is_empty() {
        return false;
    }
    // The first line decides the block's indentation: it must not start with a space.
    if s.starts_with([' ', '\t', '\n']) {
        return false;
    }
    let printable = |c: char| {
        c == '\n'
            || (c == '\t')
            || !(c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
    };
    if !s.chars().all(printable) {
        return false;
    }
    let body = s.trim_end_matches('\n');
    // Trailing spaces on the last line would be kept, but lines of only spaces after the
    // content are ambiguous with the chomping: quote those.
    if body.ends_with([' ', '\t']) && !s.ends_with('\n') {
        return false;
    }
    if body.lines().any(|l| l.starts_with('\t')) {
        return false;
    }
    let trailing = s.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let _ = write!(out, "|{chomp}");
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(indent, out);
            out.push_str(line);
        }
    }
    // `|+` keeps every final line break; the caller writes the one that ends the last line.
    for _ in 1..trailing {
        out.push('\n');
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn emit(v: &Value) -> String {
        let mut s = String::new();
        yaml_document(v, &mut s);
        s
    }

    #[test]
    fn strings_that_yaml_would_retype_are_quoted() {
        for s in [
            "yes", "no", "on", "off", "y", "n", "true", "True", "0755", "1.10", "null", "~", "",
            "1_000", "0x1F", "1e3", ".inf", ".nan", "12", "-1", "+1", "- a", "-", "---", ":x",
            "a: b", "a #b", "<<", "x:", "@x", "`x", "{a}", "[a]", "*a", "&a", "!a", "|", ">",
            "'a'", "\"a\"", "%a", " a", "a ", "a\tb", "\u{2028}", "a\u{85}b",
        ] {
            assert!(!plain_is_safe(s), "{s:?} must be quoted");
        }
        for s in [
            "nginx:1.25",
            "--flag=x",
            "-Xmx1g",
            "a:b",
            "a#b",
            "2024-01-01",
            "1:20",
            "v1",
            "yES",
            "hello world",
            "é",
            "http://x/y?z=1",
        ] {
            assert!(plain_is_safe(s), "{s:?} can be plain");
        }
    }

    #[test]
    fn layout_matches_kubectl() {
        let v = json!({"kind": "Pod", "apiVersion": "v1", "spec": {"containers": [
            {"name": "web", "args": ["--a", "yes"], "ports": [{"containerPort": 80}]}],
            "volumes": [], "securityContext": {}}});
        assert_eq!(
            emit(&v),
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - args:\n    - --a\n    - \"yes\"\n    name: web\n    ports:\n    - containerPort: 80\n  securityContext: {}\n  volumes: []\n"
        );
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let v = json!({"a": "x\ny\n", "b": "x\ny", "c": "x\n\ny\n\n\n", "d": " lead\nx"});
        assert_eq!(
            emit(&v),
            "a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\n  y\n\n\nd: \" lead\\nx\"\n"
        );
    }
}
