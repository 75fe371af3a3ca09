use crate::base::Diagnostic;
use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

use super::{check_roles, list};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a Role or ClusterRole that grants `get`, `list` or `watch` on
    /// `secrets` in the core API group (a verb `*` counts). A rule limited by
    /// `resourceNames` to the Secrets it names is not reported, and a rule whose resources
    /// are `*` is left to `rbac-wildcard`. A role that nothing in the inputs binds is
    /// reported as info.
    ///
    /// ## Why is this bad?
    /// Reading Secrets reads every credential stored in them, including service account
    /// tokens of more privileged accounts. `list` and `watch` return the Secrets' contents
    /// too, not only their names.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// Use instead: mount the Secret the workload needs as a volume, or limit the rule:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     resourceNames: ["web-tls"]
    ///     verbs: ["get"]
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets>
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/>
    pub static RBAC_SECRETS = {
        id: "rbac-secrets",
        severity: Warning,
        category: Rbac,
        summary: "a role grants read access to Secrets",
        help: "mount the Secrets the workload needs, or limit the rule with resourceNames",
    }
}

/// Reports Secret read grants.
pub struct RbacSecrets;

impl Rule for RbacSecrets {
    fn meta(&self) -> &'static RuleMeta {
        &RBAC_SECRETS
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_roles(cx, &RBAC_SECRETS, out, |rule| {
            if rule.all_resources()
                || !rule.resource_names.is_empty()
                || !rule.covers_group("")
                || rule.names_resource("secrets").is_none()
            {
                return None;
            }
            let verbs = rule.verbs_among(&["get", "list", "watch"]);
            (!verbs.is_empty())
                .then(|| ("resources", format!("grants {} on secrets", list(&verbs))))
        });
    }
}
