//! What the editor's server keeps of the CRDs from one check to the next: for an input
//! CRD, while it does not change, a custom resource kind's converted schema and compiled
//! validator and its schemas' compiled CEL rules; for the embedded catalog, the same for
//! good. The server hands an unchanged file's parse (the same shared value) to its next
//! check, so a CRD is the same CRD while its value is the same allocation: an entry holds
//! that value, so its address cannot name another CRD while the entry lives. The catalog
//! lives as long as the process, so the address of one of its schemas names it. A one-off
//! run (`check`) keeps nothing here: its validators are let go after their last custom
//! resource ([`super::crd_validators`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::base::value::Value;
use jsonschema::Validator;

/// Whether CRD schemas and rules are kept across checks ([`keep_across_checks`]).
static KEEP: AtomicBool = AtomicBool::new(false);

/// Keeps what the CRDs give (converted schemas, validators, compiled CEL rules) from one
/// check of the process to the next while the CRD's value is the same: for the editor's
/// server, which checks its workspace again on every change.
pub fn keep_across_checks() {
    KEEP.store(true, Ordering::Relaxed);
}

/// Whether [`keep_across_checks`] was asked for.
pub fn keeps_across_checks() -> bool {
    KEEP.load(Ordering::Relaxed)
}

/// A kept value, filled by the first asker while the others wait (the check's threads ask
/// side by side); made outside the table's lock, so that other entries are made meanwhile.
pub type Cell<T> = Arc<OnceLock<T>>;

/// An entry of [`PerCrd`]: the CRD's value (held), the key, the cell.
type CrdEntry<K, T> = (Arc<Value>, K, Cell<T>);

/// Values kept per input CRD and a key within it.
pub struct PerCrd<K, T> {
    entries: Mutex<Vec<CrdEntry<K, T>>>,
}

impl<K: PartialEq, T> Default for PerCrd<K, T> {
    fn default() -> Self {
        PerCrd::new()
    }
}

impl<K: PartialEq, T> PerCrd<K, T> {
    /// An empty table.
    pub const fn new() -> PerCrd<K, T> {
        PerCrd {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The cell of `key` in `crd`, a new one when this CRD value has none. Each new entry
    /// first drops those whose CRD nothing else holds any more (the server let go of its
    /// parse and of the checks that read it).
    pub fn cell(&self, crd: &Arc<Value>, key: K) -> Cell<T> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, _, cell)) = entries
            .iter()
            .find(|(c, k, _)| Arc::ptr_eq(c, crd) && *k == key)
        {
            return Arc::clone(cell);
        }
        entries.retain(|(c, _, _)| Arc::strong_count(c) > 1);
        let cell = Cell::default();
        entries.push((Arc::clone(crd), key, Arc::clone(&cell)));
        cell
    }
}

/// Values kept for the process, per schema of the embedded catalog.
pub struct PerCatalogSchema<T> {
    entries: Mutex<Vec<(usize, Cell<T>)>>,
}

impl<T> Default for PerCatalogSchema<T> {
    fn default() -> Self {
        PerCatalogSchema::new()
    }
}

impl<T> PerCatalogSchema<T> {
    /// An empty table.
    pub const fn new() -> PerCatalogSchema<T> {
        PerCatalogSchema {
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The cell of a schema of the catalog (the only schemas of
    /// [`super::CrdOrigin::Builtin`]).
    pub fn cell(&self, schema: &Value) -> Cell<T> {
        let address = std::ptr::from_ref(schema) as usize;
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, cell)) = entries.iter().find(|(a, _)| *a == address) {
            return Arc::clone(cell);
        }
        let cell = Cell::default();
        entries.push((address, Arc::clone(&cell)));
        cell
    }
}

/// One custom resource kind's schema, converted, and its validator.
pub(super) struct KeptKind {
    /// The converted root schema.
    pub root: Value,
    /// The compiled validator, or why the schema does not compile.
    compiled: OnceLock<Result<Arc<Validator>, String>>,
}

impl KeptKind {
    /// The validator; `None` when the schema does not compile.
    pub(super) fn validator(
        &self,
        compile: impl FnOnce(&Value) -> Result<Validator, String>,
    ) -> Option<Arc<Validator>> {
        self.compiled(compile).as_ref().ok().cloned()
    }

    /// Why the schema does not compile; `None` when it does.
    pub(super) fn error(
        &self,
        compile: impl FnOnce(&Value) -> Result<Validator, String>,
    ) -> Option<String> {
        self.compiled(compile).as_ref().err().cloned()
    }

    fn compiled(
        &self,
        compile: impl FnOnce(&Value) -> Result<Validator, String>,
    ) -> &Result<Arc<Validator>, String> {
        self.compiled
            .get_or_init(|| compile(&self.root).map(Arc::new))
    }
}

/// The kept kind `api_version`/`kind` of `crd` against the target version `version`,
/// converted by `convert` when it is not kept yet.
pub(super) fn kind(
    crd: &Arc<Value>,
    api_version: &str,
    kind: &str,
    version: &'static str,
    convert: impl FnOnce() -> Value,
) -> Arc<KeptKind> {
    type Key = (String, String, &'static str);
    static KINDS: PerCrd<Key, Arc<KeptKind>> = PerCrd::new();
    let key = (api_version.to_owned(), kind.to_owned(), version);
    let cell = KINDS.cell(crd, key);
    let kept = cell.get_or_init(|| {
        Arc::new(KeptKind {
            root: convert(),
            compiled: OnceLock::new(),
        })
    });
    Arc::clone(kept)
}

/// The converted root schema of a schema of the embedded CRD catalog, converted once per
/// process.
pub(super) fn catalog_root(schema: &Value, convert: impl FnOnce() -> Value) -> Arc<Value> {
    static ROOTS: PerCatalogSchema<Arc<Value>> = PerCatalogSchema::new();
    Arc::clone(ROOTS.cell(schema).get_or_init(|| Arc::new(convert())))
}
