//! JSON pointers (RFC 6901): how every finding names the node it is about.

use std::borrow::Cow;
use std::fmt;

use crate::base::value::{Map, Value};

/// A JSON pointer into one object, such as `/spec/template/spec/containers/0/image`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// Gives back the room a pointer built token by token grew beyond its text.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    /// The whole object.
    pub fn root() -> Pointer {
        Pointer(String::new())
    }

    /// Parses a pointer in its written form (`/a/b~1c/0`); the empty string is the root.
    pub fn parse(text: &str) -> Option<Pointer> {
        (text.is_empty() || text.starts_with('/')).then(|| Pointer(text.to_owned()))
    }

    /// The first `depth` tokens of this pointer.
    pub fn truncated(&self, depth: usize) -> Pointer {
        let tokens: Vec<_> = self.tokens().take(depth).collect();
        Pointer::from_tokens(tokens.iter().map(|t| t.as_ref()))
    }

    /// A pointer built from plain (unescaped) tokens.
    pub fn from_tokens<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Pointer {
        let mut p = Pointer::root();
        for t in tokens {
            p.push(t);
        }
        p
    }

    /// This pointer extended by a mapping key.
    #[must_use]
    pub fn key(&self, key: &str) -> Pointer {
        let mut p = self.with_room(1 + key.len());
        p.push(key);
        p
    }

    /// This pointer extended by a sequence index.
    #[must_use]
    pub fn index(&self, index: usize) -> Pointer {
        let mut p = self.with_room(4);
        p.push_index(index);
        p
    }

    /// This pointer extended by several keys, written `a/b/c` (no escaping needed in them).
    #[must_use]
    pub fn path(&self, path: &str) -> Pointer {
        let mut p = self.with_room(1 + path.len());
        for token in path.split('/').filter(|t| !t.is_empty()) {
            p.push(token);
        }
        p
    }

    /// A copy with room for `more` bytes: a pointer extended by a clone would grow its
    /// exactly-sized copy at once, and findings build hundreds of thousands of pointers.
    fn with_room(&self, more: usize) -> Pointer {
        let mut text = String::with_capacity(self.0.len() + more);
        text.push_str(&self.0);
        Pointer(text)
    }

    /// This pointer followed by another.
    #[must_use]
    pub fn join(&self, other: &Pointer) -> Pointer {
        Pointer(format!("{}{}", self.0, other.0))
    }

    /// Appends a key in place.
    pub fn push(&mut self, token: &str) {
        self.0.push('/');
        push_escaped(&mut self.0, token);
    }

    /// Appends an index in place.
    pub fn push_index(&mut self, index: usize) {
        self.0.push('/');
        if index < 10 {
            // Nearly every index: one digit, without the formatting machinery.
            self.0.push(char::from(b'0' + index as u8));
        } else {
            use std::fmt::Write;
            let _ = write!(self.0, "{index}");
        }
    }

    /// Removes the last token.
    pub fn pop(&mut self) {
        if let Some(i) = self.0.rfind('/') {
            self.0.truncate(i);
        }
    }

    /// The pointer one level up, or `None` at the root.
    pub fn parent(&self) -> Option<Pointer> {
        self.0.rfind('/').map(|i| Pointer(self.0[..i].to_owned()))
    }

    /// The unescaped tokens.
    pub fn tokens(&self) -> impl Iterator<Item = Cow<'_, str>> {
        // What `split('/').skip(1)` gives, by a byte loop: tokens are a few bytes long,
        // shorter than a character search takes to set up, and findings resolve
        // hundreds of thousands of them.
        let mut rest = self.0.find('/').map(|i| &self.0[i + 1..]);
        std::iter::from_fn(move || {
            let text = rest?;
            let token = match text.bytes().position(|b| b == b'/') {
                Some(end) => {
                    rest = Some(&text[end + 1..]);
                    &text[..end]
                }
                None => {
                    rest = None;
                    text
                }
            };
            Some(unescape(token))
        })
    }

    /// Whether `self` is `other` or lies under it.
    pub fn starts_with(&self, other: &Pointer) -> bool {
        self.0.starts_with(&other.0)
            && (self.0.len() == other.0.len() || self.0.as_bytes()[other.0.len()] == b'/')
    }

    /// The written form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A pointer token in its plain form (`~1` is `/`, `~0` is `~`).
