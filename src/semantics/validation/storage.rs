//! `ValidatePersistentVolumeClaimSpec` and `ValidatePersistentVolumeSpec`
//! (pkg/apis/core/validation/validation.go).

use crate::base::value::Value;

use super::{Errors, list};
use crate::base::{At, Pointer};
use crate::model::Object;
use crate::semantics::quantity::Quantity;

/// `ValidatePersistentVolumeClaimSpec`: at least one access mode, ReadWriteOncePod alone,
/// and a positive storage request.
pub fn pvc(object: &Object, errs: &mut Errors) {
    let Some(spec) = object.at("/spec").filter(|s| s.is_object()) else {
        return;
    };
    claim_spec(spec, &Pointer::root().key("spec"), errs);
}

fn claim_spec(spec: &Value, at: &Pointer, errs: &mut Errors) {
    access_modes(spec, at, "at least 1 access mode is required", errs);
    let storage = spec.at("/resources/requests/storage");
    match storage {
        None | Some(Value::Null) => {
            errs.required("pvc-storage", at.path("resources/requests/storage"), "")
                .keyed = true;
        }
        Some(v) => {
            let q = match v {
                Value::String(s) => Quantity::parse(s).ok(),
                Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
                _ => None,
            };
            if q.is_some_and(|q| q.nano() <= 0) {
                errs.invalid(
                    "pvc-storage",
                    at.path("resources/requests/storage"),
                    v,
                    "must be greater than zero",
                )
                .keyed = true;
            }
        }
    }
}

fn access_modes(spec: &Value, at: &Pointer, missing: &str, errs: &mut Errors) {
    let modes = list(spec, "accessModes");
    if modes.is_empty() {
        errs.required("access-modes", at.key("accessModes"), missing);
    } else if modes.len() > 1 && modes.iter().any(|m| m.as_str() == Some("ReadWriteOncePod")) {
        errs.forbidden(
            "access-modes",
            at.key("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        );
    }
}

/// The fields of a PersistentVolumeSpec that are not a volume source.
const PV_NON_SOURCE: &[&str] = &[
    "accessModes",
    "capacity",
    "claimRef",
    "persistentVolumeReclaimPolicy",
    "storageClassName",
    "mountOptions",
    "volumeMode",
    "nodeAffinity",
    "volumeAttributesClassName",
];

/// `ValidatePersistentVolumeSpec`: access modes, a storage capacity, exactly one source.
pub fn pv(object: &Object, errs: &mut Errors) {
    let Some(spec) = object.at("/spec").and_then(Value::as_object) else {
        return;
    };
    let at = Pointer::root().key("spec");
    let value = object.at("/spec").expect("checked above");
    access_modes(value, &at, "must specify at least 1 access mode", errs);
    if value.at("/capacity/storage").is_none() {
        errs.required("pv-capacity", at.key("capacity"), "must specify a capacity");
    }
    let mut sources = spec
        .iter()
        .filter(|(k, v)| !PV_NON_SOURCE.contains(&k.as_str()) && !v.is_null());
    match (sources.next(), sources.next()) {
        (None, _) => {
            errs.required("pv-source", at.clone(), "must specify a volume type");
        }
        (Some(_), Some((second, _))) => {
            errs.forbidden(
                "pv-source",
                at.key(second),
                "may not specify more than 1 volume type",
            );
        }
        _ => {}
    }
}
