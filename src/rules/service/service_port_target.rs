use crate::base::{At, Diagnostic, Pointer, Severity};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::{
    PortMiss, ServicePort, Target, port_misses, selected, service_ports,
};

declare_rule! {
    /// ## What it does
    /// Resolves every port of a Service against the pods it selects, as the Endpoints
    /// controller's `FindPort` does. A named `targetPort` must be the name of a port that
    /// a container declares **with the Service port's protocol** (default TCP); the regular
    /// containers are searched, then sidecar init containers (`restartPolicy: Always`).
    /// A pod where the name resolves nowhere gets no endpoint for that port: an error.
    ///
    /// A numeric `targetPort` (or none: it defaults to `port`) is used as is by the
    /// controller, so it is only a warning when the selected containers declare ports and
    /// none of them is that number.
    ///
    /// ## Why is this bad?
    /// The Service exists and selects the pods, yet connections on that port have nowhere
    /// to go (named ports) or reach a port the application does not listen on.
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
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, labels: {app: web}}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///       ports: [{name: web, containerPort: 8080}]
    /// ```
    ///
    /// Use instead: name the port the container declares (`targetPort: web`), or declare
    /// `name: http` on the container port.
    ///
    /// ## References
    /// - Service: port definitions and named target ports: https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
    pub static SERVICE_PORT_TARGET = {
        id: "service-port-target",
        severity: Error,
        category: Service,
        summary: "a Service targetPort matches no port of the selected containers",
        help: "name a port that the pods' containers declare (with the same protocol), or use a number they declare",
    }
}

/// Resolves each Service port in each selected pod template.
pub struct ServicePortTarget;

/// Workloads a finding names; the rest are counted.
const NAMED: usize = 10;

/// Workloads whose containers a finding shows as related locations.
const SHOWN: usize = 3;

impl Rule for ServicePortTarget {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICE_PORT_TARGET
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(selection) = selected(cx.graph, object) else {
            return;
        };
        for port in service_ports(object) {
            let Some(target) = &port.target else {
                continue;
            };
            let misses = port_misses(cx.graph, &selection, target, &port.protocol);
            if misses.is_empty() {
                continue;
            }
            let d = match target {
                Target::Name(name) => SERVICE_PORT_TARGET.at(
                    object.id,
                    port.pointer.key("targetPort"),
                    format!(
                        "targetPort \"{name}\" is not a {} port name of any container in the pods of {} selected by Service {}: they get no endpoint for this port",
                        port.protocol,
                        workloads(cx, &misses),
                        object.name
                    ),
                ),
                Target::Number(number) => SERVICE_PORT_TARGET
                    .at(
                        object.id,
                        number_at(object, &port),
                        format!(
                            "targetPort {number} is not declared by any container in the pods of {} selected by Service {}",
                            workloads(cx, &misses),
                            object.name
                        ),
                    )
                    .with_severity(Severity::Warning)
                    .with_help("use a port the containers declare, or declare this one on the container that listens on it"),
            };
            out.push(with_related(d, &misses));
        }
    }
}

/// `Deployment a, Deployment b, and 3 more`: the workloads missed, the first few named.
fn workloads(cx: &Context<'_>, misses: &[PortMiss]) -> String {
    let mut names: Vec<String> = misses
        .iter()
        .take(NAMED)
        .map(|m| {
            let w = cx.graph.object(m.workload);
            format!("{} {}", w.kind, w.name)
        })
        .collect();
    if misses.len() > NAMED {
        names.push(format!("and {} more", misses.len() - NAMED));
    }
    names.join(", ")
}

/// The containers of the first few workloads missed: a Service selecting thousands of
/// workloads gets a finding of bounded size.
fn with_related(mut d: Diagnostic, misses: &[PortMiss]) -> Diagnostic {
    for m in misses.iter().take(SHOWN) {
        for (at, msg) in &m.related {
            d = d.with_related(m.workload, at.clone(), msg.clone());
        }
    }
    d
}

/// Where a numeric target is reported: `targetPort` when written, else `port` (which it
/// defaults to).
fn number_at(service: &Object, port: &ServicePort) -> Pointer {
    let target = port.pointer.key("targetPort");
    if service.value.at(target.as_str()).is_some() {
        target
    } else {
        port.pointer.key("port")
    }
}
