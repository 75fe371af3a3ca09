use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Container, Object, PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::endpoints::traffic;

use super::{ProbeKind, probe};

declare_rule! {
    /// ## What it does
    /// Reports a container without a `readinessProbe` when a Service in the inputs sends
    /// it traffic: the Service (same namespace) selects the pod template's labels, and the
    /// container declares one of the Service's target ports with the same protocol — a
    /// named `targetPort` goes to the first container declaring that name (regular
    /// containers, then sidecars, as the endpoints controller searches), a number to every
    /// container declaring that `containerPort` (`targetPort` defaults to `port`).
    ///
    /// Two more cases are reported once per pod template, at its first container, when no
    /// container has a readiness probe (one probe gates the whole pod's readiness) and no
    /// container was reported as above:
    /// - a Service sends traffic to a numeric `targetPort` that no container declares:
    ///   declaring ports is optional, the traffic still reaches the pod;
    /// - a Deployment (RollingUpdate strategy, the default) or StatefulSet (RollingUpdate
    ///   update strategy, the default) with at least one replica that no Service selects,
    ///   whose containers declare ports: its rollout moves on when new pods are ready, so
    ///   without a probe it replaces old pods before the new ones can serve. A container
    ///   without ports (a worker) is not reported; nor are DaemonSets, Jobs or bare pods.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a pod is ready as soon as its containers have started, so
    /// the Service sends it requests while the application is still starting, and keeps
    /// sending them when it is overloaded or has lost a dependency. Rolling updates also
    /// move on before new pods can serve.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web}
    /// spec:
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: http}]
    /// ---
    /// # in the Deployment's pod template (labels app: web):
    /// containers:
    ///   - name: web
    ///     image: "web:1.0"
    ///     ports: [{name: http, containerPort: 8080}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     readinessProbe:
    ///       httpGet: {path: /ready, port: http}
    /// ```
    ///
    /// ## References
    /// - Configure liveness, readiness and startup probes: https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    /// - Pod lifecycle: container probes: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes
    /// - Service: https://kubernetes.io/docs/concepts/services-networking/service/
    pub static PROBE_MISSING_READINESS = {
        id: "probe-missing-readiness",
        severity: Warning,
        category: Probe,
        summary: "a container that a Service sends traffic to, or whose rollout waits for readiness, has no readiness probe",
        help: "add a readinessProbe that succeeds only when the container can serve requests",
    }
}

/// Finds served containers without readiness probes.
pub struct ProbeMissingReadiness;

/// Whether the workload's rollout waits for new pods to become ready: a Deployment with
/// the RollingUpdate strategy (the default) or a StatefulSet with the RollingUpdate
/// update strategy (the default), running at least one replica.
fn rollout_gated(template: &PodTemplate<'_>) -> bool {
    let strategy = match template.kind {
        WorkloadKind::Deployment => "/spec/strategy/type",
        WorkloadKind::StatefulSet => "/spec/updateStrategy/type",
        _ => return false,
    };
    let rolling = matches!(
        template.object.at(strategy).and_then(Value::as_str),
        None | Some("" | "RollingUpdate")
    );
    rolling && template.replicas().is_some_and(|r| r > 0)
}

impl Rule for ProbeMissingReadiness {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_MISSING_READINESS
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let serving: Vec<Container<'_>> = template.spec.serving_containers().collect();
        // A readiness probe on any container gates the whole pod's readiness.
        let pod_gated = serving
            .iter()
            .any(|c| probe(c, ProbeKind::Readiness).is_some());
        let services = cx.graph.services_selecting(object);
        let first_ports = traffic::first_port_to_each(cx.graph, &services, &serving);
        let before = out.len();
        for (c, at) in serving.iter().zip(first_ports) {
            if probe(c, ProbeKind::Readiness).is_some() {
                continue;
            }
            let Some((svc, i)) = at else { continue };
            out.push(
                PROBE_MISSING_READINESS
                    .at(
                        object.id,
                        c.pointer.clone(),
                        format!(
                            "{} receives traffic from Service {} but has no readinessProbe",
                            c.describe(),
                            cx.graph.object(svc).name
                        ),
                    )
                    .with_related(
                        svc,
                        Pointer::root().path("spec/ports").index(i),
                        "the Service port that targets it",
                    ),
            );
        }
        // One root cause, one finding: the pod-level cases below only speak when no
        // container was reported above and no container has a readiness probe.
        if out.len() > before || pod_gated {
            return;
        }
        let Some(first) = template.spec.containers().next() else {
            return;
        };
        if let Some(((svc, i), n)) = traffic::first_undeclared_number(cx.graph, &services, &serving) {
            out.push(
                PROBE_MISSING_READINESS.at(object.id,
                    first.pointer.clone(),
                    format!(
                        "Service {} sends traffic to port {n}, which no container declares; it still reaches the pod, and with no readinessProbe on any container the pod is ready as soon as its containers start",
                        cx.graph.object(svc).name
                    ),
                )
                .with_related(
                    svc,
                    Pointer::root().path("spec/ports").index(i),
                    "the Service port that targets the pod",
                ),
            );
            return;
        }
        if services.is_empty() && rollout_gated(&template) {
            // Only a container that serves something on the network needs to say when
            // it is ready; a worker without ports is left alone.
            let Some(c) = serving.iter().find(|c| c.ports().next().is_some()) else {
                return;
            };
            out.push(PROBE_MISSING_READINESS.at(object.id,
                c.pointer.clone(),
                format!(
                    "{} {} rolls out by pod readiness, but no container has a readinessProbe: a new pod counts as ready as soon as its containers start, so old pods are replaced before the new ones can serve",
                    object.kind, object.name
                ),
            ));
        }
    }
}
