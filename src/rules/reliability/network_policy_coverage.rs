use std::collections::BTreeMap;

use crate::base::Diagnostic;
use crate::declare_rule;
use crate::graph::units::{FirstSeen, Membership};
use crate::model::{Object, PodTemplate, Selector};
use crate::semantics::endpoints::covered_workloads;
use crate::rules::{Context, Rule, RuleMeta};

use super::runs_own_pods;

declare_rule! {
    /// ## What it does
    /// When the inputs hold NetworkPolicies, reports pods that no NetworkPolicy selects
    /// (`spec.podSelector`; an empty selector selects every pod of the namespace):
    /// - in a namespace with policies, each workload whose pods none of them selects;
    /// - a namespace with workloads but no policy at all, once, at its first workload.
    ///
    /// Without any NetworkPolicy in the inputs the rule is silent: the repository does not
    /// use them.
    ///
    /// ## Why is this bad?
    /// A pod that no policy selects accepts traffic from every pod of the cluster and
    /// reaches every destination. Where the rest of the application is isolated, the
    /// unselected workload is the gap an intruder moves through.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: api, namespace: shop}
    /// spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress]}
    /// # the Deployment `worker` in namespace shop (app: worker) is selected by none
    /// ```
    ///
    /// Use instead: a default policy per namespace, then policies that allow what each
    /// workload needs:
    /// ```yaml
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/>
    pub static NETWORK_POLICY_COVERAGE = {
        id: "network-policy-coverage",
        severity: Warning,
        category: Reliability,
        summary: "a workload's pods are selected by no NetworkPolicy while the inputs use NetworkPolicies",
        help: "add a NetworkPolicy (or a namespace default policy) that selects these pods",
    }
}

/// Finds workloads outside every NetworkPolicy.
pub struct NetworkPolicyCoverage;

impl Rule for NetworkPolicyCoverage {
    fn meta(&self) -> &'static RuleMeta {
        &NETWORK_POLICY_COVERAGE
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let policies: Vec<&Object> = cx
            .graph
            .of_kind("networking.k8s.io", "NetworkPolicy")
            .collect();
        if policies.is_empty() {
            return;
        }
        let selecting = policies.iter().filter_map(|np| {
            np.at("/spec/podSelector")
                .and_then(|v| Selector::from_label_selector(v).ok())
                .map(|s| (*np, s))
        });
        let covered = covered_workloads(cx.graph, selecting);
        // Where the policies are, asked per unit in time proportional to its folder's
        // depth: a unit per workload must not make each one walk every policy.
        let units = &cx.graph.units;
        let mut any_policy: FirstSeen<()> = FirstSeen::default();
        let mut by_namespace: BTreeMap<Option<&str>, FirstSeen<()>> = BTreeMap::new();
        for np in &policies {
            let m = cx.graph.membership(np.id);
            any_policy.push(units, m, ());
            by_namespace
                .entry(np.namespace.as_deref())
                .or_default()
                .push(units, m, ());
        }
        let sees_in = |m: Membership, ns: Option<&str>| {
            by_namespace
                .get(&ns)
                .is_some_and(|f| f.first_seen_by(units, m).is_some())
        };
        // Namespaces without any policy: one finding each per unit, at their first workload.
        let mut bare: BTreeMap<(Option<&str>, &str), Vec<&Object>> = BTreeMap::new();
        for w in cx.graph.checked().filter(|o| runs_own_pods(o)) {
            let ns = w.namespace.as_deref();
            let m = cx.graph.membership(w.id);
            if any_policy.first_seen_by(units, m).is_none() {
                continue;
            }
            if !sees_in(m, ns) {
                bare.entry((ns, cx.graph.unit_name(w.id)))
                    .or_default()
                    .push(w);
                continue;
            }
            if covered.contains(&w.id) {
                continue;
            }
            let Some(template) = PodTemplate::of(w) else {
                continue;
            };
            out.push(NETWORK_POLICY_COVERAGE.at(w.id,
                template.metadata_pointer(),
                format!(
                    "no NetworkPolicy of namespace {} selects the pods of {}: they accept and send any traffic",
                    ns.unwrap_or("default"),
                    w.display_name()
                ),
            ));
        }
        for ((ns, _), workloads) in bare {
            let Some(first) = workloads.first() else {
                continue;
            };
            let m = cx.graph.membership(first.id);
            let where_ = by_namespace
                .keys()
                .filter(|&&n| sees_in(m, n))
                .map(|n| n.unwrap_or("default"))
                .collect::<Vec<_>>()
                .join(", ");
            let Some(template) = PodTemplate::of(first) else {
                continue;
            };
            let others = match workloads.len() {
                1 => String::new(),
                n => format!(" and {} other workload(s)", n - 1),
            };
            out.push(NETWORK_POLICY_COVERAGE.at(first.id,
                template.metadata_pointer(),
                format!(
                    "namespace {} has no NetworkPolicy, while the inputs have some in namespace {where_}: the pods of {}{others} there accept and send any traffic",
                    ns.unwrap_or("default"),
                    first.display_name()
                ),
            ));
        }
    }
}
