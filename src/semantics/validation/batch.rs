//! `pkg/apis/batch/validation/validation.go`: Job and CronJob specs (the CronJob schedule
//! syntax is left to the CronJob rules).

use crate::base::value::Value;

use super::{Errors, nonnegative};
use crate::base::Pointer;
use crate::model::Object;

/// `validateJobSpec`: counts ≥ 0, an Indexed Job needs completions.
pub fn job_spec(holder: &Value, at: &Pointer, errs: &mut Errors) {
    let Some(spec) = holder.get("spec").filter(|s| s.is_object()) else {
        return;
    };
    let at = at.clone();
    for field in [
        "parallelism",
        "completions",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "activeDeadlineSeconds",
    ] {
        nonnegative(spec, &at, field, errs);
    }
    if spec.get("completionMode").and_then(Value::as_str) == Some("Indexed") {
        match spec.get("completions") {
            None | Some(Value::Null) => {
                errs.required(
                    "indexed-job",
                    at.key("completions"),
                    "when completion mode is Indexed",
                );
            }
            _ => {}
        }
    }
}

/// `validateCronJobSpec`: history limits and startingDeadlineSeconds ≥ 0, and the Job
/// template's spec.
pub fn cronjob(object: &Object, errs: &mut Errors) {
    let Some(spec) = object.at("/spec").filter(|s| s.is_object()) else {
        return;
    };
    let at = Pointer::root().key("spec");
    for field in [
        "startingDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
    ] {
        nonnegative(spec, &at, field, errs);
    }
    if let Some(template) = spec.get("jobTemplate") {
        job_spec(template, &at.path("jobTemplate/spec"), errs);
    }
}
