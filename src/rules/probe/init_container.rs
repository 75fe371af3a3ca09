use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{ContainerKind, Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::probes;

declare_rule! {
    /// ## What it does
    /// Reports a `livenessProbe`, `readinessProbe` or `startupProbe` on an init container
    /// that is not a sidecar. Sidecars (init containers with `restartPolicy: Always`) keep
    /// running beside the app and may have probes.
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod ("may not be set for init containers without
    /// restartPolicy=Always"). An ordinary init container runs to completion before the
    /// app starts, so there is nothing to probe.
    ///
    /// ## Example
    /// ```yaml
    /// initContainers:
    ///   - name: migrate
    ///     image: "tool:1.0"
    ///     readinessProbe:
    ///       exec: {command: [test, -f, /done]}
    /// ```
    ///
    /// Use instead: drop the probe, or make the container a sidecar with
    /// `restartPolicy: Always` if it is meant to keep running.
    ///
    /// ## References
    /// - Init containers: https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
    /// - Sidecar containers: https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
    pub static PROBE_INIT_CONTAINER = {
        id: "probe-init-container",
        severity: Error,
        category: Probe,
        summary: "an init container that is not a sidecar has a probe",
        help: "remove the probe, or set restartPolicy: Always on the init container to make it a sidecar",
        scope: Object,
    }
}

/// Looks for probes on run-to-completion init containers.
pub struct ProbeInitContainer;

impl Rule for ProbeInitContainer {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_INIT_CONTAINER
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.containers_of(ContainerKind::Init) {
            if c.is_sidecar() {
                continue;
            }
            for p in probes(&c) {
                out.push(PROBE_INIT_CONTAINER.at(
                    object.id,
                    p.pointer.clone(),
                    format!(
                        "{} is not a sidecar (restartPolicy: Always), so it may not have a {}",
                        c.describe(),
                        p.kind.field()
                    ),
                ));
            }
        }
    }
}
