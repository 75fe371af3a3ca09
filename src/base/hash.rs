//! Hash maps for the tables k8lint builds itself (graph indexes, memo tables): keyed by
//! short strings and ids, looked up millions of times in a large run, where the standard
//! SipHash costs more than the lookup. foldhash with a fixed seed: fast, and the same
//! table layout on every run (nothing may depend on a map's order either way).

use std::collections::{HashMap, HashSet};

/// The hasher of k8lint's own tables.
pub type FastState = foldhash::fast::FixedState;

/// A `HashMap` with [`FastState`]; `FastMap::default()` makes an empty one.
pub type FastMap<K, V> = HashMap<K, V, FastState>;

/// A `HashSet` with [`FastState`].
pub type FastSet<T> = HashSet<T, FastState>;
