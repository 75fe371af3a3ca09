use crate::base::value::Value;

use crate::base::Diagnostic;
use crate::base::Pointer;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Context, Rule, RuleMeta};
use crate::semantics::rbac::{GROUP, is_binding};

declare_rule! {
    /// ## What it does
    /// Reports a RoleBinding or ClusterRoleBinding whose `roleRef` is the built-in
    /// ClusterRole `cluster-admin`, and every binding subject that is the group
    /// `system:masters`. The message names the subjects that receive the grant.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` allows every verb on every resource; through a ClusterRoleBinding
    /// in every namespace, through a RoleBinding in its namespace (including creating
    /// RoleBindings there). Members of `system:masters` bypass authorization entirely:
    /// no RBAC rule, webhook or removal of a binding can take their access away.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    /// subjects:
    ///   - {kind: ServiceAccount, name: deployer, namespace: ci}
    /// ```
    ///
    /// Use instead: a ClusterRole with the verbs and resources the subject needs, or the
    /// built-in `admin`/`edit` roles through a RoleBinding in the namespaces it manages.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege>
    pub static RBAC_CLUSTER_ADMIN = {
        id: "rbac-cluster-admin",
        severity: Warning,
        category: Rbac,
        summary: "a binding grants cluster-admin, or binds the system:masters group",
        help: "bind a role with only the permissions the subject needs",
        scope: Object,
    }
}

/// Reports cluster-admin bindings and system:masters subjects.
pub struct RbacClusterAdmin;

fn subjects(binding: &Object) -> Vec<String> {
    binding
        .at("/subjects")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|s| {
                    let f = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("?");
                    match s.get("namespace").and_then(Value::as_str) {
                        Some(ns) => format!("{} {ns}/{}", f("kind"), f("name")),
                        None => format!("{} {}", f("kind"), f("name")),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Rule for RbacClusterAdmin {
    fn meta(&self) -> &'static RuleMeta {
        &RBAC_CLUSTER_ADMIN
    }

    fn check_object(&self, _cx: &Context<'_>, object: &Object, out: &mut Vec<Diagnostic>) {
        if !is_binding(object) || object.group != GROUP {
            return;
        }
        let role_ref = |k: &str| {
            object
                .at("/roleRef")
                .and_then(|r| r.get(k))
                .and_then(Value::as_str)
        };
        if role_ref("kind") == Some("ClusterRole") && role_ref("name") == Some("cluster-admin") {
            let who = subjects(object);
            let scope = if object.kind == "ClusterRoleBinding" {
                "in every namespace".to_owned()
            } else {
                format!(
                    "in namespace {}",
                    object.namespace.as_deref().unwrap_or("default")
                )
            };
            out.push(RBAC_CLUSTER_ADMIN.at(
                object.id,
                Pointer::root().path("roleRef/name"),
                format!(
                    "{} grants cluster-admin (every verb on every resource) {scope} to {}",
                    object.display_name(),
                    if who.is_empty() {
                        "no subject yet".to_owned()
                    } else {
                        who.join(", ")
                    }
                ),
            ));
        }
        let list = object.at("/subjects").and_then(Value::as_array);
        for (i, s) in list.into_iter().flatten().enumerate() {
            let f = |k: &str| s.get(k).and_then(Value::as_str);
            if f("kind") == Some("Group") && f("name") == Some("system:masters") {
                out.push(RBAC_CLUSTER_ADMIN.at(object.id,
                    Pointer::root().key("subjects").index(i).key("name"),
                    format!(
                        "{} binds the group system:masters, whose members bypass authorization entirely",
                        object.display_name()
                    ),
                ));
            }
        }
    }
}
