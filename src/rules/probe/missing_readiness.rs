use serde_json::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Container, Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use super::{ProbeKind, probe};

declare_rule! {
    /// ## What it does
    /// Reports a container without a `readinessProbe` when a Service in the inputs sends
    /// it traffic: the Service (same namespace) selects the pod template's labels, and the
    /// container declares one of the Service's target ports with the same protocol — a
    /// named `targetPort` goes to the first container declaring that name (regular
    /// containers, then sidecars, as the endpoints controller searches), a number to every
    /// container declaring that `containerPort` (`targetPort` defaults to `port`). Containers
    /// that no Service reaches, and pods no Service selects, are not reported.
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
    /// K8S-SEMANTICS.md §C.1 (Service pod selection, readiness and port resolution).
    pub static PROBE_MISSING_READINESS = {
        id: "probe-missing-readiness",
        severity: Warning,
        category: Probe,
        summary: "a container that a Service sends traffic to has no readiness probe",
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

impl Rule for ProbeMissingReadiness {
    fn meta(&self) -> &'static RuleMeta {
        &PROBE_MISSING_READINESS
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(template) = PodTemplate::of(object) else {
            return;
        };
        let services = cx.graph.services_selecting(object);
        if services.is_empty() {
            return;
        }
        let serving: Vec<Container<'_>> = template.spec.serving_containers().collect();
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
    }
}
