//! A string kept inline when short: every mapping key (of a JSON object's entry and of a
//! span tree's mapping entry) and every string value.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A string, inline when short: nearly every key of a manifest (`metadata`,
/// `containerPort`, `app.kubernetes.io/name`) and most of its string values (`TCP`,
/// `IfNotPresent`, a name, a label's value) fit, and a separate allocation for each would
/// cost more than the text (2.9 million keys and 1.7 million string values at 100,000
/// objects).
/// It is read, never changed in place: an edit makes a new one.
#[derive(Clone)]
pub struct SmallStr(Repr);

/// A mapping key.
pub type Key = SmallStr;

/// Private, so that an inline string is only ever made from a whole `&str`.
#[derive(Clone)]
enum Repr {
    /// Up to [`SmallStr::INLINE`] bytes of UTF-8, `len` of them used.
    Inline {
        len: u8,
        bytes: [u8; SmallStr::INLINE],
    },
    /// A longer string.
    Heap(Box<str>),
}

impl SmallStr {
    /// The longest string kept inline: what fits beside the tag in the size of a `String`.
    pub const INLINE: usize = 22;

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Checking the bytes again on every read was 7% of a run (strings are read
            // millions of times).
            // SAFETY: an inline string's bytes are a whole `&str` copied by `From<&str>`, the
            // only place that makes one (`Repr` is private), so they are UTF-8.
            Repr::Inline { len, bytes } => unsafe {
                std::str::from_utf8_unchecked(&bytes[..usize::from(*len)])
            },
            Repr::Heap(s) => s,
        }
    }

    /// Whether the text is kept inline.
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    /// The bytes, without the UTF-8 check of [`SmallStr::as_str`]: comparing a key with
    /// a pointer token needs no more, and a finding's location compares hundreds.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(s) => s.as_bytes(),
        }
    }
}

impl From<&str> for SmallStr {
    fn from(s: &str) -> SmallStr {
        if s.len() <= SmallStr::INLINE {
            let mut bytes = [0; SmallStr::INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            SmallStr(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            SmallStr(Repr::Heap(s.into()))
        }
    }
}

impl std::ops::Deref for SmallStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for SmallStr {
    fn from(s: String) -> SmallStr {
        if s.len() <= SmallStr::INLINE {
            SmallStr::from(s.as_str())
        } else {
            SmallStr(Repr::Heap(s.into_boxed_str()))
        }
    }
}

impl From<&String> for SmallStr {
    fn from(s: &String) -> SmallStr {
        SmallStr::from(s.as_str())
    }
}

impl From<&SmallStr> for SmallStr {
    fn from(k: &SmallStr) -> SmallStr {
        k.clone()
    }
}

impl From<SmallStr> for String {
    fn from(k: SmallStr) -> String {
        match k.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => k.as_str().to_owned(),
        }
    }
}

impl PartialEq for SmallStr {
    fn eq(&self, other: &SmallStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SmallStr {}

/// Hashed as its text, so that a table of keys is searched by `&str`.
impl Hash for SmallStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for SmallStr {
    fn partial_cmp(&self, other: &SmallStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SmallStr {
    fn cmp(&self, other: &SmallStr) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Borrow<str> for SmallStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SmallStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for SmallStr {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for SmallStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for SmallStr {
    fn eq(&self, other: &String) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<SmallStr> for str {
    fn eq(&self, other: &SmallStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<SmallStr> for &str {
    fn eq(&self, other: &SmallStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<SmallStr> for String {
    fn eq(&self, other: &SmallStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Default for SmallStr {
    fn default() -> SmallStr {
        SmallStr::from("")
    }
}

impl From<std::borrow::Cow<'_, str>> for SmallStr {
    fn from(s: std::borrow::Cow<'_, str>) -> SmallStr {
        match s {
            std::borrow::Cow::Borrowed(s) => SmallStr::from(s),
            std::borrow::Cow::Owned(s) => SmallStr::from(s),
        }
    }
}

impl serde::Serialize for SmallStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_str_is_the_size_of_a_string() {
        assert_eq!(std::mem::size_of::<SmallStr>(), 24);
    }

    #[test]
    fn small_strs_keep_their_text_inline_or_not() {
        for text in [
            "",
            "a",
            "app.kubernetes.io/name",
            "ünïcödé-ключ",
            &"k".repeat(23),
        ] {
            let key = SmallStr::from(text);
            assert_eq!(key.as_str(), text);
            assert_eq!(key.as_bytes(), text.as_bytes());
            assert_eq!(key.is_inline(), text.len() <= SmallStr::INLINE);
        }
    }
}
