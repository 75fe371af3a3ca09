use crate::base::value::Value;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::{is_headless, service_selector};

declare_rule! {
    /// ## What it does
    /// Follows a StatefulSet's `spec.serviceName` to the Service of that name in its
    /// namespace and reports when there is none in the inputs, when it is not headless
    /// (`clusterIP: None`), or when its selector does not select the StatefulSet's pods.
    /// A StatefulSet without `serviceName` is left alone (the field is optional).
    ///
    /// ## Why is this bad?
    /// The governing Service gives each pod its stable DNS name
    /// `<pod>.<serviceName>.<namespace>.svc`. Those records exist only for the endpoints of
    /// a headless Service that selects the pods; peers that find each other by these names
    /// (databases, quorum systems) cannot form a cluster without them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: {name: db}
    /// spec:
    ///   serviceName: db
    ///   selector: {matchLabels: {app: db}}
    ///   template:
    ///     metadata: {labels: {app: db}}
    ///     spec: {containers: [{name: db, image: "postgres:16"}]}
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: db}
    /// spec:
    ///   selector: {app: db}
    ///   ports: [{port: 5432}]
    /// ```
    ///
    /// Use instead: make the governing Service headless (`clusterIP: None`); keep a second,
    /// ordinary Service if clients need one load-balanced address.
    ///
    /// ## References
    /// - StatefulSets: stable network ID (the governing Service): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id
    /// - Headless Services: https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
    /// - DNS for Services and Pods: https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
    pub static STATEFULSET_SERVICE = {
        id: "statefulset-service",
        severity: Warning,
        category: Service,
        summary: "a StatefulSet's serviceName is missing, not headless, or does not select its pods",
        help: "point serviceName at a headless Service (clusterIP: None) whose selector matches the StatefulSet's pod labels",
    }
}

/// Checks the governing Service of each StatefulSet.
pub struct StatefulsetService;

impl Rule for StatefulsetService {
    fn meta(&self) -> &'static RuleMeta {
        &STATEFULSET_SERVICE
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !object.is("apps", "StatefulSet") {
            return;
        }
        let Some(name) = object
            .at("/spec/serviceName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            return;
        };
        let at = Pointer::root().path("spec/serviceName");
        let ns = object.namespace.as_deref();
        let Some(svc) = cx.graph.get(object, "", "Service", ns, name) else {
            out.push(STATEFULSET_SERVICE.at(
                object.id,
                at,
                format!(
                    "serviceName {name} names no Service in namespace {} in the inputs",
                    ns.unwrap_or("default")
                ),
            ));
            return;
        };
        if !is_headless(svc) {
            let svc_at = field_or_spec(svc, "clusterIP");
            out.push(
                STATEFULSET_SERVICE
                    .at(
                        object.id,
                        at.clone(),
                        format!(
                            "Service {name} is not headless: its pods get no per-pod DNS records"
                        ),
                    )
                    .with_related(svc.id, svc_at, "set clusterIP: None here"),
            );
        }
        let labels = PodTemplate::of(object).and_then(|t| t.labels());
        let selects = service_selector(svc).is_some_and(|s| s.matches_opt(labels));
        if !selects {
            let svc_at = field_or_spec(svc, "selector");
            out.push(
                STATEFULSET_SERVICE
                    .at(
                        object.id,
                        at,
                        format!(
                            "Service {name} does not select the pods of StatefulSet {}",
                            object.name
                        ),
                    )
                    .with_related(
                        svc.id,
                        svc_at,
                        "this selector does not match the pod template's labels",
                    ),
            );
        }
    }
}

/// `spec.<field>` of a Service when it is written, else `spec` (where it is missing).
fn field_or_spec(svc: &Object, field: &str) -> Pointer {
    let spec = Pointer::root().key("spec");
    if svc.value.get("spec").and_then(|s| s.get(field)).is_some() {
        spec.key(field)
    } else {
        spec
    }
}
