//! `pkg/apis/apps/validation/validation.go`: Deployment, ReplicaSet, StatefulSet and
//! DaemonSet specs (selector checks are the `selector-mismatch` rule's; restartPolicy is
//! the `restart-policy` rule's).

use crate::base::value::Value;

use super::pod::int_or_percent;
use super::{Errors, nonnegative};
use crate::base::{At, Pointer};
use crate::model::Object;

fn spec_of(object: &Object) -> Option<(&Value, Pointer)> {
    let spec = object.at("/spec").filter(|s| s.is_object())?;
    Some((spec, Pointer::root().key("spec")))
}

/// `ValidatePodTemplateSpecForReplicaSet` and its StatefulSet/DaemonSet siblings: the
/// pods of a controller run until replaced, so a template may not set activeDeadlineSeconds.
fn no_active_deadline(spec: &Value, at: &Pointer, what: &str, errs: &mut Errors) {
    if spec
        .at("/template/spec/activeDeadlineSeconds")
        .is_some_and(Value::is_i64)
    {
        errs.forbidden(
            "template-active-deadline",
            at.path("template/spec/activeDeadlineSeconds"),
            format!("activeDeadlineSeconds in {what} is not Supported"),
        );
    }
}

/// `ValidateReplicaSetSpec` / `ValidateReplicationControllerSpec`: replicas and
/// minReadySeconds ≥ 0.
pub fn replicas_fields(object: &Object, errs: &mut Errors) {
    let Some((spec, at)) = spec_of(object) else {
        return;
    };
    nonnegative(spec, &at, "replicas", errs);
    nonnegative(spec, &at, "minReadySeconds", errs);
    if object.kind == "ReplicaSet" {
        no_active_deadline(spec, &at, "ReplicaSet", errs);
    }
}

/// `ValidateDeploymentSpec` → `ValidateDeploymentStrategy` → `ValidateRollingUpdateDeployment`.
pub fn deployment(object: &Object, errs: &mut Errors) {
    let Some((spec, at)) = spec_of(object) else {
        return;
    };
    for field in [
        "replicas",
        "minReadySeconds",
        "revisionHistoryLimit",
        "progressDeadlineSeconds",
    ] {
        nonnegative(spec, &at, field, errs);
    }
    no_active_deadline(spec, &at, "ReplicaSet", errs);
    if let Some(pd) = spec.get("progressDeadlineSeconds").filter(|v| v.is_i64()) {
        let min_ready = spec
            .get("minReadySeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if pd.as_i64().is_some_and(|p| p >= 0 && p <= min_ready) {
            errs.invalid(
                "deployment-progress-deadline",
                at.key("progressDeadlineSeconds"),
                pd,
                "must be greater than minReadySeconds",
            );
        }
    }
    let Some(strategy) = spec.get("strategy").filter(|s| s.is_object()) else {
        return;
    };
    let sat = at.key("strategy");
    let rolling = strategy.get("rollingUpdate").filter(|r| !r.is_null());
    match strategy.get("type").and_then(Value::as_str) {
        Some("Recreate") if rolling.is_some() => {
            errs.forbidden(
                "rolling-update",
                sat.key("rollingUpdate"),
                "may not be specified when strategy `type` is 'Recreate'",
            );
        }
        None | Some("" | "RollingUpdate") => {
            let Some(r) = rolling.filter(|r| r.is_object()) else {
                return;
            };
            let rat = sat.key("rollingUpdate");
            // Unset fields default to 25% (SetDefaults_Deployment).
            let unavailable = r.get("maxUnavailable");
            let surge = r.get("maxSurge");
            let u = unavailable.map_or(Some(25), |v| {
                int_or_percent(v, rat.key("maxUnavailable"), true, "rolling-update", errs)
            });
            let s = surge.map_or(Some(25), |v| {
                int_or_percent(v, rat.key("maxSurge"), false, "rolling-update", errs)
            });
            if let (Some(0), Some(0), Some(v)) = (u, s, unavailable) {
                errs.invalid(
                    "rolling-update",
                    rat.key("maxUnavailable"),
                    v,
                    "may not be 0 when `maxSurge` is 0",
                );
            }
        }
        // Another type is an enum violation: the schema rule's.
        _ => {}
    }
}

/// `ValidateDaemonSetSpec` → `ValidateDaemonSetUpdateStrategy` → `ValidateRollingUpdateDaemonSet`:
/// exactly one of maxUnavailable (default 1) and maxSurge (default 0) is non-zero.
pub fn daemonset(object: &Object, errs: &mut Errors) {
    let Some((spec, at)) = spec_of(object) else {
        return;
    };
    nonnegative(spec, &at, "minReadySeconds", errs);
    nonnegative(spec, &at, "revisionHistoryLimit", errs);
    no_active_deadline(spec, &at, "DaemonSet", errs);
    let Some(strategy) = spec.get("updateStrategy").filter(|s| s.is_object()) else {
        return;
    };
    if !matches!(
        strategy.get("type").and_then(Value::as_str),
        None | Some("" | "RollingUpdate")
    ) {
        return;
    }
    let Some(r) = strategy.get("rollingUpdate").filter(|r| r.is_object()) else {
        return;
    };
    let rat = at.path("updateStrategy/rollingUpdate");
    let u = r.get("maxUnavailable").map_or(Some(1), |v| {
        int_or_percent(v, rat.key("maxUnavailable"), true, "rolling-update", errs)
    });
    let s = r.get("maxSurge").map_or(Some(0), |v| {
        int_or_percent(v, rat.key("maxSurge"), true, "rolling-update", errs)
    });
    match (u, s) {
        (Some(u), Some(s)) if u != 0 && s != 0 => {
            if let Some(v) = r.get("maxSurge") {
                errs.invalid(
                    "rolling-update",
                    rat.key("maxSurge"),
                    v,
                    "may not be set when maxUnavailable is non-zero",
                );
            }
        }
        (Some(0), Some(0)) => {
            errs.required(
                "rolling-update",
                rat.key("maxUnavailable"),
                "cannot be 0 when maxSurge is 0",
            );
        }
        _ => {}
    }
}

/// `ValidateStatefulSetSpec`: replicas, minReadySeconds, revisionHistoryLimit ≥ 0; a
/// rollingUpdate block only with the RollingUpdate strategy; partition ≥ 0.
pub fn statefulset(object: &Object, errs: &mut Errors) {
    let Some((spec, at)) = spec_of(object) else {
        return;
    };
    for field in ["replicas", "minReadySeconds", "revisionHistoryLimit"] {
        nonnegative(spec, &at, field, errs);
    }
    no_active_deadline(spec, &at, "StatefulSet", errs);
    let Some(strategy) = spec.get("updateStrategy").filter(|s| s.is_object()) else {
        return;
    };
    let uat = at.key("updateStrategy");
    let rolling = strategy.get("rollingUpdate").filter(|r| r.is_object());
    match strategy.get("type").and_then(Value::as_str) {
        Some("OnDelete") => {
            if let Some(r) = rolling {
                errs.invalid(
                    "statefulset-update-strategy",
                    uat.key("rollingUpdate"),
                    r,
                    "only allowed for updateStrategy 'RollingUpdate'",
                );
            }
        }
        None | Some("" | "RollingUpdate") => {
            if let Some(r) = rolling {
                nonnegative(r, &uat.key("rollingUpdate"), "partition", errs);
            }
        }
        _ => {}
    }
}
