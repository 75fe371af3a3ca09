//! apps/v1 defaults; pod template defaults are applied by the caller.

use crate::base::value::{Map, Value};
use crate::json;

use super::{child, each, existing, ptr, status_phase, string};

/// Defaults of an apps/v1 object of `kind`.
pub fn apply(kind: &str, value: &mut Value) {
    let Some(spec) = value.as_object_mut().and_then(|m| child(m, "spec")) else {
        return;
    };
    match kind {
        "Deployment" => {
            ptr(spec, "replicas", json!(1));
            if let Some(strategy) = child(spec, "strategy") {
                string(strategy, "type", "RollingUpdate");
                if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
                    if let Some(ru) = child(strategy, "rollingUpdate") {
                        ptr(ru, "maxUnavailable", json!("25%"));
                        ptr(ru, "maxSurge", json!("25%"));
                    }
                }
            }
            ptr(spec, "revisionHistoryLimit", json!(10));
            ptr(spec, "progressDeadlineSeconds", json!(600));
        }
        "ReplicaSet" => ptr(spec, "replicas", json!(1)),
        "DaemonSet" => {
            if let Some(strategy) = child(spec, "updateStrategy") {
                string(strategy, "type", "RollingUpdate");
                if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
                    if let Some(ru) = child(strategy, "rollingUpdate") {
                        ptr(ru, "maxUnavailable", json!(1));
                        ptr(ru, "maxSurge", json!(0));
                    }
                }
            }
            ptr(spec, "revisionHistoryLimit", json!(10));
        }
        "StatefulSet" => stateful_set(spec),
        _ => {}
    }
}

fn stateful_set(spec: &mut Map) {
    string(spec, "podManagementPolicy", "OrderedReady");
    if let Some(strategy) = child(spec, "updateStrategy") {
        // `rollingUpdate: {}` is added only when the type itself was defaulted.
        let type_empty = strategy
            .get("type")
            .is_none_or(|t| t.is_null() || t.as_str() == Some(""));
        if type_empty {
            strategy.insert("type".to_owned(), json!("RollingUpdate"));
            ptr(strategy, "rollingUpdate", json!({}));
        }
        if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
            if let Some(ru) = existing(strategy, "rollingUpdate") {
                ptr(ru, "partition", json!(0));
            }
        }
    }
    if let Some(policy) = child(spec, "persistentVolumeClaimRetentionPolicy") {
        string(policy, "whenDeleted", "Retain");
        string(policy, "whenScaled", "Retain");
    }
    ptr(spec, "replicas", json!(1));
    ptr(spec, "revisionHistoryLimit", json!(10));
    for template in each(spec, "volumeClaimTemplates") {
        if let Some(s) = child(template, "spec") {
            super::core::claim_spec(s);
        }
        status_phase(template, "Pending");
    }
}
