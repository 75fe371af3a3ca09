use crate::base::Diagnostic;
use crate::declare_rule;
use crate::rules::{Context, Rule, RuleMeta};

use super::{check_roles, list};

declare_rule! {
    /// ## What it does
    /// Reports each rule of a Role or ClusterRole that grants `create` or `get` on
    /// `pods/exec` or `pods/attach` in the core API group, named directly or through
    /// `pods/*` (a verb `*` counts). A rule whose resources are `*` is left to
    /// `rbac-wildcard`, so one grant gives one finding. A role that nothing in the inputs
    /// binds is reported as info.
    ///
    /// ## Why is this bad?
    /// `kubectl exec` runs a command inside any pod the role reaches, with that pod's
    /// service account, mounted Secrets and network position: it is as good as those
    /// credentials. Older API servers also accept `get` for exec over WebSockets.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/exec"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// Use instead: grant exec only to the people who debug, in the namespaces they own,
    /// or use ephemeral debug containers under audit.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources>
    pub static RBAC_POD_EXEC = {
        id: "rbac-pod-exec",
        severity: Warning,
        category: Rbac,
        summary: "a role grants pods/exec or pods/attach",
        help: "remove exec and attach from roles that workloads use; grant them to people in the namespaces they own",
    }
}

/// Reports exec and attach grants.
pub struct RbacPodExec;

impl Rule for RbacPodExec {
    fn meta(&self) -> &'static RuleMeta {
        &RBAC_POD_EXEC
    }

    fn check_graph(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_roles(cx, &RBAC_POD_EXEC, out, |rule| {
            if rule.all_resources() || !rule.covers_group("") {
                return None;
            }
            let verbs = rule.verbs_among(&["create", "get"]);
            if verbs.is_empty() {
                return None;
            }
            let subresources: Vec<&str> = ["pods/exec", "pods/attach"]
                .into_iter()
                .filter(|r| rule.names_resource(r).is_some())
                .collect();
            if subresources.is_empty() {
                return None;
            }
            Some((
                "resources",
                format!("grants {} on {}", list(&verbs), list(&subresources)),
            ))
        });
    }
}
