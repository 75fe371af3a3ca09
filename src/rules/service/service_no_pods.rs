use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, PodTemplate};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::{
    Selected, nearest_miss, selected, unusable_template_labelled,
};

declare_rule! {
    /// ## What it does
    /// Reports a Service whose selector selects the pods of no workload in its namespace
    /// in the inputs. Like the Endpoints controller, a Service selector is a plain
    /// `key: value` map: a pod is selected when it carries every pair. Pods in other
    /// namespaces never count. Services without a selector and ExternalName Services are
    /// left to `service-no-endpoints`. When a workload comes close, the finding names how
    /// its pod labels differ. A workload whose template carries the selected labels but
    /// has no pod `spec` (so it runs no pods) is the root cause and is reported by
    /// `schema`; the Service is then not reported too.
    ///
    /// ## Why is this bad?
    /// The Service gets no endpoints: every connection to it fails, usually because of a
    /// typo in a label or a label changed on one side only.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata: {name: web}
    /// spec:
    ///   selector: {app: web}
    ///   ports: [{port: 80, targetPort: 8080}]
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   selector: {matchLabels: {app: web-v2}}
    ///   template:
    ///     metadata: {labels: {app: web-v2}}
    ///     spec: {containers: [{name: web, image: "nginx:1.27"}]}
    /// ```
    ///
    /// Use instead: make the Service's selector and the pod template's labels agree
    /// (`selector: {app: web-v2}`).
    ///
    /// ## References
    /// - Service: https://kubernetes.io/docs/concepts/services-networking/service/
    /// - Label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
    pub static SERVICE_NO_PODS = {
        id: "service-no-pods",
        severity: Warning,
        category: Service,
        summary: "a Service selects no pods in the inputs",
        help: "make the selector match the labels of the pods this Service should reach",
    }
}

/// Looks up the Service's pods through the label index.
pub struct ServiceNoPods;

impl Rule for ServiceNoPods {
    fn meta(&self) -> &'static RuleMeta {
        &SERVICE_NO_PODS
    }

    fn check_object(&self, cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        let Some(Selected {
            selector,
            workloads,
            ..
        }) = selected(cx.graph, object)
        else {
            return;
        };
        if !workloads.is_empty() {
            return;
        }
        // A workload whose template carries the labels but cannot run pods (no pod spec)
        // is the one root cause, and the schema reports it: not this rule.
        let ns = object.namespace.as_deref();
        if unusable_template_labelled(cx.graph, object, ns, &selector) {
            return;
        }
        let mut d = SERVICE_NO_PODS.at(
            object.id,
            Pointer::root().path("spec/selector"),
            format!(
                "Service {} selects no pods: no workload in namespace {} has pods labelled {}",
                object.name,
                ns.unwrap_or("default"),
                selector.describe()
            ),
        );
        if let Some((near, why)) = nearest_miss(cx.graph, object, &selector) {
            let at = PodTemplate::of(near)
                .map(|t| t.metadata_pointer().key("labels"))
                .unwrap_or_default();
            d = d.with_related(near.id, at, why);
        }
        out.push(d);
    }
}
