use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::probes;

declare_rule! {
    /// ## What it does
    /// Reports a liveness, readiness or startup probe that sets no handler, or more than
    /// one, among `exec`, `httpGet`, `tcpSocket` and `grpc`. A probe without a handler is
    /// reported at the probe; one with several, at the second handler (the first is
    /// related).
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod: "must specify a handler type" or "may not specify
    /// more than 1 handler type". A probe that only sets timings (often left after an
    /// edit) is such a probe.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    ///   tcpSocket: {port: 8080}
    /// ```
    ///
    /// Use instead: keep one handler.
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /healthz, port: 8080}
    /// ```
    ///
    /// ## References
    /// - Configure liveness, readiness and startup probes: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    /// - Pod API reference (containers, volumes, probes): https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
    pub static PROBE_HANDLER = {
        id: "probe-handler",
        severity: Error,
        category: Probe,
        summary: "a probe has no handler or more than one",
        help: "give the probe exactly one of exec, httpGet, tcpSocket or grpc",
        scope: Object,
    }
}

/// Counts each probe's handlers.
pub struct ProbeHandler;

impl Rule for ProbeHandler {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_HANDLER
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        for c in template.spec.all_containers() {
            for p in probes(&c) {
                let handlers = p.handlers();
                let field = p.kind.field();
                match handlers.as_slice() {
                    [] => out.push(PROBE_HANDLER.at(object.id,
                        p.pointer.clone(),
                        format!(
                            "{field} of {} has no handler (exec, httpGet, tcpSocket or grpc)",
                            c.describe()
                        ),
                    )),
                    [_] => {}
                    [first, second, ..] => out.push(
                        PROBE_HANDLER.at(object.id,
                            p.pointer.key(second),
                            format!(
                                "{field} of {} sets {} handlers ({}); a probe takes exactly one",
                                c.describe(),
                                handlers.len(),
                                handlers.join(", ")
                            ),
                        )
                        .with_related(
                            object.id,
                            p.pointer.key(first),
                            "first handler",
                        ),
                    ),
                }
            }
        }
    }
}
