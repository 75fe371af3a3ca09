//! RBAC: what roles grant, read as the authorizer reads them, with each role's bindings
//! resolved through the graph. A risky role that nothing in the inputs binds (directly,
//! or by aggregation into a bound or built-in ClusterRole) is reported as info.

pub use cluster_admin::RBAC_CLUSTER_ADMIN;
pub use escalation::RBAC_ESCALATION;
pub use pod_exec::RBAC_POD_EXEC;
pub use secrets::RBAC_SECRETS;
pub use wildcard::RBAC_WILDCARD;

use super::{Context, RuleMeta};
use crate::base::Pointer;
use crate::base::{Diagnostic, Severity};
use crate::model::Object;
use crate::semantics::rbac::{Bindings, GROUP, PolicyRule, describe_role, is_role, rules_of};

rules! {
    /// The RBAC rules.
    wildcard::RbacWildcard,
    cluster_admin::RbacClusterAdmin,
    pod_exec::RbacPodExec,
    secrets::RbacSecrets,
    escalation::RbacEscalation,
}

/// Runs `grant` on every rule of every checked Role and ClusterRole; each `Some((field,
/// what))` becomes a finding at that field of the rule, lowered to info when nothing
/// binds the role.
pub(crate) fn check_roles(
    cx: &Context<'_>,
    meta: &'static RuleMeta,
    out: &mut Vec<Diagnostic>,
    grant: impl Fn(&PolicyRule<'_>) -> Option<(&'static str, String)>,
) {
    let roles: Vec<&Object> = ["Role", "ClusterRole"]
        .iter()
        .flat_map(|k| cx.graph.of_kind(GROUP, k))
        .filter(|o| !o.context && is_role(o))
        .collect();
    if roles.is_empty() {
        return;
    }
    let bindings = Bindings::build(cx.graph);
    for role in roles {
        let found: Vec<(Pointer, String)> = rules_of(role)
            .iter()
            .filter_map(|rule| {
                let (field, what) = grant(rule)?;
                let message = format!("{} {} {what}", describe_role(role), rule.describe());
                Some((rule.pointer.key(field), message))
            })
            .collect();
        if found.is_empty() {
            continue;
        }
        let bound = bindings.is_bound(cx.graph, role.id);
        let first_binding = bindings.bindings_of(role.id).first().copied();
        for (pointer, message) in found {
            let mut d = if bound {
                meta.at(role.id, pointer, message)
            } else {
                meta.at(
                    role.id,
                    pointer,
                    format!("{message}; no binding in the inputs grants this role to anyone"),
                )
                .with_severity(Severity::Info)
            };
            if let Some(b) = first_binding {
                let binding = cx.graph.object(b);
                d = d.with_related(
                    b,
                    Pointer::root().key("roleRef"),
                    format!("bound by {}", binding.display_name()),
                );
            }
            out.push(d);
        }
    }
}

/// `a, b and c` for messages (`""` is the core API group); long lists end with `and N
/// more`.
pub(crate) fn list(items: &[&str]) -> String {
    const SHOWN: usize = 6;
    let shown: Vec<&str> = items
        .iter()
        .take(if items.len() > SHOWN {
            SHOWN - 1
        } else {
            SHOWN
        })
        .map(|i| if i.is_empty() { "\"\" (core)" } else { i })
        .collect();
    let rest = items.len() - shown.len();
    match (shown.as_slice(), rest) {
        ([], _) => String::new(),
        (_, 1..) => format!("{}, and {rest} more", shown.join(", ")),
        ([one], _) => (*one).to_owned(),
        ([init @ .., last], _) => format!("{} and {last}", init.join(", ")),
    }
}
