//! PodDisruptionBudget (`pkg/apis/policy/validation`), HorizontalPodAutoscaler
//! (`pkg/apis/autoscaling/validation`) and PriorityClass (`pkg/apis/scheduling/validation`).

use crate::base::value::Value;

use super::pod::int_or_percent;
use super::{Errors, int, list};
use crate::base::Pointer;
use crate::model::Object;

/// `ValidatePodDisruptionBudgetSpec`: minAvailable and maxUnavailable are non-negative
/// ints or percents up to 100%, and not both set.
pub fn pdb(object: &Object, errs: &mut Errors) {
    let Some(spec) = object.at("/spec").filter(|s| s.is_object()) else {
        return;
    };
    let at = Pointer::root().key("spec");
    let min = spec.get("minAvailable").filter(|v| !v.is_null());
    let max = spec.get("maxUnavailable").filter(|v| !v.is_null());
    if let Some(v) = min {
        int_or_percent(v, at.key("minAvailable"), true, "pdb", errs);
    }
    if let Some(v) = max {
        int_or_percent(v, at.key("maxUnavailable"), true, "pdb", errs);
    }
    if let (Some(_), Some(v)) = (min, max) {
        // The server reports this at `spec`; the finding points at the second field.
        errs.invalid(
            "pdb",
            at.key("maxUnavailable"),
            v,
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
}

/// `validateHorizontalPodAutoscalerSpec`: minReplicas ≥ 1 (HPAScaleToZero is alpha and
/// off by default in every version k8lint knows), maxReplicas > 0, and each metric
/// carries the source its `type` names (`validateMetricSpec`). minReplicas above
/// maxReplicas is the `hpa-replicas` rule's.
pub fn hpa(object: &Object, errs: &mut Errors) {
    let Some(spec) = object.at("/spec").filter(|s| s.is_object()) else {
        return;
    };
    let at = Pointer::root().key("spec");
    if let Some((n, v)) = int(spec, "minReplicas") {
        if n < 1 {
            errs.invalid(
                "hpa",
                at.key("minReplicas"),
                v,
                "must be greater than or equal to 1",
            );
        }
    }
    if let Some((n, v)) = int(spec, "maxReplicas") {
        if n < 1 {
            errs.invalid("hpa", at.key("maxReplicas"), v, "must be greater than 0");
        }
    }
    // autoscaling/v1 has no metrics list; v2 names the source after the type.
    for (i, m) in list(spec, "metrics").iter().enumerate() {
        let source = match m.get("type").and_then(Value::as_str) {
            Some("Resource") => "resource",
            Some("ContainerResource") => "containerResource",
            Some("Pods") => "pods",
            Some("Object") => "object",
            Some("External") => "external",
            _ => continue,
        };
        let mat = at.key("metrics").index(i);
        if m.get(source).is_none_or(Value::is_null) {
            errs.required(
                "hpa-metric",
                mat.key(source),
                "must populate information for the given metric source",
            );
        }
        let others = [
            "resource",
            "containerResource",
            "pods",
            "object",
            "external",
        ]
        .into_iter()
        .filter(|k| *k != source && m.get(*k).is_some_and(|v| !v.is_null()));
        for other in others {
            errs.forbidden(
                "hpa-metric",
                mat.key(other),
                "must populate the given metric source only",
            );
        }
        if let Some(target) = m.get(source).and_then(|s| s.get("target")) {
            if let Some((n, v)) = int(target, "averageUtilization") {
                if n <= 0 {
                    errs.invalid(
                        "hpa-metric",
                        mat.path(source).path("target/averageUtilization"),
                        v,
                        "must be greater than 0",
                    );
                }
            }
        }
    }
}

/// The highest priority a PriorityClass not named `system-…` may have.
const HIGHEST_USER_PRIORITY: i64 = 1_000_000_000;

/// `ValidatePriorityClass`: a user class is at most 10^9; `system-` names are reserved.
pub fn priority_class(object: &Object, errs: &mut Errors) {
    let system = object.name.starts_with("system-");
    if system
        && !matches!(
            object.name.as_str(),
            "system-cluster-critical" | "system-node-critical"
        )
    {
        errs.forbidden(
            "priority-class",
            Pointer::root().path("metadata/name"),
            "priority class names with 'system-' prefix are reserved",
        );
        return;
    }
    if let Some(v) = object.at("/value") {
        if !system && v.as_i64().is_some_and(|n| n > HIGHEST_USER_PRIORITY) {
            errs.forbidden(
                "priority-class",
                Pointer::root().key("value"),
                format!(
                    "maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}"
                ),
            );
        }
    }
}
