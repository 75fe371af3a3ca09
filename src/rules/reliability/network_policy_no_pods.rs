use std::collections::HashSet;

use crate::base::Diagnostic;
use crate::base::Pointer;
use crate::declare_rule;
use crate::model::{Object, Selector};
use crate::semantics::endpoints::pod_workload_ids;
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::namespaces_with_custom_resources;

declare_rule! {
    /// ## What it does
    /// Reports a NetworkPolicy whose `spec.podSelector` selects the pods of no workload
    /// of its namespace in the inputs. An empty selector (`{}`, every pod of the
    /// namespace: a namespace default) is never reported, nor is a policy in a namespace
    /// that holds custom resources: an operator may create the pods it selects (a
    /// `Prometheus` resource becomes a StatefulSet only in the cluster).
    ///
    /// ## Why is this bad?
    /// The policy isolates nothing: the pods it was written for keep accepting every
    /// connection. Usually the workload's labels changed or the policy sits in another
    /// namespace than the pods.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: api}
    /// spec:
    ///   podSelector: {matchLabels: {app: api-server}}
    /// # but the pods are labelled app: api
    /// ```
    ///
    /// Use instead: `podSelector: {matchLabels: {app: api}}`.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/>
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors>
    pub static NETWORK_POLICY_NO_PODS = {
        id: "network-policy-no-pods",
        severity: Warning,
        category: Reliability,
        summary: "a NetworkPolicy's podSelector selects no pods in the inputs",
        help: "make podSelector match the labels of the pods to isolate, in their namespace",
    }
}

/// Looks up each NetworkPolicy's pods through the label index.
pub struct NetworkPolicyNoPods;

impl Rule for NetworkPolicyNoPods {
    fn meta(&self) -> &'static RuleMeta {
        &NETWORK_POLICY_NO_PODS
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let policies: Vec<&Object> = cx
            .graph
            .of_kind("networking.k8s.io", "NetworkPolicy")
            .filter(|o| !o.context)
            .collect();
        if policies.is_empty() {
            return;
        }
        let operated = namespaces_with_custom_resources(cx.graph);
        for object in policies {
            check(cx, object, &operated, out);
        }
    }
}

fn check(
    cx: &Context<'_>,
    object: &Object,
    operated: &HashSet<Option<&str>>,
    out: &mut Vec<Diagnostic>,
) {
    // A missing or unreadable selector is the schema's to report.
    let Some(selector) = object
        .at("/spec/podSelector")
        .and_then(|v| Selector::from_label_selector(v).ok())
    else {
        return;
    };
    if selector.is_empty() {
        return;
    }
    let ns = object.namespace.as_deref();
    if operated.contains(&ns) || !pod_workload_ids(cx.graph, object, ns, &selector).is_empty() {
        return;
    }
    out.push(NETWORK_POLICY_NO_PODS.at(
        object.id,
        Pointer::root().path("spec/podSelector"),
        format!(
            "no workload in namespace {} has pods selected by {}: the policy isolates nothing",
            ns.unwrap_or("default"),
            selector.describe()
        ),
    ));
}
