//! A mapping key: the key of a JSON object's entry and of a span tree's mapping entry.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A mapping key, inline when short: nearly every key of a manifest (`metadata`,
/// `containerPort`, `app.kubernetes.io/name`) fits, and a separate allocation for each
/// would cost more than the key (three million keys at 100,000 objects).
#[derive(Clone)]
pub struct Key(Repr);

/// Private, so that an inline key is only ever made from a whole `&str`.
#[derive(Clone)]
enum Repr {
    /// Up to [`Key::INLINE`] bytes of UTF-8, `len` of them used.
    Inline { len: u8, bytes: [u8; Key::INLINE] },
    /// A longer key.
    Heap(Box<str>),
}

impl Key {
    /// The longest key kept inline: what fits beside the tag in the size of a boxed string.
    pub const INLINE: usize = 22;

    /// The key's text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Checking the bytes again on every read was 7% of a run (keys are read
            // millions of times).
            // SAFETY: an inline key's bytes are a whole `&str` copied by `From<&str>`, the
            // only place that makes one (`Repr` is private), so they are UTF-8.
            Repr::Inline { len, bytes } => unsafe {
                std::str::from_utf8_unchecked(&bytes[..usize::from(*len)])
            },
            Repr::Heap(s) => s,
        }
    }

    /// Whether the key is kept inline.
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    /// The key's bytes, without the UTF-8 check of [`Key::as_str`]: comparing a key with
    /// a pointer token needs no more, and a finding's location compares hundreds.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(s) => s.as_bytes(),
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        if s.len() <= Key::INLINE {
            let mut bytes = [0; Key::INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Key(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Key(Repr::Heap(s.into()))
        }
    }
}

impl std::ops::Deref for Key {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        if s.len() <= Key::INLINE {
            Key::from(s.as_str())
        } else {
            Key(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<&String> for Key {
    fn from(s: &String) -> Key {
        Key::from(s.as_str())
    }
}

impl From<&Key> for Key {
    fn from(k: &Key) -> Key {
        k.clone()
    }
}

impl From<Key> for String {
    fn from(k: Key) -> String {
        match k.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => k.as_str().to_owned(),
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Key {}

/// Hashed as its text, so that a table of keys is searched by `&str`.
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Borrow<str> for Key {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for Key {
    fn eq(&self, other: &String) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<Key> for str {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<Key> for &str {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<Key> for String {
    fn eq(&self, other: &Key) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl serde::Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_the_size_of_a_string() {
        assert_eq!(std::mem::size_of::<Key>(), 24);
    }

    #[test]
    fn keys_keep_their_text_inline_or_not() {
        for text in [
            "",
            "a",
            "app.kubernetes.io/name",
            "ünïcödé-ключ",
            &"k".repeat(23),
        ] {
            let key = Key::from(text);
            assert_eq!(key.as_str(), text);
            assert_eq!(key.as_bytes(), text.as_bytes());
            assert_eq!(key.is_inline(), text.len() <= Key::INLINE);
        }
    }
}
