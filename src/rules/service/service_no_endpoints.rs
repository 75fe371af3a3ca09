use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::graph::Graph;
use crate::model::{Object, Selector};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::is_external_name;

declare_rule! {
    /// ## What it does
    /// Reports a Service without a selector (absent, or `{}`, which storage reads back as
    /// none) that is not `type: ExternalName` and has no endpoints of its own in the
    /// inputs: no Endpoints object of the same name and namespace, and no EndpointSlice in
    /// its namespace labelled `kubernetes.io/service-name: <service>`. `default/kubernetes`
    /// (the API server's own Service) is exempt.
    ///
    /// ## Why is this bad?
    /// Without a selector the Endpoints controller leaves the Service alone: someone must
    /// write its endpoints. If nobody does, the Service has no backends. The endpoints may
    /// be managed in the cluster (an operator), hence a warning.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: legacy-db}
    /// spec:
    ///   ports: [{port: 5432}]
    /// ```
    ///
    /// Use instead: add the endpoints, or a selector:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Endpoints
    /// metadata: {name: legacy-db}
    /// subsets:
    ///   - addresses: [{ip: 10.0.0.12}]
    ///     ports: [{port: 5432}]
    /// ```
    ///
    /// ## References
    /// - Services without selectors: https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
    /// - EndpointSlices: https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
    pub static SERVICE_NO_ENDPOINTS = {
        id: "service-no-endpoints",
        severity: Warning,
        category: Service,
        summary: "a Service without a selector has no Endpoints or EndpointSlice",
        help: "add an Endpoints object or an EndpointSlice for this Service, or give it a selector",
    }
}

/// Looks for the Service's own Endpoints and EndpointSlices.
pub struct ServiceNoEndpoints;

/// The label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// Whether a Service has Endpoints or an EndpointSlice of its own in the inputs.
pub fn has_own_endpoints(graph: &Graph, service: &Object) -> bool {
    let ns = service.namespace.as_deref();
    if graph.get(service, "", "Endpoints", ns, &service.name).is_some() {
        return true;
    }
    let by_label = Selector {
        match_labels: vec![(SERVICE_NAME_LABEL.to_owned(), service.name.clone())],
        requirements: Vec::new(),
    };
    graph
        .objects_labelled(service, ns, &by_label)
        .iter()
        .any(|o| o.is("discovery.k8s.io", "EndpointSlice"))
}

impl Rule for ServiceNoEndpoints {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICE_NO_ENDPOINTS
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("", "Service") || is_external_name(object) {
            return;
        }
        let selector = object.at("/spec/selector");
        let selectorless = match selector {
            None | Some(Value::Null) => true,
            Some(Value::Object(m)) => m.is_empty(),
            // Not a map: the schema reports it.
            Some(_) => false,
        };
        // default/kubernetes is the API server's own Service: it writes the endpoints.
        let api_server =
            object.name == "kubernetes" && object.namespace.as_deref() == Some("default");
        if !selectorless || api_server || has_own_endpoints(cx.graph, object) {
            return;
        }
        let at = if selector.is_some() {
            Pointer::root().path("spec/selector")
        } else {
            Pointer::root().key("spec")
        };
        out.push(SERVICE_NO_ENDPOINTS.at(object.id,
            at,
            format!(
                "Service {} has no selector and no Endpoints or EndpointSlice of its own in the inputs: it has no backends unless something in the cluster writes them",
                object.name
            ),
        ));
    }
}
