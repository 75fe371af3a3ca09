use serde_json::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Container, Object, PodTemplate, WorkloadKind};
use crate::rules::{Context, Rule, RuleMeta};

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

/// A Service port's target, resolved enough to compare with container ports.
enum Target<'a> {
    Name(&'a str),
    Number(i64),
}

fn target(port: &Value) -> Option<Target<'_>> {
    match port.get("targetPort") {
        Some(Value::String(s)) if !s.is_empty() => Some(Target::Name(s)),
        Some(Value::Number(n)) if n.as_i64() != Some(0) => n.as_i64().map(Target::Number),
        _ => port.get("port")?.as_i64().map(Target::Number),
    }
}

fn protocol(v: &Value) -> &str {
    v.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
}

/// Whether the container declares the Service port's target.
fn declares(c: &Container<'_>, service_port: &Value) -> bool {
    let Some(t) = target(service_port) else {
        return false;
    };
    let proto = protocol(service_port);
    c.ports().any(|(_, p)| {
        protocol(p) == proto
            && match t {
                Target::Name(name) => p.get("name").and_then(Value::as_str) == Some(name),
                Target::Number(n) => p.get("containerPort").and_then(Value::as_i64) == Some(n),
            }
    })
}

/// Whether traffic for the Service port reaches container `index` of `serving`: a
/// number reaches every container that declares it; a name resolves to the first
/// container that declares it, in the order the endpoints controller searches.
fn serves(serving: &[Container<'_>], index: usize, service_port: &Value) -> bool {
    match target(service_port) {
        Some(Target::Name(_)) => serving
            .iter()
            .position(|c| declares(c, service_port))
            .is_some_and(|first| first == index),
        Some(Target::Number(_)) => serving
            .get(index)
            .is_some_and(|c| declares(c, service_port)),
        None => false,
    }
}

/// Whether a Service port's numeric target is declared by none of the serving containers:
/// the traffic still reaches the pod's IP, whichever container listens there.
fn undeclared_number(serving: &[Container<'_>], service_port: &Value) -> bool {
    matches!(target(service_port), Some(Target::Number(_)))
        && !serving.iter().any(|c| declares(c, service_port))
}

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
        let before = out.len();
        for (index, c) in serving.iter().enumerate() {
            if probe(c, ProbeKind::Readiness).is_some() {
                continue;
            }
            let hit = services.iter().find_map(|svc| {
                let ports = svc.at("/spec/ports")?.as_array()?;
                let i = ports.iter().position(|p| serves(&serving, index, p))?;
                Some((svc, i))
            });
            if let Some((svc, i)) = hit {
                out.push(
                    PROBE_MISSING_READINESS
                        .at(
                            object.id,
                            c.pointer.clone(),
                            format!(
                                "{} receives traffic from Service {} but has no readinessProbe",
                                c.describe(),
                                svc.name
                            ),
                        )
                        .with_related(
                            svc.id,
                            Pointer::root().path("spec/ports").index(i),
                            "the Service port that targets it",
                        ),
                );
            }
        }
        // One root cause, one finding: the pod-level cases below only speak when no
        // container was reported above and no container has a readiness probe.
        if out.len() > before || pod_gated {
            return;
        }
        let Some(first) = template.spec.containers().next() else {
            return;
        };
        let undeclared = services.iter().find_map(|svc| {
            let ports = svc.at("/spec/ports")?.as_array()?;
            let i = ports.iter().position(|p| undeclared_number(&serving, p))?;
            Some((svc, i, target(&ports[i])))
        });
        if let Some((svc, i, Some(Target::Number(n)))) = undeclared {
            out.push(
                PROBE_MISSING_READINESS.at(object.id,
                    first.pointer.clone(),
                    format!(
                        "Service {} sends traffic to port {n}, which no container declares; it still reaches the pod, and with no readinessProbe on any container the pod is ready as soon as its containers start",
                        svc.name
                    ),
                )
                .with_related(
                    svc.id,
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
