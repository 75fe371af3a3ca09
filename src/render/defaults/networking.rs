//! networking.k8s.io/v1 defaults. Ingress has none: `pathType` is
//! required, and the default IngressClass is set by an admission plugin.

use crate::base::value::Value;
use crate::json;

use super::{each, existing, is_empty, ptr};

/// Defaults of a networking.k8s.io/v1 object of `kind`.
pub fn apply(kind: &str, value: &mut Value) {
    let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    match kind {
        "IngressClass" => {
            if let Some(p) = existing(spec, "parameters") {
                ptr(p, "scope", json!("Cluster"));
            }
        }
        "NetworkPolicy" => {
            for direction in ["ingress", "egress"] {
                for rule in each(spec, direction) {
                    for port in each(rule, "ports") {
                        ptr(port, "protocol", json!("TCP"));
                    }
                }
            }
            if is_empty(spec.get("policyTypes")) {
                let mut types = vec!["Ingress"];
                if !is_empty(spec.get("egress")) {
                    types.push("Egress");
                }
                spec.insert("policyTypes".to_owned(), json!(types));
            }
        }
        _ => {}
    }
}
