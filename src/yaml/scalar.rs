//! Plain-scalar resolution as Kubernetes reads YAML (go-yaml v2, YAML 1.1 rules).
//!
//! Kubernetes' YAML reading: `yes`/`on`/`y` are booleans, `0755` is octal, `1_000` is an
//! integer, `1.0` is a float that JSON prints as `1`. No general-purpose Rust YAML
//! library resolves scalars this way, so k8lint does it itself.

use crate::base::value::{Key, Number, Value};

/// What a plain scalar resolved to, before it becomes a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// `~`, `null`, `Null`, `NULL` or nothing at all.
    Null,
    /// One of go-yaml v2's boolean spellings.
    Bool,
    /// An integer in any base go-yaml accepts.
    Int,
    /// A float (including integral floats such as `1.0`).
    Float,
    /// `.inf`, `-.inf`, `.nan`: valid YAML that JSON cannot carry.
    NonFinite,
    /// Anything else stays a string.
    Str,
}

/// Resolves a plain (unquoted, untagged) scalar to its JSON value and its resolved type.
pub fn resolve_plain(text: &str) -> (Value, Resolved) {
    typed_plain(text).unwrap_or_else(|| (Value::String(text.into()), Resolved::Str))
}

/// A plain scalar's value and type when YAML 1.1 reads it as something other than a
/// string; `None` for a string (most plain scalars, nearly every mapping key).
pub fn typed_plain(text: &str) -> Option<(Value, Resolved)> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some((Value::Null, Resolved::Null)),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some((Value::Bool(true), Resolved::Bool));
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some((Value::Bool(false), Resolved::Bool));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Some((Value::String(text.into()), Resolved::NonFinite));
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.') {
        return resolve_number(text);
    }
    None
}

fn resolve_number(text: &str) -> Option<(Value, Resolved)> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Some((Value::Number(i.into()), Resolved::Int));
    }
    if let Some(u) = parse_go_uint(&plain) {
        return Some((Value::Number(u.into()), Resolved::Int));
    }
    if is_yaml_float(&plain) {
        let f: f64 = plain.parse().ok()?;
        return Some((float_value(f), Resolved::Float));
    }
    // go-yaml's own binary forms, `0b101` and `-0b101`.
    if let Some(bits) = plain.strip_prefix("0b") {
        return i64::from_str_radix(bits, 2)
            .ok()
            .map(|i| (Value::Number(i.into()), Resolved::Int));
    }
    if let Some(bits) = plain.strip_prefix("-0b") {
        return i64::from_str_radix(bits, 2)
            .ok()
            .map(|i| (Value::Number((-i).into()), Resolved::Int));
    }
    None
}

/// A float as sigs.k8s.io/yaml's JSON encoding writes it: integral values print as integers.
fn float_value(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        // Exact: |f| < 2^53, no fraction.
        return Value::Number((f as i64).into());
    }
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// go-yaml's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && matches!(b[i], b'+' | b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b` or a leading
/// `0` (octal) prefix, or decimal.
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_go_magnitude(body)?;
    if neg {
        if magnitude == 1u64 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(magnitude).ok().map(|m| -m)
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: no sign allowed.
fn parse_go_uint(s: &str) -> Option<u64> {
    parse_go_magnitude(s)
}

fn parse_go_magnitude(body: &str) -> Option<u64> {
    if body.is_empty() {
        return None;
    }
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &body[2..]),
        Some("0o") => (8, &body[2..]),
        Some("0b") => (2, &body[2..]),
        _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Mapping keys are resolved like values, then turned into strings:
/// `on:` becomes the key `"true"`, `1:` the key `"1"`. A null key has no string form.
pub fn key_string(value: Value) -> Option<Key> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string().into()),
        Value::Number(n) => Some(n.to_string().into()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn r(s: &str) -> Value {
        resolve_plain(s).0
    }

    #[test]
    fn booleans_follow_yaml_1_1() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(r(t), json!(true), "{t}");
        }
        for f in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(r(f), json!(false), "{f}");
        }
        assert_eq!(r("tRue"), json!("tRue"));
        assert_eq!(r("yES"), json!("yES"));
    }

    #[test]
    fn nulls() {
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(r(n), Value::Null, "{n}");
        }
        assert_eq!(r("nULL"), json!("nULL"));
    }

    #[test]
    fn integers_in_every_base() {
        assert_eq!(r("1"), json!(1));
        assert_eq!(r("+1"), json!(1));
        assert_eq!(r("-7"), json!(-7));
        assert_eq!(r("1_000"), json!(1000));
        assert_eq!(r("0755"), json!(493));
        assert_eq!(r("012"), json!(10));
        assert_eq!(r("0x1F"), json!(31));
        assert_eq!(r("0o17"), json!(15));
        assert_eq!(r("0b101"), json!(5));
        assert_eq!(r("-0b101"), json!(-5));
        assert_eq!(
            r("9223372036854775808"),
            json!(9_223_372_036_854_775_808u64)
        );
    }

    #[test]
    fn invalid_octal_takes_the_float_path() {
        assert_eq!(resolve_plain("08"), (json!(8), Resolved::Float));
    }

    #[test]
    fn floats_print_as_json_does() {
        assert_eq!(r("1.0"), json!(1));
        assert_eq!(r("5."), json!(5));
        assert_eq!(r("1.50"), json!(1.5));
        assert_eq!(r(".5"), json!(0.5));
        assert_eq!(r("1e3"), json!(1000));
        assert_eq!(r("1E3"), json!(1000));
        assert_eq!(r("1e+3"), json!(1000));
        assert_eq!(r("1.10"), json!(1.1));
        assert_eq!(resolve_plain("1.10").1, Resolved::Float);
        assert_eq!(r("1e21"), json!(1e21));
    }

    #[test]
    fn strings_stay_strings() {
        for s in [
            "2024-01-01",
            "1:20",
            "12:30:00",
            "1.2.3",
            "v1",
            "0x",
            "1e",
            "-",
            ".",
            "+",
            "1_",
            "abc",
        ] {
            let (v, kind) = resolve_plain(s);
            if s == "1_" {
                assert_eq!(v, json!(1), "underscores are dropped before parsing");
                continue;
            }
            assert_eq!(kind, Resolved::Str, "{s}");
            assert_eq!(v, json!(s));
        }
    }

    #[test]
    fn non_finite_floats_are_flagged() {
        assert_eq!(resolve_plain(".inf").1, Resolved::NonFinite);
        assert_eq!(resolve_plain("-.Inf").1, Resolved::NonFinite);
        assert_eq!(resolve_plain(".NaN").1, Resolved::NonFinite);
    }

    #[test]
    fn keys_are_stringified() {
        assert_eq!(key_string(r("on")).as_deref(), Some("true"));
        assert_eq!(key_string(r("no")).as_deref(), Some("false"));
        assert_eq!(key_string(r("1")).as_deref(), Some("1"));
        assert_eq!(key_string(r("1.5")).as_deref(), Some("1.5"));
        assert_eq!(key_string(r("~")), None);
    }
}
