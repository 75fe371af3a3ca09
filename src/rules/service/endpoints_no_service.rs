use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};

use super::service_no_endpoints::SERVICE_NAME_LABEL;

declare_rule! {
    /// ## What it does
    /// Reports an Endpoints object with no Service of the same name in its namespace in
    /// the inputs, and an EndpointSlice whose `kubernetes.io/service-name` label names no
    /// such Service.
    ///
    /// ## Why is this bad?
    /// Endpoints are only used through the Service they belong to, found by name (or, for
    /// slices, by that label). A renamed Service leaves its hand-written endpoints behind
    /// and itself without backends.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Endpoints
    /// metadata: {name: legacy-database}
    /// subsets: [{addresses: [{ip: 10.0.0.12}], ports: [{port: 5432}]}]
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: legacy-db}
    /// spec: {ports: [{port: 5432}]}
    /// ```
    ///
    /// Use instead: give the Endpoints the Service's name (`legacy-db`).
    ///
    /// ## References
    /// - Services without selectors: https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
    /// - EndpointSlices: https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
    pub static ENDPOINTS_NO_SERVICE = {
        id: "endpoints-no-service",
        severity: Warning,
        category: Service,
        summary: "an Endpoints object has no Service of the same name",
        help: "name the Endpoints (or the EndpointSlice's kubernetes.io/service-name label) after its Service",
    }
}

/// Looks up the Service an Endpoints object or EndpointSlice belongs to.
pub struct EndpointsNoService;

impl Rule for EndpointsNoService {
    fn meta(&self) -> &'static RuleMeta {
        &ENDPOINTS_NO_SERVICE
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let ns = object.namespace.as_deref();
        let (name, at) = if object.is("", "Endpoints") {
            (object.name.as_str(), Pointer::root().path("metadata/name"))
        } else if object.is("discovery.k8s.io", "EndpointSlice") {
            let Some(name) = object
                .labels()
                .and_then(|l| l.get(SERVICE_NAME_LABEL))
                .and_then(Value::as_str)
            else {
                return;
            };
            (
                name,
                Pointer::root()
                    .path("metadata/labels")
                    .key(SERVICE_NAME_LABEL),
            )
        } else {
            return;
        };
        if name.is_empty() || cx.graph.get(object, "", "Service", ns, name).is_some() {
            return;
        }
        out.push(ENDPOINTS_NO_SERVICE.at(
            object.id,
            at,
            format!(
                "{} {} belongs to Service {name}, which is not in namespace {} in the inputs",
                object.kind,
                object.name,
                ns.unwrap_or("default")
            ),
        ));
    }
}
