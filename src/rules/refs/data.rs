//! Reading the payload of ConfigMaps and Secrets as the API server does (§B.10).

use crate::base::value::Value;
use base64::Engine;

/// Decodes a Secret `data` (or ConfigMap `binaryData`) value: standard base64 with
/// padding, line breaks ignored, as Go's `encoding/json` decodes a `[]byte`.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned)
        .ok()
}

/// The string-valued entries of a mapping field (`data`, `binaryData`, `stringData`).
pub fn entries<'a>(object: &'a Value, field: &str) -> impl Iterator<Item = (&'a str, &'a Value)> {
    object
        .get(field)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v))
}

/// Whether a key is a valid ConfigMap/Secret key: `[-._a-zA-Z0-9]+`, at most 253
/// characters, not `.` or `..`, not starting with `..` (§B.1).
pub fn key_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        Some("a key must not be empty")
    } else if key.len() > 253 {
        Some("a key must be at most 253 characters")
    } else if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        Some("a key may only contain letters, digits, '-', '_' and '.'")
    } else if key == "." || key == ".." || key.starts_with("..") {
        Some("a key must not be '.' or '..', nor start with '..'")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_standard_and_padded() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVs\nbG8=\r\n").unwrap(), b"hello");
        assert!(decode_base64("aGVsbG8").is_none());
        assert!(decode_base64("hello world").is_none());
        assert!(decode_base64("-_8=").is_none());
        assert_eq!(decode_base64("").unwrap(), b"");
    }

    #[test]
    fn keys() {
        assert!(key_problem("app.properties").is_none());
        assert!(key_problem("LOG_LEVEL").is_none());
        assert!(key_problem(".env").is_none());
        assert!(key_problem("..data").is_some());
        assert!(key_problem("..").is_some());
        assert!(key_problem("a/b").is_some());
        assert!(key_problem("a b").is_some());
        assert!(key_problem(&"a".repeat(254)).is_some());
    }
}
