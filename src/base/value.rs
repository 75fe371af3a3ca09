//! The JSON value k8lint keeps for every document, and every other JSON value it reads.
//!
//! It behaves as `serde_json::Value` with its `preserve_order` feature (the same variants,
//! methods, iteration order, printing, hashing and equality) and costs much less: a
//! repository of 100,000 objects holds over three million of them. A mapping is its
//! entries in a vector, searched in order (a manifest's mappings have two or three keys),
//! with a hash index only above [`Map::INDEXED`] keys, so that a mapping of a million keys
//! is not searched a million times; a value is 32 bytes. `serde_json`'s ordered map made a
//! value 72 bytes, an entry 112, and gave every mapping a hash table of its own: at 100,000
//! objects the values took 480 MB of the run's 1,130 MiB. A string is a [`SmallStr`], not a
//! `String`: up to 22 bytes (most of a manifest's strings: `TCP`, `IfNotPresent`, a name)
//! are kept inside the value (seven in eight of them: 1.5 million allocations fewer at
//! 100,000 objects).
//!
//! `serde_json` stays for what is only written (reports, the language server's messages)
//! and for the libraries that take its values (`jsonschema`, `kube-cel`):
//! [`Value::to_serde`] and [`Value::from_serde`] convert, and this crate's `json!`
//! ([`crate::json`]) builds a value.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
pub use serde_json::Number;

use std::collections::HashMap;

pub use super::small_str::{Key, SmallStr};

/// A JSON value.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string, inline when short.
    String(SmallStr),
    /// An array.
    Array(Vec<Value>),
    /// An object, its keys in the order they were first inserted.
    Object(Map),
}

/// An object's entries in insertion order.
///
/// Lookups search the entries in order up to [`Map::INDEXED`] keys and ask a hash index
/// above. As with `serde_json`'s ordered map, inserting a key again keeps its place,
/// `remove` moves the last entry into the removed one's place (`shift_remove` keeps the
/// order), and two maps are equal when they hold the same entries in any order.
pub struct Map {
    entries: Vec<(Key, Value)>,
    /// Each key's position, above [`Map::INDEXED`] keys. Keyed with the standard
    /// library's random hashing, not the fast fixed-seed one of k8lint's own tables: the
    /// keys are the input's, and a pull request could choose keys that collide.
    /// Boxed: a map without one (nearly all) then spends 8 bytes on it, not 48.
    #[allow(clippy::box_collection)]
    index: Option<Box<HashMap<Key, usize>>>,
}

static NULL: Value = Value::Null;

impl Map {
    /// The most keys a map searches in order; a larger one keeps a hash index.
    pub const INDEXED: usize = 16;

    /// An empty map.
    pub fn new() -> Self {
        Map {
            entries: Vec::new(),
            index: None,
        }
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        Map {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = None;
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .entries
                .iter()
                .position(|(k, _)| k.as_bytes() == key.as_bytes()),
        }
    }

    /// Builds or drops the index after entries moved.
    fn reindex(&mut self) {
        self.index = (self.entries.len() > Self::INDEXED).then(|| {
            Box::new(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.clone(), i))
                    .collect(),
            )
        });
    }

    /// Appends an entry whose key is not in the map; its position.
    fn push(&mut self, key: Key, value: Value) -> usize {
        let at = self.entries.len();
        match &mut self.index {
            Some(index) => {
                index.insert(key.clone(), at);
                self.entries.push((key, value));
            }
            None => {
                self.entries.push((key, value));
                if self.entries.len() > Self::INDEXED {
                    self.reindex();
                }
            }
        }
        at
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// Whether the map has a key.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The value of a key, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    /// Sets a key's value, in its place when it is there (returning the old value), at
    /// the end when it is not.
    pub fn insert(&mut self, key: impl Into<Key>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position(key.as_str()) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            None => {
                self.push(key, value);
                None
            }
        }
    }

    /// Removes a key, moving the last entry into its place.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.swap_remove(key)
    }

    /// Removes a key, moving the last entry into its place.
    pub fn swap_remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        Some(self.swap_remove_at(i).1)
    }

    fn swap_remove_at(&mut self, i: usize) -> (Key, Value) {
        let removed = self.entries.swap_remove(i);
        if let Some(index) = &mut self.index {
            index.remove(&removed.0);
            if let Some((moved, _)) = self.entries.get(i) {
                index.insert(moved.clone(), i);
            }
        }
        removed
    }

    /// Removes a key, keeping the order of the others.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        let (_, value) = self.entries.remove(i);
        if self.index.is_some() {
            self.reindex();
        }
        Some(value)
    }

    /// The entry of a key, to read, insert or change in place.
    pub fn entry(&mut self, key: impl Into<Key>) -> Entry<'_> {
        let key = key.into();
        match self.position(key.as_str()) {
            Some(i) => Entry::Occupied(OccupiedEntry { map: self, at: i }),
            None => Entry::Vacant(VacantEntry { map: self, key }),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in order.
    pub fn iter(&self) -> Iter<'_> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries in order, values to change.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> Keys<'_> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> Values<'_> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in order, to change.
    pub fn values_mut(&mut self) -> ValuesMut<'_> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the entries `keep` says yes to, in order.
    pub fn retain<F>(&mut self, mut keep: F)
    where
        F: FnMut(&Key, &mut Value) -> bool,
    {
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.index.is_some() {
            self.reindex();
        }
    }
}

