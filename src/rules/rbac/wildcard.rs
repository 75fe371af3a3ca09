use crate::base::Diagnostic;
use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

use super::{check_roles, list};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a Role or ClusterRole that grants `*` in `verbs`,
    /// `resources` or `apiGroups`, naming the fields and what the rule then grants. A
    /// role that no RoleBinding or ClusterRoleBinding in the inputs binds (directly or
    /// through an aggregating ClusterRole) is reported as info.
    ///
    /// ## Why is this bad?
    /// A wildcard grants everything that exists, and everything added later: new verbs,
    /// new resources, every CustomResourceDefinition installed afterwards. `*` on
    /// resources includes `secrets`, `pods/exec` and the RBAC objects themselves, so the
    /// subject can read every credential and grant itself more.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// rules:
    ///   - apiGroups: ["*"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// Use instead: list the groups, resources and verbs the workload uses:
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "patch"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/rbac/>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    pub static RBAC_WILDCARD = {
        id: "rbac-wildcard",
        severity: Warning,
        category: Rbac,
        summary: "a Role or ClusterRole grants `*` in verbs, resources or apiGroups",
        help: "list the API groups, resources and verbs the subject needs instead of `*`",
    }
}

/// Reports wildcard rules.
pub struct RbacWildcard;

impl Rule for RbacWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &RBAC_WILDCARD
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_roles(cx, &RBAC_WILDCARD, out, |rule| {
            let fields: Vec<&'static str> = ["verbs", "resources", "apiGroups"]
                .into_iter()
                .filter(|f| rule.wildcard_in(f))
                .collect();
            let first = *fields.first()?;
            let show = |v: &[&str]| {
                if v.contains(&"*") {
                    "*".to_owned()
                } else {
                    list(v)
                }
            };
            let target = if rule.resources.is_empty() && !rule.non_resource_urls.is_empty() {
                format!("non-resource URLs {}", show(&rule.non_resource_urls))
            } else {
                format!(
                    "resources {} in apiGroups {}",
                    show(&rule.resources),
                    show(&rule.api_groups)
                )
            };
            Some((
                first,
                format!(
                    "grants `*` in {}: verbs {} on {target}",
                    list(&fields),
                    show(&rule.verbs),
                ),
            ))
        });
    }
}
