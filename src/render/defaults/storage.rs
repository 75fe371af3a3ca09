//! storage.k8s.io/v1 defaults.

use crate::base::value::Value;
use crate::json;

use super::ptr;

/// Defaults of a storage.k8s.io/v1 object of `kind`.
pub fn apply(kind: &str, value: &mut Value) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    if kind == "StorageClass" {
        ptr(map, "reclaimPolicy", json!("Delete"));
        ptr(map, "volumeBindingMode", json!("Immediate"));
    }
}
