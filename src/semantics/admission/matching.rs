//! Whether a policy's `matchConstraints` and a binding's `matchResources` select an
//! object offline: resource rules (for the CREATE operation), exclusions, the
//! namespace selector against the labels of the object's Namespace in the inputs, the
//! object selector against its own labels, and `matchPolicy`.

use crate::base::value::{Map, Value};

use crate::graph::Graph;
use crate::model::Object;
use crate::model::object::is_cluster_scoped_builtin;
use crate::model::selector::Selector;

/// The facts about an object that matching needs.
pub struct Target<'a> {
    /// The object.
    pub object: &'a Object,
    /// Its resource name (plural, lower case: `deployments`).
    pub resource: String,
    /// Its namespace (`None` for a cluster-scoped object).
    pub namespace: Option<String>,
    /// The labels of its Namespace: those given in the inputs, plus
    /// `kubernetes.io/metadata.name`, which the API server always sets.
    pub namespace_labels: Map,
    /// The Namespace object of the inputs, if any (`namespaceObject`).
    pub namespace_object: Option<&'a Object>,
}

impl<'a> Target<'a> {
    /// The facts of an object in the graph.
    pub fn of(graph: &'a Graph, object: &'a Object) -> Target<'a> {
        let (resource, cluster_scoped) = resource_of(graph, object);
        let namespace =
            (!cluster_scoped).then(|| object.namespace.clone().unwrap_or_else(|| "default".into()));
        let namespace_object = namespace
            .as_deref()
            .and_then(|ns| graph.get(object, "", "Namespace", None, ns));
        let mut namespace_labels = namespace_object
            .and_then(|n| n.labels())
            .cloned()
            .unwrap_or_default();
        if let Some(ns) = &namespace {
            namespace_labels.insert("kubernetes.io/metadata.name", Value::String(ns.into()));
        }
        Target {
            object,
            resource,
            namespace,
            namespace_labels,
            namespace_object,
        }
    }
}

/// The resource name of an object's kind and whether it is cluster-scoped: from its CRD
/// in the graph, else the built-in convention (lower case plural).
fn resource_of(graph: &Graph, object: &Object) -> (String, bool) {
    if let Some(crd) = crate::semantics::crds::defining(graph, &object.group, &object.kind) {
        let plural = crd
            .at("/spec/names/plural")
            .and_then(Value::as_str)
            .map_or_else(|| plural(&object.kind), str::to_owned);
        let cluster = crd.at("/spec/scope").and_then(Value::as_str) == Some("Cluster");
        return (plural, cluster);
    }
    (
        plural(&object.kind),
        is_cluster_scoped_builtin(&object.group, &object.kind),
    )
}

/// The plural resource name Kubernetes gives a built-in kind.
pub fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower == "endpoints" {
        return lower;
    }
    if let Some(stem) = lower.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if lower.ends_with('s') || lower.ends_with("ch") || lower.ends_with('x') {
        return format!("{lower}es");
    }
    format!("{lower}s")
}

/// Whether a `matchConstraints`/`matchResources` value selects the target. Without
/// `resourceRules`, a policy's constraints select nothing while a binding's resources
/// do not narrow (`rules_required`).
pub fn selects(m: &Value, t: &Target<'_>, rules_required: bool) -> bool {
    let exact = m.get("matchPolicy").and_then(Value::as_str) == Some("Exact");
    let rules = m.get("resourceRules").and_then(Value::as_array);
    let included = match rules {
        Some(list) => list.iter().any(|r| rule_matches(r, t, exact)),
        None => !rules_required,
    };
    if !included {
        return false;
    }
    if let Some(list) = m.get("excludeResourceRules").and_then(Value::as_array) {
        if list.iter().any(|r| rule_matches(r, t, exact)) {
            return false;
        }
    }
    if t.namespace.is_some() && !selector_matches(m.get("namespaceSelector"), &t.namespace_labels) {
        return false;
    }
    let empty = Map::new();
    selector_matches(m.get("objectSelector"), t.object.labels().unwrap_or(&empty))
}

/// An absent selector selects everything; one that does not parse selects nothing.
fn selector_matches(selector: Option<&Value>, labels: &Map) -> bool {
    match selector {
        None | Some(Value::Null) => true,
        Some(s) => Selector::from_label_selector(s).is_ok_and(|s| s.matches(labels)),
    }
}

fn listed(rule: &Value, field: &str, want: &str) -> bool {
    rule.get(field).and_then(Value::as_array).is_some_and(|l| {
        l.iter()
            .filter_map(Value::as_str)
            .any(|v| v == "*" || v == want)
    })
}

fn rule_matches(rule: &Value, t: &Target<'_>, exact: bool) -> bool {
    let o = t.object;
    let version = o.api_version.rsplit('/').next().unwrap_or(&o.api_version);
    let resource_ok = rule
        .get("resources")
        .and_then(Value::as_array)
        .is_some_and(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .any(|r| r == "*" || r == "*/*" || r == t.resource)
        });
    let scope_ok = match rule.get("scope").and_then(Value::as_str) {
        Some("Cluster") => t.namespace.is_none(),
        Some("Namespaced") => t.namespace.is_some(),
        _ => true,
    };
    let names_ok = match rule.get("resourceNames").and_then(Value::as_array) {
        Some(names) if !names.is_empty() => names.iter().any(|n| n.as_str() == Some(&o.name)),
        _ => true,
    };
    listed(rule, "apiGroups", &o.group)
        // Equivalent (the default) also matches the same resource in another version.
        && (!exact || listed(rule, "apiVersions", version))
        && resource_ok
        && listed(rule, "operations", "CREATE")
        && scope_ok
        && names_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_of_builtin_kinds() {
        assert_eq!(plural("Deployment"), "deployments");
        assert_eq!(plural("Ingress"), "ingresses");
        assert_eq!(plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(plural("Endpoints"), "endpoints");
        assert_eq!(plural("Gateway"), "gateways");
    }
}