/// The entries of a map in order.
pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (Key, Value)>,
    fn(&'a (Key, Value)) -> (&'a Key, &'a Value),
>;
/// The entries of a map in order, values to change.
pub type IterMut<'a> = std::iter::Map<
    std::slice::IterMut<'a, (Key, Value)>,
    fn(&'a mut (Key, Value)) -> (&'a Key, &'a mut Value),
>;
/// The keys of a map in order.
pub type Keys<'a> =
    std::iter::Map<std::slice::Iter<'a, (Key, Value)>, fn(&'a (Key, Value)) -> &'a Key>;
/// The values of a map in order.
pub type Values<'a> =
    std::iter::Map<std::slice::Iter<'a, (Key, Value)>, fn(&'a (Key, Value)) -> &'a Value>;
/// The values of a map in order, to change.
pub type ValuesMut<'a> = std::iter::Map<
    std::slice::IterMut<'a, (Key, Value)>,
    fn(&'a mut (Key, Value)) -> &'a mut Value,
>;

/// A key's place in a map, found or not.
pub enum Entry<'a> {
    /// The key is not in the map.
    Vacant(VacantEntry<'a>),
    /// The key is in the map.
    Occupied(OccupiedEntry<'a>),
}

/// A key not in a map.
pub struct VacantEntry<'a> {
    map: &'a mut Map,
    key: Key,
}

/// A key in a map.
pub struct OccupiedEntry<'a> {
    map: &'a mut Map,
    at: usize,
}

impl<'a> Entry<'a> {
    /// The key.
    pub fn key(&self) -> &Key {
        match self {
            Entry::Vacant(e) => e.key(),
            Entry::Occupied(e) => e.key(),
        }
    }

    /// The value, `default` inserted first when the key is not there.
    pub fn or_insert(self, default: Value) -> &'a mut Value {
        match self {
            Entry::Vacant(e) => e.insert(default),
            Entry::Occupied(e) => e.into_mut(),
        }
    }

    /// The value, `default()` inserted first when the key is not there.
    pub fn or_insert_with<F: FnOnce() -> Value>(self, default: F) -> &'a mut Value {
        match self {
            Entry::Vacant(e) => e.insert(default()),
            Entry::Occupied(e) => e.into_mut(),
        }
    }
}

impl<'a> VacantEntry<'a> {
    /// The key.
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// Inserts the value at the end of the map.
    pub fn insert(self, value: Value) -> &'a mut Value {
        let at = self.map.push(self.key, value);
        &mut self.map.entries[at].1
    }
}

impl<'a> OccupiedEntry<'a> {
    /// The key.
    pub fn key(&self) -> &Key {
        &self.map.entries[self.at].0
    }

    /// The value.
    pub fn get(&self) -> &Value {
        &self.map.entries[self.at].1
    }

    /// The value, to change.
    pub fn get_mut(&mut self) -> &mut Value {
        &mut self.map.entries[self.at].1
    }

    /// The value, to change, for as long as the map is borrowed.
    pub fn into_mut(self) -> &'a mut Value {
        &mut self.map.entries[self.at].1
    }

    /// Replaces the value; the old one.
    pub fn insert(&mut self, value: Value) -> Value {
        std::mem::replace(self.get_mut(), value)
    }

    /// Removes the entry, moving the last one into its place; its value.
    pub fn remove(self) -> Value {
        self.map.swap_remove_at(self.at).1
    }
}

