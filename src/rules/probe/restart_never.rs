use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::{ProbeKind, probe};

declare_rule! {
    /// ## What it does
    /// Reports a `livenessProbe` or `startupProbe` of a regular container in a pod whose
    /// `restartPolicy` is `Never`. Sidecars are not reported: they restart whatever the
    /// pod's policy says.
    ///
    /// ## Why is this bad?
    /// A failing liveness or startup probe kills the container so that it can be
    /// restarted; with `restartPolicy: Never` it is not restarted, and the pod (or the
    /// Job's attempt) fails for good.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   restartPolicy: Never
    ///   containers:
    ///     - name: batch
    ///       image: "tool:1.0"
    ///       livenessProbe:
    ///         exec: {command: [cat, /tmp/alive]}
    /// ```
    ///
    /// Use instead: `restartPolicy: OnFailure`, or drop the liveness probe and let the
    /// Job's `activeDeadlineSeconds` bound the run.
    ///
    /// ## References
    /// - Pod lifecycle: container restart policy: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy
    /// - Jobs: pod template and restart policy: https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-template
    pub static PROBE_RESTART_NEVER = {
        id: "probe-restart-never",
        severity: Warning,
        category: Probe,
        summary: "a liveness probe in a pod whose restartPolicy is Never",
        help: "use restartPolicy OnFailure, or remove the liveness probe",
        scope: Object,
    }
}

/// Finds probes that kill containers that are never restarted.
pub struct ProbeRestartNever;

impl Rule for ProbeRestartNever {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_RESTART_NEVER
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        if template.spec.restart_policy() != Some("Never") {
            return;
        }
        for c in template.spec.containers() {
            for kind in [ProbeKind::Liveness, ProbeKind::Startup] {
                if let Some(p) = probe(&c, kind) {
                    out.push(PROBE_RESTART_NEVER.at(object.id,
                        p.pointer.clone(),
                        format!(
                            "{} of {} kills the container when it fails, and restartPolicy Never means it is never restarted",
                            kind.field(),
                            c.describe()
                        ),
                    ));
                }
            }
        }
    }
}
