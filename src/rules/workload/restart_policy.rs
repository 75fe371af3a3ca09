use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks the pod template's `restartPolicy` against what the controller accepts:
    /// - Deployment, ReplicaSet, StatefulSet, DaemonSet and ReplicationController keep
    ///   their pods running, so the template must use `Always` (or leave it unset, which
    ///   defaults to `Always`). `OnFailure` and `Never` are reported at the value.
    /// - Job and CronJob pods run to completion, so the template must say `OnFailure` or
    ///   `Never`. `Always` is reported at the value; a missing `restartPolicy` is reported
    ///   at the template's `spec`, because it defaults to `Always`. A Job with a
    ///   `podFailurePolicy` must use `Never`.
    ///
    /// Values outside the enum are left to the `schema` rule; bare Pods may use any policy.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object ("Unsupported value: "Never": supported values:
    /// "Always"", or for a Job "Required value: valid values: "OnFailure", "Never"").
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: migrate
    /// spec:
    ///   template:
    ///     spec:
    ///       containers: [{name: migrate, image: "tool:1.0"}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   template:
    ///     spec:
    ///       restartPolicy: OnFailure
    ///       containers: [{name: migrate, image: "tool:1.0"}]
    /// ```
    ///
    /// ## References
    /// - Pod lifecycle: container restart policy: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy
    /// - Workload management: https://kubernetes.io/docs/concepts/workloads/controllers/
    pub static RESTART_POLICY = {
        id: "restart-policy",
        severity: Error,
        category: Workload,
        summary: "the pod template's restartPolicy is not one the controller accepts",
        help: "use Always for long-running controllers, OnFailure or Never for Jobs and CronJobs",
        scope: Object,
    }
}

/// Checks the template's restart policy per controller kind.
pub struct RestartPolicy;

impl Rule for RestartPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &RESTART_POLICY
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let spec = &template.spec;
        let at = spec.pointer.key("restartPolicy");
        let kind = &object.kind;
        if template.kind.has_selector() {
            if let Some(policy @ ("OnFailure" | "Never")) = spec.restart_policy() {
                out.push(RESTART_POLICY.at(object.id,
                    at,
                    format!("a {kind} keeps its pods running: restartPolicy must be Always, not {policy}"),
                ));
            }
        } else if template.kind.is_batch() {
            // The Job spec holds the template: `spec` of a Job, `spec.jobTemplate.spec` of a CronJob.
            let job_spec = template.pointer.parent().unwrap_or_else(Pointer::root);
            let failure_policy = object
                .at(job_spec.key("podFailurePolicy").as_str())
                .is_some_and(|v| !v.is_null());
            // Missing, null and "" are all defaulted to Always; other types are the schema's.
            let unset = spec
                .get("restartPolicy")
                .is_none_or(|v| v.is_null() || v.as_str() == Some(""));
            match spec.restart_policy() {
                _ if unset => {
                    // Point at the empty value when there is one, else at the spec.
                    let node = if spec.get("restartPolicy").is_some() {
                        at
                    } else {
                        spec.pointer.clone()
                    };
                    out.push(RESTART_POLICY.at(object.id,
                        node,
                        format!("a {kind}'s pod template needs restartPolicy OnFailure or Never; left unset or empty it defaults to Always, which the API server rejects"),
                    ));
                }
                Some("Always") => out.push(RESTART_POLICY.at(object.id,
                    at,
                    format!("a {kind}'s pods run to completion: restartPolicy must be OnFailure or Never, not Always"),
                )),
                Some("OnFailure") if failure_policy => out.push(RESTART_POLICY.at(object.id,
                    at,
                    "a Job with a podFailurePolicy must use restartPolicy Never",
                )),
                _ => {}
            }
        }
    }
}
