//! Hash maps for the tables k8lint builds itself (graph indexes, memo tables): keyed by
//! short strings and ids, looked up millions of times in a large run, where the standard
//! SipHash costs more than the lookup. foldhash, seeded at random per process and per
//! table as the standard maps are: its keys come from the input (names, labels), and a
//! fixed seed would let a repository be written whose keys all collide. Nothing may
//! depend on a map's order.

use std::collections::{HashMap, HashSet};

/// The hasher of k8lint's own tables.
pub type FastState = foldhash::fast::RandomState;

/// A `HashMap` with [`FastState`]; `FastMap::default()` makes an empty one.
pub type FastMap<K, V> = HashMap<K, V, FastState>;

/// A `HashSet` with [`FastState`].
pub type FastSet<T> = HashSet<T, FastState>;