impl Default for Map {
    fn default() -> Self {
        Map::new()
    }
}

impl Clone for Map {
    fn clone(&self) -> Self {
        Map {
            entries: self.entries.clone(),
            index: self.index.clone(),
        }
    }
}

/// Equal when the same keys have equal values, in any order.
impl PartialEq for Map {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(k, v)| other.get(k.as_str()).is_some_and(|w| v == w))
    }
}

impl Eq for Map {}

/// Hashed in key order, so that equal maps hash alike.
impl Hash for Map {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut entries: Vec<(&str, &Value)> = self.iter().map(|(k, v)| (k.as_str(), v)).collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        entries.hash(state);
    }
}

impl ops::Index<&str> for Map {
    type Output = Value;

    /// Panics when the key is not there.
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("no entry found for key")
    }
}

impl ops::IndexMut<&str> for Map {
    /// Panics when the key is not there.
    fn index_mut(&mut self, key: &str) -> &mut Value {
        self.get_mut(key).expect("no entry found for key")
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<Key>> FromIterator<(K, Value)> for Map {
    fn from_iter<T: IntoIterator<Item = (K, Value)>>(iter: T) -> Self {
        let mut map = Map::new();
        map.extend(iter);
        map
    }
}

impl<K: Into<Key>> Extend<(K, Value)> for Map {
    fn extend<T: IntoIterator<Item = (K, Value)>>(&mut self, iter: T) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Key, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Key, &'a mut Value);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl IntoIterator for Map {
    type Item = (Key, Value);
    type IntoIter = std::vec::IntoIter<(Key, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Value {
    /// A `serde_json` value equal to this one, for the libraries that take one.
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_serde).collect())
            }
            Value::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.to_serde()))
                    .collect(),
            ),
        }
    }

    /// This crate's value equal to a `serde_json` one.
    pub fn from_serde(value: serde_json::Value) -> Value {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(s.into()),
            serde_json::Value::Array(items) => {
                Value::Array(items.into_iter().map(Value::from_serde).collect())
            }
            serde_json::Value::Object(map) => {
                let mut out = Map::with_capacity(map.len());
                for (k, v) in map {
                    out.insert(k, Value::from_serde(v));
                }
                Value::Object(out)
            }
        }
    }

    /// The value at an array index or an object key.
    pub fn get<I: ValueIndex>(&self, index: I) -> Option<&Value> {
        index.index_into(self)
    }

    /// The value at an array index or an object key, to change.
    pub fn get_mut<I: ValueIndex>(&mut self, index: I) -> Option<&mut Value> {
        index.index_into_mut(self)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// The object's map.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The object's map, to change.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// The array's items.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The array's items, to change.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// The string's text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// The number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this is a number that fits an `i64`.
    pub fn is_i64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_i64())
    }

    /// Whether this is a number that fits a `u64`.
    pub fn is_u64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_u64())
    }

    /// Whether this is a number kept as a float.
    pub fn is_f64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_f64())
    }

    /// The number as an `i64`, when it fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// The number as a `u64`, when it fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// The number as an `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.as_f64()
    }

    /// Whether this is `true` or `false`.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// The boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// `Some(())` for `null`.
    pub fn as_null(&self) -> Option<()> {
        self.is_null().then_some(())
    }

    /// The value at a JSON pointer (`""` is the value itself), to change.
    pub fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut target = self;
        for token in rest.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            target = match target {
                Value::Object(map) => map.get_mut(token.as_str())?,
                Value::Array(items) => items.get_mut(array_index(&token)?)?,
                _ => return None,
            };
        }
        Some(target)
    }

    /// Takes the value, leaving `null`.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }
}

/// An array index as a pointer writes it: digits without a sign or a leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// What indexes a value: an array position or an object key.
pub trait ValueIndex {
    /// The value it names, if any.
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    /// The value it names, to change, if any.
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value>;
    /// The value it names, inserted as `null` into an object (or `null`, which becomes an
    /// object) when missing; panics on anything else.
    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value;
}

impl ValueIndex for usize {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }

    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_array_mut()?.get_mut(*self)
    }

    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        match v {
            Value::Array(items) => {
                let len = items.len();
                items.get_mut(*self).unwrap_or_else(|| {
                    panic!("cannot access index {self} of JSON array of length {len}")
                })
            }
            _ => panic!("cannot access index {self} of a JSON value that is not an array"),
        }
    }
}

