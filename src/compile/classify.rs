//! Which documents are objects: a tool's config (kustomize, kpt, skaffold) is not, a
//! `…List` gives its items, and items without identity are set aside.

use std::sync::Arc;

use crate::base::value::Value;

use crate::base::Pointer;
use crate::model::object::group_of;
use crate::rules::input::missing_kind::{list_items, missing_identity};

/// A document's value → the objects in it (a `List` gives its items).
pub fn classify(value: Arc<Value>, base: Pointer, out: &mut Vec<(Pointer, Arc<Value>)>) {
    if list_items(&value).is_none() {
        out.push((base, value));
        return;
    }
    // A List's items become objects of their own: taken out of it, copied only when the
    // List's value is shared with a kept parse.
    let Value::Object(mut map) = Arc::unwrap_or_clone(value) else {
        return;
    };
    let Some(Value::Array(items)) = map.remove("items") else {
        return;
    };
    for (i, item) in items.into_iter().enumerate() {
        out.push((base.key("items").index(i), Arc::new(item)));
    }
}

/// List items that cannot become objects are replaced by null so that item indexes (and
/// so pointers) stay those of the file; null items are dropped when objects are made.
pub fn strip_unidentified_items(value: &mut Value) {
    if list_items(value).is_none() {
        return;
    }
    if let Some(Value::Array(items)) = value.get_mut("items") {
        for item in items.iter_mut() {
            if missing_identity(item).is_some() {
                *item = Value::Null;
            }
        }
    }
}

/// Whether a file is a tool's own by its name: Helm's `Chart.yaml` carries an
/// `apiVersion` (`v1`, `v2`) but is never an object.
pub fn is_tool_file(path: Option<&std::path::Path>) -> bool {
    path.and_then(|p| p.file_name())
        .is_some_and(|n| n == "Chart.yaml")
}

/// Whether a document is a tool's config that never reaches a cluster.
pub fn is_tool_config(value: &Value) -> bool {
    let api = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let group = group_of(api);
    matches!(
        group,
        "kustomize.config.k8s.io" | "kpt.dev" | "config.kubernetes.io" | "fn.kpt.dev"
    ) || api.starts_with("skaffold/")
}

/// Whether a document has the shape of an object: string `apiVersion` and `kind`.
pub fn has_identity(value: &Value) -> bool {
    value.get("apiVersion").is_some_and(Value::is_string)
        && value.get("kind").is_some_and(Value::is_string)
}
