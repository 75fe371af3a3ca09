use serde_json::Value;

use crate::base::{At, Diagnostic, Severity};
use crate::declare_rule;
use crate::model::{ContainerKind, Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::{
    NamedPort, Selected, ServicePort, Target, describe_ports, find_named_port, selected,
    service_ports, serving_containers,
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

impl Rule for ServicePortTarget {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICE_PORT_TARGET
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(Selected { workloads, .. }) = selected(cx.graph, object) else {
            return;
        };
        let templates: Vec<PodTemplate<'_>> = workloads
            .iter()
            .filter_map(|w| PodTemplate::of(w))
            .collect();
        if templates.is_empty() {
            return;
        }
        for port in service_ports(object) {
            match &port.target {
                Some(Target::Name(name)) => check_named(object, &port, name, &templates, out),
                Some(Target::Number(n)) => check_number(object, &port, *n, &templates, out),
                None => {}
            }
        }
    }
}

fn check_named(
    service: &Object,
    port: &ServicePort,
    name: &str,
    templates: &[PodTemplate<'_>],
    out: &mut Vec<Diagnostic>,
) {
    let mut failing = Vec::new();
    let mut related = Vec::new();
    for t in templates {
        match find_named_port(t, name, &port.protocol) {
            NamedPort::Found(..) => {}
            NamedPort::WrongProtocol(c, i, proto) => {
                failing.push(format!("{} {}", t.object.kind, t.object.name));
                related.push((
                    t.object.id,
                    c.pointer.key("ports").index(i),
                    format!(
                        "{} declares port {name} with protocol {proto}, the Service port is {}",
                        c.describe(),
                        port.protocol
                    ),
                ));
            }
            NamedPort::Missing => {
                failing.push(format!("{} {}", t.object.kind, t.object.name));
                let containers = serving_containers(t);
                if containers.is_empty() {
                    related.push((
                        t.object.id,
                        t.spec.pointer.clone(),
                        format!(
                            "pods of {} {} have no containers",
                            t.object.kind, t.object.name
                        ),
                    ));
                }
                // A plain init container has ended before the pod is ready: its ports
                // are never searched, which is worth saying when it declares the name.
                for c in t.spec.containers_of(ContainerKind::Init) {
                    if c.is_sidecar() {
                        continue;
                    }
                    if let Some(i) = c
                        .ports()
                        .find(|(_, p)| p.get("name").and_then(Value::as_str) == Some(name))
                        .map(|(i, _)| i)
                    {
                        related.push((
                            t.object.id,
                            c.pointer.key("ports").index(i),
                            format!(
                                "{} declares port {name}, but only sidecar init containers (restartPolicy: Always) serve",
                                c.describe()
                            ),
                        ));
                    }
                }
                for c in containers {
                    let at = if c.get("ports").is_some() {
                        c.pointer.key("ports")
                    } else {
                        c.pointer.clone()
                    };
                    related.push((
                        t.object.id,
                        at,
                        format!("{} declares {}", c.describe(), describe_ports(&c)),
                    ));
                }
            }
        }
    }
    if failing.is_empty() {
        return;
    }
    let mut d = SERVICE_PORT_TARGET.at(service.id,
        port.pointer.key("targetPort"),
        format!(
            "targetPort \"{name}\" is not a {} port name of any container in the pods of {} selected by Service {}: they get no endpoint for this port",
            port.protocol,
            failing.join(", "),
            service.name
        ),
    );
    for (id, at, msg) in related {
        d = d.with_related(id, at, msg);
    }
    out.push(d);
}

fn check_number(
    service: &Object,
    port: &ServicePort,
    number: i64,
    templates: &[PodTemplate<'_>],
    out: &mut Vec<Diagnostic>,
) {
    let mut failing = Vec::new();
    let mut related = Vec::new();
    for t in templates {
        let containers = serving_containers(t);
        let declared: Vec<i64> = containers
            .iter()
            .flat_map(|c| c.ports())
            .filter_map(|(_, p)| p.get("containerPort").and_then(Value::as_i64))
            .collect();
        if declared.is_empty() || declared.contains(&number) {
            continue;
        }
        failing.push(format!("{} {}", t.object.kind, t.object.name));
        for c in containers.iter().filter(|c| c.ports().next().is_some()) {
            related.push((
                t.object.id,
                c.pointer.key("ports"),
                format!("{} declares {}", c.describe(), describe_ports(c)),
            ));
        }
    }
    if failing.is_empty() {
        return;
    }
    let service_port = port.pointer.key("port");
    let at = if service
        .value
        .at(port.pointer.key("targetPort").as_str())
        .is_some()
    {
        port.pointer.key("targetPort")
    } else {
        service_port
    };
    let mut d = SERVICE_PORT_TARGET.at(service.id,
        at,
        format!(
            "targetPort {number} is not declared by any container in the pods of {} selected by Service {}",
            failing.join(", "),
            service.name
        ),
    )
    .with_severity(Severity::Warning)
    .with_help("use a port the containers declare, or declare this one on the container that listens on it");
    for (id, at, msg) in related {
        d = d.with_related(id, at, msg);
    }
    out.push(d);
}
