use crate::base::Diagnostic;
use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::rbac::{GROUP, PolicyRule};

use super::{check_roles, list};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a Role or ClusterRole that lets its subject gain more than it
    /// was given:
    /// - `escalate` or `bind` on `roles` or `clusterroles`;
    /// - `impersonate` on `users`, `groups` or `serviceaccounts`;
    /// - `create` on `pods` or on a workload kind that creates pods (`deployments`,
    ///   `replicasets`, `statefulsets`, `daemonsets`, `jobs`, `cronjobs`,
    ///   `replicationcontrollers`).
    ///
    /// A verb `*` counts; a rule whose resources are `*` is left to `rbac-wildcard`. A
    /// role that nothing in the inputs binds is reported as info.
    ///
    /// ## Why is this bad?
    /// `escalate` and `bind` bypass RBAC's rule that nobody grants what they do not hold;
    /// `impersonate` acts as any user, group or service account. Whoever creates a pod
    /// chooses its service account and mounts any Secret of the namespace, so `create
    /// pods` (or a Deployment) reaches every credential there and, with a privileged pod,
    /// the node.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["bind", "escalate"]
    /// ```
    ///
    /// Use instead: grant controllers only the verbs they use on the resources they
    /// manage, and keep `bind`, `escalate` and `impersonate` for administrators.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks>
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping>
    pub static RBAC_ESCALATION = {
        id: "rbac-escalation",
        severity: Warning,
        category: Rbac,
        summary: "a role grants escalate, bind, impersonate, or create on pods or workloads",
        help: "remove the escalating verbs, or confine the role to the namespaces and objects it manages",
    }
}

/// Reports escalating grants.
pub struct RbacEscalation;

/// `(API group, resource)`.
type Target = (&'static str, &'static str);

/// The grants this rule looks for: verbs, then the (group, resource) pairs they apply to.
const GRANTS: &[(&[&str], &[Target])] = &[
    (
        &["escalate", "bind"],
        &[(GROUP, "roles"), (GROUP, "clusterroles")],
    ),
    (
        &["impersonate"],
        &[("", "users"), ("", "groups"), ("", "serviceaccounts")],
    ),
    (
        &["create"],
        &[
            ("", "pods"),
            ("", "replicationcontrollers"),
            ("apps", "deployments"),
            ("apps", "replicasets"),
            ("apps", "statefulsets"),
            ("apps", "daemonsets"),
            ("extensions", "deployments"),
            ("extensions", "replicasets"),
            ("extensions", "daemonsets"),
            ("batch", "jobs"),
            ("batch", "cronjobs"),
        ],
    ),
];

fn escalations(rule: &PolicyRule<'_>) -> Vec<String> {
    let mut found = Vec::new();
    for (verbs, targets) in GRANTS {
        let granted = rule.verbs_among(verbs);
        if granted.is_empty() {
            continue;
        }
        let mut resources: Vec<&str> = Vec::new();
        for (group, resource) in *targets {
            if rule.covers_group(group)
                && rule.names_resource(resource).is_some()
                && !resources.contains(resource)
            {
                resources.push(resource);
            }
        }
        if !resources.is_empty() {
            found.push(format!("{} on {}", list(&granted), list(&resources)));
        }
    }
    found
}

impl Rule for RbacEscalation {
    fn meta(&self) -> &'static RuleMeta {
        &RBAC_ESCALATION
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_roles(cx, &RBAC_ESCALATION, out, |rule| {
            if rule.all_resources() {
                return None;
            }
            let found = escalations(rule);
            (!found.is_empty()).then(|| ("verbs", format!("grants {}", found.join("; "))))
        });
    }
}
