use std::collections::HashMap;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::service_ports;

declare_rule! {
    /// ## What it does
    /// Reports a Service whose `spec.ports` repeats a `port` with the same protocol
    /// (default TCP) or repeats a `name`, and, when there is more than one port, every
    /// port without a name. The later entry is reported, the earlier one is related.
    ///
    /// ## Why is this bad?
    /// The API server rejects the Service: `(protocol, port)` pairs and names must be
    /// unique, and with several ports each needs a name (Endpoints and SRV records are
    /// keyed by it).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web}
    /// spec:
    ///   selector: {app: web}
    ///   ports:
    ///     - {name: http, port: 80, targetPort: 8080}
    ///     - {name: http, port: 80, targetPort: 8443}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   ports:
    ///     - {name: http, port: 80, targetPort: 8080}
    ///     - {name: https, port: 443, targetPort: 8443}
    /// ```
    ///
    /// ## References
    /// - Service: multi-port Services (port names): https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services
    /// - Service: port definitions and named target ports: https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
    pub static SERVICE_DUPLICATE_PORT = {
        id: "service-duplicate-port",
        severity: Error,
        category: Service,
        summary: "a Service repeats a port, a port name, or leaves a port unnamed",
        help: "give every Service port a unique name and a unique port+protocol",
        scope: Object,
    }
}

/// Checks `spec.ports` of each Service.
pub struct ServiceDuplicatePort;

impl Rule for ServiceDuplicatePort {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICE_DUPLICATE_PORT
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("", "Service") {
            return;
        }
        let ports = service_ports(object);
        let mut numbers: HashMap<(i64, &str), usize> = HashMap::new();
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (i, p) in ports.iter().enumerate() {
            if let Some(n) = p.port {
                if let Some(&first) = numbers.get(&(n, p.protocol.as_str())) {
                    out.push(
                        SERVICE_DUPLICATE_PORT
                            .at(
                                object.id,
                                p.pointer.key("port"),
                                format!(
                                    "port {n}/{} is already a port of this Service",
                                    p.protocol
                                ),
                            )
                            .with_related(
                                object.id,
                                ports[first].pointer.key("port"),
                                "first declared here",
                            ),
                    );
                } else {
                    numbers.insert((n, p.protocol.as_str()), i);
                }
            }
            match &p.name {
                Some(name) => {
                    if let Some(&first) = names.get(name.as_str()) {
                        out.push(
                            SERVICE_DUPLICATE_PORT.at(object.id,
                                p.pointer.key("name"),
                                format!("port name {name} is already used by another port of this Service"),
                            )
                            .with_related(
                                object.id,
                                ports[first].pointer.key("name"),
                                "first used here",
                            ),
                        );
                    } else {
                        names.insert(name, i);
                    }
                }
                None if ports.len() > 1 => out.push(SERVICE_DUPLICATE_PORT.at(
                    object.id,
                    p.pointer.clone(),
                    format!(
                        "this Service has {} ports, so every port needs a name",
                        ports.len()
                    ),
                )),
                None => {}
            }
        }
    }
}
