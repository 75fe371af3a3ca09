use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use super::ingress_service::{PortRef, backends, is_ingress};
use crate::semantics::endpoints::service_ports;

declare_rule! {
    /// ## What it does
    /// Checks the port of every Ingress backend against the Service it names: a port
    /// number must be one of the Service's `spec.ports[].port` (not a targetPort), a port
    /// name one of its `spec.ports[].name`. Both networking.k8s.io/v1 (`port.number`,
    /// `port.name`) and the v1beta1 `servicePort` (number or name) are read. Backends whose
    /// Service is not in the inputs are left to `ingress-service`.
    ///
    /// ## Why is this bad?
    /// The ingress controller finds no such Service port and has no endpoints to send the
    /// traffic to: requests fail with 503.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: web}
    /// spec:
    ///   defaultBackend: {service: {name: web, port: {number: 8080}}}
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web}
    /// spec:
    ///   selector: {app: web}
    ///   ports: [{name: http, port: 80, targetPort: 8080}]
    /// ```
    ///
    /// Use instead: `port: {number: 80}` or `port: {name: http}`.
    ///
    /// ## References
    /// - Ingress: rules and backends: https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules
    /// - Service: port definitions and named target ports: https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
    pub static INGRESS_SERVICE_PORT = {
        id: "ingress-service-port",
        severity: Error,
        category: Service,
        summary: "an Ingress backend's port is not a port of its Service",
        help: "use a `port` number or a port `name` from the Service's spec.ports",
    }
}

/// Resolves each backend port against its Service.
pub struct IngressServicePort;

impl Rule for IngressServicePort {
    fn meta(&self) -> &'static RuleMeta {
        &INGRESS_SERVICE_PORT
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !is_ingress(object) {
            return;
        }
        let ns = object.namespace.as_deref();
        for b in backends(object) {
            let Some(port) = &b.port else { continue };
            let Some(svc) = cx.graph.get(object, "", "Service", ns, &b.service) else {
                continue;
            };
            let ports = service_ports(svc);
            let found = ports.iter().any(|p| match port {
                PortRef::Number(n) => p.port == Some(*n),
                PortRef::Name(name) => p.name.as_deref() == Some(name.as_str()),
            });
            // An ExternalName Service without ports forwards whatever port is asked for.
            let external_open = ports.is_empty()
                && svc.at("/spec/type").and_then(Value::as_str) == Some("ExternalName");
            if found || external_open {
                continue;
            }
            let declared: Vec<String> = ports
                .iter()
                .map(|p| {
                    let n = p.port.map_or_else(|| "?".to_owned(), |n| n.to_string());
                    match &p.name {
                        Some(name) => format!("{n} ({name})"),
                        None => n,
                    }
                })
                .collect();
            let what = match port {
                PortRef::Number(n) => format!("port {n}"),
                PortRef::Name(name) => format!("port name {name}"),
            };
            let svc_at = if svc.at("/spec/ports").is_some() {
                Pointer::root().path("spec/ports")
            } else {
                Pointer::root().key("spec")
            };
            out.push(
                INGRESS_SERVICE_PORT
                    .at(
                        object.id,
                        b.port_at,
                        format!("{what} is not a port of Service {}", b.service),
                    )
                    .with_related(
                        svc.id,
                        svc_at,
                        if declared.is_empty() {
                            "the Service declares no ports".to_owned()
                        } else {
                            format!("the Service declares ports {}", declared.join(", "))
                        },
                    ),
            );
        }
    }
}
