use crate::base::value::Value;

use crate::base::{At, Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an Ingress backend that names a Service which is not in the Ingress's
    /// namespace in the inputs. Every backend is followed: `spec.defaultBackend` and each
    /// `rules[].http.paths[].backend` (`service.name` in networking.k8s.io/v1;
    /// `spec.backend` and `serviceName` in extensions/v1beta1 and
    /// networking.k8s.io/v1beta1). Resource backends are not Services and are skipped.
    ///
    /// ## Why is this bad?
    /// The ingress controller answers 503 (or 404) for every request routed to the
    /// missing Service. An Ingress can only reach Services of its own namespace.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: shop}
    /// spec:
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend: {service: {name: shop-frontend, port: {number: 80}}}
    /// # but the Service is called `frontend`
    /// ```
    ///
    /// Use instead: name the Service as it is defined (`name: frontend`), in the Ingress's
    /// namespace.
    ///
    /// ## References
    /// - Ingress: rules and backends: https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules
    pub static INGRESS_SERVICE = {
        id: "ingress-service",
        severity: Error,
        category: Service,
        summary: "an Ingress backend names a Service that is not in its namespace",
        help: "name a Service that exists in the Ingress's namespace",
    }
}

/// How a backend names the Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortRef {
    /// `port.number` / a numeric `servicePort`: a Service `port`.
    Number(i64),
    /// `port.name` / a string `servicePort`: a Service port `name`.
    Name(String),
}

/// One Service backend of an Ingress.
#[derive(Debug, Clone)]
pub struct Backend {
    /// The Service name.
    pub service: String,
    /// Pointer to the name.
    pub name_at: Pointer,
    /// The port, if given.
    pub port: Option<PortRef>,
    /// Pointer to the port value.
    pub port_at: Pointer,
}

/// Every Service backend of an Ingress, whatever its version.
pub fn backends(ingress: &Object) -> Vec<Backend> {
    let mut out = Vec::new();
    let spec = Pointer::root().key("spec");
    for key in ["defaultBackend", "backend"] {
        read_backend(ingress, &spec.key(key), &mut out);
    }
    let rules = ingress.at("/spec/rules").and_then(Value::as_array);
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let paths = rule.at("/http/paths").and_then(Value::as_array);
        for (j, _) in paths.into_iter().flatten().enumerate() {
            let at = spec
                .key("rules")
                .index(i)
                .path("http/paths")
                .index(j)
                .key("backend");
            read_backend(ingress, &at, &mut out);
        }
    }
    out
}

fn read_backend(ingress: &Object, at: &Pointer, out: &mut Vec<Backend>) {
    let Some(b) = ingress.at(at.as_str()) else {
        return;
    };
    let port_of = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => n.as_i64().map(PortRef::Number),
        Some(Value::String(s)) => Some(match s.parse::<i64>() {
            Ok(n) => PortRef::Number(n),
            Err(_) => PortRef::Name(s.to_string()),
        }),
        _ => None,
    };
    if let Some(name) = b.at("/service/name").and_then(Value::as_str) {
        let port = b.at("/service/port");
        let (port, port_at) = match port.and_then(|p| p.get("number")) {
            Some(n) => (port_of(Some(n)), at.path("service/port/number")),
            None => (
                port.and_then(|p| p.get("name"))
                    .and_then(Value::as_str)
                    .map(|s| PortRef::Name(s.to_owned())),
                at.path("service/port/name"),
            ),
        };
        out.push(Backend {
            service: name.to_owned(),
            name_at: at.path("service/name"),
            port,
            port_at,
        });
    } else if let Some(name) = b.get("serviceName").and_then(Value::as_str) {
        out.push(Backend {
            service: name.to_owned(),
            name_at: at.key("serviceName"),
            port: port_of(b.get("servicePort")),
            port_at: at.key("servicePort"),
        });
    }
}

/// Whether an object is an Ingress of any served group.
pub fn is_ingress(object: &Object) -> bool {
    object.kind == "Ingress" && matches!(object.group.as_str(), "networking.k8s.io" | "extensions")
}

/// Looks up the Service of each backend.
pub struct IngressService;

impl Rule for IngressService {
    fn meta(&self) -> &'static RuleMeta {
        &INGRESS_SERVICE
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !is_ingress(object) {
            return;
        }
        let ns = object.namespace.as_deref();
        for b in backends(object) {
            if b.service.is_empty() || cx.graph.get(object, "", "Service", ns, &b.service).is_some() {
                continue;
            }
            out.push(INGRESS_SERVICE.at(
                object.id,
                b.name_at,
                format!(
                    "Service {} is not in namespace {} in the inputs",
                    b.service,
                    ns.unwrap_or("default")
                ),
            ));
        }
    }
}
