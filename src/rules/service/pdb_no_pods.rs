use std::collections::HashSet;

use crate::base::{Diagnostic, Pointer};
use crate::declare_rule;
use crate::model::{Object, Selector};
use crate::rules::{Context, Rule, RuleMeta};

use crate::semantics::endpoints::namespaces_with_custom_resources;
use crate::semantics::endpoints::pod_workload_ids;

declare_rule! {
    /// ## What it does
    /// Reports a PodDisruptionBudget whose `spec.selector` (matchLabels and
    /// matchExpressions) selects the pods of no workload in its namespace in the inputs,
    /// or that has no selector at all. In policy/v1 an empty selector `{}` selects every
    /// pod of the namespace. A budget in a namespace that holds custom resources is not
    /// reported when it selects nothing: an operator may create the pods it protects (a
    /// `Prometheus` resource becomes a StatefulSet only in the cluster).
    ///
    /// ## Why is this bad?
    /// The budget protects nothing: a node drain evicts the pods it was meant to keep
    /// available, all at once.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata: {name: web}
    /// spec:
    ///   minAvailable: 1
    ///   selector: {matchLabels: {app: website}}
    /// # but the pods are labelled app: web
    /// ```
    ///
    /// Use instead: `selector: {matchLabels: {app: web}}`.
    ///
    /// ## References
    /// - Specifying a Disruption Budget for your Application: https://kubernetes.io/docs/tasks/run-application/configure-pdb/
    /// - Label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
    pub static PDB_NO_PODS = {
        id: "pdb-no-pods",
        severity: Warning,
        category: Service,
        summary: "a PodDisruptionBudget selects no pods in the inputs",
        help: "make the selector match the labels of the pods the budget should protect",
    }
}

/// Looks up the pods of each PDB through the label index.
pub struct PdbNoPods;

impl Rule for PdbNoPods {
    fn meta(&self) -> &'static RuleMeta {
        &PDB_NO_PODS
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let budgets: Vec<&Object> = cx
            .graph
            .of_kind("policy", "PodDisruptionBudget")
            .filter(|o| !o.context)
            .collect();
        if budgets.is_empty() {
            return;
        }
        // Once per run, not per budget.
        let operated = namespaces_with_custom_resources(cx.graph);
        for object in budgets {
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
        let ns = object.namespace.as_deref();
        let Some(value) = object.at("/spec/selector").filter(|v| !v.is_null()) else {
            out.push(PDB_NO_PODS.at(
                object.id,
                Pointer::root().key("spec"),
                "this PodDisruptionBudget has no selector: it selects no pods",
            ));
            return;
        };
        // An unreadable selector is the schema's to report.
        let Ok(selector) = Selector::from_label_selector(value) else {
            return;
        };
        if operated.contains(&ns) || !pod_workload_ids(cx.graph, object, ns, &selector).is_empty() {
            return;
        }
        out.push(PDB_NO_PODS.at(
            object.id,
            Pointer::root().path("spec/selector"),
            format!(
                "no workload in namespace {} has pods selected by {}",
                ns.unwrap_or("default"),
                if selector.is_empty() {
                    "{}".to_owned()
                } else {
                    selector.describe()
                }
            ),
        ));
}
