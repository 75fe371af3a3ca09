//! The validators of the inputs' CRDs: compiled when the first custom resource of a kind
//! wants one, and let go with the last. A compiled validator takes tens of kilobytes (each
//! holds ObjectMeta's definitions), so a repository of many CRDs with a few custom
//! resources each would otherwise keep all of them until the end of the run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::base::value::Value;
use jsonschema::Validator;

use crate::base::ObjectId;

/// One CRD kind's validator over a run.
pub(super) struct CrdValidator {
    /// The CRD that gives the schema.
    pub crd: ObjectId,
    /// Its converted root schema.
    pub root: Value,
    /// The custom resources of the kind still to be validated; when it reaches zero the
    /// validator is dropped (asked again later, it is compiled again).
    uses_left: AtomicUsize,
    /// Held while compiling, so that threads wanting the same kind wait for one compile.
    slot: Mutex<Slot>,
}

enum Slot {
    /// Not compiled yet.
    Unknown,
    /// Compiled, kept for the uses left.
    Ready(Arc<Validator>),
    /// Compiled, and dropped after its last use.
    Released,
    /// The schema does not compile: why.
    Broken(String),
}

impl CrdValidator {
    pub(super) fn new(crd: ObjectId, root: Value) -> CrdValidator {
        CrdValidator {
            crd,
            root,
            uses_left: AtomicUsize::new(0),
            slot: Mutex::new(Slot::Unknown),
        }
    }

    /// `n` more custom resources will ask for the validator.
    pub(super) fn expect_uses(&self, n: usize) {
        self.uses_left.fetch_add(n, Ordering::Relaxed);
    }

    /// The validator for one custom resource (counted as a use); `None` when the schema
    /// does not compile.
    pub(super) fn take(
        &self,
        compile: impl FnOnce(&Value) -> Result<Validator, String>,
    ) -> Option<Arc<Validator>> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        let validator = match &*slot {
            Slot::Ready(v) => Arc::clone(v),
            Slot::Broken(_) => return None,
            Slot::Unknown | Slot::Released => match compile(&self.root) {
                Ok(v) => Arc::new(v),
                Err(why) => {
                    *slot = Slot::Broken(why);
                    return None;
                }
            },
        };
        let before = self
            .uses_left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        // The last expected use (or one past them) keeps nothing behind.
        *slot = match before {
            Ok(n) if n > 1 => Slot::Ready(Arc::clone(&validator)),
            _ => Slot::Released,
        };
        Some(validator)
    }

    /// Why the schema does not compile; `None` when it does. Not counted as a use.
    pub(super) fn error(
        &self,
        compile: impl FnOnce(&Value) -> Result<Validator, String>,
    ) -> Option<String> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        // Asked after the objects' checks (a whole-graph check): the uses still counted
        // are of objects whose findings came from the cache, which never ask, so the
        // validator is not kept for them.
        if let Slot::Unknown = *slot {
            *slot = match compile(&self.root) {
                Ok(_) => Slot::Released,
                Err(why) => Slot::Broken(why),
            };
        }
        match &*slot {
            Slot::Broken(why) => Some(why.clone()),
            Slot::Unknown | Slot::Ready(_) | Slot::Released => None,
        }
    }

    /// Whether a compiled validator is being kept (for tests).
    #[cfg(test)]
    pub(super) fn is_kept(&self) -> bool {
        matches!(
            *self.slot.lock().unwrap_or_else(PoisonError::into_inner),
            Slot::Ready(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn counting(compiles: &Cell<usize>) -> impl Fn(&Value) -> Result<Validator, String> + '_ {
        move |root| {
            compiles.set(compiles.get() + 1);
            super::super::build(root)
        }
    }

    /// Kept from the first of its custom resources to the last, then dropped; asked again
    /// (more uses than counted), compiled again and not kept.
    #[test]
    fn kept_for_the_counted_uses_only() {
        let v = CrdValidator::new(ObjectId(0), crate::json!({"type": "object"}));
        v.expect_uses(2);
        let compiles = Cell::new(0);
        assert!(v.take(counting(&compiles)).is_some());
        assert!(v.is_kept());
        assert_eq!(v.error(counting(&compiles)), None);
        assert!(v.is_kept());
        assert!(v.take(counting(&compiles)).is_some());
        assert_eq!(compiles.get(), 1);
        assert!(!v.is_kept());
        assert_eq!(v.error(counting(&compiles)), None);
        assert!(v.take(counting(&compiles)).is_some());
        assert_eq!(compiles.get(), 2);
        assert!(!v.is_kept());
    }

    /// A schema that does not compile is compiled once, however often it is asked.
    #[test]
    fn a_broken_schema_is_compiled_once() {
        let v = CrdValidator::new(ObjectId(0), crate::json!({"pattern": "("}));
        v.expect_uses(1);
        let compiles = Cell::new(0);
        let why = v.error(counting(&compiles));
        assert!(why.is_some());
        assert!(v.take(counting(&compiles)).is_none());
        assert!(v.take(counting(&compiles)).is_none());
        assert_eq!(v.error(counting(&compiles)), why);
        assert_eq!(compiles.get(), 1);
    }

    /// Asked only whether it compiles (a run whose objects' findings all come from the
    /// cache: the uses counted never come), nothing is kept.
    #[test]
    fn asked_whether_it_compiles_keeps_nothing() {
        let v = CrdValidator::new(ObjectId(0), crate::json!({"type": "object"}));
        v.expect_uses(1);
        let compiles = Cell::new(0);
        assert_eq!(v.error(counting(&compiles)), None);
        assert!(!v.is_kept());
        assert_eq!(compiles.get(), 1);
    }
}
