//! batch/v1 defaults; pod template defaults are applied by the caller.

use crate::base::value::{Map, Value};
use crate::json;

use super::{child, each, existing, labels_from_template, ptr};

/// Defaults of a batch/v1 object of `kind`.
pub fn apply(kind: &str, value: &mut Value) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    match kind {
        "Job" => job(map),
        "CronJob" => {
            if let Some(spec) = child(map, "spec") {
                super::string(spec, "concurrencyPolicy", "Allow");
                ptr(spec, "suspend", json!(false));
                ptr(spec, "successfulJobsHistoryLimit", json!(3));
                ptr(spec, "failedJobsHistoryLimit", json!(1));
                // Only the pod failure policy pattern is defaulted in the job template,
                // not the Job's own fields.
                if let Some(job) = existing(spec, "jobTemplate").and_then(|t| existing(t, "spec")) {
                    pod_failure_policy(job);
                }
            }
        }
        _ => {}
    }
}

fn job(map: &mut Map) {
    let name = map
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let Some(spec) = child(map, "spec") else {
        return;
    };
    let unset = |spec: &Map, k: &str| spec.get(k).is_none_or(Value::is_null);
    if unset(spec, "completions") && unset(spec, "parallelism") {
        spec.insert("completions".to_owned(), json!(1));
        spec.insert("parallelism".to_owned(), json!(1));
    }
    ptr(spec, "parallelism", json!(1));
    let per_index = !unset(spec, "backoffLimitPerIndex");
    ptr(
        spec,
        "backoffLimit",
        json!(if per_index { 2_147_483_647 } else { 6 }),
    );
    ptr(spec, "completionMode", json!("NonIndexed"));
    ptr(spec, "suspend", json!(false));
    let failure_policy = !unset(spec, "podFailurePolicy");
    ptr(
        spec,
        "podReplacementPolicy",
        json!(if failure_policy {
            "Failed"
        } else {
            "TerminatingOrFailed"
        }),
    );
    ptr(spec, "manualSelector", json!(false));
    pod_failure_policy(spec);
    // The registry labels the pods with the Job's name on create; the controller-uid
    // labels and selector need the object's UID, which only the API server knows.
    let manual = spec.get("manualSelector").and_then(Value::as_bool) == Some(true);
    if !manual && !name.is_empty() {
        if let Some(labels) = child(spec, "template")
            .and_then(|t| child(t, "metadata"))
            .and_then(|m| child(m, "labels"))
        {
            for key in ["batch.kubernetes.io/job-name", "job-name"] {
                labels.entry(key.to_owned()).or_insert(json!(name));
            }
        }
    }
    // The API server defaults objects again when it reads them back from storage, so the
    // Job's own labels are copied from the template after the registry labelled it: that
    // is what `kubectl get` shows, and it makes rendering a fixpoint.
    labels_from_template(map, "/template");
}

fn pod_failure_policy(spec: &mut Map) {
    if let Some(policy) = existing(spec, "podFailurePolicy") {
        for rule in each(policy, "rules") {
            for condition in each(rule, "onPodConditions") {
                super::string(condition, "status", "True");
            }
        }
    }
}
