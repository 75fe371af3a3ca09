//! `pkg/apis/rbac/validation/validation.go`: policy rules, role references and subjects.

use crate::base::value::Value;

use super::{Errors, list};
use crate::base::Pointer;
use crate::model::Object;

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// `ValidateRole` / `ValidateClusterRole` → `ValidatePolicyRule`.
pub fn role(object: &Object, errs: &mut Errors) {
    let namespaced = object.kind == "Role";
    let Some(rules) = object.at("/rules").and_then(Value::as_array) else {
        return;
    };
    for (i, rule) in rules.iter().enumerate() {
        let at = Pointer::root().key("rules").index(i);
        if list(rule, "verbs").is_empty() {
            errs.required(
                "rbac-rule",
                at.key("verbs"),
                "verbs must contain at least one value",
            );
        }
        let urls = list(rule, "nonResourceURLs");
        if !urls.is_empty() {
            let value = Value::from(urls.to_vec());
            if namespaced {
                errs.invalid(
                    "rbac-rule",
                    at.key("nonResourceURLs"),
                    &value,
                    "namespaced rules cannot apply to non-resource URLs",
                );
            }
            if ["apiGroups", "resources", "resourceNames"]
                .iter()
                .any(|k| !list(rule, k).is_empty())
            {
                errs.invalid(
                    "rbac-rule",
                    at.key("nonResourceURLs"),
                    &value,
                    "rules cannot apply to both regular resources and non-resource URLs",
                );
            }
            continue;
        }
        if list(rule, "apiGroups").is_empty() {
            errs.required(
                "rbac-rule",
                at.key("apiGroups"),
                "resource rules must supply at least one api group",
            );
        }
        if list(rule, "resources").is_empty() {
            errs.required(
                "rbac-rule",
                at.key("resources"),
                "resource rules must supply at least one resource",
            );
        }
    }
}

/// `ValidateRoleBinding` / `ValidateClusterRoleBinding` → roleRef checks and
/// `ValidateRoleBindingSubject`.
pub fn binding(object: &Object, errs: &mut Errors) {
    let namespaced = object.kind == "RoleBinding";
    let root = Pointer::root();
    if let Some(r) = object.at("/roleRef").filter(|r| r.is_object()) {
        let at = root.key("roleRef");
        if let Some(g) = r
            .get("apiGroup")
            .filter(|g| g.as_str().is_some_and(|g| g != RBAC_GROUP))
        {
            errs.not_supported("rbac-binding", at.key("apiGroup"), g, &[RBAC_GROUP]);
        }
        let kinds: &[&str] = if namespaced {
            &["Role", "ClusterRole"]
        } else {
            &["ClusterRole"]
        };
        if let Some(k) = r
            .get("kind")
            .filter(|k| k.as_str().is_some_and(|k| !kinds.contains(&k)))
        {
            errs.not_supported("rbac-binding", at.key("kind"), k, kinds);
        }
        if r.get("name").and_then(Value::as_str) == Some("") {
            errs.required("rbac-binding", at.key("name"), "");
        }
    }
    for (i, s) in list(&object.value, "subjects").iter().enumerate() {
        let at = root.key("subjects").index(i);
        let group = s.get("apiGroup").and_then(Value::as_str).unwrap_or("");
        match s.get("kind").and_then(Value::as_str) {
            Some("ServiceAccount") => {
                if !group.is_empty() {
                    errs.not_supported(
                        "rbac-subject",
                        at.key("apiGroup"),
                        &Value::from(group),
                        &[""],
                    );
                }
                let ns = s.get("namespace").and_then(Value::as_str).unwrap_or("");
                if !namespaced && ns.is_empty() {
                    errs.required("rbac-subject", at.key("namespace"), "");
                }
            }
            // An empty apiGroup is defaulted to the RBAC group (SetDefaults_Subject).
            Some("User" | "Group") if !group.is_empty() && group != RBAC_GROUP => {
                errs.not_supported(
                    "rbac-subject",
                    at.key("apiGroup"),
                    &Value::from(group),
                    &[RBAC_GROUP],
                );
            }
            Some("User" | "Group") => {}
            Some(other) => {
                errs.not_supported(
                    "rbac-subject",
                    at.key("kind"),
                    &Value::from(other),
                    &["ServiceAccount", "User", "Group"],
                );
            }
            None => {}
        }
    }
}