impl ValueIndex for str {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_object()?.get(self)
    }

    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_object_mut()?.get_mut(self)
    }

    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        if v.is_null() {
            *v = Value::Object(Map::new());
        }
        match v {
            Value::Object(map) => map.entry(self).or_insert(Value::Null),
            _ => panic!("cannot access key {self:?} of a JSON value that is not an object"),
        }
    }
}

/// Owned text indexes as the `str` it holds.
macro_rules! index_as_str {
    ($($t:ty)*) => {$(
        impl ValueIndex for $t {
            fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
                self.as_str().index_into(v)
            }

            fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
                self.as_str().index_into_mut(v)
            }

            fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
                self.as_str().index_or_insert(v)
            }
        }
    )*};
}

index_as_str!(String Key);

impl<T: ?Sized + ValueIndex> ValueIndex for &T {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).index_into(v)
    }

    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        (**self).index_into_mut(v)
    }

    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        (**self).index_or_insert(v)
    }
}

/// `value["key"]` and `value[0]`: `null` when absent.
impl<I: ValueIndex> ops::Index<I> for Value {
    type Output = Value;

    fn index(&self, index: I) -> &Value {
        index.index_into(self).unwrap_or(&NULL)
    }
}

/// `value["key"] = …` inserts the key (a `null` becomes an object); an array index must
/// exist.
impl<I: ValueIndex> ops::IndexMut<I> for Value {
    fn index_mut(&mut self, index: I) -> &mut Value {
        index.index_or_insert(self)
    }
}

/// Printed as `serde_json` prints its values (`String("x")`, `Object {"k": …}`).
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Number(n) => write!(f, "Number({n})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Array(items) => {
                f.write_str("Array ")?;
                fmt::Debug::fmt(items, f)
            }
            Value::Object(map) => {
                f.write_str("Object ")?;
                fmt::Debug::fmt(map, f)
            }
        }
    }
}

/// JSON text: compact, or indented with `{:#}`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = if f.alternate() {
            serde_json::to_string_pretty(self)
        } else {
            serde_json::to_string(self)
        };
        f.write_str(&text.map_err(|_| fmt::Error)?)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => items.serialize(serializer),
            Value::Object(map) => map.serialize(serializer),
        }
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            out.serialize_entry(k, v)?;
        }
        out.end()
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Map {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Object(map) => Ok(map),
            _ => Err(de::Error::custom("expected a JSON object")),
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Deserialize::deserialize(d)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::with_capacity(access.size_hint().unwrap_or(0).min(4096));
        while let Some((k, v)) = access.next_entry::<String, Value>()? {
            map.insert(Key::from(k), v);
        }
        Ok(Value::Object(map))
    }
}

