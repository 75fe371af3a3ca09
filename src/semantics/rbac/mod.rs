//! RBAC as the authorizer reads it: a PolicyRule grants a request when its verbs,
//! apiGroups and resources each contain the request's value or `*` (`pods/*` covers every
//! subresource of pods); a role takes effect through a RoleBinding or ClusterRoleBinding
//! whose `roleRef` names it, or through aggregation into a ClusterRole that is bound.

mod bindings;

pub use bindings::Bindings;

use crate::base::value::Value;

use crate::base::Pointer;
use crate::model::Object;

/// The API group of Role, ClusterRole and their bindings.
pub const GROUP: &str = "rbac.authorization.k8s.io";

/// Whether an object is a Role or a ClusterRole.
pub fn is_role(object: &Object) -> bool {
    object.is(GROUP, "Role") || object.is(GROUP, "ClusterRole")
}

/// Whether an object is a RoleBinding or a ClusterRoleBinding.
pub fn is_binding(object: &Object) -> bool {
    object.is(GROUP, "RoleBinding") || object.is(GROUP, "ClusterRoleBinding")
}

/// One entry of a role's `rules`.
#[derive(Debug, Clone)]
pub struct PolicyRule<'a> {
    /// Pointer to the entry.
    pub pointer: Pointer,
    /// `verbs`.
    pub verbs: Vec<&'a str>,
    /// `apiGroups`.
    pub api_groups: Vec<&'a str>,
    /// `resources`.
    pub resources: Vec<&'a str>,
    /// `resourceNames` (empty: every name).
    pub resource_names: Vec<&'a str>,
    /// `nonResourceURLs` (ClusterRoles only).
    pub non_resource_urls: Vec<&'a str>,
}

fn strings<'a>(value: &'a Value, field: &str) -> Vec<&'a str> {
    value
        .get(field)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The rules a role writes itself (not those aggregation adds).
pub fn rules_of(role: &Object) -> Vec<PolicyRule<'_>> {
    let Some(list) = role.at("/rules").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, r)| r.is_object())
        .map(|(i, r)| PolicyRule {
            pointer: Pointer::root().key("rules").index(i),
            verbs: strings(r, "verbs"),
            api_groups: strings(r, "apiGroups"),
            resources: strings(r, "resources"),
            resource_names: strings(r, "resourceNames"),
            non_resource_urls: strings(r, "nonResourceURLs"),
        })
        .collect()
}

impl PolicyRule<'_> {
    /// The verbs of `wanted` this rule allows (`*` allows them all).
    pub fn verbs_among<'w>(&self, wanted: &[&'w str]) -> Vec<&'w str> {
        if self.verbs.contains(&"*") {
            return wanted.to_vec();
        }
        wanted
            .iter()
            .copied()
            .filter(|w| self.verbs.contains(w))
            .collect()
    }

    /// Whether the rule covers a group.
    pub fn covers_group(&self, group: &str) -> bool {
        self.api_groups.iter().any(|g| *g == "*" || *g == group)
    }

    /// The resource entry that names `resource` itself (`pods`, `pods/exec`), or
    /// `pods/*` for a subresource; a bare `*` is not counted here.
    pub fn names_resource(&self, resource: &str) -> Option<&str> {
        self.resources.iter().copied().find(|r| {
            *r == resource
                || resource
                    .split_once('/')
                    .is_some_and(|(parent, _)| r.strip_suffix("/*") == Some(parent))
        })
    }

    /// Whether `resources` holds `*`.
    pub fn all_resources(&self) -> bool {
        self.resources.contains(&"*")
    }

    /// Whether a list field holds `*`.
    pub fn wildcard_in(&self, field: &str) -> bool {
        let list = match field {
            "verbs" => &self.verbs,
            "apiGroups" => &self.api_groups,
            "resources" => &self.resources,
            _ => return false,
        };
        list.contains(&"*")
    }

    /// `rules[i]` for messages.
    pub fn describe(&self) -> String {
        let index = self
            .pointer
            .tokens()
            .last()
            .map(|t| t.into_owned())
            .unwrap_or_default();
        format!("rules[{index}]")
    }
}

/// Describes a role for messages: `ClusterRole argocd-server`, `Role web in ns shop`.
pub fn describe_role(role: &Object) -> String {
    match &role.namespace {
        Some(ns) => format!("{} {} in namespace {ns}", role.kind, role.name),
        None => format!("{} {}", role.kind, role.name),
    }
}

#[cfg(test)]
mod tests {
    use super::PolicyRule;
    use crate::base::Pointer;

    fn rule<'a>(verbs: Vec<&'a str>, resources: Vec<&'a str>) -> PolicyRule<'a> {
        PolicyRule {
            pointer: Pointer::root().key("rules").index(2),
            verbs,
            api_groups: vec![""],
            resources,
            resource_names: vec![],
            non_resource_urls: vec![],
        }
    }

    #[test]
    fn subresource_wildcards() {
        let r = rule(vec!["create"], vec!["pods/*"]);
        assert_eq!(r.names_resource("pods/exec"), Some("pods/*"));
        assert_eq!(r.names_resource("pods"), None);
        assert_eq!(r.describe(), "rules[2]");
        let r = rule(vec!["*"], vec!["*"]);
        assert_eq!(r.names_resource("secrets"), None);
        assert!(r.all_resources());
        assert_eq!(r.verbs_among(&["get", "list"]), vec!["get", "list"]);
    }
}
