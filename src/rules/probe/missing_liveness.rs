use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::{ProbeKind, probe};

declare_rule! {
    /// ## What it does
    /// Reports a regular container of a long-running pod that has no `livenessProbe`.
    /// Not reported: Jobs and CronJobs, bare Pods whose `restartPolicy` is `OnFailure` or
    /// `Never` (they run to completion), init containers and sidecars, and ephemeral
    /// containers. The finding points at the container.
    ///
    /// ## Why is this bad?
    /// Without a liveness probe the kubelet restarts a container only when its process
    /// exits. A deadlocked or wedged process keeps running, keeps its place in the
    /// workload's replica count, and is never restarted.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: "web:1.0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: "web:1.0"
    ///     livenessProbe:
    ///       httpGet: {path: /healthz, port: 8080}
    /// ```
    ///
    /// ## References
    /// - Configure liveness, readiness and startup probes: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    /// - Pod lifecycle: container restart policy: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy
    pub static PROBE_MISSING_LIVENESS = {
        id: "probe-missing-liveness",
        severity: Info,
        category: Probe,
        summary: "a long-running container has no liveness probe",
        help: "add a livenessProbe that fails only when the process must be restarted",
        scope: Object,
    }
}

/// Finds long-running containers without liveness probes.
pub struct ProbeMissingLiveness;

impl Rule for ProbeMissingLiveness {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_MISSING_LIVENESS
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        if template.kind.is_batch()
            || matches!(template.spec.restart_policy(), Some("OnFailure" | "Never"))
        {
            return;
        }
        for c in template.spec.containers() {
            if probe(&c, ProbeKind::Liveness).is_none() {
                out.push(PROBE_MISSING_LIVENESS.at(
                    object.id,
                    c.pointer.clone(),
                    format!("{} has no livenessProbe", c.describe()),
                ));
            }
        }
    }
}
