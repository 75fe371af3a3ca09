//! Quantities in the API server's canonical form, and the milli
//! round-up that defaulting applies to every resource list (§A.2, §D.2).

use crate::base::value::{Map, Value};

use crate::model::{Object, PodTemplate};
use crate::semantics::quantity::Quantity;

/// Rewrites every quantity of the object in canonical form; with `round`, resource lists
/// are first rounded up to milli-units as defaulting does.
pub fn normalize(object: &Object, value: &mut Value, round: bool) {
    match (object.group.as_str(), object.kind.as_str()) {
        ("", "PersistentVolumeClaim") => {
            claim_spec(value.get_mut("spec"), round);
        }
        ("", "PersistentVolume") => {
            list(value.pointer_mut("/spec/capacity"), round);
        }
        ("", "LimitRange") => {
            if let Some(limits) = value
                .pointer_mut("/spec/limits")
                .and_then(Value::as_array_mut)
            {
                for item in limits.iter_mut() {
                    for key in [
                        "max",
                        "min",
                        "default",
                        "defaultRequest",
                        "maxLimitRequestRatio",
                    ] {
                        list(item.get_mut(key), round);
                    }
                }
            }
        }
        ("", "ResourceQuota") => list(value.pointer_mut("/spec/hard"), round),
        ("apps", "StatefulSet") => {
            if let Some(templates) = value
                .pointer_mut("/spec/volumeClaimTemplates")
                .and_then(Value::as_array_mut)
            {
                for t in templates.iter_mut() {
                    claim_spec(t.get_mut("spec"), round);
                }
            }
        }
        _ => {}
    }
    if let Some(template) = PodTemplate::of(object) {
        if let Some(spec) = value.pointer_mut(template.spec.pointer.as_str()) {
            pod_spec(spec, round);
        }
    }
}

fn pod_spec(spec: &mut Value, round: bool) {
    for field in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(list_) = spec.get_mut(field).and_then(Value::as_array_mut) {
            for c in list_.iter_mut() {
                requirements(c.get_mut("resources"), round);
            }
        }
    }
    requirements(spec.get_mut("resources"), round);
    list(spec.get_mut("overhead"), round);
    if let Some(volumes) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in volumes.iter_mut() {
            if let Some(size) = v.pointer_mut("/emptyDir/sizeLimit") {
                one(size, false);
            }
            claim_spec(v.pointer_mut("/ephemeral/volumeClaimTemplate/spec"), round);
        }
    }
}

fn claim_spec(spec: Option<&mut Value>, round: bool) {
    if let Some(spec) = spec {
        requirements(spec.get_mut("resources"), round);
    }
}

/// `{limits, requests}`.
fn requirements(resources: Option<&mut Value>, round: bool) {
    if let Some(r) = resources {
        list(r.get_mut("limits"), round);
        list(r.get_mut("requests"), round);
    }
}

/// A resource list: every value is a quantity.
fn list(map: Option<&mut Value>, round: bool) {
    if let Some(map) = map.and_then(Value::as_object_mut) {
        resource_map(map, round);
    }
}

/// Every value of a resource list in canonical form.
pub fn resource_map(map: &mut Map, round: bool) {
    for v in map.values_mut() {
        one(v, round);
    }
}

/// One quantity; a value that is not a quantity is left as written.
fn one(value: &mut Value, round: bool) {
    let text = match value {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    let Ok(mut q) = Quantity::parse(&text) else {
        return;
    };
    if round {
        q.round_up_milli();
    }
    *value = Value::String(q.canonical().into());
}

/// The canonical text of one quantity string (for tests and `--expand`).
pub fn canonical(text: &str, round: bool) -> Option<String> {
    let mut q = Quantity::parse(text).ok()?;
    if round {
        q.round_up_milli();
    }
    Some(q.canonical())
}