fn unescape(token: &str) -> Cow<'_, str> {
    if token.as_bytes().contains(&b'~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Reading a JSON value at a pointer in its written form: the one way the checks read a
/// manifest's fields.
///
/// serde_json's `Value::pointer` means the same but copies every token into a new string
/// and hashes it; rules read fields millions of times on a large repository, and nearly
/// every mapping of a manifest is short enough to scan faster than to hash.
pub trait At {
    /// The value at `pointer` (`""` is the value itself), if there is one.
    fn at(&self, pointer: &str) -> Option<&Value>;
}

impl At for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut target = self;
        let mut rest = pointer.strip_prefix('/')?;
        loop {
            // Tokens are short: a byte loop finds the next `/` sooner than `str::split`.
            let end = rest.bytes().position(|b| b == b'/');
            let token = unescape(&rest[..end.unwrap_or(rest.len())]);
            target = match target {
                Value::Object(map) => map_field(map, &token)?,
                Value::Array(items) => items.get(array_index(&token)?)?,
                _ => return None,
            };
            match end {
                Some(end) => rest = &rest[end + 1..],
                None => return Some(target),
            }
        }
    }
}

/// A field of a mapping: what `value.get(key)` gives, without hashing the key for the
/// short mappings manifests are made of (serde_json's maps hash every key with SipHash).
pub fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map_field(map, key),
        _ => None,
    }
}

/// A mapping's value under a key: scanned when the mapping is short, hashed when not.
pub fn map_field<'a>(map: &'a Map, key: &str) -> Option<&'a Value> {
    const SCAN_UP_TO: usize = 8;
    if map.len() <= SCAN_UP_TO {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// Appends `token` to `out` escaped as a pointer token (`~` as `~0`, `/` as `~1`).
pub fn push_escaped(out: &mut String, token: &str) {
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        // Nearly every key: copied whole rather than character by character.
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// An array index token: decimal digits without a leading zero (RFC 6901).
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_written_in_decimal() {
        for i in [0, 1, 9, 10, 42, 1234, usize::MAX] {
            assert_eq!(
                Pointer::root().key("items").index(i).as_str(),
                format!("/items/{i}")
            );
        }
    }

    #[test]
    fn fields_read_as_get_does() {
        let short = crate::json!({"a": 1, "b": 2});
        let long: Value = (0..20)
            .map(|i| (format!("k{i}"), Value::from(i)))
            .collect::<Map>()
            .into();
        for (value, key) in [(&short, "b"), (&short, "z"), (&long, "k17"), (&long, "z")] {
            assert_eq!(field(value, key), value.get(key));
        }
        assert_eq!(field(&Value::from(3), "a"), None);
    }

    #[test]
    fn escapes_round_trip() {
        let p = Pointer::root()
            .key("metadata")
            .key("annotations")
            .key("k8lint.io/ignore~x");
        assert_eq!(p.as_str(), "/metadata/annotations/k8lint.io~1ignore~0x");
        let tokens: Vec<_> = p.tokens().collect();
        assert_eq!(tokens, ["metadata", "annotations", "k8lint.io/ignore~x"]);
    }

    #[test]
    fn tokens_are_what_splitting_at_slashes_gives() {
        for text in [
            "",
            "/",
            "//",
            "/a",
            "/a/",
            "/a//b",
            "/a~1b/~0/3",
            "a/b",
            "noslash",
        ] {
            let p = Pointer(text.to_owned());
            let tokens: Vec<_> = p.tokens().collect();
            let split: Vec<_> = text.split('/').skip(1).map(unescape).collect();
            assert_eq!(tokens, split, "{text:?}");
        }
    }

    #[test]
    fn prefix_is_token_wise() {
        let a = Pointer::root().path("spec/template");
        assert!(Pointer::root().path("spec/template/spec").starts_with(&a));
        assert!(a.starts_with(&a));
        assert!(!Pointer::root().path("spec/templates").starts_with(&a));
        assert!(a.starts_with(&Pointer::root()));
    }

    #[test]
    fn parent_and_pop() {
        let mut p = Pointer::root().path("spec/ports").index(3);
        assert_eq!(p.parent().unwrap().as_str(), "/spec/ports");
        p.pop();
        p.pop();
        assert_eq!(p.as_str(), "/spec");
        assert_eq!(Pointer::root().parent(), None);
    }

    #[test]
    fn values_are_read_at_pointers_as_rfc_6901_says() {
        let v = crate::json!({
            "a/b": {"m~n": [10, 20]},
            "list": [{"x": 1}],
            "wide": {"k0": 0, "k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9},
        });
        for pointer in [
            "",
            "/a~1b",
            "/a~1b/m~0n/1",
            "/list/0/x",
            "/wide/k9",
            "/wide/k0",
            "/missing",
            "/list/01",
            "/list/+0",
            "/list/-",
            "/list/9",
            "/a~1b/m~0n/1/deeper",
            "no-slash",
        ] {
            // `serde_json`'s own reading of the pointer is the reference.
            let reference = v.to_serde();
            #[allow(clippy::disallowed_methods)]
            let expected = reference.pointer(pointer).cloned();
            assert_eq!(v.at(pointer).map(Value::to_serde), expected, "{pointer}");
        }
    }
}