macro_rules! from_integer {
    ($($t:ty)*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(n.into())
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl From<f64> for Value {
    /// `null` for a number JSON cannot hold (NaN, infinities).
    fn from(n: f64) -> Value {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

impl From<f32> for Value {
    fn from(n: f32) -> Value {
        Value::from(f64::from(n))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.into())
    }
}

impl From<Cow<'_, str>> for Value {
    fn from(s: Cow<'_, str>) -> Value {
        Value::String(s.into())
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<Map> for Value {
    fn from(map: Map) -> Value {
        Value::Object(map)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Clone + Into<Value>> From<&[T]> for Value {
    fn from(items: &[T]) -> Value {
        Value::Array(items.iter().cloned().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl From<()> for Value {
    fn from((): ()) -> Value {
        Value::Null
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        Value::from_serde(v)
    }
}

impl<T: Into<Value>> FromIterator<T> for Value {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Value {
        Value::Array(iter.into_iter().map(Into::into).collect())
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

macro_rules! eq_integer {
    ($($t:ty)*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                match self {
                    Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                        (Some(i), _) => i64::try_from(*other).is_ok_and(|o| o == i),
                        (None, Some(u)) => u64::try_from(*other).is_ok_and(|o| o == u),
                        (None, None) => false,
                    },
                    _ => false,
                }
            }
        }
    )*};
}

eq_integer!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl PartialEq<f64> for Value {
    fn eq(&self, other: &f64) -> bool {
        self.as_f64() == Some(*other)
    }
}

/// Compared by value with a `serde_json` value (tests and the libraries' values).
impl PartialEq<serde_json::Value> for Value {
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (self, other) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::Number(a), serde_json::Value::Number(b)) => a == b,
            (Value::String(a), serde_json::Value::String(b)) => a == b,
            (Value::Array(a), serde_json::Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Value::Object(a), serde_json::Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k.as_str()).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl PartialEq<Value> for serde_json::Value {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

/// Builds a [`Value`] from JSON-like syntax, as `serde_json::json!` does.
#[macro_export]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::base::value::Value::from_serde(::serde_json::json!($($json)+))
    };
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_value_is_half_the_size_of_serde_jsons() {
        assert_eq!(std::mem::size_of::<Value>(), 32);
        assert_eq!(std::mem::size_of::<serde_json::Value>(), 72);
    }

    /// One change to a map, done to ours and to `serde_json`'s ordered one alike.
    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, i64),
        Remove(u8),
        SwapRemove(u8),
        ShiftRemove(u8),
        Retain(u8),
        EntryOrInsert(u8, i64),
        EntryRemove(u8),
        EntryReplace(u8, i64),
        Clear,
    }

    fn op() -> impl Strategy<Value = Op> {
        // Keys from a range wider than the index threshold, so that maps cross it both ways.
        let key = 0u8..40;
        prop_oneof![
            6 => (key.clone(), any::<i64>()).prop_map(|(k, v)| Op::Insert(k, v)),
            1 => key.clone().prop_map(Op::Remove),
            1 => key.clone().prop_map(Op::SwapRemove),
            1 => key.clone().prop_map(Op::ShiftRemove),
            1 => (2u8..5).prop_map(Op::Retain),
            2 => (key.clone(), any::<i64>()).prop_map(|(k, v)| Op::EntryOrInsert(k, v)),
            1 => key.clone().prop_map(Op::EntryRemove),
            1 => (key, any::<i64>()).prop_map(|(k, v)| Op::EntryReplace(k, v)),
            1 => Just(Op::Clear),
        ]
    }

    fn apply(ours: &mut Map, theirs: &mut serde_json::Map<String, serde_json::Value>, op: &Op) {
        let name = |k: &u8| format!("key-{k}");
        match op {
            Op::Insert(k, v) => {
                let a = ours.insert(name(k), Value::from(*v));
                let b = theirs.insert(name(k), serde_json::Value::from(*v));
                assert_eq!(a.map(|v| v.to_serde()), b);
            }
            Op::Remove(k) => {
                assert_eq!(
                    ours.remove(&name(k)).map(|v| v.to_serde()),
                    theirs.remove(&name(k))
                );
            }
            Op::SwapRemove(k) => {
                let a = ours.swap_remove(&name(k)).map(|v| v.to_serde());
                assert_eq!(a, theirs.swap_remove(&name(k)));
            }
            Op::ShiftRemove(k) => {
                let a = ours.shift_remove(&name(k)).map(|v| v.to_serde());
                assert_eq!(a, theirs.shift_remove(&name(k)));
            }
            Op::Retain(m) => {
                let m = i64::from(*m);
                ours.retain(|_, v| v.as_i64().is_some_and(|n| n % m != 0));
                theirs.retain(|_, v| v.as_i64().is_some_and(|n| n % m != 0));
            }
            Op::EntryOrInsert(k, v) => {
                let a = ours.entry(name(k)).or_insert(Value::from(*v)).clone();
                let b = theirs
                    .entry(name(k))
                    .or_insert(serde_json::Value::from(*v))
                    .clone();
                assert_eq!(a, b);
            }
            Op::EntryRemove(k) => {
                let a = match ours.entry(name(k)) {
                    Entry::Occupied(e) => Some(e.remove().to_serde()),
                    Entry::Vacant(_) => None,
                };
                let b = match theirs.entry(name(k)) {
                    serde_json::map::Entry::Occupied(e) => Some(e.remove()),
                    serde_json::map::Entry::Vacant(_) => None,
                };
                assert_eq!(a, b);
            }
            Op::EntryReplace(k, v) => {
                let a = match ours.entry(name(k)) {
                    Entry::Occupied(mut e) => Some(e.insert(Value::from(*v)).to_serde()),
                    Entry::Vacant(e) => {
                        e.insert(Value::from(*v));
                        None
                    }
                };
                let b = match theirs.entry(name(k)) {
                    serde_json::map::Entry::Occupied(mut e) => {
                        Some(e.insert(serde_json::Value::from(*v)))
                    }
                    serde_json::map::Entry::Vacant(e) => {
                        e.insert(serde_json::Value::from(*v));
                        None
                    }
                };
                assert_eq!(a, b);
            }
            Op::Clear => {
                ours.clear();
                theirs.clear();
            }
        }
    }

    /// Any JSON value, nested a few levels, with repeated and many keys.
    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            "[a-z\"\\\\\u{e9}\n]{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 200, 24, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-d]{1,2}", inner), 0..24).prop_map(|entries| {
                    let mut map = serde_json::Map::new();
                    for (k, v) in entries {
                        map.insert(k, v);
                    }
                    serde_json::Value::Object(map)
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_map_changes_as_serde_jsons_ordered_map_does(ops in prop::collection::vec(op(), 0..120)) {
            let mut ours = Map::new();
            let mut theirs = serde_json::Map::new();
            for op in &ops {
                apply(&mut ours, &mut theirs, op);
                prop_assert_eq!(ours.len(), theirs.len());
                let order: Vec<&str> = ours.keys().map(Key::as_str).collect();
                prop_assert_eq!(order, theirs.keys().map(String::as_str).collect::<Vec<_>>());
                for k in 0u8..40 {
                    let key = format!("key-{k}");
                    prop_assert_eq!(ours.get(&key).map(Value::to_serde), theirs.get(&key).cloned());
                    prop_assert_eq!(ours.contains_key(&key), theirs.contains_key(&key));
                }
            }
        }

        #[test]
        fn a_value_reads_prints_and_compares_as_serde_jsons(v in json(), w in json()) {
            let ours = Value::from_serde(v.clone());
            prop_assert_eq!(ours.to_serde(), v.clone());
            prop_assert_eq!(ours.to_string(), v.to_string());
            prop_assert_eq!(format!("{ours:#}"), format!("{v:#}"));
            prop_assert_eq!(format!("{ours:?}"), format!("{v:?}"));
            let text = serde_json::to_string(&ours).unwrap();
            let back: Value = serde_json::from_str(&text).unwrap();
            prop_assert!(back == ours);
            let other = Value::from_serde(w.clone());
            prop_assert_eq!(ours == other, v == w);
            prop_assert!(ours == v);
            prop_assert!(v == ours);
            let hash = |x: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                x(&mut h);
                h.finish()
            };
            prop_assert_eq!(hash(&|h| ours.hash(h)), hash(&|h| v.hash(h)));
        }
    }

    #[test]
    fn equal_maps_in_another_order_are_equal() {
        let a = crate::json!({"x": 1, "y": [true, null], "z": {"p": "q", "r": 2.5}});
        let b = crate::json!({"z": {"r": 2.5, "p": "q"}, "y": [true, null], "x": 1});
        assert_eq!(a, b);
        assert_ne!(
            a,
            crate::json!({"x": 1, "y": [null, true], "z": {"p": "q", "r": 2.5}})
        );
    }

    #[test]
    fn indexing_reads_null_and_writes_keys() {
        let mut v = Value::Null;
        v["a"]["b"] = Value::from(1);
        assert_eq!(v, crate::json!({"a": {"b": 1}}));
        assert!(v["missing"][3].is_null());
        v["a"]["b"] = Value::from("two");
        assert_eq!(v.to_string(), r#"{"a":{"b":"two"}}"#);
        assert_eq!(
            v.pointer_mut("/a/b").map(|x| x.take()),
            Some(Value::from("two"))
        );
        assert!(v.pointer_mut("a").is_none());
        let mut list = crate::json!({"l": [0, 1, 2]});
        assert_eq!(list.pointer_mut("/l/01"), None);
        assert_eq!(list.pointer_mut("/l/2").cloned(), Some(Value::from(2)));
    }

    #[test]
    fn a_map_of_many_keys_is_found_by_its_index() {
        // A million keys inserted and each looked up: quadratic without the index.
        let mut map = Map::new();
        for i in 0..1_000_000u32 {
            map.insert(i.to_string(), Value::from(i));
        }
        assert!((0..1_000_000u32).all(|i| map.get(&i.to_string()) == Some(&Value::from(i))));
        assert_eq!(map.remove("0"), Some(Value::from(0)));
        assert_eq!(map.keys().next().map(Key::as_str), Some("999999"));
        assert_eq!(map.shift_remove("999999"), Some(Value::from(999_999)));
        assert_eq!(map.keys().next().map(Key::as_str), Some("1"));
        assert_eq!(map.get("500000"), Some(&Value::from(500_000)));
    }
}
