//! API defaults, applied as the API server would on create, one file
//! per API group. Defaults fill only fields that are empty in Go's sense: absent or null
//! for pointers, also `""` for strings and `0` for plain integers. A field of the wrong
//! type is left alone, so invalid input renders as written.

mod apps;
mod batch;
mod core;
mod networking;
mod pod;
pub mod quantities;
mod storage;

use crate::base::value::{Map, Value};
use crate::json;

use crate::base::At;
use crate::model::{Object, PodTemplate, WorkloadKind};

/// What the defaulter needs to know about the rest of the run.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    /// The default StorageClass among the inputs and context, if any (§C.6).
    pub default_storage_class: Option<String>,
}

/// Applies every default of the object's kind, including those of its pod template.
pub fn apply(object: &Object, value: &mut Value, cluster: &Cluster) {
    let version = object.api_version.as_str();
    match (version, object.kind.as_str()) {
        ("v1", kind) => core::apply(kind, value, cluster),
        ("apps/v1", kind) => apps::apply(kind, value),
        ("batch/v1", kind) => batch::apply(kind, value),
        ("networking.k8s.io/v1", kind) => networking::apply(kind, value),
        ("storage.k8s.io/v1", kind) => storage::apply(kind, value),
        _ => {}
    }
    // Every pod template, whatever the workload (PodSpec and container defaults, §A.1/§A.2).
    if let Some(template) = PodTemplate::of(object) {
        let pod_only = template.kind == WorkloadKind::Pod;
        if let Some(spec) = value.pointer_mut(template.spec.pointer.as_str()) {
            pod::apply(spec, pod_only);
        }
    }
}

/// PodSpec and container defaults of one pod spec, and with `pod_only` the Pod-only ones.
pub fn pod_spec(spec: &mut Value, pod_only: bool) {
    pod::apply(spec, pod_only);
}

/// The defaults of a PersistentVolumeClaim (a claim made from a StatefulSet's template).
pub fn claim(value: &mut Value, cluster: &Cluster) {
    core::apply("PersistentVolumeClaim", value, cluster);
}

/// The mapping at `key` of `map`, created when absent or null; `None` when it is another type.
pub(crate) fn child<'a>(map: &'a mut Map, key: &str) -> Option<&'a mut Map> {
    let slot = map.entry(key.to_owned()).or_insert(Value::Null);
    if slot.is_null() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

/// The mapping at `key`, only if it already is one.
pub(crate) fn existing<'a>(map: &'a mut Map, key: &str) -> Option<&'a mut Map> {
    map.get_mut(key)?.as_object_mut()
}

/// Each mapping of the list at `key`.
pub(crate) fn each<'a>(map: &'a mut Map, key: &str) -> impl Iterator<Item = &'a mut Map> {
    map.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// A pointer field: set when absent or null.
pub(crate) fn ptr(map: &mut Map, key: &str, value: Value) {
    let slot = map.entry(key.to_owned()).or_insert(Value::Null);
    if slot.is_null() {
        *slot = value;
    }
}

/// A string field: set when absent, null or `""`.
pub(crate) fn string(map: &mut Map, key: &str, value: &str) {
    let slot = map.entry(key.to_owned()).or_insert(Value::Null);
    if slot.is_null() || slot.as_str() == Some("") {
        *slot = Value::String(value.into());
    }
}

/// A plain (non-pointer) integer field: set when absent, null or `0`.
pub(crate) fn int0(map: &mut Map, key: &str, value: i64) {
    let slot = map.entry(key.to_owned()).or_insert(Value::Null);
    if slot.is_null() || slot.as_i64() == Some(0) {
        *slot = json!(value);
    }
}

/// Whether a field is empty in Go's sense (absent, null, `""`, `0`, `false`, empty map or list).
pub(crate) fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::Bool(b)) => !b,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(m)) => m.is_empty(),
    }
}

/// `status.phase`, for kinds whose phase the API server defaults.
pub(crate) fn status_phase(map: &mut Map, phase: &str) {
    if let Some(status) = child(map, "status") {
        string(status, "phase", phase);
    }
}

/// Copies the template's labels to the object when the object has none (RC, Job).
pub(crate) fn labels_from_template(map: &mut Map, template: &str) {
    let Some(labels) = map
        .get("spec")
        .and_then(|s| s.at(template))
        .and_then(|t| t.at("/metadata/labels"))
        .filter(|l| l.is_object())
        .cloned()
    else {
        return;
    };
    if let Some(meta) = child(map, "metadata") {
        if is_empty(meta.get("labels")) {
            meta.insert("labels".to_owned(), labels);
        }
    }
}
