//! What the editor's server keeps of the CRDs from one check to the next: an input CRD's
//! converted schema and compiled validator for a custom resource kind, while the CRD that
//! gives them does not change, and the embedded catalog's converted schemas for good. The server hands an unchanged file's parse (the same shared
//! value) to its next check, so a CRD is the same CRD while its value is the same
//! allocation; the kept entry holds that value, so its address cannot name another CRD
//! while the entry lives. A one-off run (`check`) keeps nothing here: its validators are
//! let go after their last custom resource ([`super::crd_validators`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use jsonschema::Validator;
use serde_json::Value;

/// Whether CRD schemas and rules are kept across checks ([`keep_across_checks`]).
static KEEP: AtomicBool = AtomicBool::new(false);

/// Keeps what the input CRDs give (converted schemas, validators, compiled CEL rules) from
/// one check of the process to the next while the CRD's value is the same: for the
/// editor's server, which checks its workspace again on every change.
pub fn keep_across_checks() {
    KEEP.store(true, Ordering::Relaxed);
}

/// Whether [`keep_across_checks`] was asked for.
pub fn keeps_across_checks() -> bool {
    KEEP.load(Ordering::Relaxed)
}

/// One custom resource kind of one CRD, against one target version's definitions.
pub(super) struct KeptKind {
    crd: Arc<Value>,
    api_version: String,
    kind: String,
    version: &'static str,
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

static KEPT: Mutex<Vec<Arc<KeptKind>>> = Mutex::new(Vec::new());

/// The kept kind `api_version`/`kind` of `crd` against `version`, converted by `convert`
/// when it is not kept yet. Each new entry first drops those whose CRD nothing else holds
/// any more (the server let go of its parse and of the checks that read it).
pub(super) fn kind(
    crd: &Arc<Value>,
    api_version: &str,
    kind: &str,
    version: &'static str,
    convert: impl FnOnce() -> Value,
) -> Arc<KeptKind> {
    let found = {
        let kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter()
            .find(|k| {
                Arc::ptr_eq(&k.crd, crd)
                    && k.api_version == api_version
                    && k.kind == kind
                    && k.version == version
            })
            .cloned()
    };
    if let Some(k) = found {
        return k;
    }
    // Converted outside the lock: the other kinds of the check are converted side by side.
    let new = Arc::new(KeptKind {
        crd: Arc::clone(crd),
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        version,
        root: convert(),
        compiled: OnceLock::new(),
    });
    let mut kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    kept.retain(|k| Arc::strong_count(&k.crd) > 1);
    kept.push(Arc::clone(&new));
    new
}

/// The converted root schema of a schema of the embedded CRD catalog, converted once per
/// process: the catalog's schemas live as long as the process, so the address of one names
/// it.
pub(super) fn catalog_root(schema: &Value, convert: impl FnOnce() -> Value) -> Arc<Value> {
    static ROOTS: Mutex<Vec<(usize, Arc<Value>)>> = Mutex::new(Vec::new());
    let address = std::ptr::from_ref(schema) as usize;
    if let Some((_, root)) = ROOTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(a, _)| *a == address)
    {
        return Arc::clone(root);
    }
    let root = Arc::new(convert());
    let mut roots = ROOTS.lock().unwrap_or_else(PoisonError::into_inner);
    match roots.iter().find(|(a, _)| *a == address) {
        Some((_, kept)) => Arc::clone(kept),
        None => {
            roots.push((address, Arc::clone(&root)));
            root
        }
    }
}
