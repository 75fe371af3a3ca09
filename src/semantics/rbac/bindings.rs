//! Which roles take effect: those a binding's `roleRef` names, and the ClusterRoles
//! aggregated (by `aggregationRule.clusterRoleSelectors`) into a ClusterRole that does.
//! Built once per run from the bindings' side, through the identity and label indexes.

use std::collections::{HashMap, HashSet};

use crate::base::value::Value;

use super::GROUP;
use crate::base::ObjectId;
use crate::graph::Graph;
use crate::model::Selector;

/// The labels by which the built-in `admin`, `edit` and `view` ClusterRoles (present and
/// usually bound in every cluster) aggregate other ClusterRoles.
const BUILTIN_AGGREGATION_LABELS: &[&str] = &[
    "rbac.authorization.k8s.io/aggregate-to-admin",
    "rbac.authorization.k8s.io/aggregate-to-edit",
    "rbac.authorization.k8s.io/aggregate-to-view",
];

/// How roles are bound in the inputs.
#[derive(Debug, Default)]
pub struct Bindings {
    /// Roles that a binding names directly, with those bindings.
    direct: HashMap<ObjectId, Vec<ObjectId>>,
    /// For a ClusterRole, the ClusterRoles that aggregate it.
    aggregated_into: HashMap<ObjectId, Vec<ObjectId>>,
}

impl Bindings {
    /// Resolves every binding's `roleRef` and every aggregation rule.
    pub fn build(graph: &Graph) -> Bindings {
        let mut out = Bindings::default();
        for kind in ["RoleBinding", "ClusterRoleBinding"] {
            for binding in graph.of_kind(GROUP, kind) {
                let field = |k: &str| {
                    binding
                        .at("/roleRef")
                        .and_then(|r| r.get(k))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                };
                let (ref_kind, name) = (field("kind"), field("name"));
                // A ClusterRoleBinding can only name a ClusterRole; a RoleBinding names a
                // Role of its own namespace or any ClusterRole.
                let role = match (kind, ref_kind) {
                    ("RoleBinding", "Role") => {
                        graph.get(binding, GROUP, "Role", binding.namespace.as_deref(), name)
                    }
                    (_, "ClusterRole") => graph.get(binding, GROUP, "ClusterRole", None, name),
                    _ => None,
                };
                if let Some(role) = role {
                    out.direct.entry(role.id).or_default().push(binding.id);
                }
            }
        }
        for aggregator in graph.of_kind(GROUP, "ClusterRole") {
            let Some(selectors) = aggregator
                .at("/aggregationRule/clusterRoleSelectors")
                .and_then(Value::as_array)
            else {
                continue;
            };
            for s in selectors {
                let Ok(selector) = Selector::from_label_selector(s) else {
                    continue;
                };
                // An empty selector aggregates nothing (the controller skips it).
                if selector.is_empty() {
                    continue;
                }
                for member in graph.objects_labelled(aggregator, None, &selector) {
                    if member.is(GROUP, "ClusterRole") && member.id != aggregator.id {
                        out.aggregated_into
                            .entry(member.id)
                            .or_default()
                            .push(aggregator.id);
                    }
                }
            }
        }
        out
    }

    /// The bindings that name a role directly.
    pub fn bindings_of(&self, role: ObjectId) -> &[ObjectId] {
        self.direct.get(&role).map_or(&[], Vec::as_slice)
    }

    /// Whether a role takes effect: a binding names it, or it is aggregated (at any depth)
    /// into a ClusterRole that is bound or built in.
    pub fn is_bound(&self, graph: &Graph, role: ObjectId) -> bool {
        let mut seen = HashSet::new();
        let mut queue = vec![role];
        while let Some(id) = queue.pop() {
            if !seen.insert(id) {
                continue;
            }
            if self.direct.contains_key(&id) || aggregated_by_builtin(graph, id) {
                return true;
            }
            if let Some(up) = self.aggregated_into.get(&id) {
                queue.extend(up.iter().copied());
            }
        }
        false
    }
}

/// Whether a ClusterRole carries a label that aggregates it into a built-in role.
fn aggregated_by_builtin(graph: &Graph, id: ObjectId) -> bool {
    let role = graph.object(id);
    role.is(GROUP, "ClusterRole")
        && role.labels().is_some_and(|labels| {
            BUILTIN_AGGREGATION_LABELS
                .iter()
                .any(|l| labels.get(l).and_then(Value::as_str) == Some("true"))
        })
}
